package adapters

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
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
