package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/timestamppb"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// Review 61, finding 2 (decision 340): a family's record printed "escalated to police" with no
// concern, where the family had several. Each concern's record names its concern; concern show,
// all of one concern, does not repeat it; a hold's record names none.
func TestAFamilysRecordNamesEachConcernsRecordsConcern(t *testing.T) {
	at := timestamppb.New(time.Date(2026, 12, 3, 10, 30, 0, 0, time.UTC))
	entries := []*safeguardingv1.RecordEntry{
		{RecordId: "E1", Type: "familytime.safeguarding.v1.ConcernEscalated", RecordedAt: at, RecordedBy: "lead-1",
			Summary: "escalated to police", Text: "GMP/2026/123456", ConcernId: "K1"},
		{RecordId: "E2", Type: "familytime.safeguarding.v1.ConcernClosed", RecordedAt: at, RecordedBy: "lead-1",
			Summary: "concern closed: taken on by agency", ConcernId: "K1"},
		{RecordId: "E3", Type: "familytime.safeguarding.v1.HoldPlaced", RecordedAt: at, RecordedBy: "lead-1",
			Summary: "hold H placed: conduct, review by 2027-01-15"},
	}
	var b bytes.Buffer
	require.NoError(t, printEntries(&b, &output{}, nil, entries, nil, ""))
	require.Equal(t, "2026-12-03T10:30:00Z  E1  ConcernEscalated  by lead-1\n    concern K1: escalated to police\n    GMP/2026/123456\n"+
		"2026-12-03T10:30:00Z  E2  ConcernClosed  by lead-1\n    concern K1: concern closed: taken on by agency\n"+
		"2026-12-03T10:30:00Z  E3  HoldPlaced  by lead-1\n    hold H placed: conduct, review by 2027-01-15\n", b.String())

	b.Reset()
	require.NoError(t, printEntries(&b, &output{}, nil, entries[:1], nil, "K1"))
	require.Equal(t, "2026-12-03T10:30:00Z  E1  ConcernEscalated  by lead-1\n    escalated to police\n    GMP/2026/123456\n", b.String(),
		"concern show is all of the one concern")
}

