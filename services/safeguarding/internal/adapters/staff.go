package adapters

import (
	"context"

	"github.com/google/uuid"

	"github.com/familytime/familytime/services/platform/staff"
)

// StaffRegister is the centre's staff register as far as safeguarding has heard of it (staff.Kept).
func (r *Records) StaffRegister(ctx context.Context, centre uuid.UUID) (*staff.Register, error) {
	return staff.Kept(ctx, r.store.Pool(), centre)
}
