package domain

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/problem"
)

// RefusalChildrenInside is CheckIn's answer to an adult who may collect the children, refused
// because the session was called off (a hold, or a cancellation) while the children are still in
// the building: not admitted to the session, but not turned away either. The door brings the
// children out, hands them over, and records who collected them (Depart, decision 111).
//
// Refused rather than admitted to collect, because that is the safer and the simpler: a hold
// suspends the family's contact for a reason the door is not told, which may concern this very
// adult, and admitting anyone while it stands would record them admitted to a session the hold
// called off and let them into a building where the other parent may still be. Staff bringing the
// children to the door keep the handover in their hands and the hold standing, and the departure
// already records who took the children home: nothing new is recorded or decided.
const RefusalChildrenInside = "CHILDREN_STILL_INSIDE"

// RefusalNotPermitted is CheckIn's refusal of someone the family's referral names but not to
// attend, bring or collect the children (a parent the court keeps from contact, another with
// parental responsibility named for the record): named, but not to come to this contact. Review 53
// found the non-resident parent of a handover family so named refused NOT_NAMED, which was false,
// and sent the coordinator looking for a typo. NOT_NAMED, recorded before, said it of such a
// person too; an id that is nobody of the family is bad input, recorded nowhere (review 51,
// ErrNobodyOfTheFamily). Decision 308.
const RefusalNotPermitted = "NOT_PERMITTED"