// Review 61, finding 3 (decision 340): placing a hold cancelled the family's bookings still to
// come, and lifting it restored none, and neither command said so. hold lists the bookings it
// cancels, lift those still to come that stay cancelled, and both give the command that lists the
// family's bookings; when the bookings cannot be read, the command, for the coordinator.
func TestAHoldAndItsLiftSayWhatBecomesOfTheFamilysBookings(t *testing.T) {
	zone := "Europe/London"
	at := func(day, hour, minute int) *timestamppb.Timestamp {
		return timestamppb.New(time.Date(2026, 12, day, hour, minute, 0, 0, time.UTC))
	}
	booking := func(id string, day int, status schedulingv1.BookingStatus, reason schedulingv1.CancellationReason) *schedulingv1.FamilyBooking {
		b := &schedulingv1.Booking{BookingId: id, Date: &commonv1.Date{Year: 2026, Month: 12, Day: int32(day)}, TimeZone: zone, Status: status,
			Visiting: &schedulingv1.PartyTimes{DueTime: &schedulingv1.LocalTime{Hour: 10}, LeaveTime: &schedulingv1.LocalTime{Hour: 12, Minute: 15},
				LeavesAt: at(day, 12, 15)},
			Children: &schedulingv1.PartyTimes{DueTime: &schedulingv1.LocalTime{Hour: 10, Minute: 15}, LeaveTime: &schedulingv1.LocalTime{Hour: 12},
				LeavesAt: at(day, 12, 0)}}
		if status == schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED {
			b.CancelledBy = schedulingv1.CancelledBy_CANCELLED_BY_SYSTEM
			b.CancellationReason = reason
		}
		return &schedulingv1.FamilyBooking{Booking: b, RoomName: "Garden room"}
	}
	const (
		booked    = schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED
		cancelled = schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED
		forHold   = schedulingv1.CancellationReason_CANCELLATION_REASON_HOLD
		list      = "familytime schedule bookings --centre C --family F"
	)
	// Placed on the 5th at 10:30: the session under way (B1) and the next (B2, already cancelled
	// by scheduling, which heard first) are cancelled; one that ended that morning (B0) is not.
	placing := &schedulingv1.ListFamilyBookingsResponse{Bookings: []*schedulingv1.FamilyBooking{
		{Booking: &schedulingv1.Booking{BookingId: "B0", Date: &commonv1.Date{Year: 2026, Month: 12, Day: 5}, Status: booked,
			Visiting: &schedulingv1.PartyTimes{LeavesAt: at(5, 9, 0)}}},
		booking("B1", 5, booked, 0), booking("B2", 12, cancelled, forHold)}}
	placed := placedWords(placing, "H", at(5, 10, 30).AsTime(), list)
	require.Equal(t, placedOnHold+"; 2 bookings cancelled:\n"+
		"  2026-12-05  visiting parent 10:00 to 12:15, children 10:15 to 12:00  Garden room  booking B1\n"+
		"  2026-12-12  visiting parent 10:00 to 12:15, children 10:15 to 12:00  Garden room  booking B2\n"+
		"the family's bookings: "+list, placed)
	require.Contains(t, placed, "door refuses the family (ON_HOLD)")
	require.Equal(t, placedOnHold+"; the family has no booking still to come for this hold to cancel (one another hold cancelled is "+
		"that hold's): "+list, placedWords(&schedulingv1.ListFamilyBookingsResponse{}, "H",
		at(5, 10, 30).AsTime(), list))
	require.Contains(t, placedUnread(list), "the centre's coordinator lists them: "+list)

	// Lifted on the 8th: B1 is past; B2 and B3 stay cancelled; a booking the family cancelled
	// itself (B4) is no hold's.
	lifting := &schedulingv1.ListFamilyBookingsResponse{Bookings: []*schedulingv1.FamilyBooking{
		booking("B1", 5, cancelled, forHold), booking("B2", 12, cancelled, forHold), booking("B3", 19, cancelled, forHold),
		booking("B4", 26, cancelled, schedulingv1.CancellationReason_CANCELLATION_REASON_REQUESTED)}}
	lifted := liftedWords(lifting, "H", at(8, 9, 0).AsTime(), list, false, nil)
	require.Equal(t, liftedStay+"; no hold on the family is in force now, so contact may resume: 2 bookings still to come that the "+
		"family's holds cancelled (this hold or one lifted before it) stay cancelled, and these are the sessions to book again (tell "+
		"the centre's coordinator, who books them and tells both parents):\n"+
		"  2026-12-12  visiting parent 10:00 to 12:15, children 10:15 to 12:00  Garden room  booking B2\n"+
		"  2026-12-19  visiting parent 10:00 to 12:15, children 10:15 to 12:00  Garden room  booking B3\n"+
		"the family's bookings: "+list, lifted)
	require.Contains(t, lifted, "the family must be booked again")
	require.Contains(t, liftedWords(lifting, "H", at(30, 9, 0).AsTime(), list, false, nil), "no hold on the family is in force now, and "+
		"none of its holds cancelled a booking still to come: "+list)
	unread := liftedUnread(list, false)
	require.Contains(t, unread, "stay cancelled and are the sessions to book again")
	require.Contains(t, unread, "the centre's coordinator lists them: "+list)

	for _, c := range []*cobra.Command{(&safeguardingCommand{}).hold(), (&safeguardingCommand{}).lift()} {
		require.Contains(t, strings.Join(strings.Fields(c.Long), " "), "familytime schedule bookings --centre C --family F", c.Use)
	}
	require.Contains(t, (&safeguardingCommand{}).lift().Long, "must be booked again")
}

