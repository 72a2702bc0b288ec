package app

import (
	"context"

	"github.com/google/uuid"

	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/scheduling/internal/adapters"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// UpdateCentre replaces a centre's details if the centre is still at the version the caller saw.
// An update that changes nothing records nothing.
func (a *App) UpdateCentre(ctx context.Context, id uuid.UUID, expected int64, d domain.Details, md eventstore.Metadata) (adapters.CentreView, error) {
	c, err := a.centres.Load(ctx, id)
	if err != nil {
		return adapters.CentreView{}, err
	}
	if c.Version() != expected {
		return adapters.CentreView{}, &eventstore.ConflictError{Stream: domain.StreamID(id), Expected: expected, Actual: c.Version()}
	}
	ev, err := c.Update(d, a.today())
	if err != nil {
		return adapters.CentreView{}, err
	}
	if ev != nil {
		if err := a.centres.Save(ctx, c, expected, ev, md); err != nil {
			return adapters.CentreView{}, err
		}
	}
	return a.centres.Get(ctx, id)
}
