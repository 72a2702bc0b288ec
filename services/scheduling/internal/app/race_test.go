package app_test

import (
	"context"
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
	"github.com/familytime/familytime/services/platform/problem"
	"github.com/familytime/familytime/services/platform/testkit"
	"github.com/familytime/familytime/services/scheduling/internal/adapters"
	"github.com/familytime/familytime/services/scheduling/internal/app"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// The design note's two orders of a booking racing a hold, each made to happen: the booking
// decided, the hold committed, then the booking's commit fails its family-stream version check
// and, decided again, sees the hold; and the booking committed first, then cancelled by the hold
// with its place freed.
func TestBookingRacingAHoldEitherFailsOrIsCancelled(t *testing.T) {
	ctx := t.Context()
	db := testkit.Postgres(t)
	own, err := fs.Sub(os.DirFS("../.."), "migrations")
	require.NoError(t, err)
	db.Migrate(t, eventstore.Migrations(), migrate.Set{Component: "scheduling", FS: own})
	store := eventstore.New(db.Pool(t)).SignWith(testkit.BusKey.ForLog("scheduling"))
	now := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	a := app.New(adapters.NewCentres(store), adapters.NewSessions(store)).WithClock(func() time.Time { return now })
	md := eventstore.Metadata{Actor: "test"}
	commit := func(_ any, uow *eventstore.UnitOfWork, err error) {
		t.Helper()
		require.NoError(t, err)
		_, err = store.Commit(ctx, uow)
		require.NoError(t, err)
	}

	c, uow, err := a.RegisterCentre(ctx, domain.Details{Name: "Quay Centre", Region: commonv1.Region_REGION_LONDON,
		ServiceTypes:  []commonv1.ServiceType{commonv1.ServiceType_SERVICE_TYPE_SUPPORTED},
		Accreditation: commonv1.AccreditationStatus_ACCREDITATION_STATUS_WORKING_TOWARDS}, md)
	commit(c, uow, err)
	room, uow, err := a.AddRoom(ctx, c.ID, "Hall", 4, false, md)
	commit(room, uow, err)
	p, _, uow, err := a.DefineOpeningPattern(ctx, c.ID, domain.PatternSpec{Recurrence: schedulingv1.Recurrence_RECURRENCE_WEEKLY,
		Weekday: time.Saturday, Start: domain.Clock{Hour: 10}, End: domain.Clock{Hour: 12}, First: time.Date(2026, 1, 6, 0, 0, 0, 0, time.UTC),
		Rooms: []uuid.UUID{room.ID}}, md)
	commit(p, uow, err)
	slot := app.Slot{Pattern: p.ID, Date: time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC), Room: room.ID}

	ready := func(family uuid.UUID) {
		uow := new(eventstore.UnitOfWork)
		require.NoError(t, a.NoteFamilyReady(ctx, uow, family, domain.Readiness{Centre: c.ID, ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED,
			SessionMinutes: 60, Earliest: slot.Date}, md))
		commit(nil, uow, nil)
	}
	hold := func(family uuid.UUID) {
		uow := new(eventstore.UnitOfWork)
		require.NoError(t, a.NoteHold(ctx, uow, family, c.ID, uuid.New(), slot.Date, md))
		commit(nil, uow, nil)
	}

	// The hold commits between the booking's decision and its commit.
	f := uuid.New()
	ready(f)
	_, booking, err := a.BookSession(ctx, c.ID, f, slot, md)
	require.NoError(t, err)
	hold(f)
	_, err = store.Commit(ctx, booking)
	require.ErrorIs(t, err, eventstore.ErrVersionConflict)
	_, _, err = a.BookSession(ctx, c.ID, f, slot, md)
	require.ErrorIs(t, err, problem.Rule("ON_HOLD", ""))

	// The booking commits first; the hold cancels it and frees its place.
	f = uuid.New()
	ready(f)
	b, booking, err := a.BookSession(ctx, c.ID, f, slot, md)
	commit(b, booking, err)
	hold(f)
	fam, err := adapters.NewSessions(store).Family(ctx, f)
	require.NoError(t, err)
	got, err := fam.Booking(b.ID)
	require.NoError(t, err)
	require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED, got.Status)
	require.Equal(t, schedulingv1.CancellationReason_CANCELLATION_REASON_HOLD, got.Reason)
	occ, err := adapters.NewSessions(store).Occupancy(context.Background(), b.Occupancy())
	require.NoError(t, err)
	require.Zero(t, occ.Booked(), "the place is freed")
}