// InBuilding are the booking's people at the centre, as far as the door recorded it: those
// checked in, and those named in a party's recorded arrival while that party's departure is not
// recorded. A party whose arrival was recorded without anyone checking in is inside too: a review
// placed a hold with the children in the room, and they vanished from the day sheet of the
// session it called off. The day sheet now lists such a booking's people by AtTheCentre, who came
// whether or not they have left (review 61).
func (b *Booking) InBuilding() []uuid.UUID {
	out := slices.Clone(b.CheckedIn)
	for _, p := range []struct {
		party schedulingv1.Party
		named []uuid.UUID
	}{{schedulingv1.Party_PARTY_VISITING, b.CameIn}, {schedulingv1.Party_PARTY_CHILDREN, b.BroughtIn}} {
		_, came := b.Arrived[p.party]
		_, left := b.Departed[p.party]
		if !came || left {
			continue
		}
		for _, id := range p.named {
			if !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	// Children who left while others stay, and who collected them, are no longer inside.
	return slices.DeleteFunc(out, func(id uuid.UUID) bool { return slices.Contains(b.TakenOut, id) })
}

// AtTheCentre are the booking's people the door recorded at the centre: those checked in (a check-in
// never clears but by its correction), and those named in a party's recorded arrival or in the
// children's recorded departure (who collected them), whether or not they have left since. Review
// 61: the day sheet of a session a hold called off listed only those still in the building
// (InBuilding), so once the children's party left it read CHECKED IN 1/1 where it had read 3/3,
// and the record of the day said fewer people came than did.
func (b *Booking) AtTheCentre() []uuid.UUID {
	out := slices.Clone(b.CheckedIn)
	for _, named := range [][]uuid.UUID{b.CameIn, b.BroughtIn, b.TakenOut} {
		for _, id := range named {
			if !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	return out
}

// childrenInside reports whether the booking's children are in the building: their party's
// arrival recorded or a child checked in, and their departure not recorded.
func (f *Family) childrenInside(b *Booking) bool {
	if _, left := b.Departed[schedulingv1.Party_PARTY_CHILDREN]; left {
		return false
	}
	if _, came := b.Arrived[schedulingv1.Party_PARTY_CHILDREN]; came {
		return true
	}
	_, _, admitted := f.admittedFor(b, schedulingv1.Party_PARTY_CHILDREN)
	return admitted
}

// mayCollect reports whether person is an adult the family named to collect the children, as a
// children's departure takes them (checkPeople).
func (f *Family) mayCollect(person uuid.UUID) bool {
	a, ok := f.adult(person)
	return ok && a.MayCollect
}

// comesToCollect reports whether person, refused at the door for refusal, has come for the
// children: the session was called off, or stopped by a disclosure the lead has not weighed
// (there is nothing to admit them to), they may collect the children, and the children are still
// inside. Refused because the case ended before contact began (RefusalCaseEnded), someone of the
// visiting party never is: the children's party came and the visiting party had not, and the
// children go home with their own party, not with a parent who may be why the case ended (decision
// 351).
func (f *Family) comesToCollect(b *Booking, person uuid.UUID, refusal string) bool {
	if refusal == RefusalCaseEnded {
		role, _ := f.role(person)
		if f.partyOf(person, role) == schedulingv1.Party_PARTY_VISITING {
			return false
		}
	}
	return (refusal == "ON_HOLD" || refusal == "BOOKING_CANCELLED" || refusal == ErrDisclosureNotWeighed.Reason || refusal == ErrSupportedContactRuledOut.Reason || refusal == RefusalCaseEnded ||
		refusal == RefusalNoShow) &&
		f.mayCollect(person) && f.childrenInside(b)
}

// noShowAtTheDoor is why nobody is checked in (or recorded arriving) for a booking recorded as a
// no-show at now, with the way on: an error, not a recorded refusal, as for any booking that is
// no longer booked. The door read a bare BOOKING_NOT_ACTIVE for a parent who had come after all,
// late. One come for the children still inside is told to hand them over instead: withdrawing the
// other party's no-show would be the wrong way on. The door is sent to withdraw the no-show only
// when WithdrawNoShow would (review 26 was sent to withdraw one that had released the place, and
// was refused): otherwise it is told why the no-show stands.
func (f *Family) noShowAtTheDoor(b *Booking, person uuid.UUID, now time.Time) error {
	return problem.Rule(ErrBookingNotActive.Reason, f.noShowWayOn(b, person, now))
}

// noShowWayOn is noShowAtTheDoor's words: the no-show, and the way on for person (uuid.Nil: a
// party's arrival) at now. A check-in's refusal RefusalNoShow says them as its caution.
func (f *Family) noShowWayOn(b *Booking, person uuid.UUID, now time.Time) string {
	who := "the visiting parent was"
	switch b.NoShow {
	case schedulingv1.Party_PARTY_CHILDREN:
		who = "the children were"
	case schedulingv1.Party_PARTY_BOTH:
		who = "both parties were"
	}
	if person != uuid.Nil && f.mayCollect(person) && f.childrenInside(b) {
		return fmt.Sprintf("the booking was recorded as a no-show (%s recorded as not coming), "+
			"so nobody is checked in for it; the children are still inside: bring them to the door, hand them over to %s, who may collect them, "+
			"and record who collected them (familytime schedule depart %s --party children --person %s, and each child)", who, person, b.ID, person)
	}
	if stands := f.noShowStands(b, now); stands != nil {
		return fmt.Sprintf("the booking was recorded as a no-show (%s recorded as not coming), "+
			"so nobody is checked in for it, and the no-show is not withdrawn (%s): %s", who, stands.Reason, stands.Message)
	}
	return fmt.Sprintf("the booking was recorded as a no-show (%s recorded as not coming), "+
		"so nobody is checked in for it: if they came after all, withdraw the no-show first, on the session's day before its contact "+
		"was due to end at %s (familytime schedule noshow %s --withdraw), then check them in", who, ClockAt(b.ChildrenLeave, b.loc), b.ID)
}

// accountedFor refuses a children's departure naming left that does not name every child who
// came with the party: named in its arrival (brought) or checked in at the door, as the children
// at a session are counted (attending). Otherwise who took a child home is never recorded: a
// review recorded two children arriving and one leaving with the resident parent. The children
// are named by id only: personal data never goes in an error.
func (f *Family) accountedFor(b *Booking, party schedulingv1.Party, brought, left []uuid.UUID) error {
	if party == schedulingv1.Party_PARTY_VISITING {
		return f.visitingAccountedFor(b, left)
	}
	missing := f.unaccounted(b, brought, left)
	if len(missing) == 0 {
		return nil
	}
	return problem.Rule(ErrChildNotAccountedFor.Reason, fmt.Sprintf("the children's departure does not name %s, who came with the children "+
		"(named in their arrival or checked in at the door): name every child who leaves and who collected them (each of them, if the "+
		"children left with different people), so that who took each child is recorded; a child named in the arrival by mistake is taken "+
		"off it first (familytime schedule correct %s --arrival --party children)", strings.Join(ids(missing), ", "), b.ID))
}

// visitingAccountedFor refuses a visiting party's departure that leaves out someone its arrival
// named (b.CameIn: the visiting parent, and a relative who came with them): the party has left
// only when they have. Review 77 recorded a grandmother, checked in after the father came, leaving
// early as the visiting party's departure: the father, still with his child, read as gone, and the
// court's history said the visiting parent left at 10:40. A relative who leaves before the
// visiting parent is not recorded apart; the party's departure is recorded when they leave.
func (f *Family) visitingAccountedFor(b *Booking, left []uuid.UUID) error {
	var missing []uuid.UUID
	for _, p := range b.CameIn {
		if !slices.Contains(left, p) && !slices.Contains(missing, p) {
			missing = append(missing, p)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return problem.Rule(ErrVisitingPartyNotAccountedFor.Reason, fmt.Sprintf("the visiting party's departure does not name %s, whom its "+
		"arrival named: the visiting party has left when everyone who came with it has, so record its departure when the visiting "+
		"parent leaves, naming everyone of it who leaves then (a relative who went earlier is not recorded apart; the visiting "+
		"parent is still with the children until then); someone named in the arrival by mistake is taken off it first "+
		"(familytime schedule correct %s --arrival --party visiting)", strings.Join(ids(missing), ", "), b.ID))
}

// correctedAccountedFor holds a correction to the same rule: a children's departure corrected to
// name its people names every child who came; a children's arrival corrected to name a child the
// recorded departure does not is refused until the departure is corrected, or the child would
// have come and never left.
func (f *Family) correctedAccountedFor(b *Booking, c Correction) error {
	if c.Movement == schedulingv1.Movement_MOVEMENT_DEPARTURE {
		return f.accountedFor(b, c.Party, b.BroughtIn, c.People)
	}
	if _, left := b.Departed[schedulingv1.Party_PARTY_CHILDREN]; c.Party != schedulingv1.Party_PARTY_CHILDREN || !left {
		return nil
	}
	missing := f.unaccounted(b, c.People, b.TakenOut)
	if len(missing) == 0 {
		return nil
	}
	return problem.Rule(ErrChildNotAccountedFor.Reason, fmt.Sprintf("the children's departure recorded does not name %s, whom this arrival names: "+
		"correct the departure first to name every child who left and who collected them (familytime schedule correct %s --departure --party children)",
		strings.Join(ids(missing), ", "), b.ID))
}

// unaccounted are the family's children who came with the children's party (named in brought, or
// checked in) and whom left does not name, in the family's order.
func (f *Family) unaccounted(b *Booking, brought, left []uuid.UUID) []uuid.UUID {
	var out []uuid.UUID
	for _, c := range f.ready.Children {
		came := slices.Contains(brought, c.ID) || slices.Contains(b.CheckedIn, c.ID)
		if came && !slices.Contains(left, c.ID) {
			out = append(out, c.ID)
		}
	}
	return out
}

// CautionNoContactPossible: a party's arrival came when no contact could be held any more
// (ArrivalCautions, CameTooLate).
const CautionNoContactPossible = "NO_CONTACT_POSSIBLE"

// otherParty is the party that is not p.
func otherParty(p schedulingv1.Party) schedulingv1.Party {
	if p == schedulingv1.Party_PARTY_VISITING {
		return schedulingv1.Party_PARTY_CHILDREN
	}
	return schedulingv1.Party_PARTY_VISITING
}

// partyFlag is a party as the CLI's --party names it.
func partyFlag(p schedulingv1.Party) string {
	if p == schedulingv1.Party_PARTY_VISITING {
		return "visiting"
	}
	return "children"
}

// keepApart is how long the door keeps the two parties apart about their arrivals (arriving) or
// their departures: DoorWindowMinutes, or the family's own stagger as booked (the visiting
// parent's minutes before the children in, after them out) where it was agreed longer than the
// usual 10-15 minutes (DOMAIN.md: per-family overrides agreed at pre-visit). Review 55 (decision
// 317): a family agreed 20 minutes between the parents leaving; the children left early and the
// door was told to keep the visiting parent inside 10. A stagger within the usual range keeps the
// door's 10 minutes, its slack for a session that runs a little off its times; never shorter.
func (b *Booking) keepApart(arriving bool) time.Duration {
	if arriving {
		return KeepApartFor(b.ChildrenArrive.Sub(b.VisitingArrives))
	}
	return KeepApartFor(b.VisitingLeaves.Sub(b.ChildrenLeave))
}

// KeepApartFor is the door's window for a family whose parties are booked stagger apart (at their
// arrivals, or at their departures): the stagger where it was agreed longer than the usual 10-15
// minutes, else DoorWindowMinutes. The door's cautions and the day sheet's alert use it alike.
func KeepApartFor(stagger time.Duration) time.Duration {
	if stagger > DefaultStaggerMinutes*time.Minute {
		return stagger
	}
	return DoorWindowMinutes * time.Minute
}

// mayStillCome reports whether a party not yet come to booking b may still come at at: the
// booking stands (no no-show recorded, not called off) and the children's contact was not yet
// due to end, for a late start runs for the time left (DOMAIN.md). It is the one rule for the
// door, which cautions the children's party admitted before the visiting parent while that parent
// may still come (parentsMayMeet), and for the no-show that would release the family's place,
// refused MAY_STILL_COME until then (releasingTooSoon). Review 55 (decision 317): the children's
// party admitted at 10:20, the visiting parent due at 10:00, had no caution, while the same
// service refused the parent's no-show as "may still come".
func (b *Booking) mayStillCome(at time.Time) bool {
	return b.Status == schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED && at.Before(b.ChildrenLeave)
}

// parentsMayMeet is the PARENTS_MAY_MEET caution for someone of the party other than other seen
// at the door at at, if other came to the door (checked in, or its arrival recorded) or was
// recorded leaving less than keepApart before: a party that has just walked out is in the car
// park (review 36 admitted the visiting parent 5 minutes after the children left, with no
// caution, as only a party that had not left counted).
func parentsMayMeet(b *Booking, other schedulingv1.Party, at time.Time) (Caution, bool) {
	// decision 317: the family's own stagger where agreed longer than the usual (keepApart).
	within := func(t time.Time, arriving bool) (time.Duration, bool) {
		ago := at.Sub(t)
		return ago, !t.IsZero() && ago >= 0 && ago < b.keepApart(arriving)
	}
	came, left := "the visiting party (the visiting parent)", "the visiting party (the visiting parent)"
	if other == schedulingv1.Party_PARTY_CHILDREN {
		came, left = "the children's party (the children and who brings them)", "the children's party (the children and who collected them)"
	}
	if gone, ok := b.Departed[other]; ok {
		if ago, near := within(gone, false); near {
			return Caution{CautionParentsMayMeet, fmt.Sprintf("%s left at %s, %d minutes ago: they may still be outside; keep the "+
				"parents apart", left, ClockAt(gone, b.loc), int(ago/time.Minute))}, true
		}
		return Caution{}, false
	}
	for _, t := range []time.Time{b.CheckedInAt[other], b.Arrived[other]} {
		if ago, near := within(t, true); near {
			return Caution{CautionParentsMayMeet, fmt.Sprintf("%s came to the door at %s, %d minutes ago: the parents "+
				"may meet; keep them apart", came, ClockAt(t, b.loc), int(ago/time.Minute))}, true
		}
	}
	if seen := b.firstSeen(other); other == schedulingv1.Party_PARTY_CHILDREN && !seen.IsZero() && !seen.After(at) {
		// The stagger reversed: the children's party came first and has not left, so the
		// resident parent may still be inside or outside as the visiting parent comes (review 45).
		return Caution{CautionParentsMayMeet, fmt.Sprintf("%s came first, at %s, before the visiting parent: the parents may "+
			"meet; keep them apart", came, ClockAt(seen, b.loc))}, true
	}
	if c, ok := turnedAwayMayMeet(b, other, at); ok {
		return c, true
	}
	// The other party not yet come, but due within DoorWindowMinutes, or due and still within its
	// grace: it may walk in at any moment (review 44: the resident parent and the children were let
	// in 2 minutes before the visiting parent was due, with no word, and the caution came only once
	// the visiting parent was at the door, when nothing could be done). The door can still act now:
	// ask this party to wait apart until the other is inside.
	if b.firstSeen(other).IsZero() {
		due := b.due(other)
		near := !at.Before(due.Add(-DoorWindowMinutes*time.Minute)) && at.Before(due.Add(NoShowGrace))
		// The children's party before the visiting parent is in, however early: the stagger has
		// the visiting parent come first and be inside when the children come (review 45: the
		// resident parent and the children came 25 minutes before the visiting parent was due,
		// and nobody was told); and however late the parent is, for as long as they may still
		// come (decision 317: mayStillCome, the rule of the no-show's MAY_STILL_COME).
		// A handover has no visiting party at the centre for contact (decision 316): its collecting
		// parent keeps the caution within the grace, as before.
		switch {
		case other == schedulingv1.Party_PARTY_VISITING && !b.isHandover():
			near = b.mayStillCome(at)
		case other == schedulingv1.Party_PARTY_VISITING:
			near = at.Before(due.Add(NoShowGrace))
		}
		if near {
			when := fmt.Sprintf("is due at %s", ClockAt(due, b.loc))
			if at.After(due) {
				when = fmt.Sprintf("was due at %s", ClockAt(due, b.loc))
			}
			return Caution{CautionParentsMayMeet, fmt.Sprintf("%s %s and is not in yet: the parents may meet at the door; "+
				"keep them apart (this party waits apart until the other is inside)", party(other), when)}, true
		}
	}
	return Caution{}, false
}

// leavingParentsMayMeet is the PARENTS_MAY_MEET caution for p's departure of b at at, saying until
// when to keep whom inside (review 48: the resident parent collected the children at 11:45 and
// the visiting parent was let out at 11:47 with no word; under a hold both parties were recorded
// leaving in the same minute):
//   - the other party left less than the window before: it may still be outside, so this party
//     waits inside until the window after it left, if it has not gone (a departure recorded before
//     the party really left is corrected to its time);
//   - the other party is still inside and leaves now too (the session was called off, or ended by
//     a no-show) or is due to leave less than the window after at, or was due already: it stays
//     inside until the window after this party left;
//   - the other party was turned away at the door (a check-in refused: a hold, say) less than the
//     window before and never let in: it is outside, as one that has just left (review 61);
//   - the other party has not come and is due within DoorWindowMinutes, or was due and is within
//     its grace (as at check-in, decision 259), or is the visiting parent, who may still come
//     (mayStillCome, decision 317): it may walk in as this party walks out;
//   - a handover's children collected less than the arrival window after whoever brought them came
//     to the door, that one not leaving with them (collectedNearTheBringer, decision 365): in a
//     handover whoever brought them leaves alone, unrecorded, and may still be outside.
//
// The window is DoorWindowMinutes, or the family's departure stagger where it was agreed longer
// than the usual (keepApart, decision 317). The stagger (the visiting parent leaves 10-15
// minutes after the children, or as the family agreed) raises none.
func leavingParentsMayMeet(b *Booking, p schedulingv1.Party, at time.Time) (Caution, bool) {
	if p == schedulingv1.Party_PARTY_CHILDREN {
		if brought, ok := b.collectedNearTheBringer(at); ok {
			return handoverMayMeet(b, brought, at), true
		}
	}
	other, window := otherParty(p), b.keepApart(false)
	if gone, ok := b.Departed[other]; ok {
		ago := at.Sub(gone)
		if ago < 0 || ago >= window {
			return Caution{}, false
		}
		when := fmt.Sprintf("%d minutes before this departure", int(ago/time.Minute))
		if ago < time.Minute {
			when = "in the same minute as this departure"
		}
		return Caution{CautionParentsMayMeet, fmt.Sprintf("%s left at %s, %s, and may still be outside: the parents may meet; keep "+
			"%s inside until %s, if not gone yet. The departure is recorded at %s; if they leave later, correct its time (%s)",
			leavingParty(other), ClockAt(gone, b.loc), when, party(p), ClockAt(gone.Add(window), b.loc), ClockAt(at, b.loc),
			correctDepartureTime(b, p))}, true
	}
	keep := fmt.Sprintf("keep %s inside until %s, %d minutes after this party left", stayingParty(other), ClockAt(at.Add(window), b.loc),
		int(window/time.Minute))
	if !b.firstSeen(other).IsZero() {
		due := b.ChildrenLeave
		if other == schedulingv1.Party_PARTY_VISITING {
			due = b.VisitingLeaves
		}
		switch {
		case b.Status != schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED:
			ended := "is called off"
			if b.Status == schedulingv1.BookingStatus_BOOKING_STATUS_NO_SHOW {
				ended = "has ended (a no-show is recorded)"
			}
			return Caution{CautionParentsMayMeet, fmt.Sprintf("the session %s and %s is still inside, to leave too: the parents "+
				"may meet on the way out; %s", ended, stayingParty(other), keep)}, true
		case at.Add(window).After(due):
			return Caution{CautionParentsMayMeet, fmt.Sprintf("%s is still inside and due to leave at %s: the parents may meet on the way "+
				"out; %s", stayingParty(other), ClockAt(due, b.loc), keep)}, true
		}
		return Caution{}, false
	}
	if away, ok := b.turnedAwayAt(other); ok {
		// Turned away at the door and never let in: it is outside, as a party that has just left
		// is. Review 61: under a hold, the visiting parent was refused at 10:25 and the children
		// were let out at 10:27 with no word.
		if ago := at.Sub(away); ago >= 0 && ago < window {
			when := fmt.Sprintf("%d minutes before this departure", int(ago/time.Minute))
			if ago < time.Minute {
				when = "in the same minute as this departure"
			}
			return Caution{CautionParentsMayMeet, fmt.Sprintf("%s came to the door at %s, %s, and was turned away: they may "+
				"still be outside; the parents may meet; keep %s inside until %s, if the other has not gone yet", party(other),
				ClockAt(away, b.loc), when, party(p), ClockAt(away.Add(window), b.loc))}, true
		}
	}
	due := b.due(other)
	// decision 317: the visiting parent not in may still come for the time left (mayStillCome).
	coming := at.Before(due.Add(NoShowGrace)) || other == schedulingv1.Party_PARTY_VISITING && !b.isHandover() && b.mayStillCome(at)
	if b.Status == schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED && !at.Before(due.Add(-DoorWindowMinutes*time.Minute)) && coming {
		when := fmt.Sprintf("is due at %s", ClockAt(due, b.loc))
		if at.After(due) {
			when = fmt.Sprintf("was due at %s", ClockAt(due, b.loc))
		}
		return Caution{CautionParentsMayMeet, fmt.Sprintf("%s %s and is not in yet: the parents may meet at the door as this party "+
			"leaves; keep them apart (see this party away before the other comes, or keep it inside until the other is in)",
			party(other), when)}, true
	}
	return Caution{}, false
}

// HandedOverNearTheBringer reports whether booking b is a handover whose children were collected
// less than the door's window after whoever brought them came to the door, that one not leaving
// with them (collectedNearTheBringer), and when they came: the day sheet alerts it as parents at
// the door together (decision 365).
func (b *Booking) HandedOverNearTheBringer() (brought time.Time, ok bool) {
	collected, left := b.Departed[schedulingv1.Party_PARTY_CHILDREN]
	if !left {
		return time.Time{}, false
	}
	return b.collectedNearTheBringer(collected)
}

// collectedNearTheBringer reports whether the children of handover b, collected at at by someone
// who did not bring them (handedOver), left less than the door's window after whoever brought them
// last came to the door (their party's recorded arrival, more of them brought later, or the check-in
// of one who brought them), with one who brought them not leaving with them, and when that was. Review 68
// (finding 2, decision 365): the collecting parent, inside since 10:00, walked out with the child at
// 10:17; the resident parent had brought the child at 10:15 and a handover never records their
// leaving, so every other rule saw the children's party gone and nobody outside. In a handover the
// one who brought the children leaves alone after bringing them, through the same door the other
// parent leaves by with them: the stagger is what keeps the parents apart (DOMAIN.md). The window is
// the arrival stagger's (keepApart(true)): DoorWindowMinutes, or the family's own where agreed
// longer than the usual.
func (b *Booking) collectedNearTheBringer(at time.Time) (time.Time, bool) {
	if !b.isHandover() || !b.handedOver() {
		return time.Time{}, false
	}
	stays := func(p uuid.UUID) bool { return slices.Contains(b.BroughtIn, p) && !slices.Contains(b.TakenOut, p) }
	if !slices.ContainsFunc(b.BroughtIn, stays) {
		return time.Time{}, false // all who brought them left with them: nobody of theirs is outside alone
	}
	brought := later(b.Arrived[schedulingv1.Party_PARTY_CHILDREN], b.LastBroughtAt)
	for _, c := range b.checkIns {
		if stays(c.person) {
			brought = later(brought, c.at) // a bringer's check-in, who was at the door then
		}
	}
	if ago := at.Sub(brought); brought.IsZero() || ago < 0 || ago >= b.keepApart(true) {
		return time.Time{}, false
	}
	return brought, true
}

// handoverMayMeet is the PARENTS_MAY_MEET caution for the children of handover b collected at at,
// brought at brought, less than the window before (collectedNearTheBringer): keep who collected
// them inside until the window after. It is the volunteer's to act on: the collecting parent is
// asked to wait, never told when the other came (DOMAIN.md: exact arrival times are never shown
// to the other party).
func handoverMayMeet(b *Booking, brought, at time.Time) Caution {
	ago := at.Sub(brought)
	when := fmt.Sprintf("%d minutes before this departure", int(ago/time.Minute))
	if ago < time.Minute {
		when = "in the same minute as this departure"
	}
	return Caution{CautionParentsMayMeet, fmt.Sprintf("whoever brought the children came to the door at %s, %s, and in a handover "+
		"leaves alone, not recorded leaving: they may still be at the door or outside, and the parents may meet; keep the children "+
		"and who collected them inside until %s, if not gone yet (ask them to wait; do not tell them when or why the other parent "+
		"came). The departure is recorded at %s; if they leave later, correct its time (%s)", ClockAt(brought, b.loc), when,
		ClockAt(brought.Add(b.keepApart(true)), b.loc), ClockAt(at, b.loc), correctDepartureTime(b, schedulingv1.Party_PARTY_CHILDREN))}
}

// correctDepartureTime is the command that corrects the time of party p's departure from b, as
// it runs (review 72: it lacked --centre and the --person list a correction of the time needs):
// the children's party's people as recorded leaving, by id; the visiting party's departure names
// nobody the booking keeps, so the door gives them (--person ...). HH:MM is the time they leave.
func correctDepartureTime(b *Booking, p schedulingv1.Party) string {
	cmd := fmt.Sprintf("familytime schedule correct %s --centre %s --departure --party %s --at HH:MM", b.ID, b.Centre, partyFlag(p))
	if p != schedulingv1.Party_PARTY_CHILDREN || len(b.TakenOut) == 0 {
		return cmd + " --person ... (each who left, as recorded)"
	}
	for _, id := range b.TakenOut {
		cmd += " --person " + id.String()
	}
	return cmd
}

// leavingParty names a party that has left, in words, for a caution.
func leavingParty(p schedulingv1.Party) string {
	if p == schedulingv1.Party_PARTY_CHILDREN {
		return "the children's party (the children and who collected them)"
	}
	return "the visiting party (the visiting parent)"
}

// stayingParty names a party still inside, in words, for a caution.
func stayingParty(p schedulingv1.Party) string {
	if p == schedulingv1.Party_PARTY_CHILDREN {
		return "the children's party (the children, and whoever is with them)"
	}
	return "the visiting party (the visiting parent)"
}

// party names a party at the door, in words, for a caution.
func party(p schedulingv1.Party) string {
	if p == schedulingv1.Party_PARTY_CHILDREN {
		return "the children's party (the children and who brings them)"
	}
	return "the visiting party (the visiting parent)"
}

// turnedAwayAt is when someone of party, named for the family to come, was last refused at the
// door of b (a refusal standing: not withdrawn), whatever the reason: a hold, the session called
// off, their party gone. Such a person came to the door and was sent away, so the door keeps the
// parents apart from them as from a party that has just left (review 61). firstSeen does not
// count it: nobody of the party was let in, and the no-show and late-arrival rules read the
// party's coming from who was admitted or recorded arriving.
func (b *Booking) turnedAwayAt(party schedulingv1.Party) (time.Time, bool) {
	var last time.Time
	for _, r := range b.refused {
		if r.named && r.party == party && r.at.After(last) {
			last = r.at
		}
	}
	return last, !last.IsZero()
}

// turnedAwayMayMeet is the PARENTS_MAY_MEET caution for someone of the party other than other at
// the door at at, when other was turned away there (turnedAwayAt) less than the door's window
// before and never let in: they may still be outside.
func turnedAwayMayMeet(b *Booking, other schedulingv1.Party, at time.Time) (Caution, bool) {
	away, ok := b.turnedAwayAt(other)
	if !ok || !b.firstSeen(other).IsZero() {
		return Caution{}, false
	}
	if ago := at.Sub(away); ago < 0 || ago >= b.keepApart(true) {
		return Caution{}, false
	}
	return Caution{CautionParentsMayMeet, fmt.Sprintf("%s came to the door at %s, %d minutes ago, and was turned away: they may "+
		"still be outside; keep the parents apart", party(other), ClockAt(away, b.loc), int(at.Sub(away)/time.Minute))}, true
}

// RefusalCautions are what the door must mind about person, refused at the door of booking id at
// now (CheckIn), about the other party: review 61 turned the visiting parent away under a hold
// with the children's party inside, and the children's party away with the visiting parent
// inside, and the door was told nothing of the other parent a door's width away. Said, as
// PARENTS_MAY_MEET, when the other party:
//   - is inside (seen at the door and not recorded leaving): it will leave, the session called
//     off or not, so this party is seen away first, or the other kept inside the window;
//   - left, came to the door, or was turned away there less than the window before (parentsMayMeet);
//   - has not come and is due within DoorWindowMinutes, or was due and is within its grace.
//
// Only of someone named for the family to come: who is not (NOT_PERMITTED) comes with no party.
// Refused because the family's case ended before anyone came (RefusalCaseEnded), the door is
// first told when it ended (CautionCaseEnded, decision 346).
func (f *Family) RefusalCautions(id, person uuid.UUID, now time.Time) []Caution {
	b, ok := f.bookings[id]
	if !ok {
		return nil
	}
	if c, ok := f.caseEndedCaution(b, false); ok {
		return append([]Caution{c}, f.refusalCautions(b, person, now)...)
	}
	if c, ok := f.sessionOverCaution(b, person, now); ok {
		// Decision 372: the session's times, as the refusal's caution.
		return append([]Caution{c}, f.refusalCautions(b, person, now)...)
	}
	if c, ok := f.notActiveCaution(b, person, now); ok {
		// Decision 359: a no-show's or a completed session's way on, as the refusal's caution.
		return append([]Caution{c}, f.refusalCautions(b, person, now)...)
	}
	return f.refusalCautions(b, person, now)
}

func (f *Family) refusalCautions(b *Booking, person uuid.UUID, now time.Time) []Caution {
	role, named := f.role(person)
	if !named {
		return nil
	}
	other := otherParty(f.partyOf(person, role))
	if _, left := b.Departed[other]; left {
		if c, ok := parentsMayMeet(b, other, now); ok {
			return []Caution{c}
		}
		return nil
	}
	if !b.firstSeen(other).IsZero() {
		window := b.keepApart(false)
		return []Caution{{CautionParentsMayMeet, fmt.Sprintf("%s is inside: the parents may meet at the door; keep this party apart "+
			"until the other has gone (see this party away from the door first, or keep the other inside until %s, %d minutes from "+
			"now)", stayingParty(other), ClockAt(now.Add(window), b.loc), int(window/time.Minute))}}
	}
	if c, ok := turnedAwayMayMeet(b, other, now); ok {
		return []Caution{c}
	}
	if due := b.due(other); !now.Before(due.Add(-DoorWindowMinutes*time.Minute)) && now.Before(due.Add(NoShowGrace)) {
		when := fmt.Sprintf("is due at %s", ClockAt(due, b.loc))
		if now.After(due) {
			when = fmt.Sprintf("was due at %s", ClockAt(due, b.loc))
		}
		return []Caution{{CautionParentsMayMeet, fmt.Sprintf("%s %s and is not in yet: the parents may meet at the door; keep them "+
			"apart (see this party away before the other comes)", party(other), when)}}
	}
	return nil
}

// firstSeen is when party was first seen at the door of b: its first check-in or its recorded
// arrival, the earlier; zero when neither.
func (b *Booking) firstSeen(party schedulingv1.Party) time.Time {
	first := b.CheckedInAt[party]
	if at, ok := b.Arrived[party]; ok && (first.IsZero() || at.Before(first)) {
		first = at
	}
	return first
}

// CameTooLate reports whether party was first seen at the door of b (checked in, or its arrival
// recorded) after its due time, when no contact could be held any more: less than a whole minute (Held's rule) was
// left between then, or the children's due time if later, and the end of the children's time or
// the other party's recorded departure if earlier. Such a party did not come in time for contact:
// it may be recorded as a no-show (NoShow), as one that never came is, and its arrival answers
// NO_CONTACT_POSSIBLE (review 36: the visiting parent came 5 minutes after the children were taken
// home, and the only record left was a cancellation, which never counts towards the two unexplained
// no-shows that release the place; decision 89). why says what ended the contact, in words.
//
// A party whose contact the other party cut short, leaving before this party's grace ran out
// (ContactCutShort), did not come too late: it was not yet a no-show when contact was taken from it
// (review 38).
func (b *Booking) CameTooLate(party schedulingv1.Party) (late bool, why string) {
	if _, cut := b.ContactCutShort(party); cut {
		return false, ""
	}
	first := b.firstSeen(party)
	if first.IsZero() || !first.After(b.due(party)) {
		// A party at the door by its time came in time: contact that did not happen then is the
		// other party's doing (it left before the children were due, say), not this one's.
		return false, ""
	}
	end := b.ChildrenLeave
	why = fmt.Sprintf("the children's time ended at %s, before %s came at %s", ClockAt(end, b.loc), partyWords(party), ClockAt(first, b.loc))
	if gone, ok := b.Departed[otherParty(party)]; ok && gone.Before(end) {
		if gone.Before(b.ChildrenArrive) {
			// The other party left before the contact was due: it did not wait for it, and the
			// session is called off (a cancellation), not this party's no-show.
			return false, ""
		}
		end = gone
		why = fmt.Sprintf("%s left at %s, before %s came at %s", partyWords(otherParty(party)), ClockAt(gone, b.loc),
			partyWords(party), ClockAt(first, b.loc))
	}
	return end.Sub(later(b.ChildrenArrive, first)) < time.Minute, why
}

// The cautions of an arrival whose contact the other party cut short (ContactCutShort): the children
// were taken out, or the visiting party left, before this party's grace ran out.
const (
	CautionChildrenTakenEarly = "CHILDREN_TAKEN_EARLY"
	CautionVisitingLeftEarly  = "VISITING_LEFT_EARLY"
)

// ErrContactCutShort refuses the no-show of a party whose contact the other party cut short
// (ContactCutShort).
var ErrContactCutShort = problem.Rule("CONTACT_CUT_SHORT", "the other party left before this party's grace ran out: that is not this party's no-show")

// ContactCutShort reports whether party came late, within or after its grace, to a session the other
// party had already left before party's grace ran out (NoShowGrace after it was due), and after the
// children's time began, with no minute of contact left when party came: it returns when the other
// party left. Review 38: the visiting parent was due at 10:00 and came at 10:13; the resident parent
// took the child out at 10:11, one minute into the children's time; the arrival told the door to
// record the visiting parent's no-show, and it counted towards the two that release the place. A
// party may be up to NoShowGrace late before it is a no-show at all: the other party that leaves
// before then, not this party, ended the contact. A party the other left before the contact was due
// is CameTooLate's (neither party's no-show: the session is called off).
func (b *Booking) ContactCutShort(party schedulingv1.Party) (gone time.Time, cut bool) {
	first := b.firstSeen(party)
	if first.IsZero() || !first.After(b.due(party)) {
		return time.Time{}, false
	}
	gone, left := b.Departed[otherParty(party)]
	if !left || gone.Before(b.ChildrenArrive) || !gone.Before(b.due(party).Add(NoShowGrace)) {
		return time.Time{}, false
	}
	if gone.Before(b.ChildrenLeave) && gone.Sub(later(b.ChildrenArrive, first)) >= time.Minute {
		return time.Time{}, false // contact was held a minute or more: the party came in time for it
	}
	return gone, true
}

// cutShortWords say that the other party cut party's contact short, at gone: whoever it was, when,
// and that it is not party's no-show (no names).
func (b *Booking) cutShortWords(party schedulingv1.Party, gone time.Time) string {
	left := "the children were taken out"
	if otherParty(party) == schedulingv1.Party_PARTY_VISITING {
		left = "the visiting party left"
	}
	into := fmt.Sprintf("%d minutes into the children's time", int(gone.Sub(b.ChildrenArrive)/time.Minute))
	switch {
	case gone.Sub(b.ChildrenArrive) < time.Minute:
		into = "as the children's time began"
	case gone.Sub(b.ChildrenArrive) < 2*time.Minute:
		into = "1 minute into the children's time"
	}
	return fmt.Sprintf("%s at %s, %s and before %s's %d minutes' grace ran out at %s; %s came at %s. "+
		"Contact could not happen because %s early: that is not %s's no-show", left, ClockAt(gone, b.loc), into,
		partyWords(party), int(NoShowGrace/time.Minute), ClockAt(b.due(party).Add(NoShowGrace), b.loc), partyWords(party),
		ClockAt(b.firstSeen(party), b.loc), left, partyWords(party))
}

// ArrivalCautions are what the door must mind about party's first arrival at booking b, recorded
// at at (now): PARENTS_MAY_MEET when the other party came to the door or left it less than
// DoorWindowMinutes before, as at check-in (said of an arrival recorded as it happens, within the
// window of now, not of one recorded after the fact); NO_CONTACT_POSSIBLE when the party came too
// late for any contact (CameTooLate), saying the way on: its no-show.
func (f *Family) ArrivalCautions(b *Booking, party schedulingv1.Party, at, now time.Time) (out []Caution, noContact bool) {
	if now.Sub(at) < DoorWindowMinutes*time.Minute {
		if c, ok := parentsMayMeet(b, otherParty(party), at); ok {
			out = append(out, c)
		}
	}
	if gone, cut := b.ContactCutShort(party); cut {
		code := CautionChildrenTakenEarly
		if otherParty(party) == schedulingv1.Party_PARTY_VISITING {
			code = CautionVisitingLeftEarly
		}
		return append(out, Caution{code, fmt.Sprintf("no contact is possible at this session: %s. The arrival is recorded as it "+
			"happened; the coordinator records the session as the centre decides (a cancellation on the day, saying who called it off: "+
			"familytime schedule cancel %s --by ...), and takes up with the family why the contact was cut short", b.cutShortWords(party, gone), b.ID)}), true
	}
	late, why := b.CameTooLate(party)
	if !late {
		return out, false
	}
	return append(out, Caution{CautionNoContactPossible, fmt.Sprintf("no contact is possible at this session: %s. The arrival is "+
		"recorded as it happened; %s did not come in time for contact, which is a no-show: record it (familytime schedule noshow "+
		"%s --party %s, with --explanation \"<the family's reason>\" if they gave a reason for being late); an unexplained no-show "+
		"counts towards the two that release the family's place", why, partyWords(party), b.ID, partyFlag(party))}), true
}

// cameTooLateReleasing is releasingTooSoon's refusal for a party that came too late (CameTooLate):
// the no-show that releases the place waits for the clock all the same (decision 195), for the
// movement that put contact out of reach may be corrected, but the words say so rather than that
// the party may still come.
func cameTooLateReleasing(b *Booking, party schedulingv1.Party, count int, why string) error {
	end := ClockAt(b.ChildrenLeave, b.loc)
	return problem.Rule(ErrMayStillCome.Reason, fmt.Sprintf("%s: this would be the family's unexplained no-show %d since its place was "+
		"last released, which releases the place for good, so it is recorded from %s, when the contact was due to end (a movement "+
		"recorded by mistake may still be corrected until then). One who said why they were late is an explained no-show, recorded "+
		"now (--explanation \"<the family's reason>\")", why, count, end))
}

// noContactWayOn is how a session that held no contact is recorded (Complete's NO_CONTACT_HELD):
// the no-show of a party that came too late for contact (CameTooLate), else a cancellation on the
// day, saying who called it off.
func (b *Booking) noContactWayOn() string {
	for _, p := range []schedulingv1.Party{schedulingv1.Party_PARTY_VISITING, schedulingv1.Party_PARTY_CHILDREN} {
		if gone, cut := b.ContactCutShort(p); cut {
			return b.cutShortWords(p, gone) + "; record it as the centre decides, with a cancellation on the day (familytime schedule " +
				"cancel, saying who called it off)"
		}
		if late, why := b.CameTooLate(p); late {
			return fmt.Sprintf("%s: record %s as not coming in time (familytime schedule noshow %s --party %s, with --explanation "+
				"\"<the family's reason>\" if they gave one), not a cancellation", why, partyWords(p), b.ID, partyFlag(p))
		}
	}
	return "record that with a cancellation on the day (familytime schedule cancel, saying who called it off)"
}
