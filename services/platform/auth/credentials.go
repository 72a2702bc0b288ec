package auth

import "context"

// BearerCredentials puts a token on every outgoing call: the CLI's user token, or a service's own
// token on service-to-service calls. It implements grpc's credentials.PerRPCCredentials.
type BearerCredentials struct {
	Token string
	// Secure requires TLS; development runs without it on loopback, production uses mTLS.
	Secure bool
}

// GetRequestMetadata adds the authorization header.
func (b BearerCredentials) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer " + b.Token}, nil
}

// RequireTransportSecurity says whether the token may only travel over TLS.
func (b BearerCredentials) RequireTransportSecurity() bool { return b.Secure }
