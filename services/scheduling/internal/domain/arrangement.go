package domain

import (
	"slices"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/dates"
)

// ArrangementChange is what referral said when it changed the agreed arrangement of a family
// ready for contact (its ArrangementChanged): the session's length and the stagger that new
// bookings take. The kind of contact never changes this way, so scheduling keeps the one it was
// made ready for.
type ArrangementChange struct {
	Centre, Referral uuid.UUID
	SessionMinutes   int
	Stagger          Stagger
	// Frequency is how often sessions take place from now on (unspecified: not checked).
	Frequency schedulingv1.SessionFrequency
	ChangedOn time.Time
}

// NoteArrangementChanged records referral's ArrangementChanged (decisions.md 90): bookings made
// from now on last the new length, with the visiting parent arriving and leaving by the new
// stagger, and are as far apart as the new frequency asks (tooSoon, review 49). Bookings already made keep their times: the families were told them, and a session's
// door times are what the day sheet and attendance are checked against; to take the new times, a
// booking is rescheduled.
//
// A change that does not concern the family as scheduling knows it records nothing (nil): a
// family not made ready, made ready at another centre or on another referral, or whose contact
// ended; so does the same length and stagger again (a redelivery the inbox did not catch).
func (f *Family) NoteArrangementChanged(c ArrangementChange) proto.Message {
	if c.Stagger == (Stagger{}) {
		// As for NoteReady: none agreed is 15 minutes each way (referral always gives one now).
		c.Stagger = Stagger{Arrival: DefaultStaggerMinutes, Departure: DefaultStaggerMinutes}
	}
	if !f.readyFrom(c.Centre, c.Referral) || (f.ready.SessionMinutes == c.SessionMinutes && f.ready.Stagger == c.Stagger &&
		f.ready.Frequency == c.Frequency) {
		return nil
	}
	ev := &schedulingv1.ArrangementChangeNoted{FamilyId: f.id.String(), CentreId: c.Centre.String(), ReferralId: c.Referral.String(),
		SessionMinutes: int32(c.SessionMinutes), ArrivalStaggerMinutes: int32(c.Stagger.Arrival),
		DepartureStaggerMinutes: int32(c.Stagger.Departure), ChangedOn: dates.Proto(c.ChangedOn), Frequency: c.Frequency}
	f.mustApply(ev)
	return ev
}

// readyFrom reports whether the family is ready for contact, and not ended, at the centre on the
// referral that a change from referral names: a change for another centre or referral, or a
// family scheduling does not know, does not concern it. A readiness noted before it carried its
// referral takes any.
func (f *Family) readyFrom(centre, referral uuid.UUID) bool {
	r := f.ready
	return r != nil && r.Centre == centre && !f.ended && (r.Referral == uuid.Nil || r.Referral == referral)
}

// applyArrangementChange is apply's for ArrangementChangeNoted: the readiness keeps everything
// else referral said (who may come, the earliest date, the pre-visit days, the kind of contact).
func (f *Family) applyArrangementChange(e *schedulingv1.ArrangementChangeNoted) {
	if f.ready == nil {
		return // unreachable: noted only for a family made ready
	}
	changed := *f.ready
	changed.SessionMinutes = int(e.GetSessionMinutes())
	changed.Stagger = Stagger{Arrival: int(e.GetArrivalStaggerMinutes()), Departure: int(e.GetDepartureStaggerMinutes())}
	// A change noted before the frequency was carried says nothing of it: the one agreed stands.
	if e.GetFrequency() != schedulingv1.SessionFrequency_SESSION_FREQUENCY_UNSPECIFIED {
		changed.Frequency = e.GetFrequency()
	}
	f.ready = &changed
}

// ChildrenLeaving is what referral said when an amendment changed whether the children may leave
// the centre during contact, after it made the family ready (its ChildrenLeavingChanged).
type ChildrenLeaving struct {
	Centre, Referral uuid.UUID
	MayLeave         bool
	ChangedOn        time.Time
}

// NoteChildrenLeaving records referral's ChildrenLeavingChanged (decisions.md 117): the day sheet
// says the new answer on every booking of the family from the day of the change, those made
// before too, since it is about the children, not about a session's times; a past day's sheet
// keeps the answer of its day (decision 132). Like NoteArrangementChanged, a change that does not
// concern the family as scheduling knows it, or the answer it already has, records nothing (nil).
func (f *Family) NoteChildrenLeaving(c ChildrenLeaving) proto.Message {
	if !f.readyFrom(c.Centre, c.Referral) || f.ready.ChildrenMayLeaveCentre == c.MayLeave {
		return nil
	}
	ev := &schedulingv1.ChildrenLeavingNoted{FamilyId: f.id.String(), CentreId: c.Centre.String(), ReferralId: c.Referral.String(),
		ChildrenMayLeaveCentre: c.MayLeave, ChangedOn: dates.Proto(c.ChangedOn)}
	f.mustApply(ev)
	return ev
}

