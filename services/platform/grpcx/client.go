package grpcx

import (
	"fmt"

	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/familytime/familytime/services/platform/auth"
)

// Dial opens a client connection that carries a person's token (the CLI's) on every call.
func Dial(target, token string, opts ...grpc.DialOption) (*grpc.ClientConn, error) {
	return DialAs(target, auth.BearerCredentials{Token: token}, opts...)
}

// DialAs opens a client connection that carries the credentials' token on every call and
// continues the caller's trace. A service calling another passes its own credentials
// (host.Deps.ServiceCredentials). Transport is plain TCP for development on loopback; production
// sets mTLS with a transport-credentials option.
func DialAs(target string, creds credentials.PerRPCCredentials, opts ...grpc.DialOption) (*grpc.ClientConn, error) {
	if creds == nil {
		return nil, fmt.Errorf("connect to %s: no credentials: every call carries a token", target)
	}
	opts = append([]grpc.DialOption{
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithStatsHandler(otelgrpc.NewClientHandler()),
		grpc.WithPerRPCCredentials(creds),
	}, opts...)
	conn, err := grpc.NewClient(target, opts...)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", target, err)
	}
	return conn, nil
}
