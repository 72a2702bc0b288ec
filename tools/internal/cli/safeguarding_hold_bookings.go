package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/grpcx"
)

// A hold suspends the family's contact: scheduling, hearing of it, cancels every booking of the
// family whose session has not ended (the one under way called off), and lifting the hold
// restores none, since their places may have gone to another family. Review 61 found that neither
// command said so: the lead placed a hold and lifted it, and nothing prompted anyone to book the
// family again, or to tell the parents the dates they had were gone; on the day the door refused
// them BOOKING_CANCELLED. hold and lift say it on standard error, listing the bookings as referral
// end lists those its ending cancelled (decisions 308 and 315), read from scheduling with the
// caller's token (the centre's lead reads a family's bookings); when they cannot be read, they
// give the command that lists them.

// holdBookingsWait bounds the read of the family's bookings: the hold or lift is recorded
// already, and a note that cannot be read in time gives the command instead.
var holdBookingsWait = 5 * time.Second

// holdBookingsNote is what hold (lifted false) and lift (lifted true) say of the family's
// bookings, on standard error, after the hold's answer; at is when the service carried the
// command out (answered_at), by its clock, which may not be this machine's. stillHeld says another
// hold on the family is still in force after a lift (LiftHoldResponse.holds_still_in_force);
// suspension, after the last lift, are the holds of the suspension it ended
// (LiftHoldResponse.suspension_hold_ids, decision 360).
func (s *safeguardingCommand) holdBookingsNote(ctx context.Context, h *safeguardingv1.Hold, at time.Time, lifted, stillHeld bool,
	suspension []string) string {
	list := "familytime schedule bookings --centre " + s.centre + " --family " + h.GetFamilyId()
	resp, err := s.familyBookings(ctx, h.GetFamilyId(), h.GetPlacedOn())
	switch {
	case noFamilyHere(err):
		return noBookingHere(lifted, stillHeld)
	case err != nil && lifted:
		return liftedUnread(list, stillHeld)
	case err != nil:
		return placedUnread(list)
	case lifted && resp.GetEnding() != nil:
		return endedLiftWords(resp, stillHeld, list)
	case lifted && !stillHeld:
		return lastLiftWords(resp, at, list, suspension, s.sessionsOpened(ctx, resp, at))
	case lifted:
		return liftedWords(resp, h.GetHoldId(), at, list, stillHeld, suspension)
	}
	return placedWords(resp, h.GetHoldId(), at, list)
}

// sessionsOpened reads when the opening sessions of the family's bookings on the day of at, due
// after at, opened: scheduling books no session that has opened (the rule of its Book), and a
// booking given a later start is due after its session opens, so its own times do not tell. Only
// that day's can have opened and still be due; the others' times tell. Keyed by sessionKey; nil
// when none is needed or they cannot be read (the bookings' own times are then taken, decision 364).
func (s *safeguardingCommand) sessionsOpened(ctx context.Context, resp *schedulingv1.ListFamilyBookingsResponse,
	at time.Time) map[string]time.Time {
	var day *commonv1.Date
	for _, fb := range resp.GetBookings() {
		b := fb.GetBooking()
		loc, err := time.LoadLocation(b.GetTimeZone())
		if err != nil || !firstDue(b).After(at) || ymd(b.GetDate()) != at.In(loc).Format(time.DateOnly) {
			continue
		}
		day = b.GetDate()
		break
	}
	if day == nil {
		return nil
	}
	cc, err := dial(&s.conn, "scheduling")
	if err != nil {
		return nil
	}
	defer cc.Close()
	ctx, cancel := context.WithTimeout(ctx, holdBookingsWait)
	defer cancel()
	sessions, err := schedulingv1.NewSchedulingServiceClient(cc).ListOpeningSessions(ctx, &schedulingv1.ListOpeningSessionsRequest{
		CentreId: s.centre, From: day, To: day})
	if err != nil {
		return nil
	}
	opened := map[string]time.Time{}
	for _, o := range sessions.GetSessions() {
		opened[sessionKey(o.GetPatternId(), o.GetDate())] = o.GetStartsAt().AsTime()
	}
	return opened
}

