package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/timestamppb"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// Review 53: at the door, a parent named on the referral but not to come was refused NOT_NAMED,
// which was false. NOT_PERMITTED says what it is, and what the door does.
func TestNamedButNotPermittedIsSaidSo(t *testing.T) {
	booking, person := uuid.NewString(), uuid.NewString()
	require.Equal(t, "REFUSED (NOT_PERMITTED): named on the referral, but not to attend this contact (nor to bring or collect "+
		"the children); do not admit; tell the coordinator",
		checkInVerdict(&schedulingv1.CheckInResponse{Refusal: "NOT_PERMITTED"}, booking, person))
	out, err := run(t, "schedule", "checkin", "--help")
	require.NoError(t, err)
	require.Contains(t, strings.Join(strings.Fields(out), " "), "is refused NOT_PERMITTED, recorded: do not admit them")
}

// A family's bookings in words: each one's state, with who cancelled and why; the ending's, and
// how many it cancelled. Bad input is refused before any call.
func TestAFamilysBookingsInWords(t *testing.T) {
	cancelled := func(by schedulingv1.CancelledBy, why schedulingv1.CancellationReason, late bool) *schedulingv1.Booking {
		return &schedulingv1.Booking{Status: schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED, CancelledBy: by,
			CancellationReason: why, CancelledLate: late}
	}
	withNotice := func(b *schedulingv1.Booking, minutes int64, to schedulingv1.Party) *schedulingv1.Booking {
		b.NoticeMinutes, b.NoticeTo = minutes, to
		return b
	}
	for want, b := range map[string]*schedulingv1.Booking{
		"booked":   {Status: schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED},
		"attended": {Status: schedulingv1.BookingStatus_BOOKING_STATUS_COMPLETED},
		"no-show":  {Status: schedulingv1.BookingStatus_BOOKING_STATUS_NO_SHOW},
		// How much notice, not only whether it was late (review 58, decision 332).
		"cancelled by resident-parent (requested (notice: 14 hours 15 minutes before the children were due; late: under 48 hours))": withNotice(
			cancelled(schedulingv1.CancelledBy_CANCELLED_BY_RESIDENT_PARENT, schedulingv1.CancellationReason_CANCELLATION_REASON_REQUESTED, true),
			855, schedulingv1.Party_PARTY_CHILDREN),
		"cancelled by visiting-parent (requested (notice: 20 minutes before the visiting parent was due; late: under 48 hours))": withNotice(
			cancelled(schedulingv1.CancelledBy_CANCELLED_BY_VISITING_PARENT, schedulingv1.CancellationReason_CANCELLATION_REASON_REQUESTED, true),
			20, schedulingv1.Party_PARTY_VISITING),
		"cancelled by referrer (requested (notice: 3 days before the children were due))": withNotice(
			cancelled(schedulingv1.CancelledBy_CANCELLED_BY_REFERRER, schedulingv1.CancellationReason_CANCELLATION_REASON_REQUESTED, false),
			3*24*60, schedulingv1.Party_PARTY_CHILDREN),
		"cancelled by system (case ended)": cancelled(schedulingv1.CancelledBy_CANCELLED_BY_SYSTEM,
			schedulingv1.CancellationReason_CANCELLATION_REASON_CASE_ENDED, false),
		"rescheduled by centre": cancelled(schedulingv1.CancelledBy_CANCELLED_BY_CENTRE,
			schedulingv1.CancellationReason_CANCELLATION_REASON_RESCHEDULED, false),
		// A move a parent asked for says its notice too (review 60, decision 336).
		"rescheduled by visiting-parent (notice: 22 hours before the visiting parent was due; late: under 48 hours)": withNotice(
			cancelled(schedulingv1.CancelledBy_CANCELLED_BY_VISITING_PARENT, schedulingv1.CancellationReason_CANCELLATION_REASON_RESCHEDULED, true),
			22*60, schedulingv1.Party_PARTY_VISITING),
	} {
		require.Equal(t, want, bookingState(b))
	}

	zone := "Europe/London"
	times := func(h int) *schedulingv1.PartyTimes {
		return &schedulingv1.PartyTimes{DueTime: &schedulingv1.LocalTime{Hour: int32(h)}, LeaveTime: &schedulingv1.LocalTime{Hour: int32(h + 1)}}
	}
	resp := &schedulingv1.ListFamilyBookingsResponse{
		Bookings: []*schedulingv1.FamilyBooking{
			{RoomName: "Garden room", Booking: &schedulingv1.Booking{BookingId: "B1", Date: &commonv1.Date{Year: 2026, Month: 12, Day: 9},
				TimeZone: zone, Visiting: times(10), Children: times(11), Status: schedulingv1.BookingStatus_BOOKING_STATUS_COMPLETED}},
			{RoomName: "Garden room", CancelledByEnding: true, Booking: &schedulingv1.Booking{BookingId: "B2",
				Date: &commonv1.Date{Year: 2026, Month: 12, Day: 23}, TimeZone: zone, Visiting: times(10), Children: times(11),
				Status: schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED, CancelledBy: schedulingv1.CancelledBy_CANCELLED_BY_SYSTEM,
				CancellationReason: schedulingv1.CancellationReason_CANCELLATION_REASON_CASE_ENDED}},
		},
		Ending: &schedulingv1.ContactEnding{ReferralId: "R", EndedOn: &commonv1.Date{Year: 2026, Month: 12, Day: 17}},
	}
	var buf bytes.Buffer
	require.NoError(t, printFamilyBookings(&buf, &output{}, resp, ""))
	t.Log("\n" + buf.String())
	require.Regexp(t, `2026-12-09\s+10:00 to 11:00\s+11:00 to 12:00\s+Garden room\s+unspecified\s+attended\s+-\s+B1`, buf.String())
	require.Regexp(t, `2026-12-23\s+.*cancelled by system \(case ended\)\s+yes\s+B2`, buf.String())
	require.Contains(t, buf.String(), "the case ended on 2026-12-17 (referral R): its ending cancelled 1 booking listed here (ENDING yes)")

	said := cancelledWords(resp, "familytime schedule bookings --centre C --family F")
	require.Equal(t, "the ending cancelled 1 booking (tell both parents these sessions are off):\n"+
		"  2026-12-23  visiting parent 10:00 to 11:00, children 11:00 to 12:00  Garden room  booking B2\n"+
		"the family's bookings: familytime schedule bookings --centre C --family F", said)
	resp.Bookings = resp.Bookings[:1]
	require.True(t, strings.HasPrefix(cancelledWords(resp, "L"), "the ending cancelled no booking: the family had none still to come"))

	// Only this referral's ending, on its day, is the one applied.
	r := &referralv1.Referral{ReferralId: "R", EndedOn: &commonv1.Date{Year: 2026, Month: 12, Day: 17}}
	require.True(t, endingApplied(resp.GetEnding(), r))
	require.False(t, endingApplied(nil, r))
	require.False(t, endingApplied(&schedulingv1.ContactEnding{ReferralId: "R", EndedOn: &commonv1.Date{Year: 2026, Month: 11, Day: 2}}, r),
		"an earlier ending, since reopened")
	require.False(t, endingApplied(&schedulingv1.ContactEnding{ReferralId: "other"}, r))

	centre := uuid.NewString()
	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"--family", "42"}, `--family "42" is not a UUID`},
		{[]string{"--family", uuid.NewString(), "--from", "2026-02-30"}, `--from "2026-02-30" is not a date`},
		{nil, `required flag(s) "family" not set`},
	} {
		_, err := run(t, append([]string{"schedule", "bookings", "--centre", centre, "--data", t.TempDir()}, bad.args...)...)
		require.ErrorContains(t, err, bad.want)
	}
	out, err := run(t, "referral", "end", "--help")
	require.NoError(t, err)
	help := strings.Join(strings.Fields(out), " ")
	require.Contains(t, help, "familytime schedule bookings --centre CENTRE --family FAMILY")
	require.Contains(t, help, "lists, on standard error, the bookings the ending cancelled")
}

