package app_test

import (
	"io/fs"
	"os"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/migrate"
	"github.com/familytime/familytime/services/platform/testkit"
	"github.com/familytime/familytime/services/scheduling/internal/adapters"
	"github.com/familytime/familytime/services/scheduling/internal/app"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// A booking and a redefinition of its pattern, each decided on what the other had not yet
// committed, in both orders: the redefinition committed first, the booking (decided on the old
// times) fails as a stale read and, decided again, is booked at the new times; the booking
// committed first, the redefinition (decided on no bookings) is refused in its commit, and
// appends nothing. No booking is ever left outside its pattern.
func TestBookingRacingARedefinitionOfItsPatternNeverLeavesItOutside(t *testing.T) {
	ctx := t.Context()
	db := testkit.Postgres(t)
	own, err := fs.Sub(os.DirFS("../.."), "migrations")
	require.NoError(t, err)
	db.Migrate(t, eventstore.Migrations(), migrate.Set{Component: "scheduling", FS: own})
	store := eventstore.New(db.Pool(t)).SignWith(testkit.BusKey.ForLog("scheduling"))
	now := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	sessions := adapters.NewSessions(store)
	a := app.New(adapters.NewCentres(store), sessions).WithClock(func() time.Time { return now })
	md := eventstore.Metadata{Actor: "test"}
	commit := func(uow *eventstore.UnitOfWork, err error) error {
		t.Helper()
		require.NoError(t, err)
		_, err = store.Commit(ctx, uow)
		return err
	}

	c, uow, err := a.RegisterCentre(ctx, domain.Details{Name: "Quay Centre", Region: commonv1.Region_REGION_LONDON,
		ServiceTypes:  []commonv1.ServiceType{commonv1.ServiceType_SERVICE_TYPE_SUPPORTED},
		Accreditation: commonv1.AccreditationStatus_ACCREDITATION_STATUS_WORKING_TOWARDS}, md)
	require.NoError(t, commit(uow, err))
	room, uow, err := a.AddRoom(ctx, c.ID, "Hall", 4, false, md)
	require.NoError(t, commit(uow, err))
	spec := domain.PatternSpec{Recurrence: schedulingv1.Recurrence_RECURRENCE_WEEKLY, Weekday: time.Saturday,
		Start: domain.Clock{Hour: 10}, End: domain.Clock{Hour: 12}, First: time.Date(2026, 1, 6, 0, 0, 0, 0, time.UTC), Rooms: []uuid.UUID{room.ID}}
	p, _, uow, err := a.DefineOpeningPattern(ctx, c.ID, spec, md)
	require.NoError(t, commit(uow, err))
	spec.ID = p.ID
	slot := app.Slot{Pattern: p.ID, Date: time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC), Room: room.ID}
	ready := func() uuid.UUID {
		f := uuid.New()
		uow := new(eventstore.UnitOfWork)
		require.NoError(t, a.NoteFamilyReady(ctx, uow, f, domain.Readiness{Centre: c.ID, ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED,
			SessionMinutes: 60, Earliest: slot.Date}, md))
		require.NoError(t, commit(uow, nil))
		return f
	}
	timetable := func() int64 {
		tt, err := sessions.Timetable(ctx, c.ID)
		require.NoError(t, err)
		return tt.Version()
	}

	// The redefinition commits between the booking's decision and its commit.
	f := ready()
	_, booking, err := a.BookSession(ctx, c.ID, f, slot, md)
	require.NoError(t, err)
	spec.Start = domain.Clock{Hour: 10, Minute: 30}
	_, _, uow, err = a.DefineOpeningPattern(ctx, c.ID, spec, md)
	require.NoError(t, commit(uow, err))
	err = commit(booking, nil)
	require.ErrorIs(t, err, eventstore.ErrVersionConflict, "decided on the old times: a stale read")
	var conflict *eventstore.ConflictError
	require.ErrorAs(t, err, &conflict)
	require.Equal(t, domain.TimetableStream(c.ID), conflict.Stream)
	b, uow, err := a.BookSession(ctx, c.ID, f, slot, md)
	require.NoError(t, commit(uow, err))
	require.Equal(t, "10:30", domain.ClockAt(b.VisitingArrives, b.Location()).String(), "decided again, at the new times")

	// The booking commits between the redefinition's decision and its commit. The first booking
	// is cancelled, so the redefinition is decided on none.
	_, _, uow, err = a.CancelBooking(ctx, c.ID, b.ID, schedulingv1.CancelledBy_CANCELLED_BY_CENTRE,
		app.CallOff{Reason: schedulingv1.CallOffReason_CALL_OFF_REASON_STAFFING}, md)
	require.NoError(t, commit(uow, err))
	spec.Start = domain.Clock{Hour: 11}
	_, _, redefinition, err := a.DefineOpeningPattern(ctx, c.ID, spec, md)
	require.NoError(t, err)
	other, uow, err := a.BookSession(ctx, c.ID, ready(), app.Slot{Pattern: p.ID, Date: slot.Date.AddDate(0, 0, 7), Room: room.ID}, md)
	require.NoError(t, commit(uow, err))
	before := timetable()
	err = commit(redefinition, nil)
	require.ErrorIs(t, err, domain.ErrPatternHasBookings)
	require.Contains(t, err.Error(), "1 booking still to come")
	require.Equal(t, before, timetable(), "nothing appended")
	tt, err := sessions.Timetable(ctx, c.ID)
	require.NoError(t, err)
	kept, _ := tt.Pattern(p.ID)
	require.Equal(t, domain.Clock{Hour: 10, Minute: 30}, kept.Start)
	require.True(t, kept.Keeps(domain.BookedPlace{Booking: other.ID, Room: other.Room, Date: other.Date,
		Opens: domain.On(other.Date, other.SessionStart, other.Location()), Leaves: other.VisitingLeaves}))
}
