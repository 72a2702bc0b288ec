package ports

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/weighing"
	"github.com/familytime/familytime/services/scheduling/internal/app"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// The consumers of other services' events, each subscribed to only the types it handles
// (docs/architecture.md lists them).
const (
	// ReferralConsumer is the durable consumer of the referral stream.
	ReferralConsumer = "scheduling-referral"
	// SafeguardingConsumer is the durable consumer of the safeguarding stream.
	SafeguardingConsumer = "scheduling-safeguarding"
	// ReviewConsumer keeps each family's review due date (decision 261), a consumer of the referral
	// stream of its own so that it reads every first session and review from the stream's start, on
	// a deployment made before it too, where scheduling-referral would resume after the events it
	// was never subscribed to (the families whose reviews are already overdue are the ones to tell).
	ReviewConsumer = "scheduling-reviews"
)

// ReferralSubjects are the referral events scheduling acts on.
var ReferralSubjects = []string{
	"ft.referral.*.ReferralWaitlisted",
	"ft.referral.*.ReferralAccepted",
	"ft.referral.*.ReferralDeclined",
	"ft.referral.*.ReferralAmended", // decision_void only (decision 392)
	"ft.referral.*.FamilyReadyForContact",
	"ft.referral.*.ArrangementChanged",
	"ft.referral.*.ChildrenLeavingChanged",
	"ft.referral.*.ChildBirthMonthCorrected",
	"ft.referral.*.AdultKeptFromChildren", // decision 323
	"ft.referral.*.CaseEnded",
	"ft.referral.*.CaseReopened",
	"ft.referral.*.ReferralWithdrawn",
	"ft.referral.*.PossibleDuplicateFlagged",
	"ft.referral.*.FamilyErased",
	"ft.referral.*.SameChildConfirmed", // decision 363
}

// ReviewSubjects are the referral events the review consumer acts on: the first session, which
// sets the first review's due date for supported contact, and each review held, which sets the next.
var ReviewSubjects = []string{
	"ft.referral.*.FirstSessionAttended",
	"ft.referral.*.ReviewHeld",
}

// SafeguardingSubjects are the safeguarding events scheduling acts on.
var SafeguardingSubjects = []string{
	"ft.safeguarding.*.HoldPlaced",
	"ft.safeguarding.*.HoldLifted",
	"ft.safeguarding.*.RiskAssessed",
}

// metadata is what the events a consumed event sets off carry: the service acted, caused by the
// event, in the same correlation.
func metadata(d bus.Delivery) eventstore.Metadata { return d.Caused("service:scheduling") }

// decode reads the event's payload; one that cannot be read is a poison (bus.Delivery.Payload).
func decode[M proto.Message](d bus.Delivery, m M) (M, error) { return m, d.Payload(m) }

// ids parses the ids an event must carry; an event without them can never be handled.
func ids(d bus.Delivery, named ...string) ([]uuid.UUID, error) {
	out := make([]uuid.UUID, 0, len(named)/2)
	for i := 0; i < len(named); i += 2 {
		u, err := uuid.Parse(named[i+1])
		if err != nil {
			return nil, bus.Poison(fmt.Errorf("%s %s: %s is not a UUID", d.Envelope.GetEventType(), d.EventID, named[i]))
		}
		out = append(out, u)
	}
	return out, nil
}

