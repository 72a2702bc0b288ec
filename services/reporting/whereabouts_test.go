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
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// Review 26 read a family's history "for a family request" (a parent's request for their record)
// and was given both parties' exact door times: when the children were brought, when the visiting
// parent came and left, each check-in to the second. DOMAIN.md: details that could reveal one
// parent's whereabouts to the other (exact arrival times) are never shown to the other party. Read
// for a parent, the history gives each step's date only and no clock time of a movement, and says
// so; read for a court, the same history keeps every exact time. Review 27 then read the time from
// the event ids (UUIDv7), from as-of moments a tenth of a second apart, and the other parent's
// disclosure from the safeguarding steps: a parent's copy names no event, stands at the end of a
// day, and leaves safeguarding out (decision 196).
func TestAHistoryReadForAParentWithholdsTheTimes(t *testing.T) {
	g := newRig(t)
	centre, family, booking := g.centre(t, commonv1.Region_REGION_LONDON), uuid.New(), uuid.NewString()
	c, f := centre.String(), family.String()
	referral := uuid.New()
	g.emit(t, "referral", "referral-"+referral.String(), &referralv1.ReferralReceived{ReferralId: referral.String(), FamilyId: f, CentreId: c,
		Source: commonv1.ReferralSource_REFERRAL_SOURCE_SELF, ReceivedOn: date(2026, 1, 5)}, family, centre, "coordinator-1")
	at := func(h, m int) *timestamppb.Timestamp {
		return timestamppb.New(time.Date(2026, 2, 3, h, m, 0, 0, time.UTC)) // GMT in February: UK time
	}
	stream := "family-" + f
	visiting, children := schedulingv1.Party_PARTY_VISITING, schedulingv1.Party_PARTY_CHILDREN
	g.emit(t, "scheduling", stream, &schedulingv1.PartyArrived{BookingId: booking, FamilyId: f, CentreId: c, Party: visiting, At: at(9, 47)}, family, centre, "volunteer-1")
	g.emit(t, "scheduling", stream, &schedulingv1.PersonCheckedIn{BookingId: booking, FamilyId: f, CentreId: c}, family, centre, "volunteer-1")
	g.emit(t, "scheduling", stream, &schedulingv1.PartyArrived{BookingId: booking, FamilyId: f, CentreId: c, Party: children, At: at(10, 2)}, family, centre, "volunteer-1")
	g.emit(t, "scheduling", stream, &schedulingv1.MovementCorrected{BookingId: booking, FamilyId: f, CentreId: c, Party: children,
		Movement: schedulingv1.Movement_MOVEMENT_ARRIVAL, WasAt: at(10, 2), At: at(10, 4)}, family, centre, "volunteer-1")
	g.emit(t, "scheduling", stream, &schedulingv1.PartyDeparted{BookingId: booking, FamilyId: f, CentreId: c, Party: visiting, At: at(12, 16)}, family, centre, "volunteer-1")
	g.emit(t, "safeguarding", "risk-"+f, &safeguardingv1.RiskScreenedProvisionally{FamilyId: f, CentreId: c, ReferralId: referral.String(),
		ScreenedOn: date(2026, 1, 5), Rating: safeguardingv1.RiskRating_RISK_RATING_RED}, family, centre, "service:safeguarding")
	g.settle(t)

	read := func(purpose reportingv1.HistoryReadPurpose, asOf *timestamppb.Timestamp) *reportingv1.GetFamilyHistoryResponse {
		h, err := g.coordinator(t, centre).GetFamilyHistory(t.Context(), &reportingv1.GetFamilyHistoryRequest{FamilyId: f, CentreId: c, Purpose: purpose, AsOf: asOf})
		require.NoError(t, err)
		return h
	}
	court := read(reportingv1.HistoryReadPurpose_HISTORY_READ_PURPOSE_COURT, nil)
	require.Len(t, court.GetEntries(), 7)
	require.Equal(t, "Risk screened provisionally from the referral: red", court.GetEntries()[6].GetDescription())
	require.False(t, court.GetTimesWithheld())
	// Recorded today, of a day in February: the words name the day.
	require.Equal(t, "Arrived at 09:47 on 2026-02-03 (UK time): the visiting parent", court.GetEntries()[1].GetDescription())

	parent := read(reportingv1.HistoryReadPurpose_HISTORY_READ_PURPOSE_FAMILY_REQUEST, nil)
	require.True(t, parent.GetTimesWithheld())
	require.Len(t, parent.GetEntries(), 6, "the safeguarding step is left out")
	var said []string
	for i, e := range parent.GetEntries() {
		uk := e.GetRecordedAt().AsTime().In(london(t))
		require.Zero(t, uk.Hour()*3600+uk.Minute()*60+uk.Second(), "entry %d is dated, not timed", i)
		require.Equal(t, court.GetEntries()[i].GetRecordedAt().AsTime().In(london(t)).Format(time.DateOnly), uk.Format(time.DateOnly))
		require.Empty(t, e.GetEventId(), "an event id would tell when it was recorded")
		require.Empty(t, e.GetStreamId(), "nor which stream's step it is")
		require.Zero(t, e.GetStreamVersion(), "a version's gap would tell a step was left out")
		require.NotRegexp(t, `\d{2}:\d{2}`, e.GetDescription())
		said = append(said, e.GetDescription())
	}
	// The door's steps in a fixed order (arrivals, check-ins, departures, corrections), not the
	// order they happened in (review 28).
	require.Equal(t, []string{"Arrived on 2026-02-03: the children (with whoever brings them)", "Arrived on 2026-02-03: the visiting parent",
		"A named person checked in", "Left on 2026-02-03: the visiting parent",
		"A recorded arrival or departure corrected (its times are the centre's record)"}, said[1:])

	// As of a moment just before the arrival was recorded: a parent's copy stands at the end of
	// that day, so it shows the arrival all the same, and says so.
	arrival := court.GetEntries()[1].GetRecordedAt().AsTime()
	before := read(reportingv1.HistoryReadPurpose_HISTORY_READ_PURPOSE_FAMILY_REQUEST, timestamppb.New(arrival.Add(-time.Millisecond)))
	require.Len(t, before.GetEntries(), 6)
	require.Len(t, read(reportingv1.HistoryReadPurpose_HISTORY_READ_PURPOSE_COURT, timestamppb.New(arrival.Add(-time.Millisecond))).GetEntries(), 1,
		"the centre's own read stands at the moment asked")
}

