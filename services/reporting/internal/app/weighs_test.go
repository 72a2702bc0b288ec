package app

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/timestamppb"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// Decision 249: scheduling weighs a carried disclosure by the instants the disclosure was carried
// and the assessment recorded, a same-day disclosure carried after the assessment being unweighed,
// and by their dates only for events recorded before it (no assessed_at). The history said "on or
// before" of every assessment noted: of one with its instant, it says what scheduling weighs.
func TestTheWordsOfAnAssessmentNotedSayWhatItWeighs(t *testing.T) {
	day := &commonv1.Date{Year: 2026, Month: 2, Day: 3}
	require.Equal(t, "Scheduling noted a risk assessment of 2026-02-03: it weighs any disclosure carried before it was recorded",
		Describe(envelopeOf(t, &schedulingv1.RiskAssessmentNoted{AssessedOn: day,
			AssessedAt: timestamppb.New(time.Date(2026, 2, 3, 9, 0, 0, 0, time.UTC))})))
	require.Equal(t, "Scheduling noted a risk assessment of 2026-02-03: it weighs a disclosure noted on or before it",
		Describe(envelopeOf(t, &schedulingv1.RiskAssessmentNoted{AssessedOn: day})), "recorded before decision 249: the date rule, as it was")
}
