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
	"github.com/familytime/familytime/services/platform/problem"
	"github.com/familytime/familytime/services/platform/testkit"
	"github.com/familytime/familytime/services/scheduling/internal/adapters"
	"github.com/familytime/familytime/services/scheduling/internal/app"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// A booking decided on the waiting list as read, with no offer standing, and an offer of the
// place committed before the booking commits (review 68): the booking's commit fails its guard
// on the list, and decided again it sees the place held for the family offered it and is refused
// PLACE_ON_OFFER; the family offered it is booked. A move of another family's booking into the
// held place is refused alike.
func TestABookingRacingAnOfferOfThePlaceIsDecidedAgain(t *testing.T) {
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
	supported := commonv1.ServiceType_SERVICE_TYPE_SUPPORTED

	c, uow, err := a.RegisterCentre(ctx, domain.Details{Name: "Quay Centre", Region: commonv1.Region_REGION_LONDON,
		ServiceTypes:  []commonv1.ServiceType{supported},
		Accreditation: commonv1.AccreditationStatus_ACCREDITATION_STATUS_WORKING_TOWARDS}, md)
	commit(c, uow, err)
	garden, uow, err := a.AddRoom(ctx, c.ID, "Garden", 1, false, md)
	commit(garden, uow, err)
	hall, uow, err := a.AddRoom(ctx, c.ID, "Hall", 1, false, md)
	commit(hall, uow, err)
	p, _, uow, err := a.DefineOpeningPattern(ctx, c.ID, domain.PatternSpec{Recurrence: schedulingv1.Recurrence_RECURRENCE_WEEKLY,
		Weekday: time.Saturday, Start: domain.Clock{Hour: 10}, End: domain.Clock{Hour: 12}, First: time.Date(2026, 1, 6, 0, 0, 0, 0, time.UTC),
		Rooms: []uuid.UUID{garden.ID, hall.ID}}, md)
	commit(p, uow, err)
	saturday := time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC)
	in := func(room uuid.UUID, weeks int) app.Slot {
		return app.Slot{Pattern: p.ID, Date: saturday.AddDate(0, 0, 7*weeks), Room: room}
	}
	ready := func(family uuid.UUID) {
		t.Helper()
		uow := new(eventstore.UnitOfWork)
		require.NoError(t, a.NoteFamilyReady(ctx, uow, family, domain.Readiness{Centre: c.ID, ServiceType: supported,
			SessionMinutes: 60, Earliest: saturday}, md))
		commit(nil, uow, nil)
	}
	other, waiting := uuid.New(), uuid.New()
	ready(other)
	uow = new(eventstore.UnitOfWork)
	require.NoError(t, a.NoteReferral(ctx, uow, waiting, domain.Referred{Centre: c.ID, Referral: uuid.New(),
		Decision: schedulingv1.ReferralDecision_REFERRAL_DECISION_WAITLISTED, ServiceType: supported}, now, md))
	commit(nil, uow, nil)

	// The booking is decided with no offer standing; the offer of Garden commits; the booking's
	// commit then fails, and decided again it is refused.
	_, booking, err := a.BookSession(ctx, c.ID, other, in(garden.ID, 0), md)
	require.NoError(t, err)
	offered, _, offer, err := a.OfferPlace(ctx, c.ID, p.ID, garden.ID, uuid.Nil, schedulingv1.OutOfTurnReason_OUT_OF_TURN_REASON_UNSPECIFIED, md)
	require.NoError(t, err)
	require.Equal(t, waiting, offered)
	_, err = store.Commit(ctx, offer)
	require.NoError(t, err)
	_, err = store.Commit(ctx, booking)
	require.ErrorIs(t, err, eventstore.ErrVersionConflict, "decided on the list without the offer")
	_, _, err = a.BookSession(ctx, c.ID, other, in(garden.ID, 0), md)
	require.ErrorIs(t, err, domain.ErrPlaceOnOffer)
	require.ErrorContains(t, err, "held for 1 family offered it")
	require.ErrorContains(t, err, "the first lapses on 2026-01-12 at 09:00")
	_, _, err = a.BookSession(ctx, c.ID, other, in(garden.ID, 3), md)
	require.ErrorIs(t, err, domain.ErrPlaceOnOffer, "every session of the place is held")

	// Another room is free to book; a move from it into the held place is refused alike.
	b, uow, err := a.BookSession(ctx, c.ID, other, in(hall.ID, 0), md)
	commit(b, uow, err)
	_, _, _, err = a.RescheduleBooking(ctx, c.ID, b.ID, in(garden.ID, 1), schedulingv1.CancelledBy_CANCELLED_BY_CENTRE, md)
	require.ErrorIs(t, err, problem.Rule("PLACE_ON_OFFER", ""))

	// The family offered it, once ready, is booked into it as before.
	ready(waiting)
	held, uow, err := a.BookSession(ctx, c.ID, waiting, in(garden.ID, 0), md)
	commit(held, uow, err)
}
