package adapters

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/familytime/familytime/services/platform/eventstore"
)

// KeptApart are the families of a centre kept apart from others (families_apart, decision 330):
// each family's id with the families it is kept apart from. A centre has a handful of such pairs.
func (r *Sessions) KeptApart(ctx context.Context, centre uuid.UUID) (map[uuid.UUID][]uuid.UUID, error) {
	rows, err := r.store.Pool().Query(ctx, `SELECT family_id, other_family_id FROM families_apart WHERE centre_id = $1`, centre)
	if err != nil {
		return nil, fmt.Errorf("families kept apart: %w", err)
	}
	out := map[uuid.UUID][]uuid.UUID{}
	var family, other uuid.UUID
	_, err = pgx.ForEachRow(rows, []any{&family, &other}, func() error {
		out[family] = append(out[family], other)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("families kept apart: %w", err)
	}
	return out, nil
}

// Erased reports whether referral erased the family's personal data (erased_families, written with
// the erasure; decision 363).
func (r *Sessions) Erased(ctx context.Context, family uuid.UUID) (bool, error) {
	var erased bool
	if err := r.store.Pool().QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM erased_families WHERE family_id = $1)`, family).Scan(&erased); err != nil {
		return false, fmt.Errorf("family erased: %w", err)
	}
	return erased, nil
}

// NoteErased records, in uow's transaction, that referral erased the family's personal data.
func NoteErased(uow *eventstore.UnitOfWork, family uuid.UUID) {
	uow.Exec(`INSERT INTO erased_families (family_id) VALUES ($1) ON CONFLICT DO NOTHING`, family)
}

// NoteReferredAgain records, in uow's transaction, that family is earlier referred again at centre
// (referral's SameChildConfirmed; decision 379). A redelivery records nothing more.
func NoteReferredAgain(uow *eventstore.UnitOfWork, family, earlier, centre uuid.UUID) {
	uow.Exec(`INSERT INTO referred_again (family_id, earlier_family_id, centre_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
		family, earlier, centre)
}

// ReferredAgain are the families confirmed at centre as family referred again, and theirs in turn
// (a child referred a third time), in the order they were found; never family itself.
func (r *Sessions) ReferredAgain(ctx context.Context, family, centre uuid.UUID) ([]uuid.UUID, error) {
	rows, err := r.store.Pool().Query(ctx, `
		WITH RECURSIVE again(family_id) AS (
			SELECT family_id FROM referred_again WHERE earlier_family_id = $1 AND centre_id = $2
			UNION
			SELECT r.family_id FROM referred_again r JOIN again a ON r.earlier_family_id = a.family_id WHERE r.centre_id = $2
		)
		SELECT family_id FROM again WHERE family_id <> $1`, family, centre)
	if err != nil {
		return nil, fmt.Errorf("families referred again: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return nil, fmt.Errorf("families referred again: %w", err)
	}
	return out, nil
}
