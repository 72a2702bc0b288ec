package adapters

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

// Possible duplicates: a child is matched on a keyed hash (seal.MatchingHash, under a key kept in
// the key store) of their normalised name and date of birth, never on the name or date in clear.

// ChildMatch is one child's keyed hash; nil for a child whose details were erased.
func (r *Referrals) ChildMatch(ctx context.Context, c domain.ChildRecord) ([]byte, error) {
	if c.Name == "" || c.DateOfBirth.IsZero() {
		return nil, nil
	}
	match, err := r.sealer.MatchingHash(ctx, domain.DuplicateKey(c.Name, c.DateOfBirth))
	if err != nil {
		return nil, fmt.Errorf("match child: %w", err)
	}
	return match, nil
}

// ChildReferral is a referral with a child of the same match, at Centre.
type ChildReferral struct {
	ID     uuid.UUID
	Centre uuid.UUID
	Open   bool
}

// ReferralsOfChild are the referrals at every centre, open or closed, other than except, with a
// child of the same match: a closed one, or one at another centre, matters while what it found
// still stands (a hold, a domestic-abuse finding), which the caller decides on the loaded referral.
func (r *Referrals) ReferralsOfChild(ctx context.Context, match []byte, except uuid.UUID) ([]ChildReferral, error) {
	rows, err := r.store.Pool().Query(ctx, `SELECT referral_id, min(centre_id::text)::uuid, bool_or(open) FROM child_matches
		WHERE match = $1 AND referral_id <> $2 GROUP BY referral_id ORDER BY referral_id`, match, except)
	if err != nil {
		return nil, fmt.Errorf("find matching children: %w", err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (ChildReferral, error) {
		var c ChildReferral
		err := row.Scan(&c.ID, &c.Centre, &c.Open)
		return c, err
	})
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

// ChildMatchOf is a child on a referral whose keyed hash another referral's child shares.
type ChildMatchOf struct {
	Child, Other uuid.UUID
}

// MatchesAnywhere are the referrals, at every centre and in any state, with a child of the same
// match as one of referral's children as recorded, with that child: a disclosure there may have
// come after referral was submitted (decision 194).
func (r *Referrals) MatchesAnywhere(ctx context.Context, referral uuid.UUID) ([]ChildMatchOf, error) {
	rows, err := r.store.Pool().Query(ctx, `SELECT DISTINCT mine.child_id, other.referral_id FROM child_matches mine
		JOIN child_matches other ON other.match = mine.match AND other.referral_id <> mine.referral_id
		WHERE mine.referral_id = $1 ORDER BY other.referral_id, mine.child_id`, referral)
	if err != nil {
		return nil, fmt.Errorf("find matching children: %w", err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (ChildMatchOf, error) {
		var m ChildMatchOf
		err := row.Scan(&m.Child, &m.Other)
		return m, err
	})
}

// RecordMatches adds the referral's children's keyed hashes to a unit of work; matches are
// computed while the details are open (ChildMatch).
func RecordMatches(uow *eventstore.UnitOfWork, ref *domain.Referral, matches map[uuid.UUID][]byte) {
	for child, match := range matches {
		if match == nil {
			continue
		}
		uow.Exec(`INSERT INTO child_matches (referral_id, child_id, centre_id, match, open) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (referral_id, child_id) DO UPDATE SET match = EXCLUDED.match, open = EXCLUDED.open`,
			ref.ID(), child, ref.CentreID(), match, Open(ref.State()))
	}
}