// sessionKey names an opening session: its pattern and date.
func sessionKey(pattern string, date *commonv1.Date) string { return pattern + " " + ymd(date) }

// firstDue is when the first of the booking's parties is due; the zero time when neither's is
// given (scheduling gives both).
func firstDue(b *schedulingv1.Booking) time.Time {
	var first time.Time
	for _, p := range []*schedulingv1.PartyTimes{b.GetVisiting(), b.GetChildren()} {
		if d := p.GetDueAt(); d != nil && (first.IsZero() || d.AsTime().Before(first)) {
			first = d.AsTime()
		}
	}
	return first
}

// begun reports whether b's session had begun at at, so that scheduling would refuse to book it
// again ("has begun or is in the past"): its opening session had opened (opened, when read), or
// else its first party was due, at or before at. Neither known, it is taken as not begun.
func begun(b *schedulingv1.Booking, at time.Time, opened map[string]time.Time) bool {
	first := firstDue(b)
	if o, ok := opened[sessionKey(b.GetPatternId(), b.GetDate())]; ok && (first.IsZero() || o.Before(first)) {
		first = o
	}
	return !first.IsZero() && !first.After(at)
}

// familyBookings reads the family's bookings at the centre from the day the hold was placed.
func (s *safeguardingCommand) familyBookings(ctx context.Context, family string, from *commonv1.Date) (*schedulingv1.ListFamilyBookingsResponse, error) {
	cc, err := dial(&s.conn, "scheduling")
	if err != nil {
		return nil, err
	}
	defer cc.Close()
	ctx, cancel := context.WithTimeout(ctx, holdBookingsWait)
	defer cancel()
	return schedulingv1.NewSchedulingServiceClient(cc).ListFamilyBookings(ctx, &schedulingv1.ListFamilyBookingsRequest{CentreId: s.centre,
		FamilyId: family, From: from})
}

// noFamilyHere reports whether err is scheduling's answer for a family it has no record of at the
// centre (its domain.ErrNoFamilyHere): NotFound, reason NOT_FOUND, in its words, which name the
// family at this centre. Scheduling learns of a family when referral waitlists, accepts or
// declines it, so a referral only received has none; another not found (the centre's, say) is
// not this and stays "could not be read" (review 66 finding 3, decision 355).
func noFamilyHere(err error) bool {
	st := status.Convert(err)
	return err != nil && st.Code() == codes.NotFound && reasonOf(err) == grpcx.ReasonNotFound &&
		strings.HasPrefix(st.Message(), "family with that id at this centre")
}

// noBookingHere is what hold and lift say of a family scheduling has no record of at the centre:
// it has no booking there, so the hold cancels none and a lift has none to book again, and the
// command that lists its bookings would answer not found, so none is given (review 66 finding 3:
// both printed it, and it failed as printed).
func noBookingHere(lifted, stillHeld bool) string {
	const none = ": the family has no booking at the centre (scheduling has none on record for it)"
	switch {
	case !lifted:
		return placedOnHold + "; the hold cancels no booking" + none
	case stillHeld:
		return "another hold on the family is still in force: the family is booked (familytime schedule book) only once every " +
			"hold is lifted; this hold cancelled no booking" + none
	}
	return "no hold on the family is in force now, and none of its holds cancelled a booking still to come" + none
}

// placedOnHold says what the hold does to the family's contact: the same words whether or not its
// bookings could be read.
const placedOnHold = "the hold cancels the family's bookings at the centre whose session has not ended, the one under way " +
	"called off (scheduling cancels them as it hears of the hold), and while a hold is in force nothing is booked and the " +
	"door refuses the family (ON_HOLD)"