// Review 61, finding 6 (decision 340): concern show's table said "2 people involved" and not
// which, nor the booking or the family; the family's record read "review by" a date gone with
// nothing to say it was overdue.
func TestConcernShowSaysWhatTheConcernIsAboutAndTheRecordAnOverdueReview(t *testing.T) {
	k := &safeguardingv1.Concern{Summary: &safeguardingv1.ConcernSummary{ConcernId: "K", FamilyId: "F", RaisedBy: "vol-1",
		Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_EMOTIONAL_HARM, RaisedOn: &commonv1.Date{Year: 2026, Month: 12, Day: 3}},
		PersonIds: []string{"P1", "P2"}, BookingId: "B"}
	var b bytes.Buffer
	printConcernState(&b, k)
	require.Equal(t, "concern K: emotional-harm, raised 2026-12-03 by vol-1\nfamily: F\nbooking: B\npeople involved: P1, P2\n"+
		"escalated: no, closed: no\n\n", b.String())
	b.Reset()
	printConcernState(&b, &safeguardingv1.Concern{Summary: k.GetSummary()})
	require.Contains(t, b.String(), "booking: - (raised outside a session)\npeople involved: none named\n")

	risk := &safeguardingv1.Risk{Rating: safeguardingv1.RiskRating_RISK_RATING_AMBER, NextReviewOn: &commonv1.Date{Year: 2026, Month: 12, Day: 10}}
	require.Equal(t, "risk: amber (provisional: false), review by 2026-12-10",
		recordRiskLine(&safeguardingv1.GetSafeguardingRecordResponse{Risk: risk}))
	require.Equal(t, "risk: amber (provisional: false), review by 2026-12-10 (overdue: assess it again with familytime safeguarding risk)",
		recordRiskLine(&safeguardingv1.GetSafeguardingRecordResponse{Risk: risk, RiskReviewOverdue: true}))
	list, _, err := (&safeguardingCommand{}).concern().Find([]string{"list"})
	require.NoError(t, err)
	require.Contains(t, list.Short, "in the order raised")
}

