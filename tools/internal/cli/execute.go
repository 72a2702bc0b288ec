package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/spf13/cobra"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/familytime/familytime/services/platform/grpcx"
)

// Execute runs the command line. A command run with --json that fails also prints the failure as
// JSON on standard output, so that a script reading it is told why (review 11: it printed nothing
// there); the sentence for a person still goes to standard error, and the exit status is 1.
//
// args are the command line's arguments after the program's name. They are read for --json as
// well as the parsed flags, because a flag that fails to parse stops the parsing before a --json
// after it is seen (review 13: `--on tomorrow --json` printed nothing on standard output).
func Execute(ctx context.Context, root *cobra.Command, args []string) error {
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	var no *answeredNo
	if err != nil && cmd != nil && (wantsJSON(cmd) || asksJSON(args)) && !errors.As(err, &no) {
		if perr := printFailure(cmd.OutOrStdout(), err); perr != nil {
			return errors.Join(err, perr)
		}
	}
	return err
}

// wantsJSON reports whether the command was run with --json.
func wantsJSON(cmd *cobra.Command) bool {
	f := cmd.Flags().Lookup("json")
	return f != nil && f.Value.String() == "true"
}

// answeredNo is a command that did its work and printed its answer, but the answer is no: a
// person refused at the door (the refusal is recorded). It exits with status 3, so that a script
// tells "not admitted" from "admitted" (0) and from a command that failed (1); under --json its
// answer is already on standard output, and nothing more is printed there.
//
// status, when set, is the exit status instead: verify's answer that the log is broken exits 1,
// as documented, its JSON already printed (review 23 read two JSON documents).
type answeredNo struct {
	why    string
	status int
}

func (e *answeredNo) Error() string { return e.why }

// ExitCode is the status the familytime command exits with.
func (e *answeredNo) ExitCode() int {
	if e.status != 0 {
		return e.status
	}
	return 3
}

// asksJSON reports whether args ask for --json (before a "--", after which nothing is a flag).
func asksJSON(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "--json", "--json=true", "--json=1", "--json=t", "--json=TRUE", "--json=True":
			return true
		}
	}
	return false
}

// failure is a failed command as --json prints it: the service's code, reason and message, and
// the fields at fault; for a command refused before it called a service, the same, made here
// (local).
type failure struct {
	Code    string       `json:"code,omitempty"`
	Reason  string       `json:"reason,omitempty"`
	Message string       `json:"message"`
	Fields  []fieldFault `json:"field_violations,omitempty"`
}

type fieldFault struct {
	Field       string `json:"field"`
	Description string `json:"description"`
}

