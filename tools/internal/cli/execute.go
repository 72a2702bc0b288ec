package cli

import (
	"context"
	"encoding/json"
	"errors"
	"io"

	"github.com/spf13/cobra"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/status"
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
// the fields at fault, or for a command refused before it called a service, the message alone.
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
	f := failure{Message: printable(err.Error(), true)}
	var answered interface{ GRPCStatus() *status.Status }
	if errors.As(err, &answered) && answered.GRPCStatus() != nil {
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
