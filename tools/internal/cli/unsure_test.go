package cli

import (
	"context"
	"net"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
)

// lostAnswers is a safeguarding service whose PlaceHold receives the request and never answers:
// the platform stopping (or the connection breaking) after the request arrived.
type lostAnswers struct {
	safeguardingv1.UnimplementedSafeguardingServiceServer
	received chan string
	// refusal, when set, is the service's answer instead.
	refusal error
}

func (l *lostAnswers) PlaceHold(ctx context.Context, req *safeguardingv1.PlaceHoldRequest) (*safeguardingv1.PlaceHoldResponse, error) {
	if l.refusal != nil {
		return nil, l.refusal
	}
	l.received <- req.GetRequestId()
	<-ctx.Done()
	return nil, ctx.Err()
}

func (l *lostAnswers) ListHolds(context.Context, *safeguardingv1.ListHoldsRequest) (*safeguardingv1.ListHoldsResponse, error) {
	return nil, status.Error(codes.Unavailable, "shutting down")
}

// Review 71 finding 1: a command whose answer was lost said only "the platform does not answer:
// is familytime dev running?", never the request id it sent; retried with a new default id, it
// recorded a second hold. A command sent and not answered now says it may have been recorded and
// the --request-id that retries it safely (the id it sent); a read without one says what it said.
func TestACommandWithNoAnswerSaysTheRequestIDThatRetriesIt(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := grpc.NewServer()
	svc := &lostAnswers{received: make(chan string, 1)}
	safeguardingv1.RegisterSafeguardingServiceServer(srv, svc)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)

	id := uuid.NewString()
	go func() {
		<-svc.received
		srv.Stop() // the platform stops with the request in hand: its answer is lost
	}()
	conn := []string{"--addr", lis.Addr().String(), "--token", "a-token"}
	_, err = execute(t, append([]string{"safeguarding", "hold", "--centre", uuid.NewString(), "--family", uuid.NewString(),
		"--reason", "conduct", "--review-by", "2027-01-20", "--request-id", id}, conn...)...)
	require.Error(t, err)
	require.Contains(t, err.Error(), "it may have been recorded all the same")
	require.Contains(t, err.Error(), "Run the same command again with --request-id "+id)
	require.Contains(t, err.Error(), "["+ReasonOutcomeUnknown+"]")
	require.Equal(t, codes.Unavailable, status.Code(err))

	// Under --json the failure carries the words and the reason.
	lis2, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv2 := grpc.NewServer()
	svc2 := &lostAnswers{received: make(chan string, 1)}
	safeguardingv1.RegisterSafeguardingServiceServer(srv2, svc2)
	go func() { _ = srv2.Serve(lis2) }()
	t.Cleanup(srv2.Stop)
	go func() {
		<-svc2.received
		srv2.Stop()
	}()
	out, err := execute(t, "safeguarding", "hold", "--centre", uuid.NewString(), "--family", uuid.NewString(), "--reason", "conduct",
		"--review-by", "2027-01-20", "--request-id", id, "--json", "--addr", lis2.Addr().String(), "--token", "a-token")
	require.Error(t, err)
	f := failureOf(t, out)
	require.Equal(t, ReasonOutcomeUnknown, f.Reason)
	require.Contains(t, f.Message, "--request-id "+id)

	// A read carries no request id: nothing is recorded by it, and its failure is worded as before.
	lis3, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv3 := grpc.NewServer()
	safeguardingv1.RegisterSafeguardingServiceServer(srv3, &lostAnswers{})
	go func() { _ = srv3.Serve(lis3) }()
	t.Cleanup(srv3.Stop)
	_, err = execute(t, "safeguarding", "hold", "list", "--centre", uuid.NewString(), "--addr", lis3.Addr().String(), "--token", "a-token")
	require.Error(t, err)
	require.Contains(t, err.Error(), "the platform does not answer (shutting down)")
	require.NotContains(t, err.Error(), "--request-id")

	// A service that answers Unavailable with a reason of its own refused the command, which was not
	// recorded (decision 370): its words stand, with no retry advice.
	behind, err := status.New(codes.Unavailable, "the service's database is behind its event stream: nothing is recorded").
		WithDetails(&errdetails.ErrorInfo{Reason: "DATABASE_BEHIND_ITS_STREAM"})
	require.NoError(t, err)
	lis4, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv4 := grpc.NewServer()
	safeguardingv1.RegisterSafeguardingServiceServer(srv4, &lostAnswers{refusal: behind.Err()})
	go func() { _ = srv4.Serve(lis4) }()
	t.Cleanup(srv4.Stop)
	_, err = execute(t, "safeguarding", "hold", "--centre", uuid.NewString(), "--family", uuid.NewString(), "--reason", "conduct",
		"--review-by", "2027-01-20", "--request-id", id, "--addr", lis4.Addr().String(), "--token", "a-token")
	require.Error(t, err)
	require.NotContains(t, err.Error(), "--request-id")
	require.NotContains(t, err.Error(), ReasonOutcomeUnknown)
	require.Contains(t, err.Error(), "the service's database is behind its event stream: nothing is recorded [DATABASE_BEHIND_ITS_STREAM]")
}

// Review 79: a command refused at connection (nothing listening) was told it "may have been
// recorded". It was never sent: it says so, with no request id to retry with.
func TestACommandThatNeverReachedThePlatformSaysNothingWasRecorded(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := lis.Addr().String()
	require.NoError(t, lis.Close()) // nothing listens there now
	_, err = execute(t, "safeguarding", "hold", "--centre", uuid.NewString(), "--family", uuid.NewString(), "--reason", "conduct",
		"--review-by", "2027-01-20", "--addr", addr, "--token", "a-token")
	require.Error(t, err)
	require.Contains(t, err.Error(), "nothing was sent, so nothing was recorded")
	require.NotContains(t, err.Error(), "may have been recorded")
	require.Contains(t, err.Error(), "["+ReasonNotReached+"]")
	require.Equal(t, 1, strings.Count(err.Error(), ReasonNotReached), "the reason once (review 90 L1): %s", err)
	require.Equal(t, codes.Unavailable, status.Code(err))
}
