package domain_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/services/referral/internal/domain"
)

// The purpose of opening a family's details says why, as a safeguarding read's does: at least 3
// characters, in words (decisions.md 77).
func TestPurposeSaysWhy(t *testing.T) {
	for _, bad := range []string{"", ".", "  .  ", "ab", " a ", "...", "?!?!", "-- --", "call\x1b[2J", strings.Repeat("x", 501)} {
		err := domain.CheckPurpose(bad)
		var invalid *domain.Invalid
		require.ErrorAs(t, err, &invalid, "%q", bad)
		require.Equal(t, "purpose", invalid.Violations[0].Field)
	}
	for _, good := range []string{"pre-visit letters", "export", "Q3 return", "phone the resident parent", "письмо"} {
		require.NoError(t, domain.CheckPurpose(good), good)
	}
}
