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
)

// Test 9 of the foundation issue: a canary in a sealed field appears nowhere in the bytes stored
// in PostgreSQL or carried by JetStream; Open returns it; after Shred, Open fails with
// ErrShredded, every other field still reads, and a pg_dump holds no key that could open it.
func TestSealedFieldsNeverLeakAndShredErases(t *testing.T) {
	g := newRig(t)
	g.db.Migrate(t, seal.Migrations())
	kek, err := seal.ParseKEK(seal.GenerateKEK())
	require.NoError(t, err)
	sealer := seal.New(g.db.Pool(t), kek)
	g.start(t)
	ctx := t.Context()

	family, centre := uuid.New(), uuid.New()
	canary := "CANARY-" + uuid.NewString()
	sealedName, err := sealer.SealString(ctx, family, canary)
	require.NoError(t, err)
	e, err := eventstore.NewEvent(&testingv1.PersonNoted{FamilyId: family.String(), SealedName: sealedName,
		AgeBand: "AGE_BAND_5_TO_10", CentreId: centre.String()}, family, centre, eventstore.Metadata{Actor: "volunteer-7"})
	require.NoError(t, err)
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
	name, err := sealer.OpenString(ctx, family, noted.GetSealedName())
	require.NoError(t, err)
	require.Equal(t, canary, name)

	require.NoError(t, sealer.Shred(ctx, family))
	_, err = sealer.OpenString(ctx, family, noted.GetSealedName())
	require.ErrorIs(t, err, seal.ErrShredded)
	require.Equal(t, "AGE_BAND_5_TO_10", noted.GetAgeBand(), "non-personal fields still read")
	require.Equal(t, centre.String(), noted.GetCentreId())
	require.Equal(t, family.String(), env.GetFamilyId())
	require.NoError(t, g.store.Verify(ctx, "person-1"), "the log is untouched and still verifies")

	bin, err := pgcluster.FindBinaries()
	require.NoError(t, err)
	dump, err := exec.CommandContext(ctx, filepath.Join(bin, "pg_dump"), "--data-only", "--dbname", g.db.OwnerURL).Output()
	require.NoError(t, err)
	require.NotContains(t, string(dump), canary)
	var keys int
	require.NoError(t, g.db.OwnerPool(t).QueryRow(ctx, "SELECT count(*) FROM family_keys WHERE wrapped_key IS NOT NULL").Scan(&keys))
	require.Zero(t, keys, "no key is left in the database (or its dump) that could open the family's data")
}
