package app

import (
	"context"

	"github.com/google/uuid"

	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/scheduling/internal/adapters"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// UpdateCentre replaces a centre's details if the centre is still at the version the caller saw.
// It returns the centre as updated and the unit of work that records it, for the caller to
// commit; an update that changes nothing records nothing (a nil unit of work).
func (a *App) UpdateCentre(ctx context.Context, id uuid.UUID, expected int64, d domain.Details, md eventstore.Metadata) (adapters.CentreView, *eventstore.UnitOfWork, error) {
	c, err := a.centres.Load(ctx, id)
	if err != nil {
		return adapters.CentreView{}, nil, err
	}
	if c.Version() != expected {
		return adapters.CentreView{}, nil, &eventstore.ConflictError{Stream: domain.StreamID(id), Expected: expected, Actual: c.Version()}
	}
	ev, err := c.Update(d, a.today())
	if err != nil || ev == nil {
		return adapters.ViewOf(c), nil, err
	}
	uow, err := a.centres.Record(c, expected, ev, md)
	if err != nil {
		return adapters.CentreView{}, nil, err
	}
	a.noteAct(uow, id, md)
	return adapters.ViewOf(c), uow, nil
}