// ReferralEvents handles referral's events.
func ReferralEvents(a *app.App) bus.Handler {
	return func(ctx context.Context, d bus.Delivery, uow *eventstore.UnitOfWork) error {
		switch d.Envelope.GetEventType() {
		case "familytime.referral.v1.ReferralWaitlisted":
			ev, err := decode(d, &referralv1.ReferralWaitlisted{})
			if err != nil {
				return err
			}
			// An event recorded before service_type existed says none: NoteReferral decides.
			return noteReferral(ctx, a, uow, d, ev, schedulingv1.ReferralDecision_REFERRAL_DECISION_WAITLISTED, ev.GetServiceType(), ev.GetWaitlistedOn())
		case "familytime.referral.v1.ReferralAccepted":
			ev, err := decode(d, &referralv1.ReferralAccepted{})
			if err != nil {
				return err
			}
			return noteReferral(ctx, a, uow, d, ev, schedulingv1.ReferralDecision_REFERRAL_DECISION_ACCEPTED, ev.GetServiceType(), ev.GetAcceptedOn())
		case "familytime.referral.v1.ReferralDeclined":
			ev, err := decode(d, &referralv1.ReferralDeclined{})
			if err != nil {
				return err
			}
			return noteReferral(ctx, a, uow, d, ev, schedulingv1.ReferralDecision_REFERRAL_DECISION_DECLINED, commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED, ev.GetDeclinedOn())
		case "familytime.referral.v1.ReferralAmended":
			// Only a waitlisting or acceptance undone with its screening concerns scheduling; the
			// details (sealed) are not read here.
			ev, err := decode(d, &referralv1.ReferralAmended{})
			if err != nil || !ev.GetDecisionVoid() {
				return err
			}
			return noteReferral(ctx, a, uow, d, ev, schedulingv1.ReferralDecision_REFERRAL_DECISION_UNDONE, commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED, ev.GetAmendedOn())
		case "familytime.referral.v1.FamilyReadyForContact":
			ev, err := decode(d, &referralv1.FamilyReadyForContact{})
			if err != nil {
				return err
			}
			r, family, err := readiness(d, ev)
			if err != nil {
				return err
			}
			return a.NoteFamilyReady(ctx, uow, family, r, metadata(d))
		case "familytime.referral.v1.ArrangementChanged":
			ev, err := decode(d, &referralv1.ArrangementChanged{})
			if err != nil {
				return err
			}
			u, err := ids(d, "family_id", ev.GetFamilyId(), "centre_id", ev.GetCentreId(), "referral_id", ev.GetReferralId())
			if err != nil {
				return err
			}
			arr := ev.GetArrangement()
			c := domain.ArrangementChange{Centre: u[1], Referral: u[2], SessionMinutes: int(arr.GetSessionMinutes()),
				Stagger:   domain.Stagger{Arrival: int(arr.GetStagger().GetArrivalMinutes()), Departure: int(arr.GetStagger().GetDepartureMinutes())},
				Frequency: frequency(arr.GetFrequency()), ChangedOn: dateOf(ev.GetChangedOn())}
			return a.NoteArrangementChanged(ctx, uow, u[0], c, metadata(d))
		case "familytime.referral.v1.ChildrenLeavingChanged":
			ev, err := decode(d, &referralv1.ChildrenLeavingChanged{})
			if err != nil {
				return err
			}
			u, err := ids(d, "family_id", ev.GetFamilyId(), "centre_id", ev.GetCentreId(), "referral_id", ev.GetReferralId())
			if err != nil {
				return err
			}
			c := domain.ChildrenLeaving{Centre: u[1], Referral: u[2], MayLeave: ev.GetChildrenMayLeaveCentre(), ChangedOn: dateOf(ev.GetChangedOn())}
			return a.NoteChildrenLeaving(ctx, uow, u[0], c, metadata(d))
		case "familytime.referral.v1.ChildBirthMonthCorrected":
			ev, err := decode(d, &referralv1.ChildBirthMonthCorrected{})
			if err != nil {
				return err
			}
			u, err := ids(d, "family_id", ev.GetFamilyId(), "centre_id", ev.GetCentreId(), "referral_id", ev.GetReferralId(),
				"person_id", ev.GetPersonId())
			if err != nil {
				return err
			}
			c := domain.BirthMonthCorrection{Centre: u[1], Referral: u[2], Child: u[3], BirthYear: int(ev.GetBirthYear()),
				BirthMonth: int(ev.GetBirthMonth()), CorrectedOn: dateOf(ev.GetCorrectedOn())}
			return a.NoteChildBirthMonth(ctx, uow, u[0], c, metadata(d))
		case "familytime.referral.v1.AdultKeptFromChildren":
			// A court order amended in after readiness keeps the adult from the children, or the
			// amendment took them off the referral: ids and a date only (decisions 323, 389).
			ev, err := decode(d, &referralv1.AdultKeptFromChildren{})
			if err != nil {
				return err
			}
			u, err := ids(d, "family_id", ev.GetFamilyId(), "centre_id", ev.GetCentreId(), "referral_id", ev.GetReferralId(),
				"person_id", ev.GetPersonId())
			if err != nil {
				return err
			}
			k := domain.AdultKept{Centre: u[1], Referral: u[2], Adult: u[3], KeptOn: dateOf(ev.GetKeptOn()), Withdrawn: ev.GetWithdrawn()}
			return a.NoteAdultKept(ctx, uow, u[0], k, metadata(d))
		case "familytime.referral.v1.CaseEnded":
			ev, err := decode(d, &referralv1.CaseEnded{})
			if err != nil {
				return err
			}
			u, err := ids(d, "family_id", ev.GetFamilyId(), "centre_id", ev.GetCentreId(), "referral_id", ev.GetReferralId())
			if err != nil {
				return err
			}
			return a.EndContact(ctx, uow, u[0], u[1], u[2], dateOf(ev.GetEndedOn()), false, metadata(d))
		case "familytime.referral.v1.FamilyErased":
			// The family's data key in scheduling's key store is destroyed (review 42): its
			// explained no-shows' explanations no longer open. Nothing is recorded.
			ev, err := decode(d, &referralv1.FamilyErased{})
			if err != nil {
				return err
			}
			u, err := ids(d, "family_id", ev.GetFamilyId())
			if err != nil {
				return err
			}
			return a.FamilyErased(ctx, uow, u[0])
		case "familytime.referral.v1.CaseReopened":
			ev, err := decode(d, &referralv1.CaseReopened{})
			if err != nil {
				return err
			}
			u, err := ids(d, "family_id", ev.GetFamilyId(), "centre_id", ev.GetCentreId(), "referral_id", ev.GetReferralId())
			if err != nil {
				return err
			}
			return a.ReopenContact(ctx, uow, u[0], u[1], u[2], dateOf(ev.GetReopenedOn()), dateOf(ev.GetEndedOn()), metadata(d))
		case "familytime.referral.v1.ReferralWithdrawn":
			ev, err := decode(d, &referralv1.ReferralWithdrawn{})
			if err != nil {
				return err
			}
			u, err := ids(d, "family_id", ev.GetFamilyId(), "centre_id", ev.GetCentreId(), "referral_id", ev.GetReferralId())
			if err != nil {
				return err
			}
			return a.EndContact(ctx, uow, u[0], u[1], u[2], dateOf(ev.GetWithdrawnOn()), true, metadata(d))
		case "familytime.referral.v1.SameChildConfirmed":
			// A child on the family's referral is the child on another family's: the family is that
			// one referred again, and is kept apart from the families it was (decision 363). A
			// confirmation recorded before the event named the other family carries nothing.
			ev, err := decode(d, &referralv1.SameChildConfirmed{})
			if err != nil || ev.GetOtherFamilyId() == "" {
				return err
			}
			u, err := ids(d, "family_id", ev.GetFamilyId(), "centre_id", ev.GetCentreId(), "other_family_id", ev.GetOtherFamilyId())
			if err != nil {
				return err
			}
			return a.CarryKeptApart(ctx, uow, u[0], u[1], u[2], metadata(d))
		case "familytime.referral.v1.PossibleDuplicateFlagged":
			ev, err := decode(d, &referralv1.PossibleDuplicateFlagged{})
			if err != nil || !ev.GetDomesticAbuseDisclosed() {
				return err // a possible duplicate alone is for a person to check: nothing here
			}
			u, err := ids(d, "family_id", ev.GetFamilyId(), "centre_id", ev.GetCentreId(), "referral_id", ev.GetReferralId())
			if err != nil {
				return err
			}
			return a.NoteDisclosure(ctx, uow, u[0], u[1], u[2], weighing.Moment{On: dateOf(ev.GetFlaggedOn()), At: recordedAt(d)}, metadata(d))
		}
		return nil
	}
}

