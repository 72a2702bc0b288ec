package adapters

import (
	"context"

	"github.com/google/uuid"

	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// Staff loads a centre's staff register. It has no read model: a centre's staff are a few dozen
// events, read whole for a listing or a supervised session's completion.
func (r *Sessions) Staff(ctx context.Context, centre uuid.UUID) (*domain.StaffRegister, error) {
	evs, err := r.load(ctx, domain.StaffStream(centre))
	if err != nil {
		return nil, err
	}
	return domain.RebuildStaffRegister(centre, evs)
}
