package ports

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/safeguarding/internal/app"
	"github.com/familytime/familytime/services/safeguarding/internal/domain"
)

// ReferralConsumer is the durable consumer of the referral stream.
const ReferralConsumer = "safeguarding-referral"

// ReferralSubjects are the referral events safeguarding handles.
var ReferralSubjects = []string{
	"ft.referral.*.ReferralReceived",
	"ft.referral.*.SecondPartyApplicationReceived",
	"ft.referral.*.ReferralAmended",
	"ft.referral.*.ScreeningRecorded",
	"ft.referral.*.PossibleDuplicateFlagged",
	"ft.referral.*.PossibleDuplicateChecked",
	"ft.referral.*.FamilyErased",
	"ft.referral.*.ReferralDeclined",
	"ft.referral.*.ReferralWithdrawn",
	"ft.referral.*.CaseEnded",
	"ft.referral.*.CaseReopened",
}

// Actor is who safeguarding's reactions to other services' events are recorded as.
const Actor = "service:safeguarding"

// ReferralEvents returns the handler of referral events: a received referral gets a provisional
// risk screen from its answers; the people a referral names (received, the second parent's
// application, amended) are noted, ids only, for the concerns about the family; a family's
// erasure destroys its key here too.
func ReferralEvents(a *app.App) bus.Handler {
	return func(ctx context.Context, d bus.Delivery, uow *eventstore.UnitOfWork) error {
		switch d.Envelope.GetEventType() {
		case "familytime.referral.v1.ReferralReceived":
			ev := &referralv1.ReferralReceived{}
			if err := d.Payload(ev); err != nil {
				return err
			}
			for _, s := range []string{ev.GetFamilyId(), ev.GetReferralId(), ev.GetCentreId()} {
				if _, err := uuid.Parse(s); err != nil {
					return bus.Poison(fmt.Errorf("referral received %s: an id is not a UUID", d.EventID))
				}
			}
			if err := notePeople(a, uow, d, ev.GetFamilyId(), ev.GetFacts()); err != nil {
				return err
			}
			a.NoteBodies(uow, uuid.MustParse(ev.GetFamilyId()), ev.GetSource(), bodiesOf(ev.GetSource(), ev.GetFacts(), ev.GetReceivedOn()))
			return a.ScreenReferral(ctx, app.ReferralAnswers{Family: ev.GetFamilyId(), Referral: ev.GetReferralId(), Centre: ev.GetCentreId(),
				Answers: ev.GetFacts().GetRisk(), Orders: ev.GetFacts().GetCourtOrders(), On: ev.GetReceivedOn()}, d.Caused(Actor), uow)
		case "familytime.referral.v1.SecondPartyApplicationReceived":
			ev := &referralv1.SecondPartyApplicationReceived{}
			if err := d.Payload(ev); err != nil {
				return err
			}
			if err := notePeople(a, uow, d, ev.GetFamilyId(), &referralv1.ReferralFacts{Adults: []*referralv1.AdultParty{ev.GetParent()}}); err != nil {
				return err
			}
			// The other parent's own answers: a yes from either parent counts (review 20).
			return a.ScreenReferral(ctx, app.ReferralAnswers{Family: ev.GetFamilyId(), Referral: ev.GetReferralId(), Centre: ev.GetCentreId(),
				Answers: ev.GetRisk(), On: ev.GetReceivedOn(), Later: true}, d.Caused(Actor), uow)
		case "familytime.referral.v1.ReferralAmended":
			ev := &referralv1.ReferralAmended{}
			if err := d.Payload(ev); err != nil {
				return err
			}
			if err := notePeople(a, uow, d, ev.GetFamilyId(), ev.GetFacts()); err != nil {
				return err
			}
			a.NoteAmendedBodies(uow, uuid.MustParse(ev.GetFamilyId()), bodiesOf(commonv1.ReferralSource_REFERRAL_SOURCE_UNSPECIFIED, ev.GetFacts(), ev.GetAmendedOn()))
			// The amended answers and orders, every parent's (review 20).
			return a.ScreenReferral(ctx, app.ReferralAnswers{Family: ev.GetFamilyId(), Referral: ev.GetReferralId(), Centre: ev.GetCentreId(),
				Answers: ev.GetFacts().GetRisk(), Orders: ev.GetFacts().GetCourtOrders(), On: ev.GetAmendedOn(), Later: true}, d.Caused(Actor), uow)
		case "familytime.referral.v1.ScreeningRecorded":
			// A person's screen at referral, red or amber, reaches the lead (review 20).
			ev := &referralv1.ScreeningRecorded{}
			if err := d.Payload(ev); err != nil {
				return err
			}
			return a.ScreenedAtReferral(ctx, ev, d.Caused(Actor), uow)
		case "familytime.referral.v1.PossibleDuplicateFlagged":
			// Domestic abuse disclosed on another referral of a child on this one, carried to it
			// (decisions 194, 197): screened as this family's disclosure, so the lead's list shows
			// the family, as for a second parent's or an amendment's "yes" (review 20). Found on a
			// case already screened, accepted or ready (a corrected date of birth, decision 187), it
			// puts an assessed risk before a person again when flagged after the assessment, even
			// if a disclosure before it named the factor: scheduling stops the family's contact
			// until a person assesses it (decision 225, review 37). A flag that carries none is
			// the centre's staff's to check, not a disclosure.
			ev := &referralv1.PossibleDuplicateFlagged{}
			if err := d.Payload(ev); err != nil {
				return err
			}
			if !ev.GetDomesticAbuseDisclosed() {
				return nil
			}
			// Weighed by instants: when referral recorded the flag, against when safeguarding
			// recorded the latest assessment (weighing.Weighs).
			var flaggedAt time.Time
			if d.Envelope.GetRecordedAt() != nil {
				flaggedAt = d.Envelope.GetRecordedAt().AsTime()
			}
			return a.DisclosureCarried(ctx, ev.GetFamilyId(), ev.GetReferralId(), ev.GetCentreId(), ev.GetFlaggedOn(), flaggedAt, d.Caused(Actor), uow)
		case "familytime.referral.v1.PossibleDuplicateChecked":
			// A lead at the referral's centre checked that a possible duplicate's family is
			// another: the lead of each other centre whose hold on that family is in force is
			// told (decision 211), and, when the check weighed the family's domestic-abuse
			// finding, the lead of the centre whose assessment made it. A check recorded before
			// names no family: nothing to tell.
			ev := &referralv1.PossibleDuplicateChecked{}
			if err := d.Payload(ev); err != nil {
				return err
			}
			if ev.GetOtherFamilyId() == "" {
				return nil
			}
			family, err := uuid.Parse(ev.GetOtherFamilyId())
			centre, cerr := uuid.Parse(ev.GetCentreId())
			referral, rerr := uuid.Parse(ev.GetReferralId())
			if err != nil || cerr != nil || rerr != nil {
				return bus.Poison(fmt.Errorf("possible duplicate checked %s: an id is not a UUID", d.EventID))
			}
			if err := a.DuplicateCheckedElsewhere(ctx, uow, family, centre, referral, dates.Time(ev.GetCheckedOn()), d.Caused(Actor)); err != nil {
				return err
			}
			if !ev.GetDomesticAbuseFinding() {
				return nil // the check weighed no finding: it cleared none
			}
			return a.FindingCheckedElsewhere(ctx, uow, family, centre, referral, dates.Time(ev.GetCheckedOn()), d.Caused(Actor))
		case "familytime.referral.v1.FamilyErased":
			ev := &referralv1.FamilyErased{}
			if err := d.Payload(ev); err != nil {
				return err
			}
			family, err := uuid.Parse(ev.GetFamilyId())
			if err != nil || family == uuid.Nil {
				return bus.Poison(fmt.Errorf("family erased %s: the family id is not a UUID", d.EventID))
			}
			on := dates.Time(ev.GetErasedOn())
			if on.IsZero() {
				on = dates.InUK(d.Envelope.GetRecordedAt().AsTime())
			}
			a.CaseClosed(uow, family, d.Envelope.GetRecordedAt().AsTime())
			return a.FamilyErased(ctx, uow, family, int32(ev.GetReason()), on)
		case "familytime.referral.v1.ReferralDeclined":
			ev := &referralv1.ReferralDeclined{}
			if err := d.Payload(ev); err != nil {
				return err
			}
			return closeCase(a, uow, d, ev.GetFamilyId(), ev.GetDeclinedOn())
		case "familytime.referral.v1.ReferralWithdrawn":
			ev := &referralv1.ReferralWithdrawn{}
			if err := d.Payload(ev); err != nil {
				return err
			}
			return closeCase(a, uow, d, ev.GetFamilyId(), ev.GetWithdrawnOn())
		case "familytime.referral.v1.CaseEnded":
			ev := &referralv1.CaseEnded{}
			if err := d.Payload(ev); err != nil {
				return err
			}
			return closeCase(a, uow, d, ev.GetFamilyId(), ev.GetEndedOn())
		case "familytime.referral.v1.CaseReopened":
			ev := &referralv1.CaseReopened{}
			if err := d.Payload(ev); err != nil {
				return err
			}
			family, err := uuid.Parse(ev.GetFamilyId())
			if err != nil || family == uuid.Nil {
				return bus.Poison(fmt.Errorf("case reopened %s: the family id is not a UUID", d.EventID))
			}
			a.CaseReopened(uow, family)
			return nil
		}
		return nil // not handled; the inbox still records it
	}
}

