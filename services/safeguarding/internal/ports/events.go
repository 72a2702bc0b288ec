package ports

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/safeguarding/internal/app"
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
