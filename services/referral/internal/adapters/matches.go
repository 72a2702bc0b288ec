package adapters

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

// Possible duplicates: a child is matched on keyed hashes (seal.MatchingHash, under a key kept in
// the key store) of their normalised name and date of birth, one per kind of match
// (domain.MatchKeys, decision 200), never on the name or date in clear.

// A Match is one of a child's keyed hashes, and the kind of match it finds.
type Match struct {
	Kind referralv1.ChildMatch
	Hash []byte
}

// ChildMatches are a child's keyed hashes; none for a child whose details were erased.
func (r *Referrals) ChildMatches(ctx context.Context, c domain.ChildRecord) ([]Match, error) {
	if c.Name == "" || c.DateOfBirth.IsZero() {
		return nil, nil
	}
	keys := domain.MatchKeys(c.Name, c.DateOfBirth)
	inputs := make([][]byte, len(keys))
	for i, k := range keys {
		inputs[i] = k.Input
	}
	hashes, err := r.sealer.MatchingHashes(ctx, inputs...)
	if err != nil {
		return nil, fmt.Errorf("match child: %w", err)
	}
	out := make([]Match, len(keys))
	for i, k := range keys {
		out[i] = Match{k.Kind, hashes[i]}
	}
	return out, nil
}

// hashes are matches' hashes, for a query's array.
func hashes(matches []Match) [][]byte {
	out := make([][]byte, len(matches))
	for i, m := range matches {
		out[i] = m.Hash
	}
	return out
}

// ChildReferral is a referral with a child who matches, at Centre, and the closest kind of match.
type ChildReferral struct {
	ID     uuid.UUID
	Centre uuid.UUID
	Open   bool
	Match  referralv1.ChildMatch
}

