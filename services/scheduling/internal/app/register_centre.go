package app

import (
	"context"

	"github.com/google/uuid"

	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/scheduling/internal/adapters"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// RegisterCentre adds a centre to the directory under a new id. It returns the centre as
// registered and the unit of work that records it, for the caller to commit.
func (a *App) RegisterCentre(_ context.Context, d domain.Details, md eventstore.Metadata) (adapters.CentreView, *eventstore.UnitOfWork, error) {
	c, ev, err := domain.RegisterCentre(uuid.New(), d, a.today())
	if err != nil {
		return adapters.CentreView{}, nil, err
	}
	uow, err := a.centres.Record(c, eventstore.NoStream, ev, md)
	if err != nil {
		return adapters.CentreView{}, nil, err
	}
	a.noteAct(uow, c.ID(), md)
	return adapters.ViewOf(c), uow, nil
}
