package domain

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/inwords"
)

// HoldStreamID is the stream of all of a family's holds: placing, reviewing and lifting are
// decided together, so they can never be seen out of order.
func HoldStreamID(family uuid.UUID) string { return "hold-" + family.String() }

// Hold is one suspension of a family's contact.
type Hold struct {
	ID, Family, Centre, Concern uuid.UUID
	Reason                      safeguardingv1.HoldReason
	// ReviewBy is the hold's current review date: the one set when it was placed, or by its
	// latest review.
	PlacedOn, ReviewBy time.Time
	// ReviewedOn is the date of its latest review; zero if it was never reviewed.
	ReviewedOn time.Time
	// LiftedOn is zero while the hold is in force.
	LiftedOn time.Time
}

// InForce reports whether the hold still suspends contact.
func (h Hold) InForce() bool { return h.LiftedOn.IsZero() }

// Holds are a family's holds, in force and lifted. A family may have several holds at once
// (a concern, then a court order); contact resumes only when none is in force.
type Holds struct {
	family  uuid.UUID
	holds   []Hold
	version int64
	// checkedElsewhere are the referrals at other centres each hold's lead was told were checked
	// as another family (LeadAlertedOfDuplicateCheck): each is told once.
	checkedElsewhere map[[2]uuid.UUID]bool
	// suspension are the holds placed since the family last had none in force, in the order
	// placed, by the stream's order (Suspension).
	suspension []uuid.UUID
}

// RebuildHolds replays a family's hold stream; a family without holds has an empty one.
func RebuildHolds(family uuid.UUID, events []proto.Message) (*Holds, error) {
	h := &Holds{family: family}
	for _, ev := range events {
		if err := h.apply(ev); err != nil {
			return nil, err
		}
	}
	return h, nil
}

func (h *Holds) apply(ev proto.Message) error {
	switch e := ev.(type) {
	case *safeguardingv1.HoldPlaced:
		if len(h.InForce()) == 0 {
			h.suspension = nil // a new suspension of the family's contact begins
		}
		h.suspension = append(h.suspension, parseID(e.GetHoldId()))
		h.holds = append(h.holds, Hold{ID: parseID(e.GetHoldId()), Family: parseID(e.GetFamilyId()),
			Centre: parseID(e.GetCentreId()), Concern: parseID(e.GetConcernId()), Reason: e.GetReason(),
			PlacedOn: dates.Time(e.GetPlacedOn()), ReviewBy: dates.Time(e.GetReviewBy())})
	case *safeguardingv1.LeadAlertedOfHold:
		// The lead's alert changes nothing about the hold.
	case *safeguardingv1.LeadAlertedOfDuplicateCheck:
		if h.checkedElsewhere == nil {
			h.checkedElsewhere = map[[2]uuid.UUID]bool{}
		}
		h.checkedElsewhere[[2]uuid.UUID{parseID(e.GetHoldId()), parseID(e.GetCheckedReferralId())}] = true
	case *safeguardingv1.HoldLifted:
		i := h.index(parseID(e.GetHoldId()))
		if i < 0 {
			return fmt.Errorf("holds: %s lifts an unknown hold", e.GetHoldId())
		}
		h.holds[i].LiftedOn = dates.Time(e.GetLiftedOn())
	case *safeguardingv1.HoldReviewed:
		i := h.index(parseID(e.GetHoldId()))
		if i < 0 {
			return fmt.Errorf("holds: %s reviews an unknown hold", e.GetHoldId())
		}
		h.holds[i].ReviewedOn, h.holds[i].ReviewBy = dates.Time(e.GetReviewedOn()), dates.Time(e.GetNextReviewBy())
	default:
		return fmt.Errorf("holds: unexpected event %T", ev)
	}
	h.version++
	return nil
}

func (h *Holds) index(id uuid.UUID) int {
	return slices.IndexFunc(h.holds, func(x Hold) bool { return x.ID == id })
}

// All are the family's holds, oldest first.
func (h *Holds) All() []Hold { return slices.Clone(h.holds) }

// Get is one hold.
func (h *Holds) Get(id uuid.UUID) (Hold, bool) {
	i := h.index(id)
	if i < 0 {
		return Hold{}, false
	}
	return h.holds[i], true
}