// decided is what referral's decisions on a referral carry.
type decided interface {
	GetFamilyId() string
	GetCentreId() string
	GetReferralId() string
}

// noteReferral records one of referral's decisions on a referral (NoteReferral).
func noteReferral(ctx context.Context, a *app.App, uow *eventstore.UnitOfWork, d bus.Delivery, ev decided, decision schedulingv1.ReferralDecision, st commonv1.ServiceType, on *commonv1.Date) error {
	u, err := ids(d, "family_id", ev.GetFamilyId(), "centre_id", ev.GetCentreId(), "referral_id", ev.GetReferralId())
	if err != nil {
		return err
	}
	r := domain.Referred{Centre: u[1], Referral: u[2], Decision: decision, ServiceType: st}
	return a.NoteReferral(ctx, uow, u[0], r, dateOf(on), metadata(d))
}

// ReviewEvents handles the referral events that set a family's review due date (ReviewSubjects).
func ReviewEvents(a *app.App) bus.Handler {
	return func(ctx context.Context, d bus.Delivery, uow *eventstore.UnitOfWork) error {
		switch d.Envelope.GetEventType() {
		case "familytime.referral.v1.FirstSessionAttended":
			// Contact began: for supported contact, the first review is due.
			ev, err := decode(d, &referralv1.FirstSessionAttended{})
			if err != nil {
				return err
			}
			return noteReviewDue(ctx, a, uow, d, ev, ev.GetReviewDueOn(), ev.GetSessionOn())
		case "familytime.referral.v1.ReviewHeld":
			// The review held sets the next. Its note is sealed for referral's readers: only the
			// dates are read here.
			ev, err := decode(d, &referralv1.ReviewHeld{})
			if err != nil {
				return err
			}
			return noteReviewDue(ctx, a, uow, d, ev, ev.GetNextReviewDueOn(), ev.GetHeldOn())
		}
		return nil
	}
}