// ReferralsOfChild are the referrals at every centre, open or closed, other than except, with a
// child matching one of a child's matches: a closed one, or one at another centre, matters while
// what it found still stands (a hold, a domestic-abuse finding), which the caller decides on the
// loaded referral. The kinds are numbered closest first, so the closest is the least.
func (r *Referrals) ReferralsOfChild(ctx context.Context, matches []Match, except uuid.UUID) ([]ChildReferral, error) {
	rows, err := r.store.Pool().Query(ctx, `SELECT referral_id, min(centre_id::text)::uuid, bool_or(open), min(kind) FROM child_matches
		WHERE match = ANY($1) AND referral_id <> $2 GROUP BY referral_id ORDER BY referral_id`, hashes(matches), except)
	if err != nil {
		return nil, fmt.Errorf("find matching children: %w", err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (ChildReferral, error) {
		var c ChildReferral
		var kind int16
		err := row.Scan(&c.ID, &c.Centre, &c.Open, &kind)
		c.Match = referralv1.ChildMatch(kind)
		return c, err
	})
}

// OpenChildrenMatching are the children on open referrals at every centre, other than except,
// who match one of a child's matches, closest first for each referral: the open cases a
// disclosure of domestic abuse on except is carried to (review 38, finding 2).
func (r *Referrals) OpenChildrenMatching(ctx context.Context, matches []Match, except uuid.UUID) ([]ChildMatchOf, error) {
	if len(matches) == 0 {
		return nil, nil
	}
	rows, err := r.store.Pool().Query(ctx, `SELECT child_id, referral_id, min(kind) FROM child_matches
		WHERE match = ANY($1) AND referral_id <> $2 AND open GROUP BY referral_id, child_id
		ORDER BY referral_id, min(kind), child_id`, hashes(matches), except)
	if err != nil {
		return nil, fmt.Errorf("find open cases of the child: %w", err)
	}
	return pgx.CollectRows(rows, childMatchOf)
}

// MatchesElsewhere are the referrals at other centres with a child of the same match as one of
// referral's children, as they stand now: a hold or a finding there may have come after referral
// was submitted (decision 173).
func (r *Referrals) MatchesElsewhere(ctx context.Context, referral uuid.UUID) ([]uuid.UUID, error) {
	rows, err := r.store.Pool().Query(ctx, `SELECT DISTINCT other.referral_id FROM child_matches mine
		JOIN child_matches other ON other.match = mine.match AND other.centre_id <> mine.centre_id
		WHERE mine.referral_id = $1 ORDER BY other.referral_id`, referral)
	if err != nil {
		return nil, fmt.Errorf("find matching children elsewhere: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}

// ChildMatchOf is a child on a referral who matches a child on Other, and the closest kind of
// match.
type ChildMatchOf struct {
	Child, Other uuid.UUID
	Match        referralv1.ChildMatch
}

// MatchesAnywhere are the referrals, at every centre and in any state, with a child matching one
// of referral's children as recorded, with that child: a disclosure there may have come after
// referral was submitted (decision 194).
func (r *Referrals) MatchesAnywhere(ctx context.Context, referral uuid.UUID) ([]ChildMatchOf, error) {
	rows, err := r.store.Pool().Query(ctx, `SELECT mine.child_id, other.referral_id, min(mine.kind) FROM child_matches mine
		JOIN child_matches other ON other.match = mine.match AND other.referral_id <> mine.referral_id
		WHERE mine.referral_id = $1 GROUP BY mine.child_id, other.referral_id ORDER BY other.referral_id, mine.child_id`, referral)
	if err != nil {
		return nil, fmt.Errorf("find matching children: %w", err)
	}
	return pgx.CollectRows(rows, childMatchOf)
}

// childMatchOf reads a row of (child, other referral, kind of match).
func childMatchOf(row pgx.CollectableRow) (ChildMatchOf, error) {
	var m ChildMatchOf
	var kind int16
	err := row.Scan(&m.Child, &m.Other, &kind)
	m.Match = referralv1.ChildMatch(kind)
	return m, err
}

// CompleteMatches gives the children of referrals made before decision 200 their close keys, as
// submission now records them: the rows migration 0009 listed in child_matches_to_complete, which
// only the service can compute, opening each referral's children's names. It runs before the
// service serves (host.Preparer), one referral per unit of work, so a start cut short resumes
// where it stopped, and returns how many it completed.
func (r *Referrals) CompleteMatches(ctx context.Context) (int, error) {
	return r.completeEach(ctx, "child_matches_to_complete", "matches", func(uow *eventstore.UnitOfWork, ref *domain.Referral) error {
		matches := map[uuid.UUID][]Match{}
		for _, c := range ref.Children() {
			var err error
			if matches[c.ID], err = r.ChildMatches(ctx, c); err != nil {
				return err
			}
		}
		RecordMatches(uow, ref, matches)
		return nil
	})
}

// completeEach records, for each referral a migration listed in table (a constant, never input:
// child_matches_to_complete or adult_matches_to_complete), what record computes of it while its
// details are open, and takes it off the list in the same unit of work: one referral a unit, so
// a start cut short resumes where it stopped. A referral changed meanwhile by another replica
// recorded its own: the unit is guarded on the version read, and the referral loaded again. A
// listed referral with no event (which cannot be) is only taken off the list. It returns how
// many it completed.
func (r *Referrals) completeEach(ctx context.Context, table, what string,
	record func(*eventstore.UnitOfWork, *domain.Referral) error) (int, error) {
	rows, err := r.store.Pool().Query(ctx, `SELECT referral_id FROM `+table+` ORDER BY referral_id`)
	if err != nil {
		return 0, fmt.Errorf("list referrals to complete the %s of: %w", what, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return 0, fmt.Errorf("list referrals to complete the %s of: %w", what, err)
	}
	for n, id := range ids {
		if err := r.completeOne(ctx, table, what, id, record); err != nil {
			return n, err
		}
	}
	return len(ids), nil
}

func (r *Referrals) completeOne(ctx context.Context, table, what string, id uuid.UUID,
	record func(*eventstore.UnitOfWork, *domain.Referral) error) error {
	for attempt := 0; ; attempt++ {
		uow := new(eventstore.UnitOfWork).Exec(`DELETE FROM `+table+` WHERE referral_id = $1`, id)
		ref, err := r.Load(ctx, id)
		switch {
		case errors.Is(err, domain.ErrReferralNotFound):
		case err != nil:
			return err
		default:
			if err := record(uow, ref); err != nil {
				return err
			}
			stream := domain.StreamID(id)
			uow.Guard(stream, stream, ref.Version())
		}
		_, err = r.store.Commit(ctx, uow)
		if errors.Is(err, eventstore.ErrVersionConflict) && attempt < 3 {
			continue
		}
		if err != nil {
			return fmt.Errorf("complete the %s of referral %s: %w", what, id, err)
		}
		return nil
	}
}

// RecordMatches replaces the keyed hashes of the referral's children in matches, in a unit of
// work; matches are computed while the details are open (ChildMatches). A child without any (its
// details erased) keeps what it had, which erasure forgets (ForgetMatches).
func RecordMatches(uow *eventstore.UnitOfWork, ref *domain.Referral, matches map[uuid.UUID][]Match) {
	for child, ms := range matches {
		if len(ms) == 0 {
			continue
		}
		kinds := make([]int16, len(ms))
		for i, m := range ms {
			kinds[i] = int16(m.Kind)
		}
		uow.Exec(`DELETE FROM child_matches WHERE referral_id = $1 AND child_id = $2`, ref.ID(), child)
		uow.Exec(`INSERT INTO child_matches (referral_id, child_id, centre_id, kind, match, open)
			SELECT $1, $2, $3, kind, match, $6 FROM unnest($4::smallint[], $5::bytea[]) AS m(kind, match)`,
			ref.ID(), child, ref.CentreID(), kinds, hashes(ms), Open(ref.State()))
	}
}

// matchLock is the lock of the children with one keyed hash (eventstore_lock's key).
func matchLock(hash []byte) string { return "child-match-" + hex.EncodeToString(hash) }

// lockMatches takes the locks of the hashes in a unit of work, in one order (sorted, once each),
// so that two units locking some of the same hashes never wait on each other's.
func lockMatches(uow *eventstore.UnitOfWork, hashes [][]byte) {
	keys := make([]string, len(hashes))
	for i, h := range hashes {
		keys[i] = matchLock(h)
	}
	slices.Sort(keys)
	for _, k := range slices.Compact(keys) {
		uow.Exec(`SELECT eventstore_lock($1)`, k)
	}
}

// MatchHashes are the keyed hashes of the same name and date of birth recorded for a referral's
// children (none once its family is erased).
func (r *Referrals) MatchHashes(ctx context.Context, referral uuid.UUID) ([][]byte, error) {
	// The same name and date of birth only: a weaker likeness does not stop a reopening (decision
	// 380), so a referral matching by it alone must not fail one at its commit either.
	rows, err := r.store.Pool().Query(ctx, `SELECT match FROM child_matches WHERE referral_id = $1 AND kind = $2 ORDER BY match`, referral,
		int16(referralv1.ChildMatch_CHILD_MATCH_SAME_NAME_AND_BIRTH_DATE))
	if err != nil {
		return nil, fmt.Errorf("read the children's matches: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[[]byte])
}

// GuardNotReferredAgain makes a reopening of referral commit only if no other referral with a
// child matching one of its children (hashes, MatchHashes) is open, checked under the hashes'
// locks, which a submission of a child with one of them takes too (GuardStillClosed): a referral
// submitted between the reopening's check (ReferredAgain) and its commit fails it with an
// *eventstore.ConflictError, and it writes nothing; deciding again refuses REFERRED_AGAIN
// (decision 231's Left).
func GuardNotReferredAgain(uow *eventstore.UnitOfWork, referral uuid.UUID, hashes [][]byte) {
	if len(hashes) == 0 {
		return
	}
	lockMatches(uow, hashes)
	key := "referred-again-" + referral.String()
	// eventstore_guard raises the store's conflict for a key that names no stream with events,
	// at a version it cannot be at: only when such a referral is open.
	uow.Exec(`SELECT eventstore_guard($1, $1, -1, false) WHERE EXISTS
		(SELECT 1 FROM child_matches WHERE match = ANY($2) AND referral_id <> $3 AND open)`, key, hashes, referral)
}

// GuardStillClosed makes a submission (referral, its children's matches) commit only if the
// referrals with a matching child that it read closed (closed) are still closed, checked under
// the children's hashes' locks, which a reopening takes too (GuardNotReferredAgain): a case
// reopened between the submission's look-up and its commit fails it with an
// *eventstore.ConflictError, and it writes nothing; submitted again, the reopened case is found
// open (decision 231's Left).
func GuardStillClosed(uow *eventstore.UnitOfWork, referral uuid.UUID, matches map[uuid.UUID][]Match, closed []uuid.UUID) {
	var all [][]byte
	for _, ms := range matches {
		all = append(all, hashes(ms)...)
	}
	if len(all) == 0 || len(closed) == 0 {
		return
	}
	lockMatches(uow, all)
	key := "reopened-since-" + referral.String()
	uow.Exec(`SELECT eventstore_guard($1, $1, -1, false) WHERE EXISTS
		(SELECT 1 FROM child_matches WHERE referral_id = ANY($2) AND open)`, key, closed)
}

// ChildrenMatchingOn are the children on the referral other who match child, a child on
// referral, on one of their keyed hashes, closest first (then by id), each with its closest kind
// of match: whom a confirmation that child is a child on other names (decision 260). None once
// either family is erased (its hashes are forgotten).
func (r *Referrals) ChildrenMatchingOn(ctx context.Context, referral, child, other uuid.UUID) ([]ChildMatchOf, error) {
	rows, err := r.store.Pool().Query(ctx, `SELECT theirs.child_id, theirs.referral_id, min(mine.kind) FROM child_matches mine
		JOIN child_matches theirs ON theirs.match = mine.match AND theirs.referral_id = $3
		WHERE mine.referral_id = $1 AND mine.child_id = $2 AND $3 <> $1
		GROUP BY theirs.child_id, theirs.referral_id ORDER BY min(mine.kind), theirs.child_id`, referral, child, other)
	if err != nil {
		return nil, fmt.Errorf("find the matching child: %w", err)
	}
	return pgx.CollectRows(rows, childMatchOf)
}
