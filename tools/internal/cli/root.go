// Package cli is the familytime command: the dev platform today, admin and simulation commands as
// the services arrive.
package cli

import (
	"github.com/spf13/cobra"
)

// NewRoot builds the familytime command tree.
func NewRoot() *cobra.Command {
	root := &cobra.Command{
		Use:   "familytime",
		Short: "Familytime: run and administer the child contact centre platform",
		Long: `familytime runs the Familytime platform on this machine for development, and talks to a
running platform. Start with:

  familytime dev        bring the platform up (Ctrl-C stops it)`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newDevCommand(), newTokenCommand(), newCentreCommand(), newKeysCommand(), newReferralCommand(),
		newSafeguardingCommand(), newAuditCommand())
	root.AddCommand(newScheduleCommand())
	root.AddCommand(newSimulateCommand())
	root.AddCommand(newHistoryCommand(), newReturnCommand(), newReportingCommand())
	return root
}