// noteReviewDue records the review due date one of referral's events set (NoteReviewDue): due, or
// none when unset, set by the session or review of the day on.
func noteReviewDue(ctx context.Context, a *app.App, uow *eventstore.UnitOfWork, d bus.Delivery, ev decided, due, on *commonv1.Date) error {
	u, err := ids(d, "family_id", ev.GetFamilyId(), "centre_id", ev.GetCentreId(), "referral_id", ev.GetReferralId())
	if err != nil {
		return err
	}
	r := domain.ReviewDue{Centre: u[1], Referral: u[2], DueOn: dateOf(due), SetOn: dateOf(on)}
	return a.NoteReviewDue(ctx, uow, u[0], r, metadata(d))
}

// SafeguardingEvents handles safeguarding's events.
func SafeguardingEvents(a *app.App) bus.Handler {
	return func(ctx context.Context, d bus.Delivery, uow *eventstore.UnitOfWork) error {
		switch d.Envelope.GetEventType() {
		case "familytime.safeguarding.v1.HoldPlaced":
			ev, err := decode(d, &safeguardingv1.HoldPlaced{})
			if err != nil {
				return err
			}
			u, err := ids(d, "family_id", ev.GetFamilyId(), "centre_id", ev.GetCentreId(), "hold_id", ev.GetHoldId())
			if err != nil {
				return err
			}
			return a.NoteHold(ctx, uow, u[0], u[1], u[2], dateOf(ev.GetPlacedOn()), metadata(d))
		case "familytime.safeguarding.v1.HoldLifted":
			ev, err := decode(d, &safeguardingv1.HoldLifted{})
			if err != nil {
				return err
			}
			u, err := ids(d, "family_id", ev.GetFamilyId(), "centre_id", ev.GetCentreId(), "hold_id", ev.GetHoldId())
			if err != nil {
				return err
			}
			return a.NoteHoldLifted(ctx, uow, u[0], u[1], u[2], metadata(d))
		case "familytime.safeguarding.v1.RiskAssessed":
			ev, err := decode(d, &safeguardingv1.RiskAssessed{})
			if err != nil {
				return err
			}
			u, err := ids(d, "family_id", ev.GetFamilyId(), "centre_id", ev.GetCentreId())
			if err != nil {
				return err
			}
			return a.NoteRiskAssessed(ctx, uow, u[0], u[1], ev.GetDomesticAbuseFinding(),
				weighing.Moment{On: dateOf(ev.GetAssessedOn()), At: recordedAt(d)}, metadata(d))
		}
		return nil
	}
}

// frequency is referral's agreed frequency as scheduling checks it (domain.DaysApart): another
// pattern agreed with the family ("other") is not checked. It is its own value, not unspecified:
// an arrangement change saying unspecified keeps the frequency agreed, so "other" mapped to it
// never replaced a weekly one (review 89).
func frequency(f referralv1.ContactFrequency) schedulingv1.SessionFrequency {
	switch f {
	case referralv1.ContactFrequency_CONTACT_FREQUENCY_OTHER:
		return schedulingv1.SessionFrequency_SESSION_FREQUENCY_OTHER
	case referralv1.ContactFrequency_CONTACT_FREQUENCY_WEEKLY:
		return schedulingv1.SessionFrequency_SESSION_FREQUENCY_WEEKLY
	case referralv1.ContactFrequency_CONTACT_FREQUENCY_FORTNIGHTLY:
		return schedulingv1.SessionFrequency_SESSION_FREQUENCY_FORTNIGHTLY
	case referralv1.ContactFrequency_CONTACT_FREQUENCY_MONTHLY:
		return schedulingv1.SessionFrequency_SESSION_FREQUENCY_MONTHLY
	default:
		return schedulingv1.SessionFrequency_SESSION_FREQUENCY_UNSPECIFIED
	}
}

