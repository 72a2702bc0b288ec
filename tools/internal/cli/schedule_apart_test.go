package cli

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// schedule keep-apart names two families, and a reason unless it ends the keeping apart, before
// any call (decision 330).
func TestKeepApartRefusesBadInputBeforeAnyCall(t *testing.T) {
	centre, a, b := uuid.NewString(), uuid.NewString(), uuid.NewString()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--family", a, "--reason", "same-adult"}, "name the two families kept apart: --family A --family B"},
		{[]string{"--family", a, "--family", a, "--reason", "same-adult"}, "--family names the same family twice"},
		{[]string{"--family", a, "--family", "Daniel", "--reason", "same-adult"}, `family id "Daniel" is not a UUID`},
		{[]string{"--family", a, "--family", b}, "--reason is required: same-adult, injunction, safety, other"},
		{[]string{"--family", a, "--family", b, "--reason", "neighbours"}, `--reason "neighbours" is not one of`},
		{[]string{"--family", a, "--family", b, "--reason", "safety", "--end"}, "--end ends the keeping apart whatever its reason"},
	} {
		_, err := run(t, append([]string{"schedule", "keep-apart", "--centre", centre, "--data", t.TempDir()}, c.args...)...)
		require.ErrorContains(t, err, c.want, c.args)
	}
	help, err := run(t, "schedule", "keep-apart", "--help")
	require.NoError(t, err)
	require.Contains(t, help, "FAMILIES_KEPT_APART")
	require.Contains(t, help, "familytime schedule keep-apart --centre $CENTRE --family $FAMILY1 --family $FAMILY2 --end")
}
