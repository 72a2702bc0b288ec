package cli

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// A refusal reads as a sentence for a person, then the rule's reason code the README and the help
// name, for whoever looks it up or scripts on it (review 11).
func TestARefusalSaysItsReasonCode(t *testing.T) {
	st, err := status.New(codes.FailedPrecondition, "the family's case is for escorted contact").
		WithDetails(&errdetails.ErrorInfo{Reason: "CHILDREN_STAY_IN_CENTRE", Domain: "familytime"})
	require.NoError(t, err)
	require.EqualError(t, describe(st.Err()), "the family's case is for escorted contact [CHILDREN_STAY_IN_CENTRE]")
	require.EqualError(t, describe(status.Error(codes.PermissionDenied, "outside your centres")), "not allowed: outside your centres")
}

// A command run with --json that fails prints the failure as JSON on standard output, for a
// script: the service's code, reason, message and fields at fault, without the hints for a person;
// a command refused before it called a service, the same, with the flag at fault (review 11:
// nothing was printed; review 42: the message alone).
func TestAFailureIsPrintedAsJSONForScripts(t *testing.T) {
	st, err := status.New(codes.InvalidArgument, "details.adults[0].person_id: is missing").
		WithDetails(&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{
			{Field: "details.adults[0].person_id", Description: "is missing"}, {Field: "details.children[0].person_id", Description: "is missing"}}})
	require.NoError(t, err)
	var out bytes.Buffer
	require.NoError(t, printFailure(&out, describe(st.Err())))
	require.JSONEq(t, `{"error": {"code": "InvalidArgument", "message": "details.adults[0].person_id: is missing", "field_violations": [
		{"field": "details.adults[0].person_id", "description": "is missing"},
		{"field": "details.children[0].person_id", "description": "is missing"}]}}`, out.String())

	denied, err := status.New(codes.FailedPrecondition, "you act as a coordinator\x1b[2J").
		WithDetails(&errdetails.ErrorInfo{Reason: "NOT_IN_ROLE", Domain: "familytime"})
	require.NoError(t, err)
	out.Reset()
	wrapped := (&schedule{centre: "c"}).describe(denied.Err())
	require.Equal(t, codes.FailedPrecondition, status.Code(wrapped), "the words keep the service's answer")
	require.Equal(t, wrapped, (&schedule{centre: "c"}).describe(wrapped), "described once")
	require.NoError(t, printFailure(&out, wrapped))
	require.JSONEq(t, `{"error": {"code": "FailedPrecondition", "reason": "NOT_IN_ROLE", "message": "you act as a coordinator\\u001b[2J"}}`, out.String(),
		"nothing typed reaches the terminal raw")

	root := NewRoot()
	out.Reset()
	root.SetOut(&out)
	root.SetErr(io.Discard)
	err = Execute(t.Context(), root, []string{"referral", "amend", "7d1e2c3a-0000-4000-8000-000000000001", "--centre", "7d1e2c3a-0000-4000-8000-000000000002",
		"--file", "amended.yaml", "--expected-version", "-1", "--json"})
	require.EqualError(t, err, "--expected-version must be 0 or more, not -1")
	require.JSONEq(t, `{"error": {"code": "InvalidArgument", "reason": "FLAG_INVALID", "message": "--expected-version must be 0 or more, not -1",
		"field_violations": [{"field": "--expected-version", "description": "--expected-version must be 0 or more, not -1"}]}}`, out.String())

	root = NewRoot()
	out.Reset()
	root.SetOut(&out)
	root.SetErr(io.Discard)
	require.Error(t, Execute(t.Context(), root, []string{"referral", "amend", "7d1e2c3a-0000-4000-8000-000000000001", "--centre", "7d1e2c3a-0000-4000-8000-000000000002",
		"--file", "amended.yaml", "--expected-version", "-1"}))
	require.Empty(t, out.String(), "without --json, the sentence on standard error is all")

	// A flag that fails to parse stops the parsing before --json is seen: the failure is still
	// printed as JSON (review 13).
	root = NewRoot()
	out.Reset()
	root.SetOut(&out)
	root.SetErr(io.Discard)
	err = Execute(t.Context(), root, []string{"referral", "amend", "7d1e2c3a-0000-4000-8000-000000000001", "--centre", "7d1e2c3a-0000-4000-8000-000000000002",
		"--file", "amended.yaml", "--expected-version", "three", "--json"})
	require.EqualError(t, err, `--expected-version "three" is not a whole number`)
	require.JSONEq(t, `{"error": {"code": "InvalidArgument", "reason": "FLAG_INVALID", "message": "--expected-version \"three\" is not a whole number",
		"field_violations": [{"field": "--expected-version", "description": "--expected-version \"three\" is not a whole number"}]}}`, out.String())

	// A command whose answer is no (a person refused at the door) has printed its answer: under
	// --json nothing more is printed, and it exits 3, not 1.
	root = &cobra.Command{Use: "familytime", SilenceErrors: true, SilenceUsage: true}
	answers := &cobra.Command{Use: "checkin", RunE: func(cmd *cobra.Command, _ []string) error {
		fmt.Fprintln(cmd.OutOrStdout(), `{"admitted": false, "refusal": "NOT_NAMED"}`)
		return &answeredNo{why: "not admitted: NOT_NAMED"}
	}}
	answers.Flags().Bool("json", false, "")
	root.AddCommand(answers)
	out.Reset()
	root.SetOut(&out)
	err = Execute(t.Context(), root, []string{"checkin", "--json"})
	require.EqualError(t, err, "not admitted: NOT_NAMED")
	var status interface{ ExitCode() int }
	require.ErrorAs(t, err, &status)
	require.Equal(t, 3, status.ExitCode())
	require.JSONEq(t, `{"admitted": false, "refusal": "NOT_NAMED"}`, out.String(), "the answer alone, one JSON document")
}