// Review 53, against a running dev platform: a coordinator lists a family's bookings (the door's
// volunteer is refused, and told who reads them); ending the case lists, on standard error, the
// bookings it cancelled once scheduling has applied it; the family's bookings then mark them.
// Withdrawing another family's referral lists the bookings it cancelled alike (decision 315).
func TestEndingACaseListsTheBookingsItCancelled(t *testing.T) {
	first := time.Now().AddDate(0, 0, 7)
	dir := startDevPlatform(t)
	r := newReadyFamily(t, dir, first, "12:00")
	centre, as, cmd, tokenFor := r.centre, r.as, r.cmd, func(role string) []string { return r.tokenFor(role) }
	days := []string{first.Format(time.DateOnly), first.AddDate(0, 0, 7).Format(time.DateOnly)}
	// bookedFamily books a family ready for contact on both days.
	bookedFamily := func(ref *referralv1.Referral) (id, family string, booked []string) {
		id, family = ref.GetReferralId(), ref.GetFamilyId()
		for _, day := range days {
			b, err := r.bookFamily(family, day)
			require.NoError(t, err)
			booked = append(booked, b.GetBookingId())
		}
		return id, family, booked
	}
	var out string
	var err error
	id, family, booked := bookedFamily(r.ref)

	out, err = cmd("schedule", "bookings", "--family", family)
	require.NoError(t, err)
	t.Log("\n" + out)
	for i, day := range days {
		require.Regexp(t, day+`\s+.*Garden room\s+supported\s+booked\s+-\s+`+booked[i], out)
	}
	require.NotContains(t, out, "ended")
	out, err = cmd("schedule", "bookings", "--family", family, "--from", days[1], "--json")
	require.NoError(t, err)
	var listed schedulingv1.ListFamilyBookingsResponse
	require.NoError(t, protojson.Unmarshal([]byte(out), &listed))
	require.Len(t, listed.GetBookings(), 1)
	require.Equal(t, booked[1], listed.GetBookings()[0].GetBooking().GetBookingId())

	_, err = run(t, append([]string{"schedule", "bookings", "--family", family}, tokenFor("volunteer")...)...)
	require.ErrorContains(t, err, "not allowed")
	require.ErrorContains(t, err, "familytime schedule bookings is done by")
	_, err = cmd("schedule", "bookings", "--family", uuid.NewString())
	require.ErrorContains(t, err, "not found")

	// Before the ending, nothing of it is on the family's record in scheduling: the wait for it
	// ends, and says it was not applied, with the command that lists the bookings.
	conn := &connection{dataDir: dir, token: as[3]}
	notYet := &referralv1.Referral{ReferralId: id, CentreId: centre, FamilyId: family, EndedOn: &commonv1.Date{Year: 2026, Month: 1, Day: 2}}
	wait := endingWait
	endingWait = 300 * time.Millisecond
	require.Equal(t, "scheduling has not yet applied the ending (it cancels the family's bookings once it hears of it); bookings from "+
		"2026-01-02 on are cancelled: familytime schedule bookings --centre "+centre+" --family "+family,
		endedBookingsNote(t.Context(), conn, notYet))
	endingWait = wait

	out, said, err := runSaying(t, append([]string{"referral", "end", id, "--outcome", "withdrawn", "--note", "The family withdrew"}, as...)...)
	require.NoError(t, err)
	t.Log("\n" + said)
	require.Contains(t, out, id, "the referral is printed as before")
	require.Contains(t, said, "the ending cancelled 2 bookings (tell both parents these sessions are off)")
	for i, day := range days {
		require.Regexp(t, day+`\s+visiting parent .*Garden room\s+booking `+booked[i], said)
	}
	require.Contains(t, said, "the family's bookings: familytime schedule bookings --centre "+centre+" --family "+family)

	out, err = cmd("schedule", "bookings", "--family", family)
	require.NoError(t, err)
	t.Log("\n" + out)
	for i, day := range days {
		require.Regexp(t, day+`\s+.*cancelled by system \(case ended\)\s+yes\s+`+booked[i], out)
	}
	require.Contains(t, out, "(referral "+id+"): its ending cancelled 2 bookings listed here")

	// Decision 315: withdrawing a referral whose family was booked lists what it cancelled too.
	id, family, booked = bookedFamily(r.referReady())
	_, said, err = runSaying(t, append([]string{"referral", "withdraw", id, "--by", "resident-parent", "--note", "The family reconciled"}, as...)...)
	require.NoError(t, err)
	t.Log("\n" + said)
	require.Contains(t, said, "the withdrawal cancelled 2 bookings (tell both parents these sessions are off)")
	for i, day := range days {
		require.Regexp(t, day+`\s+visiting parent .*Garden room\s+booking `+booked[i], said)
	}
	require.Contains(t, said, "the family's bookings: familytime schedule bookings --centre "+centre+" --family "+family)

	// A referral withdrawn before the family had an arrangement has no bookings to speak of.
	out, err = cmd("referral", "submit", "--file", exampleFile, "--request-id", uuid.NewString(), "--json")
	require.NoError(t, err)
	var early referralv1.Referral
	require.NoError(t, protojson.Unmarshal([]byte(out), &early))
	_, said, err = runSaying(t, append([]string{"referral", "withdraw", early.GetReferralId(), "--by", "referrer", "--note", "Sent in error"}, as...)...)
	require.NoError(t, err)
	require.NotContains(t, said, "booking")
}

