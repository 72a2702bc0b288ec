// Package grpcx is the one way to build a Familytime gRPC server and client. A server has health
// (open, for probes) and reflection (for authenticated callers) registered, OpenTelemetry
// tracing, panic recovery, one log line per call at the edge, bearer-token authentication,
// validation of every request against the protovalidate constraints in its .proto, and
// authorization by the service's declarative policy. Handlers return domain errors (package
// problem, eventstore); the server maps them to precise codes.
package grpcx

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"buf.build/go/protovalidate"
	"github.com/google/uuid"
	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/reflection"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/familytime/familytime/services/platform/auth"
)

// Authenticator turns a bearer token into the caller's claims; *auth.Verifier is one.
type Authenticator interface {
	Verify(ctx context.Context, token string) (*auth.Claims, error)
}

// ServerConfig configures a server. All fields are required.
type ServerConfig struct {
	Logger        *slog.Logger
	Authenticator Authenticator
	// Policy holds a rule for every RPC the server serves; anything else is refused.
	Policy auth.Policy
	// Staff, optional, is asked once a centre-scoped call is authorized, with the centre its
	// request names: it refuses a caller the centre's staff register does not clear, or gives the
	// context the caller acts in (staff.Gate).
	Staff StaffGate
}

// StaffGate decides a centre-scoped call by who the centre's staff are: it returns the context
// the call goes on in (the caller may act in another role than the token's first), or an error
// the server maps like a handler's.
type StaffGate func(ctx context.Context, method string, centre uuid.UUID) (context.Context, error)

// Server is a gRPC server with its health service.
type Server struct {
	*grpc.Server
	// Health reports serving status; set it NOT_SERVING while draining.
	Health    *health.Server
	cfg       ServerConfig
	validator protovalidate.Validator
	codec     *codec
}

// NewServer builds a server. Register services on it, then Serve.
func NewServer(cfg ServerConfig, opts ...grpc.ServerOption) (*Server, error) {
	if cfg.Logger == nil || cfg.Authenticator == nil || cfg.Policy == nil {
		return nil, errors.New("grpcx: logger, authenticator and policy are required")
	}
	v, err := protovalidate.New()
	if err != nil {
		return nil, fmt.Errorf("grpcx: validator: %w", err)
	}
	s := &Server{cfg: cfg, validator: v, Health: health.NewServer(), codec: &codec{}}
	opts = append([]grpc.ServerOption{
		grpc.ForceServerCodecV2(s.codec),
		grpc.StatsHandler(otelgrpc.NewServerHandler()),
		grpc.ChainUnaryInterceptor(s.unary),
		grpc.ChainStreamInterceptor(s.stream),
	}, opts...)
	s.Server = grpc.NewServer(opts...)
	healthpb.RegisterHealthServer(s.Server, s.Health)
	reflection.Register(s.Server)
	return s, nil
}

// public methods need no token: load balancers and orchestrators probe health without one.
func public(method string) bool {
	return strings.HasPrefix(method, "/grpc.health.v1.Health/")
}

// reflective methods describe the server's API to tools (grpcurl). They need a valid token like
// every other call, so an anonymous caller cannot map the API, but no policy rule: any
// authenticated caller may read the schema, which holds no data.
func reflective(method string) bool {
	return strings.HasPrefix(method, "/grpc.reflection.v1.ServerReflection/") ||
		strings.HasPrefix(method, "/grpc.reflection.v1alpha.ServerReflection/")
}

