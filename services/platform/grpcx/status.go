package grpcx

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/paging"
	"github.com/familytime/familytime/services/platform/problem"
)

// Domain is the ErrorInfo domain of every Familytime error.
const Domain = "familytime"

// The reasons of the refusals that name no rule of their own, so that every refusal carries one
// (review 43: a malformed id under --json gave a code and fields but no reason to switch on).
const (
	// ReasonFieldInvalid: a request's field is refused; BadRequest names the fields at fault.
	ReasonFieldInvalid = "FIELD_INVALID"
	// ReasonNotFound: the record asked for is not there (or not the caller's to know of).
	ReasonNotFound = "NOT_FOUND"
	// ReasonDatabaseUnavailable: the service's database (or key store) went away during the
	// request, which did not commit: retry it with the same request id.
	ReasonDatabaseUnavailable = "DATABASE_UNAVAILABLE"
	// ReasonDatabaseBehindItsStream: the service's database holds fewer events than its stream
	// (restored from a backup, or failed over to a standby that lagged): it records nothing until
	// an operator recovers it (eventstore.ErrBehindStream, decisions.md 370).
	ReasonDatabaseBehindItsStream = "DATABASE_BEHIND_ITS_STREAM"
)

// databaseGone reports whether err is PostgreSQL going away or refusing connections: a
// connection exception (SQLSTATE class 08), the server shutting down or starting up (57P01,
// 57P02, 57P03), or a connection that could not be made or was cut.
func databaseGone(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return strings.HasPrefix(pg.Code, "08") || pg.Code == "57P01" || pg.Code == "57P02" || pg.Code == "57P03"
	}
	var connect *pgconn.ConnectError
	var network net.Error
	return errors.As(err, &connect) || errors.As(err, &network) || errors.Is(err, io.ErrUnexpectedEOF) || pgconn.SafeToRetry(err)
}

// Status maps a handler's error to its gRPC status: the one place where domain errors become
// codes. Errors it does not know are logged and returned as a generic Internal, so no internal
// detail reaches the caller.
func Status(ctx context.Context, log *slog.Logger, err error) error {
	if err == nil {
		return nil
	}
	if st, ok := status.FromError(err); ok && st.Code() != codes.Unknown {
		return err
	}
	var (
		invalid   *problem.InvalidError
		storeErr  *eventstore.ValidationError
		rule      *problem.RuleError
		notFound  *problem.NotFoundError
		conflict  *problem.ConflictError
		versioned *eventstore.ConflictError
	)
	switch {
	case errors.As(err, &invalid):
		vs := make([]fieldViolation, len(invalid.Violations))
		for i, v := range invalid.Violations {
			vs[i] = fieldViolation{field: v.Field, reason: v.Reason}
		}
		return invalidArgument(vs)
	case errors.As(err, &storeErr):
		return invalidArgument([]fieldViolation{{field: storeErr.Field, reason: storeErr.Reason}})
	case errors.Is(err, paging.ErrBadToken):
		return invalidArgument([]fieldViolation{{field: "page_token", reason: err.Error()}})
	case errors.As(err, &rule):
		return withInfo(codes.FailedPrecondition, rule.Message, rule.Reason)
	case errors.As(err, &notFound):
		return withInfo(codes.NotFound, notFound.Error(), ReasonNotFound)
	case errors.As(err, &conflict):
		return withInfo(codes.AlreadyExists, conflict.Message, conflict.Reason)
	case errors.As(err, &versioned), errors.Is(err, eventstore.ErrVersionConflict):
		return withInfo(codes.Aborted, "someone else changed this record first: reload it and try again", "VERSION_CONFLICT")
	case errors.Is(err, eventstore.ErrOutcomeUnknown):
		// The commit was sent and its answer lost: the caller must not assume it failed. The same
		// request id finds the first outcome if there was one (package command).
		return withInfo(codes.Unavailable, "the outcome of this request is unknown: retry it with the same request_id", "OUTCOME_UNKNOWN")
	case errors.Is(err, eventstore.ErrBehindStream):
		// Not committed: the store refused it before writing anything. Nothing personal in it.
		return withInfo(codes.Unavailable, "this service records nothing for now: its database has lost events that were already published "+
			"(restored from a backup, or failed over), and new ones would be taken for them; an operator must recover it "+
			"(docs/runbook.md, \"Restoring a service's database\"); retry later with the same request_id", ReasonDatabaseBehindItsStream)
	case errors.Is(err, context.Canceled):
		return status.Error(codes.Canceled, "request cancelled")
	case errors.Is(err, context.DeadlineExceeded):
		return status.Error(codes.DeadlineExceeded, "deadline exceeded")
	case databaseGone(err):
		// After the context's own ends, which a net.Error also matches. Not committed (a commit
		// cut off is ErrOutcomeUnknown, above): the same request id retried appends once. Logged,
		// as an operator needs to know (review 47: a dev platform killed mid-command answered
		// "internal error").
		log.WarnContext(ctx, "request failed: database unavailable", "error", err)
		return withInfo(codes.Unavailable, "the service lost its database for a moment: retry the request with the same request_id",
			ReasonDatabaseUnavailable)
	}
	log.ErrorContext(ctx, "request failed", "error", err)
	return status.Error(codes.Internal, "internal error")
}

type fieldViolation struct {
	field, reason string
}

func invalidArgument(vs []fieldViolation) error {
	br := &errdetails.BadRequest{}
	msg := "invalid request"
	for i, v := range vs {
		br.FieldViolations = append(br.FieldViolations, &errdetails.BadRequest_FieldViolation{Field: v.field, Description: v.reason})
		if i == 0 {
			msg += ": " + v.field + ": " + v.reason
		}
	}
	st, err := status.New(codes.InvalidArgument, msg).WithDetails(br, &errdetails.ErrorInfo{Reason: ReasonFieldInvalid, Domain: Domain})
	if err != nil {
		return status.Error(codes.InvalidArgument, msg)
	}
	return st.Err()
}

func withInfo(code codes.Code, msg, reason string) error {
	st, err := status.New(code, msg).WithDetails(&errdetails.ErrorInfo{Reason: reason, Domain: Domain})
	if err != nil {
		return status.Error(code, msg)
	}
	return st.Err()
}
