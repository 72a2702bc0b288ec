package ports

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/safeguarding/internal/app"
	"github.com/familytime/familytime/services/safeguarding/internal/domain"
)

// ReferralConsumer is the durable consumer of the referral stream.
const ReferralConsumer = "safeguarding-referral"

// ReferralSubjects are the referral events safeguarding handles.
var ReferralSubjects = []string{"ft.referral.*.ReferralReceived"}

// Actor is who safeguarding's reactions to other services' events are recorded as.
const Actor = "service:safeguarding"

// ReferralEvents returns the handler of referral events: a received referral gets a provisional
// risk screen from its answers.
func ReferralEvents(a *app.App) bus.Handler {
	return func(ctx context.Context, d bus.Delivery, uow *eventstore.UnitOfWork) error {
		if d.Envelope.GetEventType() != "familytime.referral.v1.ReferralReceived" {
			return nil // not handled; the inbox still records it
		}
		ev := &referralv1.ReferralReceived{}
		if err := d.Payload(ev); err != nil {
			return err
		}
		for _, s := range []string{ev.GetFamilyId(), ev.GetReferralId(), ev.GetCentreId()} {
			if _, err := uuid.Parse(s); err != nil {
				return bus.Poison(fmt.Errorf("referral received %s: an id is not a UUID", d.EventID))
			}
		}
		return a.ScreenReferral(ctx, ev, d.Caused(Actor), uow)
	}
}

// SchedulingConsumer is the durable consumer of the scheduling stream.
const SchedulingConsumer = "safeguarding-scheduling"

// SchedulingSubjects are the scheduling events safeguarding handles.
var SchedulingSubjects = []string{"ft.scheduling.*.SessionCompleted"}

// SchedulingEvents returns the handler of scheduling events: a completed supervised session makes
// its observation report due, for the session's supervisor to draft.
func SchedulingEvents(a *app.App) bus.Handler {
	return func(ctx context.Context, d bus.Delivery, uow *eventstore.UnitOfWork) error {
		if d.Envelope.GetEventType() != "familytime.scheduling.v1.SessionCompleted" {
			return nil
		}
		ev := &schedulingv1.SessionCompleted{}
		if err := d.Payload(ev); err != nil {
			return err
		}
		s := domain.CompletedSession{ServiceType: ev.GetServiceType(), SessionOn: domain.FromDate(ev.GetSessionDate()),
			Supervisor: ev.GetSupervisedBy()}
		var err error
		for _, f := range []struct {
			to *uuid.UUID
			s  string
		}{{&s.Booking, ev.GetBookingId()}, {&s.Family, ev.GetFamilyId()}, {&s.Centre, ev.GetCentreId()}} {
			if *f.to, err = uuid.Parse(f.s); err != nil {
				return bus.Poison(fmt.Errorf("session completed %s: an id is not a UUID", d.EventID))
			}
		}
		if s.ServiceType == commonv1.ServiceType_SERVICE_TYPE_SUPERVISED && s.SessionOn.IsZero() {
			return bus.Poison(fmt.Errorf("session completed %s: no session date", d.EventID))
		}
		return a.ReportDue(ctx, s, d.Caused(Actor), uow)
	}
}
