// Package cli is the familytime command: the dev platform today, admin and simulation commands as
// the services arrive.
package cli

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
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
		// Whatever a command prints may hold text someone typed into the platform (a centre's or a
		// room's name, a concern's description): none reaches the terminal raw (printable). The
		// shell completion scripts are the one output meant for a shell, not a person.
		PersistentPreRun: func(cmd *cobra.Command, _ []string) {
			if !isCompletion(cmd) {
				cmd.SetOut(escaped(cmd.OutOrStdout()))
			}
			defaultCentre(cmd)
		},
	}
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return nearestFlag(cmd, flagInWords(err)) })
	root.AddCommand(newDevCommand(), newTokenCommand(), newCentreCommand(), newKeysCommand(), newReferralCommand(),
		newSafeguardingCommand(), newAuditCommand())
	root.AddCommand(newScheduleCommand(), newStaffCommand())
	root.AddCommand(newSimulateCommand(), newClockCommand())
	root.AddCommand(newHistoryCommand(), newReturnCommand(), newReportingCommand(), newVerifyCommand())
	// A permission refusal says what the caller's role does, or the token that works, in one place
	// for every command (review 41).
	hintRefusals(root)
	return root
}

// isCompletion reports whether cmd is cobra's completion command or one of its shells.
func isCompletion(cmd *cobra.Command) bool {
	for c := cmd; c != nil; c = c.Parent() {
		if c.Name() == "completion" || c.Name() == cobra.ShellCompRequestCmd || c.Name() == cobra.ShellCompNoDescRequestCmd {
			return true
		}
	}
	return false
}

// PrintableError is err as the familytime command prints it: nothing in it reaches the terminal
// raw (printable).
func PrintableError(err error) error { return printableError(err) }

// flagInWords says a flag's value of the wrong kind in words: pflag's own error names Go's parser
// (`invalid argument "three" for "--expected-version" flag: strconv.ParseInt: parsing "three":
// invalid syntax`). Errors of other kinds (an unknown flag, a value missing) are pflag's, which
// read well.
func flagInWords(err error) error {
	m := pflagInvalid.FindStringSubmatch(err.Error())
	if m == nil {
		return err
	}
	value, flag, why := m[1], m[2], m[3]
	if i := strings.LastIndex(flag, " "); i >= 0 { // "-s, --service": the long name says it
		flag = flag[i+1:]
	}
	switch {
	case why == errEmptyRequestID.Error(): // no value to quote
		return fmt.Errorf("%s %s", flag, why)
	case strings.Contains(why, "value out of range"):
		why = "is out of range"
	case strings.Contains(why, "ParseInt"), strings.Contains(why, "ParseUint"):
		why = "is not a whole number"
	case strings.Contains(why, "ParseFloat"):
		why = "is not a number"
	case strings.Contains(why, "ParseBool"):
		why = "is not true or false"
	case strings.Contains(why, "ParseDuration"):
		why = "is not a duration such as 90s or 15m"
	default:
		return err
	}
	return fmt.Errorf("%s %q %s", flag, value, why)
}

// nearestFlag adds to an unknown flag's refusal the command's flag it was likely meant for, one or
// two letters away ("--raiting": did you mean --rating?, review 51); any other error is as it is.
func nearestFlag(cmd *cobra.Command, err error) error {
	m := unknownFlag.FindStringSubmatch(err.Error())
	if m == nil || !strings.HasPrefix(m[1], "--") {
		return err
	}
	typed := strings.TrimPrefix(m[1], "--")
	best, bestDistance := "", 3
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if d := editDistance(typed, f.Name); d < bestDistance && !f.Hidden {
			best, bestDistance = f.Name, d
		}
	})
	if best == "" {
		return err
	}
	return fmt.Errorf("%w (did you mean --%s? familytime %s --help lists its flags)", err, best, strings.TrimPrefix(cmd.CommandPath(), "familytime "))
}

// editDistance is the number of letters to add, remove or change to make a into b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

var pflagInvalid = regexp.MustCompile(`^invalid argument "(.*)" for "(.*)" flag: (.*)$`)

// centreGroups are the command groups whose --centre names the centre the caller works at, which
// a token for one centre gives (defaultCentre). Not centre (its commands name the centre they
// show or change), token (--centre is what the new token is for), return and simulate (no
// --centre means every centre).
var centreGroups = []string{"schedule", "referral", "safeguarding", "staff", "history", "audit"}

// defaultCentre sets --centre, when it is not given, to the one centre the token the command
// sends is for (decision 382): the commands the platform prints in its answers and refusals
// (familytime schedule noshow B --party visiting, ...) then run as printed for a member of a
// centre's staff; review 76 ran one and was told "--centre is required". A token for no centre
// (an administrator's, a national role's) or for several leaves it to be given, as before.
func defaultCentre(cmd *cobra.Command) {
	f := cmd.Flags().Lookup("centre")
	if f == nil || f.Changed || f.Value.String() != "" {
		return
	}
	group := cmd
	for group.HasParent() && group.Parent().HasParent() {
		group = group.Parent()
	}
	if !slices.Contains(centreGroups, group.Name()) {
		return
	}
	if centres := tokenBody(senderToken(cmd)).centreIDs(); len(centres) == 1 {
		_ = cmd.Flags().Set("centre", centres[0])
	}
}