// Review 54: an ending that cancelled nothing says so, not "0 bookings listed here (ENDING yes)".
func TestAnEndingThatCancelledNothingSaysSo(t *testing.T) {
	resp := &schedulingv1.ListFamilyBookingsResponse{Ending: &schedulingv1.ContactEnding{ReferralId: "r-1", Withdrawn: true,
		EndedOn: &commonv1.Date{Year: 2026, Month: 12, Day: 19}}}
	require.Equal(t, "the referral was withdrawn on 2026-12-19 (referral r-1): its ending cancelled no booking", endingWords(resp))
}

// Decision 315: a withdrawal's cancelled bookings are the withdrawal's, in its own word.
func TestAWithdrawalsCancelledBookingsAreCalledSo(t *testing.T) {
	resp := &schedulingv1.ListFamilyBookingsResponse{Ending: &schedulingv1.ContactEnding{ReferralId: "r-1", Withdrawn: true,
		EndedOn: &commonv1.Date{Year: 2026, Month: 12, Day: 19}}}
	require.Equal(t, "the withdrawal cancelled no booking: the family had none still to come\nthe family's bookings: L", cancelledWords(resp, "L"))
	out, err := run(t, "referral", "withdraw", "--help")
	require.NoError(t, err)
	require.Contains(t, strings.Join(strings.Fields(out), " "), "lists, on standard error, the bookings it cancelled")
}