// placedWords lists the bookings hold, placed at, is cancelling: those booked, or already
// cancelled for this hold, whose session ends after it (scheduling cancels by the same rule; the
// answer's time is the service's clock, not this machine's). One cancelled for another hold is
// that hold's (decision 345).
func placedWords(resp *schedulingv1.ListFamilyBookingsResponse, hold string, at time.Time, list string) string {
	var lines []string
	for _, fb := range resp.GetBookings() {
		b := fb.GetBooking()
		if !b.GetVisiting().GetLeavesAt().AsTime().After(at) {
			continue
		}
		if b.GetStatus() == schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED || cancelledForHold(b, hold) {
			lines = append(lines, holdBookingLine(fb))
		}
	}
	if len(lines) == 0 {
		return placedOnHold + "; the family has no booking still to come for this hold to cancel (one another hold cancelled is " +
			"that hold's): " + list
	}
	return fmt.Sprintf("%s; %s cancelled:\n%s\nthe family's bookings: %s", placedOnHold, countWords(len(lines), "booking"),
		strings.Join(lines, "\n"), list)
}

// placedUnread is what hold says when the family's bookings cannot be read.
func placedUnread(list string) string {
	return placedOnHold + "; the centre's coordinator lists them: " + list
}

// liftedStay says what lifting does not undo.
const liftedStay = "lifting the hold restores no booking it cancelled (their places may have gone to another family): " +
	"the family must be booked again (familytime schedule book)"

// liftedStayHeld is liftedStay when another hold on the family is still in force: booking it is
// refused ON_HOLD until that one is lifted too.
const liftedStayHeld = "lifting the hold restores no booking it cancelled (their places may have gone to another family), and " +
	"another hold on the family is still in force: the family is booked again (familytime schedule book) only once every hold " +
	"is lifted"

// liftedWords lists the bookings this hold cancelled whose session was still to come when it
// was lifted at: they stay cancelled, the sessions the family had that are gone. (Those before
// are past, and the family's bookings list them.) Another hold's are that hold's to list
// (decision 345); with another hold still in force, these would stay cancelled under it too.
// The last lift, with no hold in force after it, is the one that lets contact resume: it lists
// every booking still to come that a hold of the suspension it ends cancelled, an earlier hold's
// too, as the sessions to book again (review 65 finding 3, decision 353: it said "this hold
// cancelled no booking still to come" while an earlier hold's sessions were lost). suspension
// names those holds (decision 360); from a safeguarding that names none, every hold's.
func liftedWords(resp *schedulingv1.ListFamilyBookingsResponse, hold string, at time.Time, list string, stillHeld bool,
	suspension []string) string {
	if resp.GetEnding() != nil {
		return endedLiftWords(resp, stillHeld, list)
	}
	if !stillHeld {
		return lastLiftWords(resp, at, list, suspension, nil)
	}
	var lines []string
	for _, fb := range resp.GetBookings() {
		b := fb.GetBooking()
		if cancelledForHold(b, hold) && b.GetVisiting().GetLeavesAt().AsTime().After(at) {
			lines = append(lines, holdBookingLine(fb))
		}
	}
	if len(lines) == 0 {
		return liftedStayHeld + "; this hold cancelled no booking still to come: " + list
	}
	return fmt.Sprintf("%s; %s still to come this hold cancelled %s cancelled, as they would under the hold still in force "+
		"(tell both parents these sessions are off):\n%s\nthe family's bookings: %s", liftedStayHeld,
		countWords(len(lines), "booking"), stay(len(lines)), strings.Join(lines, "\n"), list)
}

