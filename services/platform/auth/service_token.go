package auth

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
)

// Service-to-service calls carry the calling service's own token, never a user's: the callee
// authorizes the service (RoleService), and its audit names the service. The credentials below
// implement grpc's credentials.PerRPCCredentials, so a client connection puts a current token on
// every call.

// TokenFileCredentials reads the service's token from a file that something else keeps fresh (a
// Kubernetes projected service-account token, a secrets agent). The file is read again when it
// changes, so a rotated token is used from the next call.
type TokenFileCredentials struct {
	Path string
	// Secure requires TLS; development runs without it on loopback, production uses mTLS.
	Secure bool

	mu      sync.Mutex
	modTime time.Time
	size    int64
	token   string
}

// GetRequestMetadata adds the authorization header with the file's current token.
func (c *TokenFileCredentials) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fi, err := os.Stat(c.Path)
	if err != nil {
		return nil, fmt.Errorf("service token file: %w", err)
	}
	if c.token == "" || !fi.ModTime().Equal(c.modTime) || fi.Size() != c.size {
		b, err := os.ReadFile(c.Path)
		if err != nil {
			return nil, fmt.Errorf("service token file: %w", err)
		}
		tok := strings.TrimSpace(string(b))
		if tok == "" {
			return nil, fmt.Errorf("service token file %s is empty", c.Path)
		}
		c.token, c.modTime, c.size = tok, fi.ModTime(), fi.Size()
	}
	return map[string]string{"authorization": "Bearer " + c.token}, nil
}

// RequireTransportSecurity says whether the token may only travel over TLS.
func (c *TokenFileCredentials) RequireTransportSecurity() bool { return c.Secure }

// SigningCredentials mint the service's token themselves with a key the platform trusts (the
// dev platform's key), and mint a new one when a fifth of the old one's life is left.
type SigningCredentials struct {
	Key ed25519.PrivateKey
	// Options name the service: Subject "service:<name>", Roles [RoleService]; TTL defaults to an hour.
	Options MintOptions

	mu      sync.Mutex
	token   string
	renewAt time.Time
}

// ServiceMintOptions are the options of a service's own token.
func ServiceMintOptions(issuer, audience, service string) MintOptions {
	return MintOptions{Issuer: issuer, Audience: audience, Subject: "service:" + service, Roles: []Role{RoleService}, TTL: time.Hour}
}

// GetRequestMetadata adds the authorization header with a current token.
func (c *SigningCredentials) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token == "" || !time.Now().Before(c.renewAt) {
		o := c.Options
		if o.TTL <= 0 {
			o.TTL = time.Hour
		}
		if len(o.Roles) != 1 || o.Roles[0] != RoleService {
			return nil, errors.New("service credentials must carry exactly the service role")
		}
		tok, err := Mint(c.Key, o)
		if err != nil {
			return nil, err
		}
		c.token, c.renewAt = tok, time.Now().Add(o.TTL*4/5)
	}
	return map[string]string{"authorization": "Bearer " + c.token}, nil
}

// RequireTransportSecurity: minted tokens travel on loopback in development only.
func (c *SigningCredentials) RequireTransportSecurity() bool { return false }