// Decision 345 (decision 340's Left): a family under two holds. A lift lists the bookings its own
// hold cancelled, not another hold's, and with the other still in force says the family is booked
// again only once every hold is lifted; a hold placed lists no booking another hold cancelled. The
// lift warns HOLD_STILL_IN_FORCE on standard error, and --json carries the holds still in force and
// the warning beside the hold, one document; with none, the hold alone as before.
func TestALiftListsItsOwnHoldsBookingsAndWarnsOfAHoldStillInForce(t *testing.T) {
	at := func(day, hour int) time.Time { return time.Date(2026, 12, day, hour, 0, 0, 0, time.UTC) }
	booking := func(id string, day int, hold string) *schedulingv1.FamilyBooking {
		return &schedulingv1.FamilyBooking{RoomName: "Garden room", Booking: &schedulingv1.Booking{BookingId: id,
			Date: &commonv1.Date{Year: 2026, Month: 12, Day: int32(day)}, TimeZone: "Europe/London",
			Status: schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED, CancelledBy: schedulingv1.CancelledBy_CANCELLED_BY_SYSTEM,
			CancellationReason: schedulingv1.CancellationReason_CANCELLATION_REASON_HOLD, CancelledForHoldId: hold,
			Visiting: &schedulingv1.PartyTimes{DueTime: &schedulingv1.LocalTime{Hour: 10}, LeaveTime: &schedulingv1.LocalTime{Hour: 12},
				LeavesAt: timestamppb.New(at(day, 12))},
			Children: &schedulingv1.PartyTimes{DueTime: &schedulingv1.LocalTime{Hour: 10, Minute: 15}, LeaveTime: &schedulingv1.LocalTime{Hour: 11},
				LeavesAt: timestamppb.New(at(day, 11))}}}
	}
	const list = "familytime schedule bookings --centre C --family F"
	resp := &schedulingv1.ListFamilyBookingsResponse{Bookings: []*schedulingv1.FamilyBooking{
		booking("B1", 12, "H1"), booking("B2", 19, "H2"), booking("B3", 26, "H1")}}

	lifted := liftedWords(resp, "H1", at(8, 9), list, true, nil)
	require.Equal(t, liftedStayHeld+"; 2 bookings still to come this hold cancelled stay cancelled, as they would under the hold still in force "+
		"(tell both parents these sessions are off):\n"+
		"  2026-12-12  visiting parent 10:00 to 12:00, children 10:15 to 11:00  Garden room  booking B1\n"+
		"  2026-12-26  visiting parent 10:00 to 12:00, children 10:15 to 11:00  Garden room  booking B3\n"+
		"the family's bookings: "+list, lifted)
	require.NotContains(t, lifted, "B2", "another hold's booking")
	require.Contains(t, lifted, "only once every hold is lifted")
	// Review 65 finding 3 (decision 353): H1 lifted, H2 is the last; its lift lets contact resume
	// and lists every session still to come any hold cancelled, H1's too, to book again.
	last := liftedWords(resp, "H2", at(8, 9), list, false, nil)
	require.Equal(t, liftedStay+"; no hold on the family is in force now, so contact may resume: 3 bookings still to come that the "+
		"family's holds cancelled (this hold or one lifted before it) stay cancelled, and these are the sessions to book again (tell "+
		"the centre's coordinator, who books them and tells both parents):\n"+
		"  2026-12-12  visiting parent 10:00 to 12:00, children 10:15 to 11:00  Garden room  booking B1\n"+
		"  2026-12-19  visiting parent 10:00 to 12:00, children 10:15 to 11:00  Garden room  booking B2\n"+
		"  2026-12-26  visiting parent 10:00 to 12:00, children 10:15 to 11:00  Garden room  booking B3\n"+
		"the family's bookings: "+list, last)
	// A last hold that cancelled nothing itself lists the earlier hold's: the finding's case.
	last = liftedWords(resp, "H3", at(20, 9), list, false, nil)
	require.Contains(t, last, "1 booking still to come that the family's holds cancelled (this hold or one lifted before it) stays cancelled")
	require.Contains(t, last, "booking B3")
	require.NotContains(t, last, "booking B1", "past")
	require.NotContains(t, last, "this hold cancelled no booking")
	require.Contains(t, liftedUnread(list, false), "the bookings still to come that the family's holds cancelled stay cancelled and "+
		"are the sessions to book again")
	require.Contains(t, liftedWords(resp, "H3", at(8, 9), list, true, nil), liftedStayHeld+"; this hold cancelled no booking still to come")
	require.Contains(t, liftedUnread(list, true), "only once every hold is lifted")
	require.Contains(t, placedWords(resp, "H3", at(8, 9), list), "no booking still to come for this hold to cancel")

	lift := &safeguardingv1.LiftHoldResponse{Hold: &safeguardingv1.Hold{HoldId: "H1", FamilyId: "F"},
		HoldsStillInForce: []*safeguardingv1.Hold{{HoldId: "H2", FamilyId: "F", ConcernId: "K"}},
		HoldWarning:       "HOLD_STILL_IN_FORCE: another hold on the family is still in force: hold H2"}
	var stdout, stderr bytes.Buffer
	cmd := &cobra.Command{}
	cmd.SetOut(&stdout)
	cmd.SetErr(&stderr)
	more, err := stillInForceJSON(lift)
	require.NoError(t, err)
	require.NoError(t, printAnswerWith(cmd, &output{json: true}, lift, lift.GetHold(), holdFields(lift.GetHold()), more...))
	warnOnStderr(cmd, lift.GetHoldWarning())
	var doc struct {
		HoldID  string                               `json:"hold_id"`
		Still   []struct{ HoldID, ConcernID string } `json:"holds_still_in_force"`
		Warning string                               `json:"hold_warning"`
	}
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &doc), "one document: %s", stdout.String())
	require.Equal(t, "H1", doc.HoldID)
	require.Len(t, doc.Still, 1)
	require.Equal(t, lift.GetHoldWarning(), doc.Warning)
	require.Contains(t, stdout.String(), `"concern_id": "K"`)
	require.Equal(t, "WARNING "+lift.GetHoldWarning()+"\n", stderr.String())

	stdout.Reset()
	none := &safeguardingv1.LiftHoldResponse{Hold: lift.GetHold()}
	more, err = stillInForceJSON(none)
	require.NoError(t, err)
	require.Empty(t, more)
	require.NoError(t, printAnswerWith(cmd, &output{json: true}, none, none.GetHold(), nil, more...))
	require.NotContains(t, stdout.String(), "holds_still_in_force", "no other hold: the hold alone, as before")
	require.Contains(t, strings.Join(strings.Fields((&safeguardingCommand{}).lift().Long), " "), "WARNING HOLD_STILL_IN_FORCE")
}
