package cli

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/require"
)

// Every command's output is escaped, not only the referral commands': a review stored a centre's
// name, a room's name and a concern's description with terminal escape codes, which centre list,
// schedule sessions and concern show then printed raw. The completion scripts are left alone.
func TestEveryCommandsOutputIsEscaped(t *testing.T) {
	root := NewRoot()
	root.AddCommand(&cobra.Command{Use: "echo-typed", RunE: func(cmd *cobra.Command, _ []string) error {
		_, err := fmt.Fprintln(cmd.OutOrStdout(), "Room\x1b[2J\u202eFAKE")
		return err
	}})
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetArgs([]string{"echo-typed"})
	require.NoError(t, root.ExecuteContext(t.Context()))
	require.Equal(t, `Room\u001b[2J\u202eFAKE`+"\n", out.String())

	// The shell's completion requests answer "choice<TAB>description" lines: left as they are.
	root = NewRoot()
	out.Reset()
	root.SetOut(&out)
	root.SetArgs([]string{cobra.ShellCompRequestCmd, "schedule", ""})
	require.NoError(t, root.ExecuteContext(t.Context()))
	require.Contains(t, out.String(), "book\t", "a completion answer keeps its tabs")

	require.EqualError(t, PrintableError(fmt.Errorf("bad name %q", "x\x1b[31m")), `bad name "x\x1b[31m"`, "%q already escapes")
	require.EqualError(t, PrintableError(fmt.Errorf("bad name x\x1b[31m")), `bad name x\u001b[31m`)
}