// closeCase notes that the family's case closed at referral on the centre's date on: its risk is
// no longer anyone's to review (decision 126).
func closeCase(a *app.App, uow *eventstore.UnitOfWork, d bus.Delivery, familyID string, on *commonv1.Date) error {
	family, err := uuid.Parse(familyID)
	if err != nil || family == uuid.Nil {
		return bus.Poison(fmt.Errorf("%s %s: the family id is not a UUID", bus.EventName(d.Envelope.GetEventType()), d.EventID))
	}
	day := dates.Time(on)
	if day.IsZero() {
		day = d.Envelope.GetRecordedAt().AsTime()
	}
	a.CaseClosed(uow, family, day)
	return nil
}

// bodiesOf are the bodies a referral from source, with facts as of the day on (received or
// amended), involves with the family. A court order counts only while in force on that day: one
// that had expired is the family's history, as referral holds it (decision 291: it needs no
// court_involved), and counting it would send a report to a court no longer involved (decision
// 299). An order with no expiry, or expiring that day or later, still counts.
func bodiesOf(source commonv1.ReferralSource, facts *referralv1.ReferralFacts, on *commonv1.Date) domain.Bodies {
	inForce := slices.ContainsFunc(facts.GetCourtOrders(), func(o *referralv1.CourtOrderRecord) bool {
		return o.GetExpiresOn() == nil || on == nil || !dates.Time(o.GetExpiresOn()).Before(dates.Time(on))
	})
	b := domain.Bodies{
		Court:          facts.GetCourtInvolved() || inForce || source == commonv1.ReferralSource_REFERRAL_SOURCE_COURT,
		Cafcass:        facts.GetCafcassInvolved() || source == commonv1.ReferralSource_REFERRAL_SOURCE_CAFCASS,
		LocalAuthority: source == commonv1.ReferralSource_REFERRAL_SOURCE_LOCAL_AUTHORITY,
	}
	for _, ag := range facts.GetOtherAgencies() {
		switch ag {
		case referralv1.Agency_AGENCY_CAFCASS:
			b.Cafcass = true
		case referralv1.Agency_AGENCY_CHILDRENS_SERVICES:
			b.LocalAuthority = true
		}
	}
	return b
}

