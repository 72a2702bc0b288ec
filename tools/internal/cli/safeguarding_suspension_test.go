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

// Decision 353's Left (decision 360): the last lift lists the bookings still to come that the
// holds of the suspension it ends cancelled (LiftHoldResponse.suspension_hold_ids), and counts,
// without listing, one cancelled for a hold lifted before that suspension began, whose own last
// lift listed it. A safeguarding that names no suspension is read as before: every hold's.
func TestTheLastLiftListsOnlyItsSuspensionsBookings(t *testing.T) {
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
	// H0 was lifted long before (B1 and B2, lost to it, were never booked again); H1 and H2 are
	// this suspension's, H1's B3 its loss; B4 names no hold (an older scheduling).
	resp := &schedulingv1.ListFamilyBookingsResponse{Bookings: []*schedulingv1.FamilyBooking{
		booking("B1", 12, "H0"), booking("B2", 19, "H0"), booking("B3", 26, "H1"), booking("B4", 27, "")}}

	last := liftedWords(resp, "H2", at(8, 9), list, false, []string{"H1", "H2"})
	require.Equal(t, liftedStay+"; no hold on the family is in force now, so contact may resume: 2 bookings still to come that the "+
		"holds of this suspension of contact cancelled (this hold or one in force with it since the family last had none) stay "+
		"cancelled, and these are the sessions to book again (tell the centre's coordinator, who books them and tells both parents):\n"+
		"  2026-12-26  visiting parent 10:00 to 12:00, children 10:15 to 11:00  Garden room  booking B3\n"+
		"  2026-12-27  visiting parent 10:00 to 12:00, children 10:15 to 11:00  Garden room  booking B4\n"+
		"2 bookings still to come cancelled for a hold lifted before this suspension began are not listed: they are an earlier "+
		"suspension's, whose last lift listed them to book again (the family's bookings show whether they were booked again)\n"+
		"the family's bookings: "+list, last)
	require.NotContains(t, last, "booking B1")

	// A suspension whose holds cancelled nothing still to come: the earlier one's counted.
	none := liftedWords(&schedulingv1.ListFamilyBookingsResponse{Bookings: resp.GetBookings()[:1]}, "H2", at(8, 9), list, false,
		[]string{"H2"})
	require.Equal(t, liftedStay+"; no hold on the family is in force now, and none of the holds of this suspension of contact "+
		"cancelled a booking still to come (1 booking still to come cancelled for a hold lifted before this suspension began is not "+
		"listed: it is an earlier suspension's, whose last lift listed it to book again (the family's bookings show whether it was "+
		"booked again)): "+list, none)

	// No suspension named: every hold's, in the words of decision 353.
	require.Contains(t, liftedWords(resp, "H2", at(8, 9), list, false, nil), "4 bookings still to come that the family's holds "+
		"cancelled (this hold or one lifted before it) stay cancelled")
	// A lift with another hold in force lists its own hold's, as before.
	require.Contains(t, liftedWords(resp, "H1", at(8, 9), list, true, nil), "2 bookings still to come this hold cancelled stay cancelled", "B4 names no hold: any hold's")
}

// Decision 345's Left (decision 360): a hold placed while another is in force says so on standard
// error (OTHER_HOLD_IN_FORCE), and --json carries the holds in force and the warning beside the
// hold, one document; with none, the hold alone as before.
func TestAHoldPlacedUnderAnotherWarnsAndCarriesItInJSON(t *testing.T) {
	placed := &safeguardingv1.PlaceHoldResponse{Hold: &safeguardingv1.Hold{HoldId: "H2", FamilyId: "F"},
		HoldsInForce: []*safeguardingv1.Hold{{HoldId: "H1", FamilyId: "F", ConcernId: "K"}},
		HoldWarning:  "OTHER_HOLD_IN_FORCE: another hold on the family is in force already: hold H1"}
	var stdout, stderr bytes.Buffer
	cmd := &cobra.Command{}
	cmd.SetOut(&stdout)
	cmd.SetErr(&stderr)
	more, err := inForceJSON(placed)
	require.NoError(t, err)
	require.NoError(t, printAnswerWith(cmd, &output{json: true}, placed, placed.GetHold(), holdFields(placed.GetHold()), more...))
	var doc struct {
		HoldID  string                               `json:"hold_id"`
		InForce []struct{ HoldID, ConcernID string } `json:"holds_in_force"`
		Warning string                               `json:"hold_warning"`
	}
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &doc), "one document: %s", stdout.String())
	require.Equal(t, "H2", doc.HoldID)
	require.Len(t, doc.InForce, 1)
	require.Equal(t, placed.GetHoldWarning(), doc.Warning)

	more, err = inForceJSON(&safeguardingv1.PlaceHoldResponse{Hold: placed.GetHold()})
	require.NoError(t, err)
	require.Empty(t, more, "no other hold: the hold alone, as before")
	require.Contains(t, strings.Join(strings.Fields((&safeguardingCommand{}).hold().Long), " "), "WARNING OTHER_HOLD_IN_FORCE")
}