// endedLiftWords is what a lift says once the family's case has ended or its referral was
// withdrawn (ListFamilyBookingsResponse.ending, as scheduling applied it): contact does not resume,
// whatever hold is in force or not, and nothing is booked again (scheduling refuses it
// CONTACT_ENDED), so no session is listed to book again and nobody is told to tell the parents of
// one (review 69 finding 2, decision 364: the last lift said "contact may resume" of a case ended
// for safety ten minutes before, and listed its sessions to book again).
func endedLiftWords(resp *schedulingv1.ListFamilyBookingsResponse, stillHeld bool, list string) string {
	e := resp.GetEnding()
	what := "the family's case ended on " + ymd(e.GetEndedOn()) + " (referral " + e.GetReferralId() + ")"
	if e.GetWithdrawn() {
		what = "the family's referral was withdrawn on " + ymd(e.GetEndedOn()) + " (referral " + e.GetReferralId() + ")"
	}
	held := "no hold on the family is in force now, but "
	if stillHeld {
		held = "another hold on the family is still in force, and "
	}
	return "lifting the hold restores no booking it cancelled; " + held + what + ": contact does not resume, and no session is " +
		"booked again (familytime schedule book is refused CONTACT_ENDED): the bookings the family's holds cancelled stay " +
		"cancelled, as the ending would have cancelled them (do not tell the parents contact resumes): the family's bookings: " + list
}

// lastLiftWords is what the lift that leaves no hold in force says: every booking whose session
// had not begun at at that a hold of the suspension it ends cancelled, this one's or another's in
// force with it, is a session to book again now that contact may resume. One whose session had
// begun but not ended (the one under way that the hold called off) cannot be booked again
// (scheduling refuses a session that has begun): it is counted as lost, not listed (review 69
// finding 3, decision 364); opened is when the day's sessions opened (sessionsOpened), nil for
// the bookings' own times. A booking cancelled for a hold lifted before that suspension began (a
// hold lifted, the family booked again, a new hold placed and lifted) is an earlier suspension's,
// whose last lift listed it: counted, not listed (decision 353's Left, decision 360). With
// suspension empty (a safeguarding that does not name it), every hold's, as before.
func lastLiftWords(resp *schedulingv1.ListFamilyBookingsResponse, at time.Time, list string, suspension []string,
	opened map[string]time.Time) string {
	var lines []string
	earlier, lost := 0, 0
	for _, fb := range resp.GetBookings() {
		b := fb.GetBooking()
		if !cancelledForHold(b, "") || !b.GetVisiting().GetLeavesAt().AsTime().After(at) {
			continue
		}
		if len(suspension) > 0 && b.GetCancelledForHoldId() != "" && !slices.Contains(suspension, b.GetCancelledForHoldId()) {
			earlier++
			continue
		}
		if begun(b, at, opened) {
			lost++
			continue
		}
		lines = append(lines, holdBookingLine(fb))
	}
	whose, none := "that the family's holds cancelled (this hold or one lifted before it)", "none of its holds cancelled"
	if len(suspension) > 0 {
		whose = "that the holds of this suspension of contact cancelled (this hold or one in force with it since the family last had " +
			"none)"
		none = "none of the holds of this suspension of contact cancelled"
	}
	var before string
	if earlier > 0 {
		it, listed := "it is", "listed it"
		if earlier > 1 {
			it, listed = "they are", "listed them"
		}
		before = fmt.Sprintf("%s still to come cancelled for a hold lifted before this suspension began %s not listed: %s an earlier "+
			"suspension's, whose last lift %s to book again (the family's bookings show whether %s booked again)",
			countWords(earlier, "booking"), isAre(earlier), it, listed, wasWere(earlier))
	}
	var underWay string
	if lost > 0 {
		underWay = fmt.Sprintf("%s whose session had begun by this lift (the one under way when the hold called it off) %s "+
			"not listed: a session that has begun is not booked again (scheduling refuses it), so %s lost (tell both parents)",
			countWords(lost, "booking"), isAre(lost), itThey(lost))
	}
	if len(lines) == 0 {
		out := liftedStay + "; no hold on the family is in force now, and " + none + " a booking still to come"
		for _, c := range []string{underWay, before} {
			if c != "" {
				out += " (" + c + ")"
			}
		}
		return out + ": " + list
	}
	var also string
	for _, c := range []string{underWay, before} {
		if c != "" {
			also += "\n" + c
		}
	}
	return fmt.Sprintf("%s; no hold on the family is in force now, so contact may resume: %s still to come %s %s cancelled, "+
		"and these are the sessions to book again (tell the centre's coordinator, who books them and tells both parents):\n%s%s\n"+
		"the family's bookings: %s", liftedStay, countWords(len(lines), "booking"), whose, stay(len(lines)), strings.Join(lines, "\n"),
		also, list)
}

