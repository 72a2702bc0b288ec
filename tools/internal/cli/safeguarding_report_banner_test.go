package cli

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

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

// Review 89 L4: a copy asked of a recipient number the list does not have says where the numbers
// are; another refusal is left as it is.
func TestACopyOfNoSuchRecipientSaysWhereTheNumbersAre(t *testing.T) {
	err := noSuchRecipient(describe(status.Error(codes.NotFound, "recipient not found")), 99)
	require.Contains(t, err.Error(), "recipient not found; the distribution list has no recipient 99: the whole report "+
		"(the same command without --recipient) lists them, numbered in its # column")
	other := noSuchRecipient(describe(status.Error(codes.NotFound, "report not found")), 99)
	require.NotContains(t, other.Error(), "distribution list")
}
