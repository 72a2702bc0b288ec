package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/cobra"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// bookings lists one family's bookings at the centre (review 53: nothing did, though referral
// end's help said to check them, and the coordinator who ended a case read day sheets date by date
// to tell both parents which sessions were off).
func (s *schedule) bookings() *cobra.Command {
	var (
		out          output
		family, from string
	)
	cmd := &cobra.Command{
		Use:   "bookings --family FAMILY_ID",
		Short: "A family's bookings at the centre: date, times, room, and whether booked, attended, a no-show or cancelled",
		Long: `bookings lists a family's bookings at the centre in the order of their sessions, every one or from
--from DATE: the date, each party's door times (due, then seen: "10:15 / 10:22"), the room, and
where it stands: booked, attended (completed), a no-show, or cancelled, by whom and why
("cancelled by resident-parent (requested)", "cancelled by system (case ended)", "rescheduled by
centre", "called off by the centre: weather"). Once the family's case has ended, it says when, and
marks the bookings the ending cancelled (ENDING yes): the sessions to tell both parents are off. A
case ended moments ago may not be applied yet (scheduling hears of it from referral): then no
ending is shown; list again. --json prints the whole response.

Read by the centre's coordinator and safeguarding lead (on its staff register that day); the
door's volunteers read a day's bookings on the day sheet (familytime schedule daysheet).`,
		Example: `  familytime schedule bookings --centre $CENTRE --family $FAMILY
  familytime schedule bookings --centre $CENTRE --family $FAMILY --from 2026-12-17 --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, err := uuid.Parse(family); err != nil {
				return fmt.Errorf("--family %q is not a UUID: give the family's whole id, as familytime referral show prints it", family)
			}
			start, err := optionalDate("from", from)
			if err != nil {
				return err
			}
			c, done, err := s.client(cmd)
			if err != nil {
				return err
			}
			defer done()
			resp, err := c.ListFamilyBookings(cmd.Context(), &schedulingv1.ListFamilyBookingsRequest{CentreId: s.centre,
				FamilyId: family, From: start})
			if err != nil {
				return s.describe(err)
			}
			if out.json {
				return out.one(cmd.OutOrStdout(), resp, nil)
			}
			return printFamilyBookings(cmd.OutOrStdout(), &out, resp, from)
		},
	}
	f := cmd.Flags()
	f.StringVar(&family, "family", "", "the family (UUID), as familytime referral show prints it")
	f.StringVar(&from, "from", "", "list the sessions from this date on (YYYY-MM-DD); default every one")
	_ = cmd.MarkFlagRequired("family")
	out.register(f)
	return cmd
}

// printFamilyBookings prints a family's bookings as a table, then the ending of its case, if
// applied. --json is printed by the command, as the whole response.
func printFamilyBookings(w io.Writer, out *output, resp *schedulingv1.ListFamilyBookingsResponse, from string) error {
	if len(resp.GetBookings()) == 0 {
		none := "no bookings for the family at the centre"
		if from != "" {
			none += " from " + from
		}
		if _, err := fmt.Fprintln(w, none); err != nil {
			return err
		}
	} else {
		rows := make([][]string, 0, len(resp.GetBookings()))
		for _, fb := range resp.GetBookings() {
			b := fb.GetBooking()
			rows = append(rows, []string{ymd(b.GetDate()), partyTimes(b.GetVisiting(), b.GetTimeZone()),
				partyTimes(b.GetChildren(), b.GetTimeZone()), fb.GetRoomName(), friendly("SERVICE_TYPE_", b.GetServiceType().String()),
				bookingState(b), yesOrDash(fb.GetCancelledByEnding()), b.GetBookingId()})
		}
		if err := out.table(w, nil, []string{"DATE", "VISITING PARENT", "CHILDREN", "ROOM", "SERVICE", "STATE", "ENDING", "BOOKING"},
			rows); err != nil {
			return err
		}
	}
	if e := resp.GetEnding(); e != nil {
		_, err := fmt.Fprintln(w, endingWords(resp))
		return err
	}
	return nil
}

// endingWords says when the family's case ended and how many bookings its ending cancelled.
func endingWords(resp *schedulingv1.ListFamilyBookingsResponse) string {
	e := resp.GetEnding()
	what := "the case ended on " + ymd(e.GetEndedOn())
	if e.GetWithdrawn() {
		what = "the referral was withdrawn on " + ymd(e.GetEndedOn())
	}
	n := 0
	for _, fb := range resp.GetBookings() {
		if fb.GetCancelledByEnding() {
			n++
		}
	}
	if n == 0 {
		// Review 54: "cancelled 0 bookings listed here (ENDING yes)" beside no bookings at all.
		return fmt.Sprintf("%s (referral %s): its ending cancelled no booking", what, e.GetReferralId())
	}
	return fmt.Sprintf("%s (referral %s): its ending cancelled %s listed here (ENDING yes)", what, e.GetReferralId(), countWords(n, "booking"))
}

// bookingState is where a booking stands in words: booked, attended, a no-show, or cancelled by
// whom and why (statusWords, with the reason of every cancellation, and a parent's or the
// referrer's late notice).
func bookingState(b *schedulingv1.Booking) string {
	switch b.GetStatus() {
	case schedulingv1.BookingStatus_BOOKING_STATUS_COMPLETED:
		return "attended"
	case schedulingv1.BookingStatus_BOOKING_STATUS_NO_SHOW:
		return "no-show"
	case schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED:
		return cancelledState(b)
	}
	return statusWords(b)
}

// cancelledState is a cancelled booking's state: by whom, and why.
func cancelledState(b *schedulingv1.Booking) string {
	state := statusWords(b)
	by := b.GetCancelledBy()
	byParty := by != schedulingv1.CancelledBy_CANCELLED_BY_SYSTEM && by != schedulingv1.CancelledBy_CANCELLED_BY_CENTRE &&
		by != schedulingv1.CancelledBy_CANCELLED_BY_UNSPECIFIED
	if b.GetCancellationReason() == schedulingv1.CancellationReason_CANCELLATION_REASON_RESCHEDULED {
		// A move a parent or the referrer asked for gives notice as a cancellation does, and is
		// late under 48 hours (review 60: "rescheduled by visiting-parent" read the same at 22 hours
		// as at 7 days; decision 336).
		if byParty {
			return state + noticeGiven(b)
		}
		return state // the reason is in it already
	}
	if strings.Contains(state, "(") || calledOffByTheCentre(b) {
		return state // the reason is in it already
	}
	why := reasonWords(b.GetCancellationReason())
	if byParty {
		why += noticeGiven(b)
	}
	return state + " (" + why + ")"
}

// partyTimes is a party's door times: due (and seen) arriving, to due (and seen) leaving.
func partyTimes(p *schedulingv1.PartyTimes, zone string) string {
	return door(p.GetDueTime(), p.GetArrivedAt(), zone) + " to " + door(p.GetLeaveTime(), p.GetDepartedAt(), zone)
}

func yesOrDash(b bool) string {
	if b {
		return "yes"
	}
	return "-"
}

func countWords(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// endingWait is how long referral end waits for scheduling to apply the ending (it hears of it
// from referral's event, after the command): a real condition, the ending of this referral on the
// family's record there, polled until it holds or the wait is over.
var endingWait = 10 * time.Second

// endedBookingsNote is what referral end and referral withdraw say, on standard error, of the
// family's bookings once the case r has ended or the referral was withdrawn: the bookings its
// ending cancelled, read from scheduling once it has applied the ending; or, while it has not
// (within endingWait), or when they cannot be read, that the bookings still to come are
// cancelled, and the command that lists them (review 53: the answer said nothing of the bookings
// it cancelled; decision 315: nor did withdraw's).
func endedBookingsNote(ctx context.Context, conn *connection, r *referralv1.Referral) string {
	list := "familytime schedule bookings --centre " + r.GetCentreId() + " --family " + r.GetFamilyId()
	pending, ending := "bookings from "+ymd(r.GetEndedOn())+" on are cancelled: "+list, "ending"
	if r.GetEndedOn() == nil { // withdrawn: the referral carries no day of it
		pending, ending = "the family's bookings still to come are cancelled: "+list, "withdrawal"
	}
	cc, err := dial(conn, "scheduling")
	if err != nil {
		return pending
	}
	defer cc.Close()
	c := schedulingv1.NewSchedulingServiceClient(cc)
	ctx, cancel := context.WithTimeout(ctx, endingWait)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		resp, err := c.ListFamilyBookings(ctx, &schedulingv1.ListFamilyBookingsRequest{CentreId: r.GetCentreId(), FamilyId: r.GetFamilyId()})
		switch {
		case err == nil && endingApplied(resp.GetEnding(), r):
			return cancelledWords(resp, list)
		case err != nil && ctx.Err() == nil && status.Code(err) != codes.DeadlineExceeded:
			// (gRPC may answer DeadlineExceeded a moment before the context says it is done: that
			// is the wait ending, below, not a refusal.)
			// Refused (a role that does not read a family's bookings), or scheduling does not
			// answer: the bookings are cancelled all the same, when it hears of the ending.
			return pending
		}
		select {
		case <-ctx.Done():
			return "scheduling has not yet applied the " + ending + " (it cancels the family's bookings once it hears of it); " + pending
		case <-tick.C:
		}
	}
}

// endingApplied reports whether ending, as scheduling applied it, is the ending of referral r
// (its referral, on the day r ended): not an earlier ending of the family since reopened.
func endingApplied(ending *schedulingv1.ContactEnding, r *referralv1.Referral) bool {
	if ending == nil || ending.GetReferralId() != r.GetReferralId() {
		return false
	}
	return r.GetEndedOn() == nil || proto.Equal(ending.GetEndedOn(), r.GetEndedOn())
}

// cancelledWords lists the bookings the ending cancelled (the sessions to tell both parents are
// off), and those it left booked for their outcome to be recorded, each with its way on: a session
// someone of the family came to (a party's arrival recorded) is completed, or the party that did
// not come recorded as a no-show; one with no arrival recorded had both parties checked in before
// the case ended (the list does not say who was), or was over before it ended, since the ending
// cancels one whose time had begun that both parties had not come to (decisions 346, 351): its
// no-show if a party did not come, or the centre's call-off. Review 63: every one was told "complete, or noshow", and never
// the call-off, of a session nobody came to.
func cancelledWords(resp *schedulingv1.ListFamilyBookingsResponse, list string) string {
	var cancelled, left []string
	for _, fb := range resp.GetBookings() {
		b := fb.GetBooking()
		line := "  " + ymd(b.GetDate()) + "  visiting parent " + partyTimes(b.GetVisiting(), b.GetTimeZone()) + ", children " +
			partyTimes(b.GetChildren(), b.GetTimeZone()) + "  " + fb.GetRoomName() + "  booking " + b.GetBookingId()
		switch {
		case fb.GetCancelledByEnding():
			cancelled = append(cancelled, line)
		case b.GetStatus() == schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED && (b.GetVisiting().GetArrivedAt() != nil ||
			b.GetChildren().GetArrivedAt() != nil):
			left = append(left, line+"\n    someone of the family came: once it is over, familytime schedule complete "+b.GetBookingId()+
				" (or familytime schedule noshow "+b.GetBookingId()+" --party PARTY for a party that did not come)")
		case b.GetStatus() == schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED:
			left = append(left, line+"\n    no arrival recorded: if both parties were checked in before the case ended, it goes "+
				"on (record the arrivals, then complete it); if not, its time was over before the case ended (nobody more is checked "+
				"in for it now: CASE_ENDED): familytime schedule noshow "+b.GetBookingId()+" --party PARTY, or, if the centre called it "+
				"off, familytime schedule cancel "+b.GetBookingId()+" --by centre --reason REASON")
		}
	}
	ending := "ending"
	if resp.GetEnding().GetWithdrawn() {
		ending = "withdrawal"
	}
	var s strings.Builder
	if len(cancelled) == 0 {
		s.WriteString("the " + ending + " cancelled no booking: the family had none still to come")
	} else {
		fmt.Fprintf(&s, "the %s cancelled %s (tell both parents these sessions are off):\n%s", ending, countWords(len(cancelled), "booking"),
			strings.Join(cancelled, "\n"))
	}
	if len(left) > 0 {
		fmt.Fprintf(&s, "\nstill booked, for what happened to be recorded:\n%s", strings.Join(left, "\n"))
	}
	s.WriteString("\nthe family's bookings: " + list)
	return s.String()
}