func itThey(n int) string {
	if n == 1 {
		return "it is"
	}
	return "they are"
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

func wasWere(n int) string {
	if n == 1 {
		return "it was"
	}
	return "they were"
}

// liftedUnread is what lift says when the family's bookings cannot be read.
func liftedUnread(list string, stillHeld bool) string {
	if !stillHeld {
		return liftedStay + "; no hold on the family is in force now: the bookings still to come that the family's holds cancelled " +
			"stay cancelled and are the sessions to book again, and the centre's coordinator lists them: " + list
	}
	return liftedStayHeld + "; the bookings the hold cancelled stay cancelled, and the centre's coordinator lists them: " + list
}

func stay(n int) string {
	if n == 1 {
		return "stays"
	}
	return "stay"
}

// cancelledForHold reports whether scheduling cancelled b because hold suspended the family's
// contact: the booking names the hold (decision 345), or, from a scheduling that names none, any
// hold. hold "" is any hold of the family (the last lift's list, decision 353).
func cancelledForHold(b *schedulingv1.Booking, hold string) bool {
	return b.GetStatus() == schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED &&
		b.GetCancelledBy() == schedulingv1.CancelledBy_CANCELLED_BY_SYSTEM &&
		b.GetCancellationReason() == schedulingv1.CancellationReason_CANCELLATION_REASON_HOLD &&
		(hold == "" || b.GetCancelledForHoldId() == hold || b.GetCancelledForHoldId() == "")
}

// holdBookingLine is one booking as referral end lists those it cancelled.
func holdBookingLine(fb *schedulingv1.FamilyBooking) string {
	b := fb.GetBooking()
	return "  " + ymd(b.GetDate()) + "  visiting parent " + partyTimes(b.GetVisiting(), b.GetTimeZone()) + ", children " +
		partyTimes(b.GetChildren(), b.GetTimeZone()) + "  " + fb.GetRoomName() + "  booking " + b.GetBookingId()
}

// answeredAt is when the service carried the command out, by its clock; now, by this machine's,
// for an answer that does not say.
func answeredAt(a commandAnswer) time.Time {
	if at := a.GetAnsweredAt(); at != nil {
		return at.AsTime()
	}
	return time.Now()
}

// stillInForceJSON is what a lift's --json carries beside the hold lifted when another hold on
// the family is still in force (decision 345): "holds_still_in_force" and "hold_warning", as the
// answer has them; nothing when none is, the document the hold alone as before.
func stillInForceJSON(resp *safeguardingv1.LiftHoldResponse) ([]string, error) {
	return holdsJSON("holds_still_in_force", resp.GetHoldsStillInForce(), resp.GetHoldWarning())
}

// inForceJSON is what a hold's --json carries beside the hold placed when another hold on the
// family was in force already (decision 360): "holds_in_force" and "hold_warning"; nothing when
// none was.
func inForceJSON(resp *safeguardingv1.PlaceHoldResponse) ([]string, error) {
	return holdsJSON("holds_in_force", resp.GetHoldsInForce(), resp.GetHoldWarning())
}

// holdsJSON is holds under field and warning as "hold_warning", members of an answer's one
// document; nothing when holds is empty.
func holdsJSON(field string, hs []*safeguardingv1.Hold, warning string) ([]string, error) {
	if len(hs) == 0 {
		return nil, nil
	}
	holds := make([]json.RawMessage, 0, len(hs))
	for _, h := range hs {
		b, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(h)
		if err != nil {
			return nil, err
		}
		holds = append(holds, b)
	}
	list, err := json.Marshal(holds)
	if err != nil {
		return nil, err
	}
	w, err := json.Marshal(warning)
	if err != nil {
		return nil, err
	}
	return []string{`"` + field + `":` + string(list), `"hold_warning":` + string(w)}, nil
}
