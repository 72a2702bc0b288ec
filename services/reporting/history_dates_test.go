package reporting_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/timestamppb"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	reportingv1 "github.com/familytime/familytime/proto/gen/go/familytime/reporting/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// Review 49 read a family's history on a simulated clock: every step dated the real day it was
// typed, the two parents' pre-visits on days the history could not show (DOMAIN step 4), a
// parent's copy that put an arrival of the 16th before a review of the 12th, and a waiting list
// left "without an offer" after the place offered. Every step whose event says the day it took
// place has it (occurred_on) and, where its words said none, says it; the centre's copy stays in
// the order recorded; a parent's copy gives the days in order; each leaving of the waiting list
// says what became of the place offered. The history verifies, a changed day is named, and rows
// projected before the change (no day, and their descriptions cleared by migration 0012) read the
// same from their envelopes.
func TestAStepIsDatedByTheDayItTookPlace(t *testing.T) {
	g := newRig(t)
	ctx := t.Context()
	centre := g.centre(t, commonv1.Region_REGION_LONDON)
	family, referral := uuid.New(), uuid.New()
	c, f, r := centre.String(), family.String(), referral.String()
	ref, list, fam := "referral-"+r, "waitinglist-"+c, "family-"+f
	supported := commonv1.ServiceType_SERVICE_TYPE_SUPPORTED
	at := func(d, h, m int) *timestamppb.Timestamp {
		return timestamppb.New(time.Date(2027, 1, d, h, m, 0, 0, time.UTC)) // January: London is UTC
	}
	g.emit(t, "referral", ref, &referralv1.ReferralReceived{ReferralId: r, FamilyId: f, CentreId: c, RequestedServiceType: supported,
		ReceivedOn: date(2027, 1, 2), Source: commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR}, family, centre, "referrer-1")
	g.emit(t, "referral", ref, &referralv1.ReferralWaitlisted{ReferralId: r, FamilyId: f, CentreId: c, WaitlistedOn: date(2027, 1, 3), ServiceType: supported},
		family, centre, "coordinator-a")
	g.emit(t, "scheduling", list, &schedulingv1.WaitingListJoined{CentreId: c, FamilyId: f, ServiceType: supported, JoinedAt: at(3, 10, 0)},
		family, centre, "service:scheduling")
	g.emit(t, "scheduling", list, &schedulingv1.PlaceOffered{CentreId: c, FamilyId: f, PatternId: uuid.NewString(), RoomId: uuid.NewString(),
		OfferedAt: at(5, 10, 0), LapsesAt: at(12, 10, 0)}, family, centre, "coordinator-a")
	g.emit(t, "referral", ref, &referralv1.ReferralAccepted{ReferralId: r, FamilyId: f, CentreId: c, AcceptedOn: date(2027, 1, 6), ServiceType: supported},
		family, centre, "coordinator-a")
	g.emit(t, "scheduling", list, &schedulingv1.WaitingListLeft{CentreId: c, FamilyId: f, LeftAt: at(6, 10, 0),
		Reason: schedulingv1.WaitingListLeaveReason_WAITING_LIST_LEAVE_REASON_ACCEPTED}, family, centre, "service:scheduling")
	g.emit(t, "referral", ref, &referralv1.PreVisitCompleted{ReferralId: r, FamilyId: f, CentreId: c, PersonId: uuid.NewString(),
		Role: referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT, VisitedOn: date(2027, 1, 7), GroundRulesSigned: true}, family, centre, "coordinator-a")
	g.emit(t, "referral", ref, &referralv1.PreVisitCompleted{ReferralId: r, FamilyId: f, CentreId: c, PersonId: uuid.NewString(),
		Role: referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT, VisitedOn: date(2027, 1, 8), GroundRulesSigned: true}, family, centre, "coordinator-a")
	booking := uuid.NewString()
	g.emit(t, "scheduling", fam, &schedulingv1.SessionBooked{BookingId: booking, FamilyId: f, CentreId: c, SessionDate: date(2027, 1, 16), ServiceType: supported},
		family, centre, "coordinator-a")
	g.emit(t, "scheduling", list, &schedulingv1.WaitingListLeft{CentreId: c, FamilyId: f, LeftAt: at(9, 10, 0),
		Reason: schedulingv1.WaitingListLeaveReason_WAITING_LIST_LEAVE_REASON_BOOKED}, family, centre, "coordinator-a")
	// The session's register typed in before the review held days earlier.
	g.emit(t, "scheduling", fam, &schedulingv1.PartyArrived{BookingId: booking, FamilyId: f, CentreId: c, Party: schedulingv1.Party_PARTY_VISITING, At: at(16, 9, 50)},
		family, centre, "volunteer-1")
	g.emit(t, "referral", ref, &referralv1.ReviewHeld{ReferralId: r, FamilyId: f, CentreId: c, HeldOn: date(2027, 1, 12)}, family, centre, "coordinator-a")
	g.settle(t)

	coordinator := g.coordinator(t, centre)
	read := func(purpose reportingv1.HistoryReadPurpose) []*reportingv1.HistoryEntry {
		h, err := coordinator.GetFamilyHistory(ctx, &reportingv1.GetFamilyHistoryRequest{FamilyId: f, CentreId: c, Purpose: purpose})
		require.NoError(t, err)
		return h.GetEntries()
	}
	type said struct{ On, Words string }
	saying := func(entries []*reportingv1.HistoryEntry) []said {
		var out []said
		for _, e := range entries {
			on := ""
			if d := e.GetOccurredOn(); d != nil {
				on = time.Date(int(d.GetYear()), time.Month(d.GetMonth()), int(d.GetDay()), 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
			}
			out = append(out, said{on, e.GetDescription()})
		}
		return out
	}
	centres := []said{
		{"2027-01-02", "Referral received from a solicitor for supported contact, 0 children"},
		{"2027-01-03", "Referral placed on the centre's waiting list on 2027-01-03"},
		{"2027-01-03", "Joined the centre's waiting list for supported contact"},
		{"2027-01-05", "Place offered from the waiting list"},
		{"2027-01-06", "Referral accepted on 2027-01-06 for supported contact"},
		{"2027-01-06", "Left the centre's waiting list with the place offered from it: the referral was accepted, and the place stays held for the family until it is booked into it or the offer lapses"},
		{"2027-01-07", "Pre-visit on 2027-01-07 by the resident parent, ground rules signed"},
		{"2027-01-08", "Pre-visit on 2027-01-08 by the non-resident parent, ground rules signed"},
		{"", "Session booked (supported) for 2027-01-16"},
		{"2027-01-09", "The place offered from the waiting list is held for the family no more: it was booked"},
		{"2027-01-16", "Arrived at 09:50 on 2027-01-16 (UK time): the visiting parent"},
		{"2027-01-12", "Case reviewed on 2027-01-12"},
	}
	caseReview := reportingv1.HistoryReadPurpose_HISTORY_READ_PURPOSE_CASE_REVIEW
	require.Equal(t, centres, saying(read(caseReview)), "the centre's copy: in the order recorded, each step with its day")

	parents := saying(read(reportingv1.HistoryReadPurpose_HISTORY_READ_PURPOSE_FAMILY_REQUEST))
	require.Equal(t, []said{{"2027-01-12", "Case reviewed on 2027-01-12"}, {"2027-01-16", "Arrived on 2027-01-16: the visiting parent"}},
		parents[len(parents)-2:], "a parent's copy: the review of the 12th before the arrival of the 16th")

	verify := g.verifier(t, coordinator, family, centre)
	v := verify()
	require.True(t, v.GetVerified(), v.GetReason())

	// A day changed beside its event is named, as changed words are.
	restore := g.tamper(t, ref, 5, `occurred_on = '2027-01-09'`)
	v = verify()
	require.False(t, v.GetVerified())
	require.Equal(t, ref, v.GetStreamId())
	require.Equal(t, int64(5), v.GetStreamVersion())
	require.Contains(t, v.GetReason(), "does not follow from it")
	restore()
	require.True(t, verify().GetVerified())

	// As a row projected before this change, once migration 0012 cleared its description: no
	// day, no words; the history reads both from its envelope, and it verifies.
	_, err := g.owner.Exec(ctx, `UPDATE reporting.history_events SET description = NULL, occurred_on = NULL WHERE family_id = $1`, family)
	require.NoError(t, err)
	require.Equal(t, centres, saying(read(caseReview)))
	require.True(t, verify().GetVerified())
}
