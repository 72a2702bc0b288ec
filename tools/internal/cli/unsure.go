package cli

import (
	"context"
	"fmt"
	"strings"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// ReasonOutcomeUnknown: a command's request was sent, or may have been, and no answer came (the
// connection broke, the platform stopped, the commit's outcome is unknown, the command was
// interrupted). The words give the request id to send again.
const ReasonOutcomeUnknown = "OUTCOME_UNKNOWN"

// unanswered is a command's call that got no answer: the request, carrying requestID, may have been
// recorded. Review 71 (finding 1): the CLI said only "the platform does not answer: is familytime
// dev running?" and never the id it had sent, so the natural retry, with a new default id,
// recorded a second hold. The platform records a request id once and answers a repeat as the
// first time (platform/command), so the id is all a person needs to retry safely.
type unanswered struct {
	err       error
	requestID string
}

func (u *unanswered) Error() string { return u.words() }

func (u *unanswered) Unwrap() error { return u.err }

// words is the failure for a person: what happened, that the command may have been recorded, and
// the retry that records it at most once.
func (u *unanswered) words() string {
	st := status.Convert(u.err)
	what := "the platform did not answer (" + st.Message() + ")"
	if st.Code() == codes.Canceled {
		what = "the command was stopped before its answer came (" + st.Message() + ")"
	}
	return fmt.Sprintf("%s: it may have been recorded all the same. Run the same command again with --request-id %s: "+
		"a request id is recorded once, so a command already recorded is answered as the first time and nothing is recorded "+
		"twice (a new id would record it again). If the platform is not running, start it first (familytime dev) [%s]",
		what, u.requestID, ReasonOutcomeUnknown)
}

// GRPCStatus is the call's failure with the words and the reason, for --json (printFailure).
func (u *unanswered) GRPCStatus() *status.Status {
	st := status.New(status.Code(u.err), u.words())
	if withInfo, err := st.WithDetails(&errdetails.ErrorInfo{Reason: ReasonOutcomeUnknown,
		Metadata: map[string]string{"request_id": u.requestID}}); err == nil {
		return withInfo
	}
	return st
}

// sayRequestOnNoAnswer is the CLI's client interceptor: a call whose request carries a request id
// and that gets no answer (Unavailable, DeadlineExceeded, Canceled) fails as unanswered, naming
// the id. Reads (no request id) and answered refusals fail as they did.
func sayRequestOnNoAnswer(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	err := invoker(ctx, method, req, reply, cc, opts...)
	if err == nil {
		return nil
	}
	switch status.Code(err) {
	case codes.Unavailable, codes.DeadlineExceeded, codes.Canceled:
	default:
		return err
	}
	if refusedOutright(err) {
		return err
	}
	if neverSent(err) {
		return &unreached{err: err}
	}
	if id := requestIDOf(req); id != "" {
		return &unanswered{err: err, requestID: id}
	}
	return err
}

// ReasonNotReached: the platform could not be reached at all (nothing listens at the address, or
// it could not be dialled), so the command was never sent and nothing was recorded.
const ReasonNotReached = "PLATFORM_NOT_REACHED"

// neverSent reports whether a call failed before its request left this computer: the connection
// could not be made (grpc-go's "Error while dialing"; a call is sent only on a connection made).
// Review 79 was told of 64 commands refused at connection that they "may have been recorded".
func neverSent(err error) bool {
	st := status.Convert(err)
	return st.Code() == codes.Unavailable && strings.Contains(st.Message(), "Error while dialing")
}

// unreached is a call that never reached the platform: nothing was recorded, and the same
// command, run again once the platform answers, records it once.
type unreached struct{ err error }

func (u *unreached) Error() string { return u.words() }

func (u *unreached) Unwrap() error { return u.err }

func (u *unreached) words() string {
	return fmt.Sprintf("the platform could not be reached (%s): nothing was sent, so nothing was recorded. Start it "+
		"(familytime dev) or check --addr, then run the command again [%s]", status.Convert(u.err).Message(), ReasonNotReached)
}

// GRPCStatus is the call's failure with the words and the reason, for --json (printFailure).
func (u *unreached) GRPCStatus() *status.Status {
	st := status.New(codes.Unavailable, u.words())
	if withInfo, err := st.WithDetails(&errdetails.ErrorInfo{Reason: ReasonNotReached}); err == nil {
		return withInfo
	}
	return st
}

// refusedOutright reports whether a service answered the call with a reason of its own other than
// OUTCOME_UNKNOWN: it refused the command, which was not recorded (DATABASE_BEHIND_ITS_STREAM, a
// service whose database is behind its stream and appends nothing, decision 370), and its words
// say so; a retry with the same id is not what is needed.
func refusedOutright(err error) bool {
	for _, d := range status.Convert(err).Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok && info.GetReason() != "" && info.GetReason() != ReasonOutcomeUnknown {
			return true
		}
	}
	return false
}

// requestIDOf is the request_id field of a request, "" for a request without one.
func requestIDOf(req any) string {
	m, ok := req.(proto.Message)
	if !ok {
		return ""
	}
	r := m.ProtoReflect()
	f := r.Descriptor().Fields().ByName("request_id")
	if f == nil || f.Kind() != protoreflect.StringKind || f.IsList() {
		return ""
	}
	return r.Get(f).String()
}