// printFailure writes {"error": failure} for err.
func printFailure(w io.Writer, err error) error {
	f := local(err)
	var answered interface{ GRPCStatus() *status.Status }
	if errors.As(err, &answered) && answered.GRPCStatus() != nil {
		f = failure{}
		st := answered.GRPCStatus()
		f.Code, f.Message = st.Code().String(), printable(st.Message(), true)
		for _, d := range st.Details() {
			switch d := d.(type) {
			case *errdetails.ErrorInfo:
				f.Reason = d.GetReason()
			case *errdetails.BadRequest:
				for _, v := range d.GetFieldViolations() {
					f.Fields = append(f.Fields, fieldFault{Field: v.GetField(), Description: printable(v.GetDescription(), true)})
				}
			}
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(map[string]failure{"error": f})
}

// The reasons of the command's own refusals, made before it calls a service (local). A service
// names the request's field at fault; these name the flag.
const (
	// ReasonFlagInvalid: a flag's value is refused, or two flags do not go together.
	ReasonFlagInvalid = "FLAG_INVALID"
	// ReasonFlagMissing: a flag the command needs is not given.
	ReasonFlagMissing = "FLAG_MISSING"
	// ReasonFlagUnknown: the command has no such flag.
	ReasonFlagUnknown = "FLAG_UNKNOWN"
	// ReasonFileInvalid: the request file (--file) cannot be read, or is not the request.
	ReasonFileInvalid = "FILE_INVALID"
	// ReasonArgumentInvalid: too many or too few arguments, or one that is not an id.
	ReasonArgumentInvalid = "ARGUMENT_INVALID"
	// ReasonDevNotRunning: no familytime dev runs in the data folder, and no --addr and --token.
	ReasonDevNotRunning = "DEV_PLATFORM_NOT_RUNNING"
	// ReasonClockNotSimulated: the dev platform runs on the real clock, which nothing moves.
	ReasonClockNotSimulated = "CLOCK_NOT_SIMULATED"
)

// flagFault is a refusal of a flag's input whose words do not start with the flag (a request
// file's content): the flag and the reason --json gives (local).
type flagFault struct {
	flag, reason string
	err          error
}

func (e *flagFault) Error() string { return e.err.Error() }
func (e *flagFault) Unwrap() error { return e.err }

// refuse is a refusal the command makes itself that is not about its input, with the code and
// reason a service would give, for --json; its words for a person are text.
func refuse(code codes.Code, reason, text string) error {
	st, err := status.New(code, text).WithDetails(&errdetails.ErrorInfo{Reason: reason, Domain: grpcx.Domain})
	if err != nil {
		st = status.New(code, text)
	}
	return &refusal{text: text, status: st}
}

var (
	leadingFlag   = regexp.MustCompile(`^(--[a-z][a-z0-9-]*)`)
	anyFlag       = regexp.MustCompile(`(--[a-z][a-z0-9-]*)`)
	unknownFlag   = regexp.MustCompile(`^unknown (?:shorthand )?flag: (?:'.' in )?(-{1,2}[^\s=]+)`)
	flagNoValue   = regexp.MustCompile(`^flag needs an argument: (?:'.' in )?(-{1,2}[^\s=]+)`)
	requiredFlags = regexp.MustCompile(`^required flag\(s\) (.*) not set$`)
	flagGroup     = regexp.MustCompile(`^(if any flags in the group|at least one of the flags in the group) \[([^\]]*)\]`)
	quoted        = regexp.MustCompile(`"([^"]+)"`)
	badArguments  = regexp.MustCompile(`^(accepts \d+ arg|accepts at most |accepts between |requires at least |unknown command |invalid argument |[a-z]+ id ".*" is not a UUID|\S+ needs a subcommand)`)
)

// local is a failure the command met without a service's answer, as --json prints it (review 42:
// its refusals carried their message alone, while the README promises every refusal's code and
// reason). A refusal of its input is InvalidArgument, with a reason and the flag at fault, read
// here, in one place, from the words every such refusal starts with: the flag ("--note must
// say ..."), "give" or "say" and the flag missing, or cobra's and pflag's own words (an unknown
// flag, a required one, the arguments). Any other failure (a file or the network) is Unknown, as
// gRPC calls an error it cannot place.
func local(err error) failure {
	msg := err.Error()
	f := failure{Code: codes.Unknown.String(), Message: printable(msg, true)}
	refused := func(reason string, flags ...string) failure {
		f.Code, f.Reason = codes.InvalidArgument.String(), reason
		for _, flag := range flags {
			f.Fields = append(f.Fields, fieldFault{Field: flag, Description: f.Message})
		}
		return f
	}
	var fault *flagFault
	if errors.As(err, &fault) {
		return refused(fault.reason, fault.flag)
	}
	if m := unknownFlag.FindStringSubmatch(msg); m != nil {
		return refused(ReasonFlagUnknown, m[1])
	}
	if m := flagNoValue.FindStringSubmatch(msg); m != nil {
		return refused(ReasonFlagInvalid, m[1])
	}
	if m := requiredFlags.FindStringSubmatch(msg); m != nil {
		return refused(ReasonFlagMissing, flagsIn(quoted.FindAllStringSubmatch(m[1], -1))...)
	}
	if m := flagGroup.FindStringSubmatch(msg); m != nil {
		reason := ReasonFlagInvalid
		if strings.HasPrefix(m[1], "at least") {
			reason = ReasonFlagMissing
		}
		var flags []string
		for _, name := range strings.Fields(m[2]) {
			flags = append(flags, "--"+name)
		}
		return refused(reason, flags...)
	}
	if m := pflagInvalid.FindStringSubmatch(msg); m != nil { // a value flagInWords leaves in pflag's words
		flag := m[2]
		if i := strings.LastIndex(flag, " "); i >= 0 {
			flag = flag[i+1:]
		}
		return refused(ReasonFlagInvalid, flag)
	}
	if m := leadingFlag.FindStringSubmatch(msg); m != nil {
		return refused(ReasonFlagInvalid, m[1])
	}
	if strings.HasPrefix(msg, "give ") || strings.HasPrefix(msg, "say ") {
		if m := anyFlag.FindStringSubmatch(msg); m != nil {
			return refused(ReasonFlagMissing, m[1])
		}
	}
	if badArguments.MatchString(msg) {
		return refused(ReasonArgumentInvalid)
	}
	return f
}

// flagsIn are the flags cobra quotes by name ("reason", "centre").
func flagsIn(names [][]string) []string {
	flags := make([]string, len(names))
	for i, m := range names {
		flags[i] = fmt.Sprintf("--%s", m[1])
	}
	return flags
}
