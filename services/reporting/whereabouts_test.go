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
