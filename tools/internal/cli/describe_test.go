package cli

import (
	"testing"

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
