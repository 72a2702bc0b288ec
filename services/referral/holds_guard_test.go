package referral_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/referral/internal/adapters"
)

// Decision 215 (decision 209's Left): an acceptance that read the family's holds just before a
// hold was noted, and committed just after, was accepted unsuspended. An acceptance now commits
// only if the family's holds in force are those it read, checked under the family's holds lock
// that a unit noting a hold takes too: a hold noted or lifted between the read and the commit
// fails it with a conflict (the coordinator decides again, VERSION_CONFLICT), and it writes
// nothing.
func TestAnAcceptanceCommitsOnlyWithTheHoldsItRead(t *testing.T) {
	g := newRig(t)
	ctx := t.Context()
	store := eventstore.New(g.db.Pool(t))
	family, hold := uuid.New(), uuid.New()
	commit := func(read []uuid.UUID) error {
		e, err := eventstore.NewEvent(&referralv1.ReferralWithdrawn{FamilyId: family.String()}, family, uuid.New(), eventstore.Metadata{Actor: "test"})
		require.NoError(t, err)
		uow := new(eventstore.UnitOfWork).Append("guarded-"+uuid.NewString(), eventstore.NoStream, e)
		adapters.GuardHolds(uow, family, read)
		_, err = store.Commit(ctx, uow)
		return err
	}
	require.NoError(t, commit(nil), "none read, none in force")
	before := g.events(t)

	_, err := g.owner.Exec(ctx, `INSERT INTO safeguarding_open (kind, record_id, family_id) VALUES ('hold', $1, $2)`, hold, family)
	require.NoError(t, err)
	var conflict *eventstore.ConflictError
	require.ErrorAs(t, commit(nil), &conflict, "a hold noted since the read")
	require.Equal(t, before, g.events(t), "nothing written")
	require.NoError(t, commit([]uuid.UUID{hold}), "read with the hold")

	_, err = g.owner.Exec(ctx, `DELETE FROM safeguarding_open WHERE record_id = $1`, hold)
	require.NoError(t, err)
	require.ErrorAs(t, commit([]uuid.UUID{hold}), &conflict, "a hold lifted since the read")
	// Another family's hold is not this family's.
	_, err = g.owner.Exec(ctx, `INSERT INTO safeguarding_open (kind, record_id, family_id) VALUES ('hold', $1, $2)`, uuid.New(), uuid.New())
	require.NoError(t, err)
	require.NoError(t, commit(nil))
}
