package app

import (
	"context"

	"github.com/google/uuid"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/scheduling/internal/adapters"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// JoinWaitingList puts a family at the end of a registered centre's waiting list.
func (a *App) JoinWaitingList(ctx context.Context, centre, family uuid.UUID, st commonv1.ServiceType, md eventstore.Metadata) (int, *eventstore.UnitOfWork, error) {
	if _, err := a.centres.Get(ctx, centre); err != nil {
		return 0, nil, err
	}
	w, err := a.sessions.WaitingList(ctx, centre)
	if err != nil {
		return 0, nil, err
	}
	expected := w.Version()
	pos, ev, err := w.Join(family, st, a.now())
	if err != nil {
		return 0, nil, err
	}
	uow := new(eventstore.UnitOfWork)
	return pos, uow, adapters.Append(uow, domain.WaitingListStream(centre), expected, family, centre, md, ev)
}

// OfferPlace offers a pattern's room to a family on the waiting list (uuid.Nil: the first).
func (a *App) OfferPlace(ctx context.Context, centre, pattern, room, family uuid.UUID, md eventstore.Metadata) (uuid.UUID, *eventstore.UnitOfWork, error) {
	t, err := a.sessions.Timetable(ctx, centre)
	if err != nil {
		return uuid.Nil, nil, err
	}
	p, ok := t.Pattern(pattern)
	if !ok {
		return uuid.Nil, nil, domain.ErrPatternNotFound
	}
	if !containsRoom(p.Rooms, room) {
		return uuid.Nil, nil, domain.InvalidRoom()
	}
	w, err := a.sessions.WaitingList(ctx, centre)
	if err != nil {
		return uuid.Nil, nil, err
	}
	expected := w.Version()
	offered, ev, err := w.Offer(family, commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED, pattern, room, uuid.Nil, a.now())
	if err != nil {
		return uuid.Nil, nil, err
	}
	uow := new(eventstore.UnitOfWork)
	return offered, uow, adapters.Append(uow, domain.WaitingListStream(centre), expected, offered, centre, md, ev)
}

func containsRoom(rooms []uuid.UUID, room uuid.UUID) bool {
	for _, r := range rooms {
		if r == room {
			return true
		}
	}
	return false
}
