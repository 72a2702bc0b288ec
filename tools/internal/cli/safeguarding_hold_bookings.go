package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
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
// command out (answered_at), by its clock, which may not be this machine's.
func (s *safeguardingCommand) holdBookingsNote(ctx context.Context, h *safeguardingv1.Hold, at time.Time, lifted bool) string {
	list := "familytime schedule bookings --centre " + s.centre + " --family " + h.GetFamilyId()
	resp, err := s.familyBookings(ctx, h.GetFamilyId(), h.GetPlacedOn())
	switch {
	case err != nil && lifted:
		return liftedUnread(list)
	case err != nil:
		return placedUnread(list)
	case lifted:
		return liftedWords(resp, at, list)
	}
	return placedWords(resp, at, list)
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

// placedOnHold says what the hold does to the family's contact: the same words whether or not its
// bookings could be read.
const placedOnHold = "the hold cancels the family's bookings at the centre whose session has not ended, the one under way " +
	"called off (scheduling cancels them as it hears of the hold), and while a hold is in force nothing is booked and the " +
	"door refuses the family (ON_HOLD)"

// placedWords lists the bookings the hold placed at is cancelling: those booked, or already
// cancelled for a hold, whose session ends after it (scheduling cancels by the same rule; the
// answer's time is the service's clock, not this machine's).
func placedWords(resp *schedulingv1.ListFamilyBookingsResponse, at time.Time, list string) string {
	var lines []string
	for _, fb := range resp.GetBookings() {
		b := fb.GetBooking()
		if !b.GetVisiting().GetLeavesAt().AsTime().After(at) {
			continue
		}
		if b.GetStatus() == schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED || cancelledForHold(b) {
			lines = append(lines, holdBookingLine(fb))
		}
	}
	if len(lines) == 0 {
		return placedOnHold + "; the family has no booking still to come: " + list
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

// liftedWords lists the bookings cancelled for a hold whose session was still to come when the
// hold was lifted at: they stay cancelled, the sessions the family had that are gone. (Those
// before are past, and the family's bookings list them.)
func liftedWords(resp *schedulingv1.ListFamilyBookingsResponse, at time.Time, list string) string {
	var lines []string
	for _, fb := range resp.GetBookings() {
		b := fb.GetBooking()
		if cancelledForHold(b) && b.GetVisiting().GetLeavesAt().AsTime().After(at) {
			lines = append(lines, holdBookingLine(fb))
		}
	}
	if len(lines) == 0 {
		return liftedStay + "; the family had no booking still to come that a hold cancelled: " + list
	}
	return fmt.Sprintf("%s; %s still to come cancelled for a hold %s cancelled (tell both parents these sessions are off):\n%s\n"+
		"the family's bookings: %s", liftedStay, countWords(len(lines), "booking"), stay(len(lines)), strings.Join(lines, "\n"), list)
}

// liftedUnread is what lift says when the family's bookings cannot be read.
func liftedUnread(list string) string {
	return liftedStay + "; the bookings the hold cancelled stay cancelled, and the centre's coordinator lists them: " + list
}

func stay(n int) string {
	if n == 1 {
		return "stays"
	}
	return "stay"
}

// cancelledForHold reports whether scheduling cancelled b because a hold suspended the family's
// contact.
func cancelledForHold(b *schedulingv1.Booking) bool {
	return b.GetStatus() == schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED &&
		b.GetCancelledBy() == schedulingv1.CancelledBy_CANCELLED_BY_SYSTEM &&
		b.GetCancellationReason() == schedulingv1.CancellationReason_CANCELLATION_REASON_HOLD
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
