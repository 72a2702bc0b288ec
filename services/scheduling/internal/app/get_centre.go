package app

import (
	"context"

	"github.com/google/uuid"

	"github.com/familytime/familytime/services/scheduling/internal/adapters"
)

// GetCentre reads one centre.
func (a *App) GetCentre(ctx context.Context, id uuid.UUID) (adapters.CentreView, error) {
	return a.centres.Get(ctx, id)
}