// InForce are the holds that suspend contact now.
func (h *Holds) InForce() []Hold {
	var out []Hold
	for _, x := range h.holds {
		if x.InForce() {
			out = append(out, x)
		}
	}
	return out
}

// Suspension are the holds of the family's latest suspension of contact, oldest placed first:
// every hold placed since the family last had no hold in force, each in force at some moment
// of it, at this centre or another. While a hold is in force it is the suspension under way;
// after the lift that leaves none in force, the one that lift ended. A hold lifted before the
// suspension began is an earlier one's, and the bookings it cancelled that suspension's
// (decision 360). Told apart by the stream's order, not by dates: a hold lifted and another
// placed the same day are two suspensions.
func (h *Holds) Suspension() []Hold {
	out := make([]Hold, 0, len(h.suspension))
	for _, id := range h.suspension {
		x, _ := h.Get(id)
		out = append(out, x)
	}
	return out
}

// Version is the number of events in the family's hold stream.
func (h *Holds) Version() int64 { return h.version }

// MaxHoldReviewAhead is how far ahead, in months, a hold's review may be set when it is placed: a
// hold suspends a child's contact, so it is looked at again within a quarter (decision 92); a hold
// still needed then is reviewed and, if it must, placed again.
const MaxHoldReviewAhead = 3

// LatestHoldReview is the latest review date a hold placed (or reviewed) on that day may have.
func LatestHoldReview(placed time.Time) time.Time { return placed.AddDate(0, MaxHoldReviewAhead, 0) }

// holdReview checks a hold's review date set today, when it is placed or reviewed: after
// today and at most MaxHoldReviewAhead months ahead (decision 92).
func (v *violations) holdReview(field string, review, today time.Time) {
	switch latest := LatestHoldReview(today); {
	case !review.After(today):
		v.add(field, "must be after today")
	case review.After(latest):
		v.add(field, fmt.Sprintf("must be at most %d months ahead, by %s at the latest", MaxHoldReviewAhead, latest.Format(time.DateOnly)))
	}
}

// ReviewOverdue reports whether a hold in force has passed its review date by today.
func (h Hold) ReviewOverdue(today time.Time) bool { return h.InForce() && h.ReviewBy.Before(today) }

// NewHold is what Place needs.
type NewHold struct {
	Centre, Concern uuid.UUID
	Reason          safeguardingv1.HoldReason
	ReviewBy        time.Time
	Note            string
	// AlertLead says the person placing it is not the centre's safeguarding lead on the staff
	// register that day; PlacedInRole is the role the register gives them, empty when none.
	AlertLead    bool
	PlacedInRole string
}

// Place suspends the family's contact. A reason is required, and a review date after today and at
// most MaxHoldReviewAhead months ahead; a
// concern has at most one hold in force; a hold for another reason needs a note saying what it is.
// A hold placed by someone the register does not have as the lead (n.AlertLead) is never refused
// for it (decisions.md 109): LeadAlertedOfHold follows, so that the lead knows.
func (h *Holds) Place(id uuid.UUID, n NewHold, today time.Time) ([]proto.Message, error) {
	text := strings.TrimSpace(n.Note)
	var v violations
	if !known(safeguardingv1.HoldReason_name, int32(n.Reason)) {
		v.add("reason", "must be one of the hold reasons")
	}
	if n.Reason == safeguardingv1.HoldReason_HOLD_REASON_OTHER && !inwords.Says(text) {
		v.add("note", fmt.Sprintf("must say what the reason is when the reason is other, in words (at least %d letters or digits, one a letter)", inwords.MinLength))
	}
	v.holdReview("review_by", n.ReviewBy, today)
	v.text("note", text, MaxText, false)
	if err := v.err(); err != nil {
		return nil, err
	}
	if n.Concern != uuid.Nil && slices.ContainsFunc(h.holds, func(x Hold) bool { return x.Concern == n.Concern && x.InForce() }) {
		return nil, ErrConcernAlreadyHeld
	}
	ev := &safeguardingv1.HoldPlaced{HoldId: id.String(), FamilyId: h.family.String(), CentreId: n.Centre.String(),
		Reason: n.Reason, PlacedOn: dates.Proto(today), ReviewBy: dates.Proto(n.ReviewBy), SealedNote: note(text),
		ConcernId: optionalID(n.Concern)}
	if err := h.apply(ev); err != nil {
		return nil, err
	}
	if !n.AlertLead {
		return []proto.Message{ev}, nil
	}
	alert := &safeguardingv1.LeadAlertedOfHold{HoldId: ev.HoldId, FamilyId: ev.FamilyId, CentreId: ev.CentreId,
		PlacedInRole: n.PlacedInRole, AlertedOn: dates.Proto(today)}
	return []proto.Message{ev, alert}, h.apply(alert)
}