// notePeople notes the adults and children of facts as the family's people.
func notePeople(a *app.App, uow *eventstore.UnitOfWork, d bus.Delivery, familyID string, facts *referralv1.ReferralFacts) error {
	family, err := uuid.Parse(familyID)
	if err != nil {
		return bus.Poison(fmt.Errorf("%s %s: the family id is not a UUID", bus.EventName(d.Envelope.GetEventType()), d.EventID))
	}
	var ids []string
	var party, parent []bool
	for _, p := range facts.GetAdults() {
		isParent := p.GetRole() == referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT || p.GetRole() == referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT
		ids = append(ids, p.GetPersonId())
		party, parent = append(party, p.GetParentalResponsibility() || isParent), append(parent, isParent)
	}
	for _, c := range facts.GetChildren() {
		ids, party, parent = append(ids, c.GetPersonId()), append(party, false), append(parent, false)
	}
	people := make([]uuid.UUID, 0, len(ids))
	for _, s := range ids {
		p, err := uuid.Parse(s)
		if err != nil {
			return bus.Poison(fmt.Errorf("%s %s: a person id is not a UUID", bus.EventName(d.Envelope.GetEventType()), d.EventID))
		}
		people = append(people, p)
	}
	a.NotePeople(uow, family, people, party, parent)
	return nil
}

// SchedulingConsumer is the durable consumer of the scheduling stream.
const SchedulingConsumer = "safeguarding-scheduling"

// SchedulingSubjects are the scheduling events safeguarding handles.
var SchedulingSubjects = []string{"ft.scheduling.*.SessionBooked", "ft.scheduling.*.SessionCompleted", "ft.scheduling.*.SessionCalledOff"}