// unary runs, in order: recovery and the edge log line (outermost), authentication, validation,
// authorization, the handler, and the mapping of its error. Authentication comes before
// validation, so a caller without a token learns nothing about the request schema.
func (s *Server) unary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (resp any, err error) {
	start := time.Now()
	defer func() {
		if p := recover(); p != nil {
			s.cfg.Logger.ErrorContext(ctx, "panic in handler", "method", info.FullMethod, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			resp, err = nil, status.Error(codes.Internal, "internal error")
		}
		s.log(ctx, info.FullMethod, start, err)
	}()
	badText, hasBadText := s.codec.takeInvalid(req) // taken at once, so it is never left behind
	if public(info.FullMethod) {
		if hasBadText {
			return nil, invalidArgument([]fieldViolation{{field: badText, reason: "must be valid UTF-8"}})
		}
		return handler(ctx, req)
	}
	if ctx, err = s.authenticate(ctx); err != nil {
		return nil, err
	}
	if hasBadText {
		return nil, invalidArgument([]fieldViolation{{field: badText, reason: "must be valid UTF-8"}})
	}
	if reflective(info.FullMethod) {
		return handler(ctx, req)
	}
	msg, _ := req.(proto.Message)
	if err := s.validate(msg); err != nil {
		return nil, err
	}
	if err := s.cfg.Policy.Authorize(ctx, info.FullMethod, msg); err != nil {
		return nil, err
	}
	ctx = s.acting(s.cfg.Policy.Scope(ctx, info.FullMethod, msg), info.FullMethod)
	if centre, scoped := s.cfg.Policy.Centre(info.FullMethod, msg); scoped && s.cfg.Staff != nil {
		if ctx, err = s.cfg.Staff(ctx, info.FullMethod, centre); err != nil {
			return nil, Status(ctx, s.cfg.Logger, err)
		}
	}
	resp, err = handler(ctx, req)
	return resp, Status(ctx, s.cfg.Logger, err)
}

func (s *Server) stream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) (err error) {
	start := time.Now()
	ctx := ss.Context()
	defer func() {
		if p := recover(); p != nil {
			s.cfg.Logger.ErrorContext(ctx, "panic in handler", "method", info.FullMethod, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = status.Error(codes.Internal, "internal error")
		}
		s.log(ctx, info.FullMethod, start, err)
	}()
	if public(info.FullMethod) {
		return handler(srv, &serverStream{ServerStream: ss, ctx: ctx, codec: s.codec})
	}
	if ctx, err = s.authenticate(ctx); err != nil {
		return err
	}
	if reflective(info.FullMethod) {
		return handler(srv, &serverStream{ServerStream: ss, ctx: ctx, codec: s.codec})
	}
	// A streaming request's messages arrive later; the rule is checked on the caller alone, so a
	// centre-scoped streaming RPC is refused until it reads its centre from the stream itself.
	if err := s.cfg.Policy.Authorize(ctx, info.FullMethod, nil); err != nil {
		return err
	}
	ctx = s.acting(ctx, info.FullMethod)
	return Status(ctx, s.cfg.Logger, handler(srv, &serverStream{ServerStream: ss, ctx: ctx, codec: s.codec}))
}

// acting carries, once a call is authorized, the role its caller acts in, for the events it
// records.
func (s *Server) acting(ctx context.Context, method string) context.Context {
	c, _ := auth.FromContext(ctx)
	return auth.WithActingRole(ctx, s.cfg.Policy.ActingRole(method, c))
}

type serverStream struct {
	grpc.ServerStream
	ctx   context.Context
	codec *codec
}

func (s *serverStream) Context() context.Context { return s.ctx }

// RecvMsg refuses a streamed message that held invalid UTF-8, as unary requests are (codec.go).
func (s *serverStream) RecvMsg(m any) error {
	if err := s.ServerStream.RecvMsg(m); err != nil {
		return err
	}
	if field, bad := s.codec.takeInvalid(m); bad {
		return invalidArgument([]fieldViolation{{field: field, reason: "must be valid UTF-8"}})
	}
	return nil
}

func (s *Server) authenticate(ctx context.Context) (context.Context, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	values := md.Get("authorization")
	// Each refusal carries its reason (auth.ReasonToken*, decision 310): a client tells an expired
	// token, which wants a new one, from one it was never given.
	if len(values) == 0 {
		return ctx, withInfo(codes.Unauthenticated, "a bearer token is required", auth.ReasonTokenRequired)
	}
	token, ok := strings.CutPrefix(values[0], "Bearer ")
	if !ok {
		return ctx, withInfo(codes.Unauthenticated, "the authorization header must be: Bearer <token>", auth.ReasonTokenMalformed)
	}
	claims, err := s.cfg.Authenticator.Verify(ctx, strings.TrimSpace(token))
	if err != nil {
		return ctx, withInfo(codes.Unauthenticated, err.Error(), auth.TokenReason(err))
	}
	return auth.WithClaims(ctx, claims), nil
}

func (s *Server) validate(msg proto.Message) error {
	if msg == nil {
		return nil
	}
	err := s.validator.Validate(msg)
	var verr *protovalidate.ValidationError
	if errors.As(err, &verr) {
		violations := make([]fieldViolation, 0, len(verr.Violations))
		for _, v := range verr.Violations {
			field := protovalidate.FieldPathString(v.Proto.GetField())
			if field == "" {
				field = v.Proto.GetRuleId()
			}
			violations = append(violations, fieldViolation{field: field, reason: v.Proto.GetMessage()})
		}
		return invalidArgument(violations)
	}
	if err != nil {
		return status.Error(codes.Internal, "request validation failed")
	}
	return nil
}

func (s *Server) log(ctx context.Context, method string, start time.Time, err error) {
	code := status.Code(err)
	attrs := []any{"method", method, "code", code.String(), "duration_ms", float64(time.Since(start).Microseconds()) / 1000}
	if c, ok := auth.FromContext(ctx); ok {
		attrs = append(attrs, "caller", CallerRef(c.Subject))
	}
	level := slog.LevelInfo
	if code == codes.Internal || code == codes.Unknown || code == codes.DataLoss {
		level = slog.LevelError
	}
	s.cfg.Logger.Log(ctx, level, "grpc call", attrs...)
}

// CallerRef is how a log line names the account that called: the first 16 hex digits of the
// SHA-256 of its subject, never the subject. An identity provider's subject may be an e-mail
// address (decisions.md 83), which no log carries (review 14); an operator who knows the account
// computes the same reference to find its calls (`printf %s ACCOUNT | sha256sum | cut -c1-16`),
// and the audit of who did what is the events' metadata, not the logs.
func CallerRef(subject string) string {
	sum := sha256.Sum256([]byte(subject))
	return hex.EncodeToString(sum[:8])
}
