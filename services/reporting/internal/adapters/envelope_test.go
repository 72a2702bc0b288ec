package adapters

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
)

// ReadShown reads what protobuf decodes of an envelope, field by field: with every field, with
// none, with fields unknown to it, and with its metadata and time given twice (merged, as
// protobuf merges an embedded message given again).
func TestReadShownReadsWhatProtobufDecodes(t *testing.T) {
	full := &commonv1.EventEnvelope{EventId: uuid.NewString(), EventType: "familytime.safeguarding.v1.ConcernRaised", SchemaVersion: 1,
		StreamId: "concern-" + uuid.NewString(), StreamVersion: 300, Position: 1 << 40, FamilyId: uuid.NewString(), CentreId: uuid.NewString(),
		Payload: []byte("payload"), Metadata: &commonv1.EventMetadata{Actor: "volunteer-1", CorrelationId: "c", ActorRole: "volunteer"},
		RecordedAt: timestamppb.New(time.Date(2026, 2, 10, 9, 30, 1, 123456789, time.UTC)), Hash: make([]byte, 32)}
	raw, err := proto.Marshal(full)
	require.NoError(t, err)
	unknown := protowire.AppendTag(append([]byte(nil), raw...), 99, protowire.BytesType)
	unknown = protowire.AppendBytes(unknown, []byte("later"))
	unknown = protowire.AppendTag(unknown, 98, protowire.Fixed64Type)
	unknown = protowire.AppendFixed64(unknown, 7)
	again, err := proto.Marshal(&commonv1.EventEnvelope{Metadata: &commonv1.EventMetadata{ActorRole: "safeguarding_lead"},
		RecordedAt: &timestamppb.Timestamp{Nanos: 5}})
	require.NoError(t, err)
	for name, b := range map[string][]byte{"full": raw, "empty": nil, "unknown fields": unknown, "given twice": append(append([]byte(nil), raw...), again...)} {
		want := &commonv1.EventEnvelope{}
		require.NoError(t, proto.Unmarshal(b, want), name)
		var got Shown
		require.NoError(t, ReadShown(b, &got), name)
		require.Equal(t, want.GetEventId(), string(got.EventID), name)
		require.Equal(t, want.GetEventType(), string(got.EventType), name)
		require.Equal(t, want.GetStreamId(), string(got.StreamID), name)
		require.Equal(t, want.GetStreamVersion(), got.Version, name)
		require.Equal(t, want.GetFamilyId(), string(got.FamilyID), name)
		require.Equal(t, want.GetCentreId(), string(got.CentreID), name)
		require.Equal(t, want.GetMetadata().GetActor(), string(got.Actor), name)
		require.Equal(t, want.GetMetadata().GetActorRole(), string(got.ActorRole), name)
		require.True(t, want.GetRecordedAt().AsTime().Equal(got.RecordedAt), "%s: %v", name, got.RecordedAt)
	}
	require.Error(t, ReadShown(raw[:len(raw)-3], new(Shown)), "cut short")
}

func TestServiceOfType(t *testing.T) {
	for typ, want := range map[string]string{
		"familytime.safeguarding.v1.ConcernRaised":  "safeguarding",
		"familytime.scheduling.v12.StaffMemberLeft": "scheduling",
		"familytime.referral.v1":                    "",
		"familytime.common.v1.Something":            "",
		"familytime.referral.x1.ReferralReceived":   "",
		"other.referral.v1.ReferralReceived":        "",
		"":                                          "",
	} {
		require.Equal(t, want, ServiceOfType(typ), typ)
	}
}
