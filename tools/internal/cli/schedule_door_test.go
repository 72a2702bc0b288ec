package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// Review 36: correct --person without --at moved the recorded time to now, and its help said
// "(default now)". Without --at the time recorded stays, and the help says so.
func TestACorrectionsHelpSaysTheTimeRecordedStays(t *testing.T) {
	out, err := run(t, "schedule", "correct", "--help")
	require.NoError(t, err)
	flat := strings.Join(strings.Fields(out), " ")
	require.Contains(t, flat, "Without --at, the time recorded stays")
	require.Contains(t, flat, "(default: the time recorded stays)")
	require.NotContains(t, flat, "(default now)")
}

// Review 36: the visiting parent came 5 minutes after the children were taken home, and arrive
// answered "minutes lost: 40". The arrival's cautions come first, a line each, and the minutes
// lost say that no contact is possible; an arrival in time says its minutes as before.
func TestAnArrivalSaysWhenNoContactIsPossible(t *testing.T) {
	b := &schedulingv1.Booking{BookingId: "B", Status: schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED}
	var buf bytes.Buffer
	require.NoError(t, printArrival(&buf, &output{}, &schedulingv1.RecordArrivalResponse{Booking: b, MinutesLost: 60, NoContactPossible: true,
		Cautions: []*schedulingv1.CheckInCaution{{Code: "PARENTS_MAY_MEET", Text: "left at 10:50"}, {Code: "NO_CONTACT_POSSIBLE", Text: "record the no-show"}}}))
	lines := strings.Split(buf.String(), "\n")
	require.Equal(t, "CAUTION PARENTS_MAY_MEET: left at 10:50", lines[0])
	require.Equal(t, "CAUTION NO_CONTACT_POSSIBLE: record the no-show", lines[1])
	require.Regexp(t, `minutes lost:\s+all 60: no contact possible`, buf.String())

	buf.Reset()
	require.NoError(t, printArrival(&buf, &output{}, &schedulingv1.RecordArrivalResponse{Booking: b, MinutesLost: 15}))
	require.NotContains(t, buf.String(), "CAUTION")
	require.Regexp(t, `minutes lost:\s+15\n`, buf.String())
}

// Review 36: a hold's call-off read "cancelled: hold (late: under 48 hours' notice)", and a
// rescheduled booking "cancelled by centre" on the day sheet. A cancellation by the system says
// why, with no notice words; a rescheduled one says it was rescheduled.
func TestACancellationSaysWhyInWords(t *testing.T) {
	show := func(b *schedulingv1.Booking) string {
		var buf bytes.Buffer
		require.NoError(t, printBooking(&buf, &output{}, b, nil))
		return buf.String()
	}
	held := &schedulingv1.Booking{BookingId: uuid.NewString(), Status: schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED, CancelledLate: true,
		CancellationReason: schedulingv1.CancellationReason_CANCELLATION_REASON_HOLD, CancelledBy: schedulingv1.CancelledBy_CANCELLED_BY_SYSTEM}
	require.Regexp(t, `cancelled:\s+safeguarding hold\n`, show(held))
	require.NotContains(t, show(held), "late")
	require.Equal(t, "cancelled by system (safeguarding hold)", statusWords(held))

	moved := &schedulingv1.Booking{BookingId: uuid.NewString(), Status: schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED, CancelledLate: true,
		CancellationReason: schedulingv1.CancellationReason_CANCELLATION_REASON_RESCHEDULED, CancelledBy: schedulingv1.CancelledBy_CANCELLED_BY_CENTRE}
	require.Equal(t, "rescheduled by centre", statusWords(moved))
	// The centre's move is nobody's late notice, also as recorded late before decision 284.
	require.Regexp(t, `cancelled:\s+rescheduled\n`, show(moved))

	asked := &schedulingv1.Booking{BookingId: uuid.NewString(), Status: schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED,
		CancellationReason: schedulingv1.CancellationReason_CANCELLATION_REASON_REQUESTED, CancelledBy: schedulingv1.CancelledBy_CANCELLED_BY_VISITING_PARENT}
	require.Equal(t, "cancelled by visiting-parent", statusWords(asked))
}

// Review 36: daysheet without --date read the workstation's today. A day left out is sent as none,
// for the service to take the centre's today by its clock; the help says so, and the sheet is
// headed with the day the service answered.
func TestTheDaySheetsDayLeftOutIsTheServicesToday(t *testing.T) {
	req, err := daySheetRequest("C", "")
	require.NoError(t, err)
	require.Nil(t, req.GetDate())
	req, err = daySheetRequest("C", "2026-12-15")
	require.NoError(t, err)
	require.True(t, proto.Equal(&commonv1.Date{Year: 2026, Month: 12, Day: 15}, req.GetDate()))
	_, err = daySheetRequest("C", "15/12")
	require.Error(t, err)

	for _, command := range []string{"daysheet", "sessions"} {
		out, err := run(t, "schedule", command, "--help")
		require.NoError(t, err)
		require.Contains(t, strings.Join(strings.Fields(out), " "), "the centre's today, by the platform's clock", command)
	}
	require.Equal(t, "2026-12-15", sheetDay(&schedulingv1.GetDaySheetResponse{Date: &commonv1.Date{Year: 2026, Month: 12, Day: 15}}, nil))
}