// Review 63 (finding 1): the end told the coordinator to complete, or record a no-show of, a
// session "under way or past" that nobody had come to, and never to call it off. The ending now
// cancels one whose time has begun that nobody came to; what it leaves booked is listed with its
// own way on, and the door's CASE_ENDED refusal says what to do (decision 346).
func TestWhatAnEndingLeftBookedSaysItsWayOn(t *testing.T) {
	zone := "Europe/London"
	times := func(h int, arrived bool) *schedulingv1.PartyTimes {
		p := &schedulingv1.PartyTimes{DueTime: &schedulingv1.LocalTime{Hour: int32(h)}, LeaveTime: &schedulingv1.LocalTime{Hour: int32(h + 1)}}
		if arrived {
			p.ArrivedAt = timestamppb.Now()
		}
		return p
	}
	booked := func(id string, arrived bool) *schedulingv1.FamilyBooking {
		return &schedulingv1.FamilyBooking{RoomName: "Garden room", Booking: &schedulingv1.Booking{BookingId: id,
			Date: &commonv1.Date{Year: 2026, Month: 12, Day: 19}, TimeZone: zone, Visiting: times(10, arrived), Children: times(11, false),
			Status: schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED}}
	}
	resp := &schedulingv1.ListFamilyBookingsResponse{Bookings: []*schedulingv1.FamilyBooking{booked("B1", true), booked("B2", false)},
		Ending: &schedulingv1.ContactEnding{ReferralId: "R", EndedOn: &commonv1.Date{Year: 2026, Month: 12, Day: 19}}}
	said := cancelledWords(resp, "L")
	require.NotContains(t, said, "under way or past")
	require.Contains(t, said, "booking B1\n    someone of the family came: once it is over, familytime schedule complete B1")
	require.Contains(t, said, "booking B2\n    no arrival recorded: if both parties were checked in before the case ended")
	require.Contains(t, said, "familytime schedule noshow B2 --party PARTY, or, if the centre called it off, familytime schedule cancel B2 --by centre")

	line := checkInVerdict(&schedulingv1.CheckInResponse{Refusal: "CASE_ENDED", Booking: resp.GetBookings()[1].GetBooking()}, "B2", "P")
	require.Contains(t, line, "REFUSED (CASE_ENDED): do not admit; the family's case has ended")
	// Review 65 finding 4: the command is one that works as printed, its reason and note given.
	require.Contains(t, line, `familytime schedule cancel B2 --by centre --reason other --note "the case ended"`)
	off := &schedulingv1.Booking{Status: schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED, CancelledBy: schedulingv1.CancelledBy_CANCELLED_BY_SYSTEM,
		CancellationReason: schedulingv1.CancellationReason_CANCELLATION_REASON_CASE_ENDED}
	require.Contains(t, checkInVerdict(&schedulingv1.CheckInResponse{Refusal: "CASE_ENDED", Booking: off}, "B2", "P"),
		"its ending cancelled this session (cancelled by system (case ended)): this is not a no-show")

	for _, args := range [][]string{{"referral", "end", "--help"}, {"schedule", "checkin", "--help"}} {
		out, err := run(t, args...)
		require.NoError(t, err)
		require.Contains(t, strings.Join(strings.Fields(out), " "), "CASE_ENDED", args)
	}
}
