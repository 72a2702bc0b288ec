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
func Execute(ctx context.Context, root *cobra.Command) error {
	cmd, err := root.ExecuteContextC(ctx)
	if err != nil && cmd != nil && wantsJSON(cmd) {
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