func london(t *testing.T) *time.Location {
	l, err := time.LoadLocation("Europe/London")
	require.NoError(t, err)
	return l
}

// Review 29 read a parent's copy of a family under two holds: "Contact suspended" twice and
// "Safeguarding hold lifted; 1 still in force" told the parent that more than one safeguarding
// matter stood (what the other party disclosed, decision 196). A parent's copy says "Contact
// suspended" when the first hold suspends contact and "Contact may resume" when the last is
// lifted, nothing of a hold placed or lifted while another stands, and names no one for a step it
// gives bare (a booking the platform cancelled under a hold and one a parent asked to cancel look
// alike). The centre's read keeps every step, and the history still verifies: the stored words
// are unchanged.
func TestAParentsCopyOfAFamilyUnderTwoHoldsSaysContactWasSuspendedOnce(t *testing.T) {
	g := newRig(t)
	centre, family := g.centre(t, commonv1.Region_REGION_LONDON), uuid.New()
	c, f := centre.String(), family.String()
	referral, holdA, holdB := uuid.NewString(), uuid.NewString(), uuid.NewString()
	ref, fam, holds := "referral-"+referral, "family-"+f, "hold-"+f
	supervised := commonv1.ServiceType_SERVICE_TYPE_SUPERVISED
	g.emit(t, "referral", ref, &referralv1.ReferralReceived{ReferralId: referral, FamilyId: f, CentreId: c,
		Source: commonv1.ReferralSource_REFERRAL_SOURCE_SELF, ReceivedOn: date(2026, 1, 5)}, family, centre, "coordinator-1")
	g.emit(t, "referral", ref, &referralv1.ReferralAccepted{ReferralId: referral, FamilyId: f, CentreId: c, AcceptedOn: date(2026, 1, 6),
		ServiceType: supervised, CheckedNotTheFamilyUnderHold: true}, family, centre, "coordinator-1")
	book := func(day int) string {
		id := uuid.NewString()
		g.emit(t, "scheduling", fam, &schedulingv1.SessionBooked{BookingId: id, FamilyId: f, CentreId: c, RoomId: uuid.NewString(),
			SessionDate: date(2026, 2, day), ServiceType: supervised}, family, centre, "coordinator-1")
		return id
	}
	cancel := func(id string, day int, by schedulingv1.CancelledBy, reason schedulingv1.CancellationReason, actor string) {
		g.emit(t, "scheduling", fam, &schedulingv1.BookingCancelled{BookingId: id, FamilyId: f, CentreId: c, SessionDate: date(2026, 2, day),
			ServiceType: supervised, CancelledBy: by, Reason: reason}, family, centre, actor)
	}
	cancel(book(7), 7, schedulingv1.CancelledBy_CANCELLED_BY_RESIDENT_PARENT, schedulingv1.CancellationReason_CANCELLATION_REASON_REQUESTED, "coordinator-1")
	fourteenth := book(14)
	placed := func(hold string, inForce int32) {
		g.emit(t, "safeguarding", holds, &safeguardingv1.HoldPlaced{HoldId: hold, FamilyId: f, CentreId: c,
			Reason: safeguardingv1.HoldReason_HOLD_REASON_CONDUCT, PlacedOn: date(2026, 2, 10)}, family, centre, "lead-1")
		g.emit(t, "referral", ref, &referralv1.CaseSuspended{ReferralId: referral, FamilyId: f, CentreId: c, HoldId: hold,
			SuspendedOn: date(2026, 2, 10), HoldsInForce: inForce}, family, centre, "service:referral")
		g.emit(t, "scheduling", fam, &schedulingv1.HoldNoted{FamilyId: f, CentreId: c, HoldId: hold, PlacedOn: date(2026, 2, 10)},
			family, centre, "service:scheduling")
	}
	lifted := func(hold string, inForce int32) {
		g.emit(t, "safeguarding", holds, &safeguardingv1.HoldLifted{HoldId: hold, FamilyId: f, CentreId: c, LiftedOn: date(2026, 2, 20)},
			family, centre, "lead-1")
		g.emit(t, "scheduling", fam, &schedulingv1.HoldLiftNoted{FamilyId: f, CentreId: c, HoldId: hold, HoldsInForce: inForce},
			family, centre, "service:scheduling")
		g.emit(t, "referral", ref, &referralv1.CaseResumed{ReferralId: referral, FamilyId: f, CentreId: c, HoldId: hold,
			ResumedOn: date(2026, 2, 20), HoldsInForce: inForce}, family, centre, "service:referral")
	}
	placed(holdA, 1)
	cancel(fourteenth, 14, schedulingv1.CancelledBy_CANCELLED_BY_SYSTEM, schedulingv1.CancellationReason_CANCELLATION_REASON_HOLD, "service:scheduling")
	placed(holdB, 2) // the other party's disclosure, say
	lifted(holdA, 1)
	lifted(holdB, 0)
	g.settle(t)

	read := func(purpose reportingv1.HistoryReadPurpose) *reportingv1.GetFamilyHistoryResponse {
		h, err := g.coordinator(t, centre).GetFamilyHistory(t.Context(), &reportingv1.GetFamilyHistoryRequest{FamilyId: f, CentreId: c, Purpose: purpose})
		require.NoError(t, err)
		return h
	}
	var centres []string
	for _, e := range read(reportingv1.HistoryReadPurpose_HISTORY_READ_PURPOSE_CASE_REVIEW).GetEntries() {
		centres = append(centres, e.GetDescription())
	}
	require.Len(t, centres, 18, "the centre's read keeps every step")
	require.Contains(t, centres, "Safeguarding hold lifted; 1 still in force")
	require.Contains(t, centres, "Booking for 2026-02-14 cancelled by the system: hold")

	type said struct{ Words, By string }
	var parents []said
	for _, e := range read(reportingv1.HistoryReadPurpose_HISTORY_READ_PURPOSE_FAMILY_REQUEST).GetEntries() {
		parents = append(parents, said{e.GetDescription(), e.GetActor() + e.GetActorRole()})
	}
	require.Equal(t, []said{
		{"Self-referral received from a parent for unspecified contact, 0 children", "coordinator"},
		{"Referral accepted on 2026-01-06 for supervised contact", ""},
		{"Session booked (supervised) for 2026-02-07", "coordinator"},
		{"Booking for 2026-02-07 cancelled", ""},
		{"Session booked (supervised) for 2026-02-14", "coordinator"},
		{"Contact suspended", ""},
		{"Booking for 2026-02-14 cancelled", ""},
		{"Contact may resume", ""},
	}, parents)

	v, err := g.coordinator(t, centre).VerifyFamilyHistory(t.Context(), &reportingv1.VerifyFamilyHistoryRequest{FamilyId: f, CentreId: c})
	require.NoError(t, err)
	require.True(t, v.GetVerified(), v.GetReason())
}
