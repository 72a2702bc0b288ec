package simulate

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	devv1 "github.com/familytime/familytime/proto/gen/go/familytime/dev/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	reportingv1 "github.com/familytime/familytime/proto/gen/go/familytime/reporting/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Platform is where the simulation runs: each service's gRPC address, the clock's, and a key
// whose tokens the platform trusts (the dev platform's signing key), so that each centre's staff
// act with their own roles and centre.
type Platform struct {
	Referral, Scheduling, Safeguarding, Reporting, Clock string
	Key                                                  ed25519.PrivateKey
	Issuer, Audience                                     string
}

// conns are the simulation's connections and the commands it has sent.
type conns struct {
	referral     referralv1.ReferralServiceClient
	scheduling   schedulingv1.SchedulingServiceClient
	safeguarding safeguardingv1.SafeguardingServiceClient
	reporting    reportingv1.ReportingServiceClient
	clock        devv1.DevClockServiceClient
	closers      []*grpc.ClientConn
	p            Platform
	mu           sync.Mutex
	tokens       map[string]string
	commands     counter
}

func dial(p Platform) (*conns, error) {
	c := &conns{p: p, tokens: map[string]string{}}
	open := func(addr string) (*grpc.ClientConn, error) {
		if addr == "" {
			return nil, errors.New("a service address is missing")
		}
		cc, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err == nil {
			c.closers = append(c.closers, cc)
		}
		return cc, err
	}
	for _, x := range []struct {
		addr string
		set  func(*grpc.ClientConn)
	}{
		{p.Referral, func(cc *grpc.ClientConn) { c.referral = referralv1.NewReferralServiceClient(cc) }},
		{p.Scheduling, func(cc *grpc.ClientConn) { c.scheduling = schedulingv1.NewSchedulingServiceClient(cc) }},
		{p.Safeguarding, func(cc *grpc.ClientConn) { c.safeguarding = safeguardingv1.NewSafeguardingServiceClient(cc) }},
		{p.Reporting, func(cc *grpc.ClientConn) { c.reporting = reportingv1.NewReportingServiceClient(cc) }},
		{p.Clock, func(cc *grpc.ClientConn) { c.clock = devv1.NewDevClockServiceClient(cc) }},
	} {
		cc, err := open(x.addr)
		if err != nil {
			c.close()
			return nil, err
		}
		x.set(cc)
	}
	return c, nil
}

func (c *conns) close() {
	for _, cc := range c.closers {
		_ = cc.Close()
	}
}

// as is ctx carrying a token for subject with roles, scoped to centre (none: national).
func (c *conns) as(ctx context.Context, subject string, centre uuid.UUID, roles ...auth.Role) (context.Context, error) {
	key := fmt.Sprint(subject, centre, roles)
	c.mu.Lock()
	tok, ok := c.tokens[key]
	c.mu.Unlock()
	if !ok {
		o := auth.MintOptions{Issuer: c.p.Issuer, Audience: c.p.Audience, Subject: subject, Roles: roles, TTL: 24 * time.Hour}
		if centre != uuid.Nil {
			o.Centres = []uuid.UUID{centre}
		}
		var err error
		if tok, err = auth.Mint(c.p.Key, o); err != nil {
			return nil, err
		}
		c.mu.Lock()
		c.tokens[key] = tok
		c.mu.Unlock()
	}
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+tok), nil
}

// call sends one command, again with the same request id while the platform is briefly unable to
// answer (Unavailable, or Aborted by a concurrent writer), and counts it.
func call[Req, Resp any](ctx context.Context, c *conns, f func(context.Context, Req, ...grpc.CallOption) (Resp, error), req Req) (Resp, error) {
	var resp Resp
	var err error
	for attempt := range 8 {
		resp, err = f(ctx, req)
		code := status.Code(err)
		if err == nil || (code != codes.Unavailable && code != codes.Aborted) {
			break
		}
		select {
		case <-ctx.Done():
			return resp, ctx.Err()
		case <-time.After(time.Duration(10<<attempt) * time.Millisecond):
		}
	}
	c.commands.add(1)
	return resp, err
}

// advance moves the platform's clock to t, once everything already sent has had its effects.
func (c *conns) advance(ctx context.Context, t time.Time) error {
	actx, err := c.as(ctx, "simulator", uuid.Nil, auth.RoleAdmin)
	if err != nil {
		return err
	}
	actx, cancel := context.WithTimeout(actx, 2*time.Minute)
	defer cancel()
	_, err = c.clock.AdvanceClock(actx, &devv1.AdvanceClockRequest{To: timestamppb.New(t)})
	if err != nil {
		return fmt.Errorf("advance the clock to %s: %w", t.Format(time.RFC3339), err)
	}
	return nil
}

// counter counts commands sent, for the progress line.
type counter struct {
	mu sync.Mutex
	n  int64
}

func (c *counter) add(n int64) {
	c.mu.Lock()
	c.n += n
	c.mu.Unlock()
}

func (c *counter) get() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// reasonOf is the reason a service gave for refusing a call (its ErrorInfo); empty for anything
// else.
func reasonOf(err error) string {
	for _, d := range status.Convert(err).Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			return info.GetReason()
		}
	}
	return ""
}