// readiness translates referral's FamilyReadyForContact into what scheduling keeps: ids, roles
// and permissions, birth months, the arrangement's length and stagger, and the dates.
func readiness(d bus.Delivery, ev *referralv1.FamilyReadyForContact) (domain.Readiness, uuid.UUID, error) {
	u, err := ids(d, "family_id", ev.GetFamilyId(), "centre_id", ev.GetCentreId(), "referral_id", ev.GetReferralId())
	if err != nil {
		return domain.Readiness{}, uuid.Nil, err
	}
	arr := ev.GetArrangement()
	r := domain.Readiness{Centre: u[1], Referral: u[2], ServiceType: arr.GetServiceType(), SessionMinutes: int(arr.GetSessionMinutes()),
		Stagger:  domain.Stagger{Arrival: int(arr.GetStagger().GetArrivalMinutes()), Departure: int(arr.GetStagger().GetDepartureMinutes())},
		Earliest: dateOf(ev.GetEarliestBookableOn()), PreVisits: map[time.Time]bool{}, ChildrenMayLeaveCentre: ev.GetChildrenMayLeaveCentre(),
		Frequency: frequency(arr.GetFrequency())}
	for _, a := range ev.GetAdults() {
		// An adult named but not to come to the centre (a parent not named for contact) is kept,
		// as may do nothing: the door refuses them NOT_PERMITTED, a record of the family's, rather than
		// as an id that is nobody of the family (review 51).
		p, err := ids(d, "adults.person_id", a.GetPersonId())
		if err != nil {
			return domain.Readiness{}, uuid.Nil, err
		}
		r.Adults = append(r.Adults, domain.Adult{ID: p[0], Role: role(a.GetRole()), MayAttend: a.GetMayAttend(),
			MayBring: a.GetMayBring(), MayCollect: a.GetMayCollect()})
	}
	for _, c := range ev.GetChildren() {
		p, err := ids(d, "children.person_id", c.GetPersonId())
		if err != nil {
			return domain.Readiness{}, uuid.Nil, err
		}
		r.Children = append(r.Children, domain.Child{ID: p[0], BirthYear: int(c.GetBirthYear()), BirthMonth: int(c.GetBirthMonth())})
	}
	for _, pd := range ev.GetPreVisitDates() {
		r.PreVisits[dateOf(pd)] = true
	}
	return r, u[0], nil
}

func role(r referralv1.AdultRole) schedulingv1.PersonRole {
	switch r {
	case referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT:
		return schedulingv1.PersonRole_PERSON_ROLE_RESIDENT_PARENT
	case referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT:
		return schedulingv1.PersonRole_PERSON_ROLE_VISITING_PARENT
	case referralv1.AdultRole_ADULT_ROLE_OTHER_PARENTAL_RESPONSIBILITY:
		return schedulingv1.PersonRole_PERSON_ROLE_OTHER_PARENTAL_RESPONSIBILITY
	case referralv1.AdultRole_ADULT_ROLE_NAMED_RELATIVE:
		return schedulingv1.PersonRole_PERSON_ROLE_NAMED_RELATIVE
	case referralv1.AdultRole_ADULT_ROLE_NAMED_ESCORT:
		return schedulingv1.PersonRole_PERSON_ROLE_NAMED_ESCORT
	}
	return schedulingv1.PersonRole_PERSON_ROLE_UNSPECIFIED
}

// dateOf is a wire date as a domain date; an unset or impossible date is the zero time.
// recordedAt is when the publishing service recorded the event (its envelope's recorded_at): what
// orders a carried disclosure and the lead's assessment (weighing.Weighs). Zero when unset.
func recordedAt(d bus.Delivery) time.Time {
	if d.Envelope.GetRecordedAt() == nil {
		return time.Time{}
	}
	return d.Envelope.GetRecordedAt().AsTime()
}

func dateOf(d *commonv1.Date) time.Time {
	if d == nil {
		return time.Time{}
	}
	t, ok := dates.FromParts(int(d.GetYear()), int(d.GetMonth()), int(d.GetDay()))
	if !ok {
		return time.Time{}
	}
	return t
}