// Review 36: the day sheet's CHECKED IN count for a session under way counted check-ins only, and a
// child brought in by a recorded arrival read as not there. IN counts who is inside (checked in or
// recorded inside) beside CHECKED IN. The service marks who is inside now (in_building) whether
// or not they checked in (review 38).
func TestTheDaySheetCountsWhoIsIn(t *testing.T) {
	entries := []*schedulingv1.DaySheetEntry{{RoomName: "Garden room",
		Booking: &schedulingv1.Booking{BookingId: "7d1e2c3a-0000-4000-8000-000000000001", Status: schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED,
			TimeZone: "Europe/London"},
		Expected: []*schedulingv1.ExpectedPerson{{PersonId: "p-1", Role: schedulingv1.PersonRole_PERSON_ROLE_VISITING_PARENT, CheckedIn: true,
			InBuilding: true},
			{PersonId: "p-3", Role: schedulingv1.PersonRole_PERSON_ROLE_RESIDENT_PARENT},
			{PersonId: "p-2", Role: schedulingv1.PersonRole_PERSON_ROLE_CHILD, InBuilding: true}}}}
	var b bytes.Buffer
	require.NoError(t, printDaySheet(&b, &output{}, "2026-12-15", entries, doorNames{}))
	out := b.String()
	header := lineWith(out, "CHECKED IN")
	require.Contains(t, header, " IN ")
	require.Regexp(t, `\s2/3\s+1/3\s`, lineWith(out, "Garden room"), "IN 2 of 3, CHECKED IN 1 of 3")
}

// Review 48: a check-in refused under a safeguarding hold told the door that the coordinator
// records the centre calling the session off, when the hold had already cancelled the booking
// ("cancelled by system (safeguarding hold)"). The refusal's way on follows the booking's state: a
// booking already cancelled needs nothing more recorded; one still booked is called off by the
// centre as before.
func TestARefusalUnderAHoldSaysTheSessionIsAlreadyCalledOff(t *testing.T) {
	booking, person := uuid.NewString(), uuid.NewString()
	held := &schedulingv1.Booking{BookingId: booking, Status: schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED,
		CancellationReason: schedulingv1.CancellationReason_CANCELLATION_REASON_HOLD, CancelledBy: schedulingv1.CancelledBy_CANCELLED_BY_SYSTEM}
	line := checkInVerdict(&schedulingv1.CheckInResponse{Refusal: "ON_HOLD", Booking: held}, booking, person)
	require.Contains(t, line, "REFUSED (ON_HOLD): do not admit")
	require.Contains(t, line, "not a no-show, and the session is already called off (cancelled by system (safeguarding hold)): nothing more is recorded")
	require.NotContains(t, line, "schedule cancel")

	booked := &schedulingv1.Booking{BookingId: booking, Status: schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED}
	line = checkInVerdict(&schedulingv1.CheckInResponse{Refusal: "DISCLOSURE_NOT_WEIGHED", Booking: booked}, booking, person)
	require.Contains(t, line, "familytime schedule cancel "+booking+" --by centre", "the booking stands: the centre calls it off")
}

// Review 50: a check-in recorded by mistake could not be corrected. correct --checkin names the
// one person and --not-happened, with no --party or --at, refused before any call otherwise; the
// help says how.
func TestACheckInIsCorrectedWithCheckin(t *testing.T) {
	centre, booking, person := uuid.NewString(), uuid.NewString(), uuid.NewString()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--checkin", "--not-happened"}, "give the --person checked in by mistake (with --checkin)"},
		{[]string{"--checkin", "--person", person}, "give --not-happened: a check-in is corrected only as not having happened"},
		{[]string{"--checkin", "--person", person, "--person", uuid.NewString(), "--not-happened"}, "--person names one person with --checkin"},
		{[]string{"--checkin", "--person", person, "--not-happened", "--party", "visiting"}, "--checkin takes no --party or --at"},
		{[]string{"--checkin", "--arrival", "--person", person, "--not-happened"}, "if any flags in the group [arrival departure checkin] are set none of the others can be"},
	} {
		_, err := run(t, append([]string{"schedule", "correct", booking, "--centre", centre, "--data", t.TempDir()}, c.args...)...)
		require.ErrorContains(t, err, c.want, c.args)
	}
	out, err := run(t, "schedule", "correct", "--help")
	require.NoError(t, err)
	require.Contains(t, strings.Join(strings.Fields(out), " "), "--checkin --person PERSON --not-happened")
}

// Decision 343: check-in, arrive and depart say the caution of a family kept apart at the centre,
// and the door reads it on a line of its own.
func TestTheDoorsHelpSaysTheFamilyKeptApartCaution(t *testing.T) {
	for _, verb := range []string{"checkin", "arrive", "depart"} {
		out, err := run(t, "schedule", verb, "--help")
		require.NoError(t, err)
		flat := strings.Join(strings.Fields(out), " ")
		require.Contains(t, flat, "CAUTION FAMILY_KEPT_APART_AT_CENTRE: ...", verb)
		require.Contains(t, flat, "its room and", verb)
	}
	var buf bytes.Buffer
	require.NoError(t, printDeparture(&buf, &output{}, &schedulingv1.RecordDepartureResponse{Booking: &schedulingv1.Booking{BookingId: "B"},
		Cautions: []*schedulingv1.CheckInCaution{{Code: "FAMILY_KEPT_APART_AT_CENTRE", Text: "a family the centre keeps apart from this one is booked at 11:55-13:25 in room Red (booking X)"}}}))
	require.Equal(t, "CAUTION FAMILY_KEPT_APART_AT_CENTRE: a family the centre keeps apart from this one is booked at 11:55-13:25 in room Red (booking X)",
		strings.Split(buf.String(), "\n")[0])
}
