package referral_test

import (
	"crypto/sha256"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/referral/internal/adapters"
)

// Decision 231 left a window: a referral of a child submitted while a case of the child was being
// reopened could commit with the reopening, each having read the other as not there (the
// reopening saw no open referral, the submission saw the case closed). Both now take the locks of
// the children's keyed hashes and check under them what they read: whichever commits second fails
// with a conflict and writes nothing, and decided again finds the other.
func TestAReopeningAndAReferralOfTheChildCommitOneAfterTheOther(t *testing.T) {
	g := newRig(t)
	ctx := t.Context()
	store := eventstore.New(g.db.Pool(t))
	ended, child, centre := uuid.New(), uuid.New(), uuid.New()
	hash, otherHash := sha256.Sum256([]byte(uuid.NewString())), sha256.Sum256([]byte(uuid.NewString()))
	row := func(referral uuid.UUID, match [32]byte, open bool) {
		t.Helper()
		_, err := g.owner.Exec(ctx, `INSERT INTO child_matches (referral_id, child_id, centre_id, kind, match, open)
			VALUES ($1, $2, $3, 1, $4, $5)`, referral, uuid.New(), centre, match[:], open)
		require.NoError(t, err)
	}
	commit := func(guard func(*eventstore.UnitOfWork)) error {
		e, err := eventstore.NewEvent(&referralv1.ReferralWithdrawn{}, uuid.New(), centre, eventstore.Metadata{Actor: "test"})
		require.NoError(t, err)
		uow := new(eventstore.UnitOfWork).Append("guarded-"+uuid.NewString(), eventstore.NoStream, e)
		guard(uow)
		_, err = store.Commit(ctx, uow)
		return err
	}
	reopen := func(uow *eventstore.UnitOfWork) { adapters.GuardNotReferredAgain(uow, ended, [][]byte{hash[:]}) }
	submitted := uuid.New()
	submit := func(uow *eventstore.UnitOfWork) {
		adapters.GuardStillClosed(uow, submitted, map[uuid.UUID][]adapters.Match{
			child: {{Kind: referralv1.ChildMatch_CHILD_MATCH_SAME_NAME_AND_BIRTH_DATE, Hash: hash[:]}}}, []uuid.UUID{ended})
	}
	row(ended, hash, false)
	row(uuid.New(), otherHash, true) // another child's open referral
	row(uuid.New(), hash, false)     // a closed referral of the child

	require.NoError(t, commit(reopen), "no referral of the child open")
	require.NoError(t, commit(submit), "the case read closed is closed")
	before := g.events(t)

	// A referral of the child submitted between the reopening's check and its commit.
	row(submitted, hash, true)
	var conflict *eventstore.ConflictError
	require.ErrorAs(t, commit(reopen), &conflict, "the reopening finds the referral submitted since")
	require.Equal(t, before, g.events(t), "nothing written")
	_, err := g.owner.Exec(ctx, `DELETE FROM child_matches WHERE referral_id = $1`, submitted)
	require.NoError(t, err)

	// The case reopened between the submission's look-up and its commit.
	_, err = g.owner.Exec(ctx, `UPDATE child_matches SET open = true WHERE referral_id = $1`, ended)
	require.NoError(t, err)
	require.ErrorAs(t, commit(submit), &conflict, "the submission finds the case reopened since")
	require.Equal(t, before, g.events(t), "nothing written")
}
