package cli

import (
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// Review 51: a refusal at the door recorded by mistake is withdrawn by the check-in's correction,
// with a --note saying why; --note goes with --checkin only, and the help says so.
func TestARefusalByMistakeIsWithdrawnWithCorrectCheckin(t *testing.T) {
	centre, booking := uuid.NewString(), uuid.NewString()
	_, err := run(t, "schedule", "correct", booking, "--centre", centre, "--data", t.TempDir(), "--departure", "--party", "children",
		"--not-happened", "--note", "wrong row")
	require.ErrorContains(t, err, "--note goes with --checkin")
	out, err := run(t, "schedule", "correct", "--help")
	require.NoError(t, err)
	help := strings.Join(strings.Fields(out), " ")
	require.Contains(t, help, "refusal recorded by mistake")
	require.Contains(t, help, "--checkin --person "+"PERSON --not-happened --note")
}