// SchedulingEvents returns the handler of scheduling events: a booking is noted as the family's,
// for the concerns about it; a completed supervised session makes its observation report due, for
// the session's supervisor to draft.
func SchedulingEvents(a *app.App) bus.Handler {
	return func(ctx context.Context, d bus.Delivery, uow *eventstore.UnitOfWork) error {
		switch d.Envelope.GetEventType() {
		case "familytime.scheduling.v1.SessionBooked":
			ev := &schedulingv1.SessionBooked{}
			if err := d.Payload(ev); err != nil {
				return err
			}
			booking, err1 := uuid.Parse(ev.GetBookingId())
			family, err2 := uuid.Parse(ev.GetFamilyId())
			if err1 != nil || err2 != nil {
				return bus.Poison(fmt.Errorf("session booked %s: an id is not a UUID", d.EventID))
			}
			a.NoteBooking(uow, booking, family)
			return nil
		case "familytime.scheduling.v1.SessionCompleted":
		case "familytime.scheduling.v1.SessionCalledOff":
			// A supervised session a hold called off with the family inside: what was watched
			// until the hold is reported too (review 20). Scheduling does not know who watched it;
			// the first draft's author writes it, or the lead gives it to a writer.
			ev := &schedulingv1.SessionCalledOff{}
			if err := d.Payload(ev); err != nil {
				return err
			}
			return reportDue(ctx, a, d, uow, ev.GetBookingId(), ev.GetFamilyId(), ev.GetCentreId(),
				domain.CompletedSession{ServiceType: ev.GetServiceType(), SessionOn: dates.Time(ev.GetSessionDate())})
		default:
			return nil
		}
		ev := &schedulingv1.SessionCompleted{}
		if err := d.Payload(ev); err != nil {
			return err
		}
		return reportDue(ctx, a, d, uow, ev.GetBookingId(), ev.GetFamilyId(), ev.GetCentreId(),
			domain.CompletedSession{ServiceType: ev.GetServiceType(), SessionOn: dates.Time(ev.GetSessionDate()), Supervisor: ev.GetSupervisedBy()})
	}
}

// reportDue makes a supervised session's observation report due, from a session s with the event's
// ids.
func reportDue(ctx context.Context, a *app.App, d bus.Delivery, uow *eventstore.UnitOfWork, booking, family, centre string, s domain.CompletedSession) error {
	var err error
	for _, f := range []struct {
		to *uuid.UUID
		s  string
	}{{&s.Booking, booking}, {&s.Family, family}, {&s.Centre, centre}} {
		if *f.to, err = uuid.Parse(f.s); err != nil {
			return bus.Poison(fmt.Errorf("%s %s: an id is not a UUID", bus.EventName(d.Envelope.GetEventType()), d.EventID))
		}
	}
	if s.ServiceType == commonv1.ServiceType_SERVICE_TYPE_SUPERVISED && s.SessionOn.IsZero() {
		return bus.Poison(fmt.Errorf("%s %s: no session date", bus.EventName(d.Envelope.GetEventType()), d.EventID))
	}
	return a.ReportDue(ctx, s, d.Caused(Actor), uow)
}

// OwnConsumer is the durable consumer of safeguarding's own stream: a family's erasure that waited
// for its records in use is carried out once the last is brought to an end (decision 104).
const OwnConsumer = "safeguarding-safeguarding"

// OwnSubjects are safeguarding's events that bring a record in use to an end: a concern closed, a
// hold lifted, an observation report released.
var OwnSubjects = []string{"ft.safeguarding.*.ConcernClosed", "ft.safeguarding.*.ConcernMoved", "ft.safeguarding.*.HoldLifted",
	"ft.safeguarding.*.ReportReleased"}

// OwnEvents returns the handler of safeguarding's own events: a concern closed, a hold lifted or a
// report released may let a waiting erasure go ahead.
func OwnEvents(a *app.App) bus.Handler {
	return func(ctx context.Context, d bus.Delivery, uow *eventstore.UnitOfWork) error {
		var family string
		switch d.Envelope.GetEventType() {
		case "familytime.safeguarding.v1.ConcernClosed":
			ev := &safeguardingv1.ConcernClosed{}
			if err := d.Payload(ev); err != nil {
				return err
			}
			family = ev.GetFamilyId()
		case "familytime.safeguarding.v1.ConcernMoved":
			ev := &safeguardingv1.ConcernMoved{}
			if err := d.Payload(ev); err != nil {
				return err
			}
			family = ev.GetFamilyId()
		case "familytime.safeguarding.v1.HoldLifted":
			ev := &safeguardingv1.HoldLifted{}
			if err := d.Payload(ev); err != nil {
				return err
			}
			family = ev.GetFamilyId()
		case "familytime.safeguarding.v1.ReportReleased":
			ev := &safeguardingv1.ReportReleased{}
			if err := d.Payload(ev); err != nil {
				return err
			}
			family = ev.GetFamilyId()
		default:
			return nil // not handled; the inbox still records it
		}
		id, err := uuid.Parse(family)
		if err != nil || id == uuid.Nil {
			return bus.Poison(fmt.Errorf("%s %s: the family id is not a UUID", bus.EventName(d.Envelope.GetEventType()), d.EventID))
		}
		return a.RecordEnded(ctx, uow, id)
	}
}

// StaffConsumer is the durable consumer of the centres' staff registers on the scheduling stream:
// a consumer of its own, so that it reads every register from the stream's start (decision 96).
const StaffConsumer = "safeguarding-staff"
