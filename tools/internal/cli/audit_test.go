package cli

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/timestamppb"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
)

// Review 52 (decision 307): a refused read repeated is one entry with its count, and the refusal
// that took an account past its daily limit of families stands out, saying how many more.
func TestTheAuditSaysHowOftenAReadWasRefused(t *testing.T) {
	at := func(hour, minute int) *timestamppb.Timestamp {
		return timestamppb.New(time.Date(2026, 12, 2, hour, minute, 0, 0, london))
	}
	once := &safeguardingv1.AccessRecord{AccessedAt: at(14, 2), Refused: "NOT_THE_RAISER_OR_LEAD", TimesRefused: 1, LastRefusedAt: at(14, 2)}
	require.Equal(t, "REFUSED NOT_THE_RAISER_OR_LEAD: nothing was given", purposeOf(once))
	before := &safeguardingv1.AccessRecord{AccessedAt: at(14, 2), Refused: "NOT_THE_RAISER_OR_LEAD"}
	require.Equal(t, "REFUSED NOT_THE_RAISER_OR_LEAD: nothing was given", purposeOf(before), "an entry from before the counts")
	flood := &safeguardingv1.AccessRecord{AccessedAt: at(14, 2), Refused: "NOT_THE_RAISER_OR_LEAD", TimesRefused: 37, LastRefusedAt: at(14, 5)}
	require.Equal(t, "REFUSED NOT_THE_RAISER_OR_LEAD: nothing was given; refused 37 times on 2 December, first at 14:02, last at 14:05",
		purposeOf(flood))
	probe := &safeguardingv1.AccessRecord{AccessedAt: at(15, 0), Refused: "ROLE_REQUIRED", TimesRefused: 1, LastRefusedAt: at(15, 0),
		DailyFamilyLimit: 20, FamiliesPastLimit: 4, TimesPastLimit: 6, LastPastLimitAt: at(15, 10)}
	require.Equal(t, "REFUSED ROLE_REQUIRED: nothing was given; LOOK INTO THIS: the account had been refused 20 other families' "+
		"records at this centre that day, and after this was refused 4 more families' records here (6 times, the last at 15:10), not listed one by one",
		purposeOf(probe))
	probe.FamiliesPastLimit, probe.TimesPastLimit, probe.LastPastLimitAt = 0, 0, nil
	require.Equal(t, "REFUSED ROLE_REQUIRED: nothing was given; LOOK INTO THIS: the account had been refused 20 other families' "+
		"records at this centre that day", purposeOf(probe))
}
