// Package natsembed runs a NATS server with JetStream inside the process: the dev server's
// default, and one per test in the test kit.
package natsembed

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Options configure an embedded server.
type Options struct {
	// StoreDir holds JetStream's file storage; a second start with the same folder keeps the streams.
	StoreDir string
	// Port at 127.0.0.1; 0 picks a free one (another NATS may already hold 4222).
	Port int
	// Credentials, when set, are the only user the server lets in: a client without them is
	// refused (Authorization Violation). Without them the server is open to anyone who reaches
	// the port, which only tests may want.
	Credentials *Credentials
}

// Credentials are a user and password of the embedded server.
type Credentials struct {
	User     string
	Password string
}

// CredentialsUser is the user of the credentials LoadOrCreateCredentials makes.
const CredentialsUser = "familytime"

// NewCredentials makes credentials with a random password (32 hex digits, 128 bits).
func NewCredentials() Credentials {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on the platforms the services run on
	}
	return Credentials{User: CredentialsUser, Password: hex.EncodeToString(b)}
}

// LoadOrCreateCredentials reads the credentials in path ("user:password" on one line), first
// writing new ones there (0600) if the file does not exist: the dev platform's, kept with its
// data so a restart (and every service it starts) uses the same ones.
func LoadOrCreateCredentials(path string) (Credentials, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return Credentials{}, fmt.Errorf("NATS credentials: %w", err)
		}
		c := NewCredentials()
		_, err = f.WriteString(c.User + ":" + c.Password + "\n")
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return Credentials{}, fmt.Errorf("NATS credentials: %w", err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return Credentials{}, fmt.Errorf("NATS credentials: %w", err)
	}
	user, password, ok := strings.Cut(strings.TrimSpace(string(b)), ":")
	if !ok || user == "" || password == "" || strings.ContainsAny(user+password, " \t\r\n@/") {
		return Credentials{}, fmt.Errorf("NATS credentials %s: not one line \"user:password\" (delete the file for new ones)", path)
	}
	return Credentials{User: user, Password: password}, nil
}

// Server is a running embedded NATS server.
type Server struct {
	srv   *server.Server
	creds *Credentials
}

// Start starts the server and waits until it accepts connections.
func Start(opts Options) (*Server, error) {
	port := opts.Port
	if port == 0 {
		port = server.RANDOM_PORT
	}
	sopts := &server.Options{
		Host:      "127.0.0.1",
		Port:      port,
		JetStream: true,
		StoreDir:  opts.StoreDir,
		NoLog:     true,
		NoSigs:    true,
	}
	if c := opts.Credentials; c != nil {
		if c.User == "" || c.Password == "" {
			return nil, errors.New("configure embedded NATS: credentials need a user and a password")
		}
		sopts.Username, sopts.Password = c.User, c.Password
	}
	srv, err := server.NewServer(sopts)
	if err != nil {
		return nil, fmt.Errorf("configure embedded NATS: %w", err)
	}
	go srv.Start()
	if !srv.ReadyForConnections(30 * time.Second) {
		srv.Shutdown()
		return nil, fmt.Errorf("embedded NATS did not start on 127.0.0.1:%d within 30s (is the port taken?)", opts.Port)
	}
	return &Server{srv: srv, creds: opts.Credentials}, nil
}

// URL is the client URL to connect with: nats://user:password@127.0.0.1:<port> when the server
// requires credentials, else nats://127.0.0.1:<port>. It carries the password: never log it
// (Address is the same without them).
func (s *Server) URL() string {
	if s.creds == nil {
		return s.srv.ClientURL()
	}
	u := url.URL{Scheme: "nats", User: url.UserPassword(s.creds.User, s.creds.Password), Host: s.hostPort()}
	return u.String()
}

// Address is the client URL without credentials, nats://127.0.0.1:<port>: what may be shown.
func (s *Server) Address() string { return "nats://" + s.hostPort() }

func (s *Server) hostPort() string { return net.JoinHostPort("127.0.0.1", fmt.Sprint(s.Port())) }

// Port is the client port the server listens on.
func (s *Server) Port() int { return s.srv.Addr().(*net.TCPAddr).Port }

// Stop shuts the server down and waits until it has.
func (s *Server) Stop() {
	s.srv.Shutdown()
	s.srv.WaitForShutdown()
}
