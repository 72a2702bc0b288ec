package reporting_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	reportingv1 "github.com/familytime/familytime/proto/gen/go/familytime/reporting/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/eventstore"
)

// emitAs records an event in a service's log as emit does, by an account acting in a role given
// here: an identity provider's account id need not begin with its role, and may be an e-mail
// address.
func (g *rig) emitAs(t testing.TB, service, stream string, msg proto.Message, family, centre uuid.UUID, actor, role string) {
	t.Helper()
	store := g.stores[service]
	loaded, err := store.Load(context.Background(), stream)
	require.NoError(t, err)
	e, err := eventstore.NewEvent(msg, family, centre, eventstore.Metadata{Actor: actor, ActorRole: role})
	require.NoError(t, err)
	_, err = store.Append(context.Background(), stream, int64(len(loaded)), e)
	require.NoError(t, err)
	g.emitted++
}

// Review 41 read a parent's copy of a family whose mother had referred herself: every step it did
// not give bare kept its actor, and the self-referral's was the mother's own account, her e-mail
// address ("wilma.hidden@example.org"), in the copy handed to the father; the staff's accounts
// were there too. A parent's copy names no account (decision 253): each step says the role it was
// taken in, a service's reaction "service", a step given bare no one, and an event recorded
// before roles were no one either. The centre's read keeps every account.
func TestAParentsCopyNamesNoAccount(t *testing.T) {
	g := newRig(t)
	centre, family := g.centre(t, commonv1.Region_REGION_LONDON), uuid.New()
	c, f := centre.String(), family.String()
	referral, booking := uuid.NewString(), uuid.NewString()
	ref, fam := "referral-"+referral, "family-"+f
	const mother, coordinator, volunteer, old = "wilma.hidden@example.org", "sim-coordinator-002", "sim-volunteer-007", "fred.before.roles@example.org"
	supervised := commonv1.ServiceType_SERVICE_TYPE_SUPERVISED
	g.emitAs(t, "referral", ref, &referralv1.ReferralReceived{ReferralId: referral, FamilyId: f, CentreId: c,
		Source: commonv1.ReferralSource_REFERRAL_SOURCE_SELF, ReceivedOn: date(2026, 1, 5)}, family, centre, mother, "referrer")
	g.emitAs(t, "referral", ref, &referralv1.ReferralAccepted{ReferralId: referral, FamilyId: f, CentreId: c, AcceptedOn: date(2026, 1, 6),
		ServiceType: supervised}, family, centre, coordinator, "coordinator")
	g.emitAs(t, "scheduling", fam, &schedulingv1.ReferralNoted{FamilyId: f, CentreId: c, ReferralId: referral,
		Decision: schedulingv1.ReferralDecision_REFERRAL_DECISION_ACCEPTED, ServiceType: supervised, DecidedOn: date(2026, 1, 6)},
		family, centre, "service:scheduling", "")
	g.emitAs(t, "scheduling", fam, &schedulingv1.SessionBooked{BookingId: booking, FamilyId: f, CentreId: c, RoomId: uuid.NewString(),
		SessionDate: date(2026, 2, 3), ServiceType: supervised}, family, centre, coordinator, "coordinator")
	g.emitAs(t, "scheduling", fam, &schedulingv1.PartyArrived{BookingId: booking, FamilyId: f, CentreId: c, Party: schedulingv1.Party_PARTY_VISITING,
		At: timestamppb.New(time.Date(2026, 2, 3, 9, 47, 0, 0, time.UTC))}, family, centre, volunteer, "volunteer")
	// Recorded before roles were: the account alone.
	g.emitAs(t, "scheduling", fam, &schedulingv1.PersonCheckedIn{BookingId: booking, FamilyId: f, CentreId: c}, family, centre, old, "")
	g.settle(t)

	read := func(purpose reportingv1.HistoryReadPurpose) *reportingv1.GetFamilyHistoryResponse {
		h, err := g.coordinator(t, centre).GetFamilyHistory(t.Context(), &reportingv1.GetFamilyHistoryRequest{FamilyId: f, CentreId: c, Purpose: purpose})
		require.NoError(t, err)
		return h
	}
	type by struct{ Words, Actor, Role string }
	steps := func(h *reportingv1.GetFamilyHistoryResponse) []by {
		var out []by
		for _, e := range h.GetEntries() {
			out = append(out, by{e.GetDescription(), e.GetActor(), e.GetActorRole()})
		}
		return out
	}
	require.Equal(t, []by{
		{"Self-referral received from a parent for unspecified contact, 0 children", mother, "referrer"},
		{"Referral accepted on 2026-01-06 for supervised contact", coordinator, "coordinator"},
		{"Scheduling noted the referral accepted", "service:scheduling", ""},
		{"Session booked (supervised) for 2026-02-03", coordinator, "coordinator"},
		{"Arrived at 09:47 on 2026-02-03 (UK time): the visiting parent", volunteer, "volunteer"},
		{"A named person checked in", old, ""},
	}, steps(read(reportingv1.HistoryReadPurpose_HISTORY_READ_PURPOSE_COURT)), "the centre's read keeps every account")

	parent := read(reportingv1.HistoryReadPurpose_HISTORY_READ_PURPOSE_FAMILY_REQUEST)
	require.Equal(t, []by{
		{"Self-referral received from a parent for unspecified contact, 0 children", "", "referrer"},
		{"Referral accepted on 2026-01-06 for supervised contact", "", ""},
		{"Scheduling noted the referral accepted", "", "service"},
		{"Session booked (supervised) for 2026-02-03", "", "coordinator"},
		{"Arrived on 2026-02-03: the visiting parent", "", "volunteer"},
		{"A named person checked in", "", ""},
	}, steps(parent))
	doc, err := protojson.Marshal(parent)
	require.NoError(t, err)
	for _, account := range []string{mother, coordinator, volunteer, old, "service:", "@", `"actor"`} {
		require.False(t, strings.Contains(string(doc), account), "a parent's copy names %q: %s", account, doc)
	}

	v, err := g.coordinator(t, centre).VerifyFamilyHistory(t.Context(), &reportingv1.VerifyFamilyHistoryRequest{FamilyId: f, CentreId: c})
	require.NoError(t, err)
	require.True(t, v.GetVerified(), v.GetReason())
}
