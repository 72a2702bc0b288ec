package cli

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
)

// A copy corrected after its release says so once, however many corrections (review 32 printed
// the banner once per correction): the day of the one, or how many and the latest day (decision
// 219).
func TestACopySaysOnceThatItWasCorrectedAfterRelease(t *testing.T) {
	require.Empty(t, correctedBanner(nil), "a copy not corrected has no banner")
	one := correctedBanner([]*commonv1.Date{{Year: 2026, Month: 3, Day: 2}})
	require.True(t, strings.HasPrefix(one, "CORRECTED after release on 2026-03-02: this copy is not the whole record"), one)
	two := correctedBanner([]*commonv1.Date{{Year: 2026, Month: 3, Day: 2}, {Year: 2026, Month: 3, Day: 9}})
	require.True(t, strings.HasPrefix(two, "CORRECTED after release, 2 times, latest on 2026-03-09: "), two)
	require.Equal(t, 1, strings.Count(two, "CORRECTED"), "one banner")
	require.NotContains(t, two, "\n")
}
