package app

import (
	"context"
	"slices"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/staff"
	"github.com/familytime/familytime/services/scheduling/internal/adapters"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// GetDaySheet is a centre's day: every booking with its room, each party's due and recorded
// times, the people expected by id (checked in or not), and alerts.
func (a *App) GetDaySheet(ctx context.Context, centre uuid.UUID, day time.Time) ([]*schedulingv1.DaySheetEntry, error) {
	rows, err := a.sessions.DaySheet(ctx, centre, day)
	if err != nil {
		return nil, err
	}
	out := make([]*schedulingv1.DaySheetEntry, len(rows))
	var register *staff.Register
	now := a.now()
	for i, r := range rows {
		row := &rowFamily{a: a, r: r}
		left, err := row.leftInside(ctx)
		if err != nil {
			return nil, err
		}
		out[i] = sheetEntry(r, left.came)
		neverRecordedLeaving(left, out[i])
		if stillInsideAfterSession(left, r, out[i], now) {
			out[i].Alerts = append(out[i].Alerts, schedulingv1.Alert_ALERT_STILL_INSIDE_AFTER_SESSION)
		}
		if alone, err := row.childrenWithoutAnAdult(ctx, now); err != nil {
			return nil, err
		} else if alone {
			out[i].Alerts = append(out[i].Alerts, schedulingv1.Alert_ALERT_CHILDREN_WITHOUT_AN_ADULT)
		}
		if near, err := row.handedOverNearTheBringer(ctx); err != nil {
			return nil, err
		} else if near && !slices.Contains(out[i].Alerts, schedulingv1.Alert_ALERT_PARENTS_AT_DOOR_TOGETHER) {
			out[i].Alerts = append(out[i].Alerts, schedulingv1.Alert_ALERT_PARENTS_AT_DOOR_TOGETHER)
		}
		if _, past := rowTimes(r).Overrun(now); past {
			// Both parties of a supervised family inside after the children's time: its supervisor
			// is still with it (review 58; decision 333).
			out[i].Alerts = append(out[i].Alerts, schedulingv1.Alert_ALERT_SUPERVISED_CONTACT_PAST_ITS_TIME)
		}
		if stopped, err := row.turnedAway(ctx); err != nil {
			return nil, err
		} else if stopped {
			out[i].Alerts = append(out[i].Alerts, schedulingv1.Alert_ALERT_TURNED_AWAY_AT_THE_DOOR)
		}
		if domain.NoOutcomeRecorded(schedulingv1.BookingStatus(r.Status), r.VisitingLeaves, now) {
			// Nobody records it otherwise: a past day's sheet said "booked" with no alert (review 49).
			out[i].Alerts = append(out[i].Alerts, schedulingv1.Alert_ALERT_NO_OUTCOME_RECORDED)
		}
		if !awaitsSupervisor(r) {
			continue
		}
		if register == nil {
			if register, err = a.sessions.Staff(ctx, centre); err != nil {
				return nil, err
			}
		}
		if !register.HasClearedSupervisor(r.Date) {
			out[i].Alerts = append(out[i].Alerts, schedulingv1.Alert_ALERT_NO_CLEARED_SUPERVISOR)
		}
	}
	if len(rows) > 0 {
		apart, err := a.sessions.KeptApart(ctx, centre)
		if err != nil {
			return nil, err
		}
		// Two families kept apart, recorded after both were booked alongside (decision 330).
		for i, alongside := range keptApartAlongside(rows, apart) {
			if alongside {
				out[i].Alerts = append(out[i].Alerts, schedulingv1.Alert_ALERT_FAMILY_KEPT_APART_BOOKED_ALONGSIDE)
			}
		}
	}
	withdrawn, err := a.withdrawnKindBooked(ctx, centre, rows)
	if err != nil {
		return nil, err
	}
	for i, w := range withdrawn {
		if w {
			out[i].Alerts = append(out[i].Alerts, schedulingv1.Alert_ALERT_SERVICE_WITHDRAWN)
		}
	}
	if slices.ContainsFunc(rows, func(r adapters.BookingRow) bool { _, ok := watchedBy(r); return ok }) {
		if register == nil {
			if register, err = a.sessions.Staff(ctx, centre); err != nil {
				return nil, err
			}
		}
		// The door knows before admitting the family no supervisor is left to watch (decision 265).
		for i, short := range supervisorsShort(rows, register.ClearedSupervisors(rows[0].Date)) {
			if short {
				out[i].Alerts = append(out[i].Alerts, schedulingv1.Alert_ALERT_SUPERVISORS_SHORT)
			}
		}
	}
	return out, nil
}

// withdrawnKindBooked says of each row whether it is still booked for a kind of contact the centre no
// longer offers (ALERT_SERVICE_WITHDRAWN; decisions.md 386). The update that stopped offering it
// warned of such bookings (SERVICE_WITHDRAWN, decision 377) and left them booked, the families'
// next steps being the coordinator's; the day sheet is where whoever runs the day meets them. A
// booking of a kind not recorded (unspecified, from before kinds were) is not alerted: nobody can
// tell that it is not offered.
func (a *App) withdrawnKindBooked(ctx context.Context, centre uuid.UUID, rows []adapters.BookingRow) ([]bool, error) {
	booked := func(r adapters.BookingRow) bool {
		return schedulingv1.BookingStatus(r.Status) == schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED &&
			commonv1.ServiceType(r.ServiceType) != commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED
	}
	if !slices.ContainsFunc(rows, booked) {
		return nil, nil
	}
	c, err := a.centres.Get(ctx, centre)
	if err != nil {
		return nil, err
	}
	out := make([]bool, len(rows))
	for i, r := range rows {
		out[i] = booked(r) && !slices.Contains(c.Details.ServiceTypes, commonv1.ServiceType(r.ServiceType))
	}
	return out, nil
}

// awaitsSupervisor reports whether a booking's supervised session is still to be completed by a
// contact supervisor cleared that day: booked (to come, or held and not yet completed), or called
// off by a hold with the children inside, whose observation report is due all the same (decision
// 163). Without one on the register, nobody can complete it or write its report (review 22: a
// session held so stood on the day sheet as any other, and was never reported).
func awaitsSupervisor(r adapters.BookingRow) bool {
	if commonv1.ServiceType(r.ServiceType) != commonv1.ServiceType_SERVICE_TYPE_SUPERVISED {
		return false
	}
	switch schedulingv1.BookingStatus(r.Status) {
	case schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED:
		return true
	case schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED:
		return schedulingv1.CancellationReason(r.Reason) == schedulingv1.CancellationReason_CANCELLATION_REASON_HOLD && r.ChildrenArrived != nil
	}
	return false
}

// leftInside is who a booking recorded coming and not leaving (decisions.md 188, 198): inside are
// those domain.Family's Inside names (the children counted as completion counts them, the
// visiting party's people), came those domain.Booking's AtTheCentre names (who checked in, and
// whom a party's arrival or the children's departure named, left since or not), which lists a
// called-off booking's people (review 61: once they left, they dropped off its line). On an ended booking (completed, a no-show, or called off) those inside were never
// recorded leaving; on one under way (live) they are in the room: review 36's day sheet showed a
// child brought in by a recorded arrival IN no while the session ran, though a departure that left
// them out was refused CHILD_NOT_ACCOUNTED_FOR. The read model keeps who checked in, not whom an
// arrival named, which only the family's stream holds: it is loaded for a row with a party
// arrived and not departed alone (a session in progress, or ended so); for any other row nobody
// is inside, and came is who checked in, as AtTheCentre says.
//
// now are who is inside now (domain.Family's InsideNow, the one rule of IN; review 38): on a live
// booking, one called off (decision 284) or one recorded as a no-show (decision 352: the visiting
// parent checked in and waiting inside after the children's no-show read IN 0/3), anyone checked
// in or come, and not gone since, so the stream is also loaded for such a row with someone checked
// in or arrived; on a completed booking those never recorded leaving.
func (row *rowFamily) leftInside(ctx context.Context) (leftInside, error) {
	r := row.r
	live := schedulingv1.BookingStatus(r.Status) == schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED
	calledOff := schedulingv1.BookingStatus(r.Status) == schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED ||
		schedulingv1.BookingStatus(r.Status) == schedulingv1.BookingStatus_BOOKING_STATUS_NO_SHOW
	someoneCame := len(r.CheckedIn) > 0 || r.VisitingArrived != nil || r.ChildrenArrived != nil
	if (r.VisitingArrived == nil || r.VisitingDeparted != nil) && (r.ChildrenArrived == nil || r.ChildrenDeparted != nil) &&
		(!live && !calledOff || !someoneCame) {
		return leftInside{came: r.CheckedIn, live: live}, nil
	}
	f, b, err := row.load(ctx)
	if err != nil {
		return leftInside{}, err
	}
	return leftInside{inside: f.Inside(b).People(), now: f.InsideNow(b), came: b.AtTheCentre(), live: live}, nil
}

// leftInside is who a booking recorded coming and not leaving (rowFamily.leftInside), and who is inside
// now (the day sheet's IN); live: the booking is still booked (its session to come or under way),
// so nobody is missing yet.
type leftInside struct {
	inside, now, came []uuid.UUID
	live              bool
}

// neverRecordedLeaving shows in (InBuilding) anyone the door recorded coming and not recorded
// leaving (left.inside), leaving CheckedIn as the check-ins, and alerts them on an ended booking's
// line e (decisions.md 188, 198); a live booking's are inside, and raise no alert (review 36). An adult who only brought the children (named in the
// children's arrival) is not shown in, as completion does not count them: the door does not
// record their leaving at drop-off.
// Review 26's day sheet showed a completed row with no time for the children leaving, nobody in and
// no alert; review 28's showed a no-show's children, whom the resident parent brought, the same
// way, and a hold's family inside each with IN no and CHECKED IN 0/0. A no-show or a called-off
// booking still takes the departure (Family.Depart), which ends the alert; a completed one does not.
func neverRecordedLeaving(left leftInside, e *schedulingv1.DaySheetEntry) {
	for _, p := range e.GetExpected() {
		// IN is who is inside now (review 38), whether or not they checked in; CHECKED IN stays
		// the check-ins, which never clear.
		p.InBuilding = checkedIn(left.now, p.GetPersonId())
	}
	if len(left.inside) > 0 && !left.live {
		e.Alerts = append(e.Alerts, schedulingv1.Alert_ALERT_NEVER_RECORDED_LEAVING)
	}
}

// stillInsideAfterSession reports whether booking r, on the day sheet as e, has someone inside
// (left.now, the day sheet's IN) once its session's time is over (the visiting party was due to
// leave): the door checks whether they are still in the building and records their leaving, or
// the coordinator completes the session, which names whoever was never recorded leaving (review
// 50: IN 3/4 and booked an hour after the session, and four weeks later the same elsewhere, with
// no alert until someone completed it; decision 284). Raised on a booking still booked, and on one
// called off or recorded as a no-show (decision 352) with someone inside that never-recorded-leaving
// does not name (checked in, no arrival recorded); a completed booking's are never-recorded-leaving's.
func stillInsideAfterSession(left leftInside, r adapters.BookingRow, e *schedulingv1.DaySheetEntry, now time.Time) bool {
	if len(left.now) == 0 || now.Before(r.VisitingLeaves) {
		return false
	}
	st := schedulingv1.BookingStatus(r.Status)
	return left.live || (st == schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED || st == schedulingv1.BookingStatus_BOOKING_STATUS_NO_SHOW) &&
		!slices.Contains(e.GetAlerts(), schedulingv1.Alert_ALERT_NEVER_RECORDED_LEAVING)
}

// childrenWithoutAnAdult reports whether booking r's children were recorded inside, at now, with
// none of their adults (review 31: the visiting parent left at 12:05, the resident parent, who only
// brought the children, collected them at 12:20, and the day sheet said nothing). The rule is
// domain.Family's ChildrenWithoutAnAdult, which a departure's caution reads too (decision 213); the
// row's times filter first (childrenLeftByTheVisitingParty), so the family's stream is loaded only
// for a row they point at, to ask whether whoever brought the children stays with them.
func (row *rowFamily) childrenWithoutAnAdult(ctx context.Context, now time.Time) (bool, error) {
	if !childrenLeftByTheVisitingParty(row.r, now) {
		return false, nil
	}
	f, b, err := row.load(ctx)
	if err != nil {
		return false, err
	}
	return f.ChildrenWithoutAnAdult(b, now), nil
}

// handedOverNearTheBringer reports whether booking r is a handover whose children were collected
// less than the door's window after whoever brought them came to the door, that one not leaving
// with them (domain.Booking's HandedOverNearTheBringer, the rule of the departure's PARENTS_MAY_MEET):
// parents at the door together. Review 68 (decision 365): the collecting parent walked out with the
// child 2 minutes after the resident parent brought her, and the line said nothing, as a handover
// never records the bringer's leaving. The read model does not keep who brought and who collected
// the children: the family's stream is loaded only for a handover row with both recorded.
func (row *rowFamily) handedOverNearTheBringer(ctx context.Context) (bool, error) {
	r := row.r
	if commonv1.ServiceType(r.ServiceType) != commonv1.ServiceType_SERVICE_TYPE_HANDOVER || r.ChildrenArrived == nil || r.ChildrenDeparted == nil {
		return false, nil
	}
	_, b, err := row.load(ctx)
	if err != nil {
		return false, err
	}
	_, near := b.HandedOverNearTheBringer()
	return near, nil
}

// turnedAway reports whether booking r, still booked, is one whose family the door turned away
// because its contact was stopped (domain.Booking's StoppedAtTheDoor): not an absence, and no
// party's no-show, but a session for the coordinator to record as called off by the centre
// (review 37: such a booking stood as booked, its refusal alerted as any other, and was recorded as
// an unexplained no-show). The read model counts refusals, not their reasons: the family's stream
// is loaded only for a booked row with a refusal.
func (row *rowFamily) turnedAway(ctx context.Context) (bool, error) {
	if row.r.Refused == 0 || schedulingv1.BookingStatus(row.r.Status) != schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED {
		return false, nil
	}
	_, b, err := row.load(ctx)
	if err != nil {
		return false, err
	}
	_, stopped := b.StoppedAtTheDoor()
	return stopped, nil
}

// rowFamily is a day-sheet row with its family and booking, loaded from the family's stream at
// most once, by whichever of the row's checks needs them first (leftInside, childrenWithoutAnAdult,
// handedOverNearTheBringer, turnedAway): each loads it only for a row its read-model columns point at.
type rowFamily struct {
	a *App
	r adapters.BookingRow
	f *domain.Family
	b *domain.Booking
}

// load is the row's family and booking, read once.
func (row *rowFamily) load(ctx context.Context) (*domain.Family, *domain.Booking, error) {
	if row.f == nil {
		f, err := row.a.sessions.Family(ctx, row.r.Family)
		if err != nil {
			return nil, nil, err
		}
		b, err := f.Booking(row.r.ID)
		if err != nil {
			return nil, nil, err
		}
		row.f, row.b = f, b
	}
	return row.f, row.b, nil
}

// childrenLeftByTheVisitingParty is domain.ChildrenLeftByTheVisitingParty of the row's times.
func childrenLeftByTheVisitingParty(r adapters.BookingRow, now time.Time) bool {
	return domain.ChildrenLeftByTheVisitingParty(domain.LeftTimes{ServiceType: commonv1.ServiceType(r.ServiceType),
		Completed:     schedulingv1.BookingStatus(r.Status) == schedulingv1.BookingStatus_BOOKING_STATUS_COMPLETED,
		ChildrenLeave: r.ChildrenLeave, ChildrenArrived: r.ChildrenArrived, VisitingDeparted: r.VisitingDeparted,
		ChildrenDeparted: r.ChildrenDeparted}, now)
}

// sheetEntry is a booking's line on the day sheet; came are who the door recorded at the centre,
// for a cancelled booking.
func sheetEntry(r adapters.BookingRow, came []uuid.UUID) *schedulingv1.DaySheetEntry {
	loc, _ := domain.Zone(r.Zone)
	times := domain.Times{VisitingArrives: domain.ClockAt(r.VisitingArrives, loc), ChildrenArrive: domain.ClockAt(r.ChildrenArrive, loc),
		ChildrenLeave: domain.ClockAt(r.ChildrenLeave, loc), VisitingLeaves: domain.ClockAt(r.VisitingLeaves, loc)}
	b := &schedulingv1.Booking{BookingId: r.ID.String(), CentreId: r.Centre.String(), FamilyId: r.Family.String(),
		RoomId: r.Room.String(), PatternId: r.Pattern.String(), Date: dates.Proto(r.Date),
		ServiceType: commonv1.ServiceType(r.ServiceType), Status: schedulingv1.BookingStatus(r.Status),
		CancellationReason: schedulingv1.CancellationReason(r.Reason), CancelledLate: r.Late, TimeZone: r.Zone, SupervisedBy: r.SupervisedBy,
		CancelledBy: schedulingv1.CancelledBy(r.CancelledBy), NoticeMinutes: r.NoticeMinutes, NoticeTo: schedulingv1.Party(r.NoticeTo),
		CallOffReason: schedulingv1.CallOffReason(r.CallOffReason), Visiting: partyTimes(r.VisitingArrives, r.VisitingLeaves, r.VisitingArrived, r.VisitingDeparted, loc),
		Children: partyTimes(r.ChildrenArrive, r.ChildrenLeave, r.ChildrenArrived, r.ChildrenDeparted, loc)}
	e := &schedulingv1.DaySheetEntry{Booking: b, RoomName: r.RoomName, DoorGapMinutes: int32(times.DoorGap()),
		RefusalsWithdrawn: r.RefusalsWithdrawn}
	if r.Ready != nil {
		for _, p := range r.Ready.GetAdults() {
			if !domain.MayAttend(p) && !p.GetMayBring() && !p.GetMayCollect() {
				continue // named on the referral, not for contact: not expected at the door
			}
			e.Expected = append(e.Expected, &schedulingv1.ExpectedPerson{PersonId: p.GetPersonId(), Role: p.GetRole(),
				MayAttend: proto.Bool(domain.MayAttend(p)), MayBring: p.GetMayBring(), MayCollect: p.GetMayCollect(),
				CheckedIn: checkedIn(r.CheckedIn, p.GetPersonId())})
		}
		for _, c := range r.Ready.GetChildren() {
			e.Expected = append(e.Expected, &schedulingv1.ExpectedPerson{PersonId: c.GetPersonId(),
				Role: schedulingv1.PersonRole_PERSON_ROLE_CHILD, CheckedIn: checkedIn(r.CheckedIn, c.GetPersonId())})
		}
	}
	if b.GetStatus() == schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED {
		e.Expected = cameToTheCentre(e.Expected, came)
	}
	e.Alerts = alerts(r)
	return e
}

// cameToTheCentre are the people of a cancelled booking the door recorded at the centre: nobody is
// expected for it, but someone who checked in, or came with a party whose arrival was recorded,
// before a hold cancelled the session under way was at the centre (decisions.md 91): the children
// above all, whom the door hands over and whose departure it records. They stay on the line once
// they leave, IN saying who is inside now, CHECKED IN the check-ins, which never clear (review 61:
// the line read CHECKED IN 3/3, then 1/1 once the children's party left).
func cameToTheCentre(people []*schedulingv1.ExpectedPerson, came []uuid.UUID) []*schedulingv1.ExpectedPerson {
	return slices.DeleteFunc(people, func(p *schedulingv1.ExpectedPerson) bool { return !checkedIn(came, p.GetPersonId()) })
}

// alerts are what the volunteers must know about a booking.
func alerts(r adapters.BookingRow) []schedulingv1.Alert {
	var out []schedulingv1.Alert
	// A hold in force on the family: admit nobody. A booking a hold called off says so in its
	// status and reason, after the hold is lifted too; on-hold then would tell the door of a hold
	// that no longer stands (reviews 35 and 36 read it on a case ended with no hold).
	if r.HoldsInForce > 0 {
		out = append(out, schedulingv1.Alert_ALERT_ON_HOLD)
	}
	if disclosureStops(r) {
		out = append(out, schedulingv1.Alert_ALERT_DISCLOSURE_NOT_WEIGHED)
	}
	if reviewOverdue(r) {
		out = append(out, schedulingv1.Alert_ALERT_REVIEW_OVERDUE)
	}
	if commonv1.ServiceType(r.ServiceType) == commonv1.ServiceType_SERVICE_TYPE_SUPERVISED {
		out = append(out, schedulingv1.Alert_ALERT_SUPERVISED)
	}
	if r.Refused > 0 {
		out = append(out, schedulingv1.Alert_ALERT_CHECK_IN_REFUSED)
	}
	if atDoorTogether(r) {
		out = append(out, schedulingv1.Alert_ALERT_PARENTS_AT_DOOR_TOGETHER)
	}
	// Late by a minute or more, as an arrival's late minutes count it: seconds are no late start
	// (review 14). The contact starts when both parties are there (Held), so the visiting parent
	// arriving after the children were due shortens it too (review 27: an hour late, 45 minutes
	// lost, raised nothing); arriving after their own time but before the children's loses none.
	late := func(arrived *time.Time) bool { return arrived != nil && arrived.Sub(r.ChildrenArrive) >= time.Minute }
	if late(r.ChildrenArrived) || late(r.VisitingArrived) {
		out = append(out, schedulingv1.Alert_ALERT_LATE_START)
	}
	// A late cancellation is a parent's or the referrer's short notice; a booking the platform
	// called off (a hold, a case's end, a released place) says why in its other alerts and its
	// reason, not as late notice (review 14), and the centre's call-off is the centre's, never a
	// party's late notice (review 50: a burst pipe alerted cancelled-late; decision 284), also as
	// recorded late before it was.
	by := schedulingv1.CancelledBy(r.CancelledBy)
	if r.Late && schedulingv1.BookingStatus(r.Status) == schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED &&
		by != schedulingv1.CancelledBy_CANCELLED_BY_SYSTEM && by != schedulingv1.CancelledBy_CANCELLED_BY_CENTRE {
		out = append(out, schedulingv1.Alert_ALERT_CANCELLED_LATE)
	}
	if schedulingv1.BookingStatus(r.Status) == schedulingv1.BookingStatus_BOOKING_STATUS_NO_SHOW {
		out = append(out, schedulingv1.Alert_ALERT_NO_SHOW)
	}
	if r.ChildrenMayLeaveCentre && schedulingv1.BookingStatus(r.Status) != schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED {
		// Children stay in the centre unless the referral says otherwise (DOMAIN.md: "whether
		// the child may leave the centre"): the door is told only of the exception, and not on a
		// session called off, where there is no contact to leave for (decision 117).
		out = append(out, schedulingv1.Alert_ALERT_CHILDREN_MAY_LEAVE_CENTRE)
	}
	return out
}

// disclosureStops reports whether booking r does not go ahead while a disclosure of domestic abuse
// carried to the family's referral waits for the safeguarding lead, as domain.Family's
// DisclosureStops decides it at the door: a kind other than supervised, on or after the day it was
// flagged. A session called off for another reason says so in its own alerts.
func disclosureStops(r adapters.BookingRow) bool {
	st := commonv1.ServiceType(r.ServiceType)
	return r.DisclosureFlaggedOn != nil && !r.Date.Before(*r.DisclosureFlaggedOn) &&
		st != commonv1.ServiceType_SERVICE_TYPE_SUPERVISED && st != commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED &&
		schedulingv1.BookingStatus(r.Status) != schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED
}

// reviewOverdue reports whether booking r's session is held with the family's review overdue, as
// domain.ReviewOverdueBy decides it for a booking's warning: supported contact on a day after the
// review was due (decision 261). The door admits the family as ever; the alert is for whoever runs
// the day to tell the coordinator. A session called off says why in its own alerts.
func reviewOverdue(r adapters.BookingRow) bool {
	return r.ReviewDueOn != nil && domain.ReviewOverdueBy(commonv1.ServiceType(r.ServiceType), *r.ReviewDueOn, r.Date) &&
		schedulingv1.BookingStatus(r.Status) != schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED
}

// atDoorTogether reports whether the two parents may be at the door within the window of each
// other: the family's own stagger where it was agreed longer than the usual, as at the door
// (domain.KeepApartFor; decision 329), for two arrivals or two departures, else
// DoorWindowMinutes. Recorded arrivals and departures count whatever the plan said. While the booking still
// stands (booked, not completed or called off), a recorded movement also counts against the other
// party's movement still to come as planned: children brought early are at the door when the
// visiting parent is due, and the door must be told as they come in, not once the visiting parent
// walks in on them (review 14). A party's first check-in is the door's first sight of it, and
// counts as recorded too (review 20: both parents admitted in the same minute raised nothing).
// Two planned times alone never alert: booking keeps them apart.
func atDoorTogether(r adapters.BookingRow) bool {
	stands := schedulingv1.BookingStatus(r.Status) == schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED
	visiting := doorMovements(stands, r.VisitingArrives, r.VisitingArrived, r.VisitingLeaves, r.VisitingDeparted)
	children := doorMovements(stands, r.ChildrenArrive, r.ChildrenArrived, r.ChildrenLeave, r.ChildrenDeparted)
	if r.VisitingCheckedIn != nil {
		visiting = append(visiting, doorMovement{at: *r.VisitingCheckedIn, recorded: true, arriving: true})
	}
	if r.ChildrenCheckedIn != nil {
		children = append(children, doorMovement{at: *r.ChildrenCheckedIn, recorded: true, arriving: true})
	}
	arrivals := domain.KeepApartFor(r.ChildrenArrive.Sub(r.VisitingArrives))
	departures := domain.KeepApartFor(r.VisitingLeaves.Sub(r.ChildrenLeave))
	for _, v := range visiting {
		for _, c := range children {
			window := domain.DoorWindowMinutes * time.Minute
			switch {
			case v.arriving && c.arriving:
				window = arrivals
			case !v.arriving && !c.arriving:
				window = departures
			}
			if (v.recorded || c.recorded) && v.at.Sub(c.at).Abs() < window {
				return true
			}
		}
	}
	return false
}

// doorMovement is a party at the door: as recorded, or as planned and still to come; arriving or
// leaving.
type doorMovement struct {
	at       time.Time
	recorded bool
	arriving bool
}

// doorMovements are a party's arrival and departure: each as recorded, else, while the booking
// stands, as planned.
func doorMovements(stands bool, arrives time.Time, arrived *time.Time, leaves time.Time, departed *time.Time) []doorMovement {
	var out []doorMovement
	for _, m := range []struct {
		planned  time.Time
		recorded *time.Time
		arriving bool
	}{{arrives, arrived, true}, {leaves, departed, false}} {
		switch {
		case m.recorded != nil:
			out = append(out, doorMovement{at: *m.recorded, recorded: true, arriving: m.arriving})
		case stands:
			out = append(out, doorMovement{at: m.planned, arriving: m.arriving})
		}
	}
	return out
}

func checkedIn(in []uuid.UUID, person string) bool {
	id, err := uuid.Parse(person)
	return err == nil && slices.Contains(in, id)
}

func partyTimes(due, leaves time.Time, arrived, departed *time.Time, loc *time.Location) *schedulingv1.PartyTimes {
	p := &schedulingv1.PartyTimes{DueAt: timestamppb.New(due), LeavesAt: timestamppb.New(leaves),
		DueTime: domain.ClockToProto(domain.ClockAt(due, loc)), LeaveTime: domain.ClockToProto(domain.ClockAt(leaves, loc))}
	if arrived != nil {
		p.ArrivedAt = timestamppb.New(*arrived)
	}
	if departed != nil {
		p.DepartedAt = timestamppb.New(*departed)
	}
	return p
}

// StaffRegister is the centre's staff register as scheduling keeps it.
func (a *App) StaffRegister(ctx context.Context, centre uuid.UUID) (*staff.Register, error) {
	return a.sessions.Staff(ctx, centre)
}

// Today is the current date.
func (a *App) Today() time.Time { return a.today() }

// CentreToday is the date now at the centres (UK time) by the service's clock: a day a caller left
// out (the day sheet's, the opening sessions' first), decided here, not on the caller's computer.
func (a *App) CentreToday() time.Time { return a.centreToday() }
