package app

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// ListRooms is a registered centre's rooms, by name (case aside): what a coordinator picks from
// to define a pattern or book, and what volunteers know the rooms as.
func (a *App) ListRooms(ctx context.Context, centre uuid.UUID) ([]domain.Room, error) {
	if _, err := a.centres.Get(ctx, centre); err != nil {
		return nil, err
	}
	t, err := a.sessions.Timetable(ctx, centre)
	if err != nil {
		return nil, err
	}
	rooms := t.Rooms()
	slices.SortStableFunc(rooms, func(x, y domain.Room) int {
		return cmp.Or(strings.Compare(strings.ToLower(x.Name), strings.ToLower(y.Name)), strings.Compare(x.Name, y.Name))
	})
	return rooms, nil
}

// ListOpeningPatterns lists a registered centre's opening patterns as defined now, by first date,
// then start time: what a redefinition, which gives a pattern whole, starts from (decision 418).
func (a *App) ListOpeningPatterns(ctx context.Context, centre uuid.UUID) ([]*domain.Pattern, error) {
	if _, err := a.centres.Get(ctx, centre); err != nil {
		return nil, err
	}
	t, err := a.sessions.Timetable(ctx, centre)
	if err != nil {
		return nil, err
	}
	patterns := t.Patterns()
	slices.SortFunc(patterns, func(x, y *domain.Pattern) int {
		return cmp.Or(x.First.Compare(y.First), cmp.Compare(x.Start.Minutes(), y.Start.Minutes()), strings.Compare(x.ID.String(), y.ID.String()))
	})
	return patterns, nil
}

// BookingPlace is where a booking of the centre was made: its opening pattern and room, which a
// reschedule that names neither keeps. A booking's pattern and room never change (a reschedule
// books anew), so the read model's are the booking's. A booking of another centre is not found.
func (a *App) BookingPlace(ctx context.Context, centre, booking uuid.UUID) (pattern, room uuid.UUID, err error) {
	return a.sessions.BookingPlace(ctx, centre, booking)
}
