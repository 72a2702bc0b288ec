package relay_test

import (
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	testingv1 "github.com/familytime/familytime/proto/gen/go/familytime/testing/v1"
	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/pgcluster"
	"github.com/familytime/familytime/services/platform/seal"
	"github.com/familytime/familytime/services/platform/testkit"
)

// Test 9 of the foundation issue: a canary in a sealed field appears nowhere in the bytes stored
// in PostgreSQL or carried by JetStream; Open returns it; after Shred, Open fails with
// ErrShredded, every other field still reads, and a pg_dump holds no key that could open it.
// The keys live in a key store database of their own (decision 31): the events database, and so
// its backups, never hold one.
func TestSealedFieldsNeverLeakAndShredErases(t *testing.T) {
	g := newRig(t)
	keys := testkit.Postgres(t)
	keys.Migrate(t, seal.Migrations())
	kek, err := seal.ParseKEK(seal.GenerateKEK())
	require.NoError(t, err)
	ring, err := seal.NewKeyRing("", kek)
	require.NoError(t, err)
	sealer := seal.New(keys.Pool(t), ring)
	g.start(t)
	ctx := t.Context()

	family, centre := uuid.New(), uuid.New()
	canary := "CANARY-" + uuid.NewString()
	// The event's id is chosen before sealing, since a sealed value is bound to it.
	eventID, err := uuid.NewV7()
	require.NoError(t, err)
	sealedName, err := sealer.SealString(ctx, family, seal.At(eventID, "sealed_name"), canary)
	require.NoError(t, err)
	e, err := eventstore.NewEvent(&testingv1.PersonNoted{FamilyId: family.String(), SealedName: sealedName,
		AgeBand: "AGE_BAND_5_TO_10", CentreId: centre.String()}, family, centre, eventstore.Metadata{Actor: "volunteer-7"})
	require.NoError(t, err)
	e.ID = eventID
	_, err = g.store.Append(ctx, "person-1", 0, e)
	require.NoError(t, err)
	require.Eventually(t, func() bool { return streamCount(t, g.js) == 1 }, 30*time.Second, 5*time.Millisecond)

	// Every byte PostgreSQL holds for the event, every byte JetStream carries.
	var row string
	require.NoError(t, g.db.OwnerPool(t).QueryRow(ctx, "SELECT e::text FROM events e").Scan(&row))
	require.NotContains(t, row, canary)
	require.NotContains(t, row, "43414e415259", "not even hex-encoded") // "CANARY"
	stream, err := g.js.Stream(ctx, bus.StreamName(service))
	require.NoError(t, err)
	msg, err := stream.GetMsg(ctx, 1)
	require.NoError(t, err)
	require.NotContains(t, string(msg.Data), canary)
	for k, vs := range msg.Header {
		for _, v := range vs {
			require.NotContains(t, v, canary, "header %s", k)
		}
	}
	require.NotContains(t, msg.Subject, canary)

	// A consumer with the family's key reads it from the message.
	env := &commonv1.EventEnvelope{}
	require.NoError(t, proto.Unmarshal(msg.Data, env))
	noted := &testingv1.PersonNoted{}
	require.NoError(t, proto.Unmarshal(env.GetPayload(), noted))
	require.Equal(t, eventID.String(), env.GetEventId(), "the store keeps the id the service chose")
	where := seal.At(uuid.MustParse(env.GetEventId()), "sealed_name")
	name, err := sealer.OpenString(ctx, family, where, noted.GetSealedName())
	require.NoError(t, err)
	require.Equal(t, canary, name)

	require.NoError(t, sealer.Shred(ctx, family))
	_, err = sealer.OpenString(ctx, family, where, noted.GetSealedName())
	require.ErrorIs(t, err, seal.ErrShredded)
	require.Equal(t, "AGE_BAND_5_TO_10", noted.GetAgeBand(), "non-personal fields still read")
	require.Equal(t, centre.String(), noted.GetCentreId())
	require.Equal(t, family.String(), env.GetFamilyId())
	require.NoError(t, g.store.Verify(ctx, "person-1"), "the log is untouched and still verifies")

	bin, err := pgcluster.FindBinaries()
	require.NoError(t, err)
	dump, err := exec.CommandContext(ctx, filepath.Join(bin, "pg_dump"), "--dbname", g.db.OwnerURL).Output()
	require.NoError(t, err)
	require.NotContains(t, string(dump), canary)
	require.NotContains(t, string(dump), "family_keys", "a backup of the events carries no key table")
	var live int
	require.NoError(t, keys.OwnerPool(t).QueryRow(ctx, "SELECT count(*) FROM family_keys WHERE wrapped_key IS NOT NULL").Scan(&live))
	require.Zero(t, live, "no key is left in the key store (or its dump) that could open the family's data")
}
