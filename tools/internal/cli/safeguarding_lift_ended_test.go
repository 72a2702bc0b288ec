package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/timestamppb"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/tools/internal/devserver"
)

// Review 69 findings 2 and 3 (decision 364), on a dev platform whose clock is simulated (real
// PostgreSQL and JetStream). A hold placed five minutes into a session the family was booked for
// from 10:15 (--start, so its own times begin after the session opened), lifted at 10:10: the lift
// lists the next week's session to book again, and not that day's, whose session had begun
// (scheduling refuses to book it, "has begun or is in the past"), but counts it as lost. The
// listed one is booked as told. Then a hold, the case ended for safety, the hold lifted: the lift
// says the case has ended and contact does not resume, and lists nothing to book again (booking
// is refused CONTACT_ENDED).
func TestALiftListsNoSessionBegunAndNoneOnceTheCaseHasEnded(t *testing.T) {
	dir, _ := startDevPlatformWith(t, devserver.Config{Clock: devserver.ClockSimulated})
	first := devserver.StartOfToday(time.Now()).AddDate(0, 0, 7)
	r := newReadyFamily(t, dir, first, "13:00")
	data, centre, lead, id, family := r.data, r.centre, r.lead, r.referral, r.family
	cmd := r.cmd
	advance := func(to string) {
		_, err := run(t, append([]string{"clock", "advance", "--to", to}, data...)...)
		require.NoError(t, err)
	}
	days := []string{first.Format(time.DateOnly), first.AddDate(0, 0, 7).Format(time.DateOnly), first.AddDate(0, 0, 14).Format(time.DateOnly)}
	book := func(day string, more ...string) (string, error) {
		b, err := r.book(day, more...)
		return b.GetBookingId(), err
	}
	under, err := book(days[0], "--start", "10:30")
	require.NoError(t, err)
	next, err := book(days[1])
	require.NoError(t, err)
	bookings, _ := cmd("schedule", "bookings", "--family", family)
	t.Log("\n" + bookings)

	placeHold := func() string {
		var out, said string
		var err error
		require.Eventually(t, func() bool {
			out, said, err = runSaying(t, append([]string{"safeguarding", "hold", "--family", family, "--reason", "concern-under-investigation",
				"--review-by", first.AddDate(0, 0, 30).Format(time.DateOnly), "--json"}, lead...)...)
			return err == nil
		}, 30*time.Second, 50*time.Millisecond, "safeguarding learns of the family")
		t.Log("\n" + said)
		var h safeguardingv1.Hold
		require.NoError(t, protojson.Unmarshal([]byte(out), &h))
		return h.GetHoldId()
	}
	cancelled := func(n int) {
		require.Eventually(t, func() bool {
			out, err := cmd("schedule", "bookings", "--family", family)
			return err == nil && strings.Count(out, "safeguarding hold") == n
		}, 30*time.Second, 50*time.Millisecond, "scheduling cancels the bookings")
	}

	// Finding 3: the session under way since 10:00 is lost, the next week's is to book again.
	advance(days[0] + "T10:05")
	hold := placeHold()
	cancelled(2)
	advance(days[0] + "T10:10")
	_, said, err := runSaying(t, append([]string{"safeguarding", "lift", hold, "--note", "Checked: no concern"}, lead...)...)
	require.NoError(t, err)
	t.Log("\n" + said)
	require.Contains(t, said, "so contact may resume: 1 booking still to come that the holds of this suspension of contact cancelled "+
		"(this hold or one in force with it since the family last had none) stays cancelled, and these are the sessions to book again")
	require.Regexp(t, days[1]+`\s+visiting parent .*Garden room\s+booking `+next, said)
	require.NotContains(t, said, "booking "+under, "its session had begun: it cannot be booked again")
	require.Contains(t, said, "1 booking whose session had begun by this lift (the one under way when the hold called it off) is not "+
		"listed: a session that has begun is not booked again (scheduling refuses it), so it is lost (tell both parents)")
	_, err = book(days[0])
	require.ErrorContains(t, err, "has begun or is in the past", "as the lift said")
	_, err = book(days[1])
	require.NoError(t, err, "the session listed is booked again as told")

	// Finding 2: a hold, the case ended for safety, the hold lifted.
	advance(days[0] + "T10:20")
	hold = placeHold()
	cancelled(3)
	_, err = cmd("referral", "end", id, "--outcome", "ended-for-safety", "--note", "Concern at the door this morning")
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		out, err := cmd("schedule", "bookings", "--family", family)
		return err == nil && strings.Contains(out, "the case ended on "+days[0])
	}, 30*time.Second, 50*time.Millisecond, "scheduling applies the ending")
	advance(days[0] + "T10:30")
	_, said, err = runSaying(t, append([]string{"safeguarding", "lift", hold, "--note", "Looked into: nothing found"}, lead...)...)
	require.NoError(t, err)
	t.Log("\n" + said)
	require.Contains(t, said, "no hold on the family is in force now, but the family's case ended on "+days[0]+" (referral "+id+
		"): contact does not resume, and no session is booked again (familytime schedule book is refused CONTACT_ENDED)")
	require.Contains(t, said, "do not tell the parents contact resumes")
	require.Contains(t, said, "the family's bookings: familytime schedule bookings --centre "+centre+" --family "+family)
	require.NotContains(t, said, "contact may resume")
	require.NotContains(t, said, "book again")
	require.NotContains(t, said, "visiting parent", "no session listed")
	_, err = book(days[2])
	require.ErrorContains(t, err, "CONTACT_ENDED", "as the lift said")
}