// applyChildrenLeaving is apply's for ChildrenLeavingNoted.
func (f *Family) applyChildrenLeaving(e *schedulingv1.ChildrenLeavingNoted) {
	if f.ready == nil {
		return // unreachable: noted only for a family made ready
	}
	changed := *f.ready
	changed.ChildrenMayLeaveCentre = e.GetChildrenMayLeaveCentre()
	f.ready = &changed
}

// BirthMonthCorrection is what referral said when an amendment corrected a child's birth year or
// month after it made the family ready (its ChildBirthMonthCorrected).
type BirthMonthCorrection struct {
	Centre, Referral, Child uuid.UUID
	BirthYear, BirthMonth   int
	CorrectedOn             time.Time
}

// NoteChildBirthMonth records referral's ChildBirthMonthCorrected (decisions.md 187): the child is
// banded by the corrected birth month on every session completed, and every no-show recorded,
// from now on, whatever the session's date. A session completed before keeps the age band it was
// recorded with: a record is not changed behind anyone's back, and reporting's figures come from
// those records. Like NoteChildrenLeaving, a correction that does not concern the family as
// scheduling knows it, of a child it was not told of, or to the month it has, records nothing
// (nil).
func (f *Family) NoteChildBirthMonth(c BirthMonthCorrection) proto.Message {
	if !f.readyFrom(c.Centre, c.Referral) {
		return nil
	}
	i := slices.IndexFunc(f.ready.Children, func(o Child) bool { return o.ID == c.Child })
	if i < 0 || (f.ready.Children[i].BirthYear == c.BirthYear && f.ready.Children[i].BirthMonth == c.BirthMonth) {
		return nil
	}
	ev := &schedulingv1.ChildBirthMonthNoted{FamilyId: f.id.String(), CentreId: c.Centre.String(), ReferralId: c.Referral.String(),
		PersonId: c.Child.String(), BirthYear: int32(c.BirthYear), BirthMonth: int32(c.BirthMonth), CorrectedOn: dates.Proto(c.CorrectedOn)}
	f.mustApply(ev)
	return ev
}

// applyChildBirthMonth is apply's for ChildBirthMonthNoted: the readiness keeps everything else,
// the other children included.
func (f *Family) applyChildBirthMonth(e *schedulingv1.ChildBirthMonthNoted) {
	if f.ready == nil {
		return // unreachable: noted only for a family made ready
	}
	changed := *f.ready
	changed.Children = slices.Clone(f.ready.Children)
	for i, c := range changed.Children {
		if c.ID.String() == e.GetPersonId() {
			changed.Children[i].BirthYear, changed.Children[i].BirthMonth = int(e.GetBirthYear()), int(e.GetBirthMonth())
		}
	}
	f.ready = &changed
}

// AdultKept is what referral said when an amendment, after it made the family ready, linked a
// court order in force to an adult it named, keeping them from the children (its
// AdultKeptFromChildren, decision 323), or took an adult other than a parent off the referral
// (Withdrawn, decision 389).
type AdultKept struct {
	Centre, Referral, Adult uuid.UUID
	KeptOn                  time.Time
	// Withdrawn: the amendment took the adult off the referral, with no court order (decision 389).
	Withdrawn bool
}

// NoteAdultKept records referral's AdultKeptFromChildren (decision 323): the adult may neither
// attend, bring nor collect the children from now on, so the door refuses them NOT_PERMITTED and
// records it (decision 308), and the day sheet no longer expects them, on every booking, those
// made before too. Someone already inside is not put out: what the door does then is staff's
// (the day sheet shows who is inside); a check-in afterwards is refused. Like NoteChildBirthMonth,
// an announcement that does not concern the family as scheduling knows it, of an adult it was not
// told of, or of one who already may do none of these, records nothing (nil): a redelivery too.
func (f *Family) NoteAdultKept(k AdultKept) proto.Message {
	if !f.readyFrom(k.Centre, k.Referral) {
		return nil
	}
	a, ok := f.adult(k.Adult)
	if !ok || !(a.MayAttend || a.MayBring || a.MayCollect) {
		return nil
	}
	ev := &schedulingv1.AdultKeptFromChildrenNoted{FamilyId: f.id.String(), CentreId: k.Centre.String(),
		ReferralId: k.Referral.String(), PersonId: k.Adult.String(), KeptOn: dates.Proto(k.KeptOn), Withdrawn: k.Withdrawn}
	f.mustApply(ev)
	return ev
}

// applyAdultKept is apply's for AdultKeptFromChildrenNoted: the adult keeps their role (the door
// knows who they are), with no permissions; the readiness keeps everything else. Decision 323.
func (f *Family) applyAdultKept(e *schedulingv1.AdultKeptFromChildrenNoted) {
	if f.ready == nil {
		return // unreachable: noted only for a family made ready
	}
	changed := *f.ready
	changed.Adults = slices.Clone(f.ready.Adults)
	for i, a := range changed.Adults {
		if a.ID.String() == e.GetPersonId() {
			changed.Adults[i].MayAttend, changed.Adults[i].MayBring, changed.Adults[i].MayCollect = false, false, false
		}
	}
	f.ready = &changed
}