// DuplicateCheckedElsewhere alerts the lead of each centre with a hold in force on the family,
// but the checking centre, that the checking centre's lead checked referral, a possible
// duplicate of the family, is another family (referral's PossibleDuplicateChecked): the hold no
// longer bars that referral, and whether it is the family they suspended is the holding lead's to
// question too (decision 211). Nothing is recorded when no such hold is in force.
func (h *Holds) DuplicateCheckedElsewhere(checkingCentre, referral uuid.UUID, checkedOn, today time.Time) ([]proto.Message, error) {
	var msgs []proto.Message
	for _, x := range h.InForce() {
		if x.Centre == checkingCentre || h.checkedElsewhere[[2]uuid.UUID{x.ID, referral}] {
			continue // the lead who checked is this hold's lead, or was told of this referral
		}
		alert := &safeguardingv1.LeadAlertedOfDuplicateCheck{HoldId: x.ID.String(), FamilyId: h.family.String(),
			CentreId: x.Centre.String(), CheckedAtCentreId: checkingCentre.String(), CheckedReferralId: referral.String(),
			CheckedOn: dates.Proto(checkedOn), AlertedOn: dates.Proto(today)}
		if err := h.apply(alert); err != nil {
			return nil, err
		}
		msgs = append(msgs, alert)
	}
	return msgs, nil
}

// Lift lifts a hold in force. Contact resumes once no other hold is in force.
func (h *Holds) Lift(id uuid.UUID, text string, today time.Time) ([]proto.Message, error) {
	x, ok := h.Get(id)
	if !ok {
		return nil, ErrHoldNotFound
	}
	if !x.InForce() {
		return nil, ErrHoldNotInForce
	}
	text = strings.TrimSpace(text)
	var v violations
	v.text("note", text, MaxText, true)
	if len(v.Violations) == 0 && !inwords.Says(text) {
		// Lifting resumes a child's contact: the record says why, as a review that continues
		// the hold does (review 20).
		v.add("note", fmt.Sprintf("must say why contact may resume, in words (at least %d letters or digits, one a letter)", inwords.MinLength))
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	on := today
	if on.Before(x.PlacedOn) {
		on = x.PlacedOn // a clock set back never lifts a hold before it was placed
	}
	ev := &safeguardingv1.HoldLifted{HoldId: id.String(), FamilyId: h.family.String(), CentreId: x.Centre.String(),
		LiftedOn: dates.Proto(on), SealedNote: note(text)}
	return []proto.Message{ev}, h.apply(ev)
}

// Review records that a hold in force was reviewed today and continues: its review date becomes
// next, which is after today and at most MaxHoldReviewAhead months ahead, as when a hold is placed;
// the note says why it continues, in words (platform's inwords). Contact stays suspended
// (decision 94).
func (h *Holds) Review(id uuid.UUID, next time.Time, text string, today time.Time) ([]proto.Message, error) {
	x, ok := h.Get(id)
	if !ok {
		return nil, ErrHoldNotFound
	}
	if !x.InForce() {
		return nil, ErrHoldNotInForce
	}
	text = strings.TrimSpace(text)
	var v violations
	v.holdReview("next_review_by", next, today)
	v.text("note", text, MaxText, true)
	if len(v.Violations) == 0 && !inwords.Says(text) {
		v.add("note", fmt.Sprintf("must say why the hold continues, in words (at least %d letters or digits, one a letter)", inwords.MinLength))
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	on := today
	if on.Before(x.PlacedOn) {
		on = x.PlacedOn // a clock set back never reviews a hold before it was placed
	}
	ev := &safeguardingv1.HoldReviewed{HoldId: id.String(), FamilyId: h.family.String(), CentreId: x.Centre.String(),
		ReviewedOn: dates.Proto(on), NextReviewBy: dates.Proto(next), SealedNote: note(text)}
	return []proto.Message{ev}, h.apply(ev)
}