// Decision 364's words, from the family's bookings as scheduling gives them: once the case has
// ended (or the referral was withdrawn), a lift, the last or not, lists nothing to book again;
// the last lift lists a booking whose session has not begun, and counts one begun (its first party
// due, or its opening session opened, at or before the lift) as lost.
func TestALiftsWordsFollowTheCasesEndAndTheSessionsStart(t *testing.T) {
	at := func(day, hour, minute int) time.Time { return time.Date(2026, 12, day, hour, minute, 0, 0, time.UTC) }
	booking := func(id string, day, from int) *schedulingv1.FamilyBooking {
		return &schedulingv1.FamilyBooking{RoomName: "Garden room", Booking: &schedulingv1.Booking{BookingId: id, PatternId: "P",
			Date: &commonv1.Date{Year: 2026, Month: 12, Day: int32(day)}, TimeZone: "Europe/London",
			Status: schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED, CancelledBy: schedulingv1.CancelledBy_CANCELLED_BY_SYSTEM,
			CancellationReason: schedulingv1.CancellationReason_CANCELLATION_REASON_HOLD, CancelledForHoldId: "H",
			Visiting: &schedulingv1.PartyTimes{DueTime: &schedulingv1.LocalTime{Hour: 10, Minute: int32(from)},
				LeaveTime: &schedulingv1.LocalTime{Hour: 12, Minute: 30}, DueAt: timestamppb.New(at(day, 10, from)),
				LeavesAt: timestamppb.New(at(day, 12, 30))},
			Children: &schedulingv1.PartyTimes{DueTime: &schedulingv1.LocalTime{Hour: 10, Minute: int32(from) + 15},
				LeaveTime: &schedulingv1.LocalTime{Hour: 12}, DueAt: timestamppb.New(at(day, 10, from+15)),
				LeavesAt: timestamppb.New(at(day, 12, 0))}}}
	}
	const list = "familytime schedule bookings --centre C --family F"
	resp := &schedulingv1.ListFamilyBookingsResponse{Bookings: []*schedulingv1.FamilyBooking{booking("B1", 19, 0), booking("B2", 26, 0)}}

	// Finding 3: lifted at 10:10 on the 19th, B1 (from 10:00) is under way.
	last := lastLiftWords(resp, at(19, 10, 10), list, []string{"H"}, nil)
	require.Contains(t, last, "so contact may resume: 1 booking still to come that the holds of this suspension of contact "+
		"cancelled (this hold or one in force with it since the family last had none) stays cancelled")
	require.Contains(t, last, "booking B2")
	require.NotContains(t, last, "booking B1")
	require.Contains(t, last, "\n1 booking whose session had begun by this lift (the one under way when the hold called it off) is "+
		"not listed: a session that has begun is not booked again (scheduling refuses it), so it is lost (tell both parents)\n")
	require.Equal(t, last, liftedWords(resp, "H", at(19, 10, 10), list, false, []string{"H"}))
	// Before it began, it is listed.
	require.Contains(t, lastLiftWords(resp, at(19, 9, 59), list, []string{"H"}, nil), "2 bookings still to come")
	// A booking from 10:30 whose session opened at 10:00 has begun too: its own times do not tell.
	later := &schedulingv1.ListFamilyBookingsResponse{Bookings: []*schedulingv1.FamilyBooking{booking("B3", 19, 30)}}
	require.Contains(t, lastLiftWords(later, at(19, 10, 10), list, []string{"H"}, nil), "booking B3", "the session's opening unread")
	opened := map[string]time.Time{sessionKey("P", later.GetBookings()[0].GetBooking().GetDate()): at(19, 10, 0)}
	gone := lastLiftWords(later, at(19, 10, 10), list, []string{"H"}, opened)
	require.Equal(t, liftedStay+"; no hold on the family is in force now, and none of the holds of this suspension of contact cancelled "+
		"a booking still to come (1 booking whose session had begun by this lift (the one under way when the hold called it off) is "+
		"not listed: a session that has begun is not booked again (scheduling refuses it), so it is lost (tell both parents)): "+list, gone)

	// Finding 2: the case ended (or the referral withdrawn): nothing to book again.
	ended := &schedulingv1.ListFamilyBookingsResponse{Bookings: resp.GetBookings(), Ending: &schedulingv1.ContactEnding{ReferralId: "R",
		EndedOn: &commonv1.Date{Year: 2026, Month: 12, Day: 5}}}
	words := liftedWords(ended, "H", at(5, 10, 20), list, false, []string{"H"})
	require.Equal(t, "lifting the hold restores no booking it cancelled; no hold on the family is in force now, but the family's "+
		"case ended on 2026-12-05 (referral R): contact does not resume, and no session is booked again (familytime schedule book is "+
		"refused CONTACT_ENDED): the bookings the family's holds cancelled stay cancelled, as the ending would have cancelled them "+
		"(do not tell the parents contact resumes): the family's bookings: "+list, words)
	held := liftedWords(ended, "H", at(5, 10, 20), list, true, nil)
	require.Contains(t, held, "; another hold on the family is still in force, and the family's case ended on 2026-12-05")
	require.NotContains(t, held, "only once every hold is lifted")
	ended.Ending.Withdrawn = true
	require.Contains(t, liftedWords(ended, "H", at(5, 10, 20), list, false, nil), "but the family's referral was withdrawn on "+
		"2026-12-05 (referral R): contact does not resume")
	for _, w := range []string{words, held} {
		require.NotContains(t, w, "book again")
		require.NotContains(t, w, "booking B")
	}
}
