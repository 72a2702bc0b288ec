package app

import (
	"context"

	"github.com/google/uuid"

	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/scheduling/internal/adapters"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// RegisterCentre adds a centre to the directory under a new id.
func (a *App) RegisterCentre(ctx context.Context, d domain.Details, md eventstore.Metadata) (adapters.CentreView, error) {
	c, ev, err := domain.RegisterCentre(uuid.New(), d, a.today())
	if err != nil {
		return adapters.CentreView{}, err
	}
	if err := a.centres.Save(ctx, c, eventstore.NoStream, ev, md); err != nil {
		return adapters.CentreView{}, err
	}
	return a.centres.Get(ctx, c.ID())
}
