package host

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"

	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/migrate"
	"github.com/familytime/familytime/services/platform/pgpool"
	"github.com/familytime/familytime/services/platform/seal"
	"github.com/familytime/familytime/services/platform/telemetry"
)

// Config is a service process's configuration, from flags, each defaulting to an environment
// variable. It is printed at start with secrets masked.
type Config struct {
	Service string
	// DatabaseURL connects as the service's runtime role (DATABASE_URL).
	DatabaseURL string
	// MigrateURL connects as the database owner to apply migrations at start (MIGRATE_DATABASE_URL);
	// empty skips them (a deployment job applies them).
	MigrateURL  string
	RuntimeRole string
	NATSURL     string
	GRPCAddr    string
	AdminAddr   string
	Issuer      string
	Audience    string
	KeyFile     string
	JWKSURL     string
	// ServiceTokenFile holds the service's own token for calls to other services, kept fresh by
	// the platform (a projected service-account token); it is re-read when it changes.
	ServiceTokenFile string
	// KeystoreURL connects to the service's key store, a database apart from the events, as its
	// runtime role (KEYSTORE_URL); empty for a service without personal data.
	KeystoreURL string
	// KeystoreMigrateURL connects to the key store as its owner to apply its migrations at start
	// (KEYSTORE_MIGRATE_URL); empty skips them.
	KeystoreMigrateURL string
	// KEKDir is a folder of key-encryption keys, one base64 key per *.kek file, the last by name
	// the newest (KEK_DIR). KEKs lists them instead, comma-separated base64, oldest first (KEKS).
	// One of the two when KeystoreURL is set.
	KEKDir string
	KEKs   string
	// KEKPrimary names the KEK that wraps new keys, when not the newest (KEK_PRIMARY).
	KEKPrimary string
	// NATSReplicas is how many replicas the streams the service creates get (NATS_REPLICAS;
	// default 3, a production cluster; `familytime dev` uses 1). An existing stream's replicas are
	// never lowered.
	NATSReplicas int
	// NATSDuplicates is the streams' dedupe window (NATS_DUPLICATES, default 10m); an operator's
	// longer window is kept.
	NATSDuplicates time.Duration
	// BusKeyFile holds the platform's bus key, base64 (BUS_KEY_FILE); BusKey is the key itself
	// (BUS_KEY). One of the two is required: every service of the platform has the same key. A
	// key being rotated lists its secrets oldest first, by commas or lines: the newest signs.
	BusKeyFile string
	BusKey     string
	// VerifyEvery is how often the service checks its whole event log against its hash chains
	// (VERIFY_EVERY, default 24h; 0 never), the first time 10 minutes after it starts (VerifyLog).
	VerifyEvery time.Duration
	// envErr is why an environment variable could not be read as its flag's type.
	envErr error
}

// Flags registers the configuration flags.
func (c *Config) Flags(fs *flag.FlagSet) {
	env := func(name, def string) string {
		if v := os.Getenv(name); v != "" {
			return v
		}
		return def
	}
	fs.StringVar(&c.DatabaseURL, "database-url", env("DATABASE_URL", ""), "the service's database, as its runtime role (env DATABASE_URL)")
	fs.StringVar(&c.MigrateURL, "migrate-database-url", env("MIGRATE_DATABASE_URL", ""), "owner URL to apply migrations at start; empty skips them (env MIGRATE_DATABASE_URL)")
	fs.StringVar(&c.RuntimeRole, "runtime-role", env("RUNTIME_ROLE", "familytime_app"), "role the migrations grant privileges to (env RUNTIME_ROLE)")
	fs.StringVar(&c.NATSURL, "nats-url", env("NATS_URL", "nats://127.0.0.1:4222"), "NATS server (env NATS_URL)")
	fs.StringVar(&c.GRPCAddr, "grpc-addr", env("GRPC_ADDR", ":8080"), "gRPC listen address (env GRPC_ADDR)")
	fs.StringVar(&c.AdminAddr, "admin-addr", env("ADMIN_ADDR", ":9464"), "admin HTTP address for /metrics and /healthz (env ADMIN_ADDR)")
	fs.StringVar(&c.Issuer, "auth-issuer", env("AUTH_ISSUER", ""), "trusted token issuer (env AUTH_ISSUER)")
	fs.StringVar(&c.Audience, "auth-audience", env("AUTH_AUDIENCE", "familytime"), "token audience (env AUTH_AUDIENCE)")
	fs.StringVar(&c.KeyFile, "auth-key-file", env("AUTH_KEY_FILE", ""), "PEM public key or JWKS file that verifies tokens (env AUTH_KEY_FILE)")
	fs.StringVar(&c.JWKSURL, "auth-jwks-url", env("AUTH_JWKS_URL", ""), "identity provider's JWKS URL (env AUTH_JWKS_URL)")
	fs.StringVar(&c.ServiceTokenFile, "service-token-file", env("SERVICE_TOKEN_FILE", ""), "file with this service's own token for calls to other services (env SERVICE_TOKEN_FILE)")
	fs.StringVar(&c.KeystoreURL, "keystore-url", env("KEYSTORE_URL", ""), "the service's key store database (family keys), as its runtime role; empty for a service without personal data (env KEYSTORE_URL)")
	fs.StringVar(&c.KeystoreMigrateURL, "keystore-migrate-url", env("KEYSTORE_MIGRATE_URL", ""), "owner URL of the key store to apply its migrations at start; empty skips them (env KEYSTORE_MIGRATE_URL)")
	fs.StringVar(&c.KEKDir, "kek-dir", env("KEK_DIR", ""), "folder of key-encryption keys, one base64 key per *.kek file, the last by name the newest (env KEK_DIR)")
	fs.StringVar(&c.KEKs, "keks", "", "key-encryption keys instead of -kek-dir: comma-separated base64, oldest first (env KEKS)")
	fs.StringVar(&c.KEKPrimary, "kek-primary", env("KEK_PRIMARY", ""), "id of the KEK that wraps new keys; default the newest (env KEK_PRIMARY)")
	fs.StringVar(&c.BusKeyFile, "bus-key-file", env("BUS_KEY_FILE", ""), "file with the platform's bus key (32 bytes, base64; secrets being rotated one a line, oldest first), which authenticates events on NATS (env BUS_KEY_FILE)")
	fs.StringVar(&c.BusKey, "bus-key", "", "the platform's bus key itself, instead of -bus-key-file (env BUS_KEY)")
	// The secrets' flags default to nothing, their variables are read here: -help prints each
	// flag's default, and printed the keys themselves (review 19).
	c.KEKs, c.BusKey = os.Getenv("KEKS"), os.Getenv("BUS_KEY")
	fs.DurationVar(&c.VerifyEvery, "verify-every", 24*time.Hour, "how often to check the whole event log against its hash chains, the first time 10m after start; 0 never (env VERIFY_EVERY)")
	fs.IntVar(&c.NATSReplicas, "nats-replicas", 3, "replicas of the streams the service creates, 1 to 5; an existing stream's are never lowered (env NATS_REPLICAS)")
	fs.DurationVar(&c.NATSDuplicates, "nats-duplicates", bus.DefaultDuplicates, "the streams' dedupe window; an operator's longer one is kept (env NATS_DUPLICATES)")
	for _, f := range [][2]string{{"nats-replicas", "NATS_REPLICAS"}, {"nats-duplicates", "NATS_DUPLICATES"}, {"verify-every", "VERIFY_EVERY"}} {
		if v := os.Getenv(f[1]); v != "" {
			if err := fs.Set(f[0], v); err != nil {
				c.envErr = errors.Join(c.envErr, fmt.Errorf("%s=%q is not a valid -%s: %w", f[1], v, f[0], err))
			}
		}
	}
}

// Print writes the configuration with secrets masked.
func (c Config) Print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "%s configuration:\n", c.Service)
	for _, kv := range [][2]string{
		{"database-url", Redact(c.DatabaseURL)}, {"migrate-database-url", Redact(c.MigrateURL)}, {"runtime-role", c.RuntimeRole},
		{"nats-url", Redact(c.NATSURL)}, {"grpc-addr", c.GRPCAddr}, {"admin-addr", c.AdminAddr},
		{"nats-replicas", strconv.Itoa(c.NATSReplicas)}, {"nats-duplicates", c.NATSDuplicates.String()},
		{"auth-issuer", c.Issuer}, {"auth-audience", c.Audience}, {"auth-key-file", c.KeyFile}, {"auth-jwks-url", c.JWKSURL},
		{"service-token-file", c.ServiceTokenFile},
		{"keystore-url", Redact(c.KeystoreURL)}, {"keystore-migrate-url", Redact(c.KeystoreMigrateURL)},
		{"kek-dir", c.KEKDir}, {"keks", maskKEKs(c.KEKs)}, {"kek-primary", c.KEKPrimary},
		{"bus-key-file", c.BusKeyFile}, {"bus-key", maskSecret(c.BusKey)}, {"verify-every", c.VerifyEvery.String()},
	} {
		fmt.Fprintf(tw, "  %s\t%s\n", kv[0], kv[1])
	}
	tw.Flush()
}

// Streams are the options of the streams the service creates, or why the configuration cannot
// give them.
func (c Config) Streams() (bus.StreamOptions, error) {
	if c.envErr != nil {
		return bus.StreamOptions{}, c.envErr
	}
	if c.NATSReplicas < 1 || c.NATSReplicas > bus.MaxReplicas {
		return bus.StreamOptions{}, fmt.Errorf("nats-replicas (NATS_REPLICAS) must be 1 to %d, JetStream's maximum, not %d", bus.MaxReplicas, c.NATSReplicas)
	}
	if c.NATSDuplicates <= 0 {
		return bus.StreamOptions{}, fmt.Errorf("nats-duplicates (NATS_DUPLICATES) must be a positive duration such as 10m, not %s", c.NATSDuplicates)
	}
	return bus.StreamOptions{Replicas: c.NATSReplicas, Duplicates: c.NATSDuplicates}, nil
}

// BusKeyOf is the configured bus key, or why there is none to use.
func (c Config) BusKeyOf() (bus.Key, error) {
	switch {
	case c.BusKeyFile != "" && c.BusKey != "":
		return bus.Key{}, errors.New("set one of bus-key-file and bus-key, not both")
	case c.BusKeyFile != "":
		return bus.ReadKeyFile(c.BusKeyFile)
	case c.BusKey != "":
		k, err := bus.ParseKey(c.BusKey)
		if err != nil {
			return bus.Key{}, fmt.Errorf("bus-key (BUS_KEY): %w", err)
		}
		return k, nil
	}
	return bus.Key{}, errors.New("missing configuration: bus-key-file or bus-key (BUS_KEY_FILE or BUS_KEY), the platform's key that authenticates events on NATS (see -help)")
}

// maskSecret says whether a secret is set, never the secret.
func maskSecret(s string) string {
	if s == "" {
		return "(not set)"
	}
	return "(set, not shown)"
}

// maskKEKs says how many keys a KEKS list holds, never the keys.
func maskKEKs(list string) string {
	if strings.TrimSpace(list) == "" {
		return "(not set)"
	}
	n := 0
	for _, k := range strings.Split(list, ",") {
		if strings.TrimSpace(k) != "" {
			n++
		}
	}
	return fmt.Sprintf("(set: %d keys, not shown)", n)
}

// openKeyStore applies the key store's migrations if asked and opens its sealer; none without a
// key store.
func openKeyStore(ctx context.Context, cfg Config) (*seal.Sealer, *pgxpool.Pool, error) {
	if cfg.KeystoreURL == "" {
		if cfg.KEKDir != "" || cfg.KEKs != "" {
			return nil, nil, errors.New("key-encryption keys are configured but no keystore-url: set KEYSTORE_URL too")
		}
		return nil, nil, nil
	}
	var ring *seal.KeyRing
	var err error
	switch {
	case cfg.KEKDir != "" && cfg.KEKs != "":
		return nil, nil, errors.New("set one of kek-dir and keks, not both")
	case cfg.KEKDir != "":
		ring, err = seal.OpenKEKDir(cfg.KEKDir, cfg.KEKPrimary)
	case cfg.KEKs != "":
		ring, err = seal.ParseKEKs(cfg.KEKs, cfg.KEKPrimary)
	default:
		return nil, nil, errors.New("keystore-url is set but no key-encryption key: set kek-dir (KEK_DIR) or keks (KEKS)")
	}
	if err != nil {
		return nil, nil, err
	}
	if cfg.KeystoreMigrateURL != "" {
		conn, err := pgx.Connect(ctx, cfg.KeystoreMigrateURL)
		if err != nil {
			return nil, nil, fmt.Errorf("connect for key store migrations: %w", err)
		}
		err = migrate.Apply(ctx, conn, cfg.RuntimeRole, seal.Migrations())
		conn.Close(context.WithoutCancel(ctx))
		if err != nil {
			return nil, nil, fmt.Errorf("key store: %w", err)
		}
	}
	pool, err := pgpool.Open(ctx, cfg.KeystoreURL, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("key store: %w", err)
	}
	return seal.New(pool, ring), pool, nil
}

// Redact is a connection string fit to print or log: the password of a URL masked, and anything
// that is not a URL not shown at all.
func Redact(raw string) string {
	if raw == "" {
		return "(not set)"
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		// A keyword/value DSN ("host=... password=...") or something else: it may hold a
		// password anywhere, so none of it is printed.
		return "(set; not a URL, not shown)"
	}
	if u.Query().Has("password") {
		q := u.Query()
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// Main runs one service as its own process until ctx ends: config, telemetry, migrations,
// database, NATS, the service, its server; then a graceful stop.
func Main(ctx context.Context, args []string, service string, sets []migrate.Set, build func(Deps) (Service, error)) error {
	cfg := Config{Service: service}
	fs := flag.NewFlagSet(service, flag.ContinueOnError)
	cfg.Flags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	var missing []string
	for _, kv := range [][2]string{{"database-url", cfg.DatabaseURL}, {"auth-issuer", cfg.Issuer}} {
		if kv[1] == "" {
			missing = append(missing, kv[0])
		}
	}
	if cfg.KeyFile == "" && cfg.JWKSURL == "" {
		missing = append(missing, "auth-key-file or auth-jwks-url")
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing configuration: %s (see -help)", strings.Join(missing, ", "))
	}
	streams, err := cfg.Streams()
	if err != nil {
		return err
	}
	busKey, err := cfg.BusKeyOf()
	if err != nil {
		return err
	}
	if cfg.VerifyEvery < 0 {
		return fmt.Errorf("verify-every (VERIFY_EVERY) must be a duration such as 24h, or 0 never to check the log, not %s", cfg.VerifyEvery)
	}
	cfg.Print(os.Stderr)

	tel, err := telemetry.Setup(ctx, telemetry.Config{ServiceName: service, AdminAddr: cfg.AdminAddr})
	if err != nil {
		return err
	}
	defer tel.Shutdown(context.WithoutCancel(ctx)) //nolint:errcheck // best effort at exit
	log := tel.Logger

	if cfg.MigrateURL != "" {
		conn, err := pgx.Connect(ctx, cfg.MigrateURL)
		if err != nil {
			return fmt.Errorf("connect for migrations: %w", err)
		}
		err = migrate.Apply(ctx, conn, cfg.RuntimeRole, sets...)
		conn.Close(context.WithoutCancel(ctx))
		if err != nil {
			return err
		}
	}
	pool, err := pgpool.Open(ctx, cfg.DatabaseURL, 0)
	if err != nil {
		return fmt.Errorf("database: %w", err)
	}
	defer pool.Close()
	// Commands must keep working while NATS is down: connect in the background, reconnect forever;
	// the relay publishes what was appended meanwhile.
	nc, err := nats.Connect(cfg.NATSURL, nats.RetryOnFailedConnect(true), nats.MaxReconnects(-1), nats.Name(service))
	if err != nil {
		return fmt.Errorf("NATS: %w", err)
	}
	defer nc.Close()
	verifier, err := auth.NewVerifier(auth.VerifierConfig{Issuer: cfg.Issuer, Audience: cfg.Audience, KeyFile: cfg.KeyFile, JWKSURL: cfg.JWKSURL})
	if err != nil {
		return err
	}
	deps := Deps{Pool: pool, NATS: nc, BusKey: busKey, Logger: log, Streams: streams}
	if cfg.VerifyEvery > 0 {
		if err := VerifyLog(ctx, eventstore.New(pool).SignWith(busKey.ForLog(service)), 10*time.Minute, cfg.VerifyEvery, log); err != nil {
			return err
		}
	}
	sealer, keyPool, err := openKeyStore(ctx, cfg)
	if err != nil {
		return err
	}
	if sealer != nil {
		defer keyPool.Close()
		log.InfoContext(ctx, "key store open", "kek_ids", sealer.KeyRing().IDs(), "kek_primary", sealer.KeyRing().Primary().ID())
		deps.Sealer = sealer
		defer RewrapInBackground(ctx, sealer, log)()
	}
	if cfg.ServiceTokenFile != "" {
		deps.ServiceCredentials = &auth.TokenFileCredentials{Path: cfg.ServiceTokenFile}
	}
	svc, err := build(deps)
	if err != nil {
		return err
	}
	if a, ok := svc.(AdminHandlers); ok {
		for pattern, h := range a.AdminHandlers() {
			tel.Handle(pattern, h)
		}
	}
	if rd, ok := svc.(Readier); ok {
		tel.Handle("GET /readyz", readyHandler(rd))
	}
	running, err := Start(ctx, svc, verifier, log, cfg.GRPCAddr)
	if err != nil {
		return err
	}
	log.InfoContext(ctx, "service started", "grpc_addr", running.Addr, "admin_addr", tel.AdminAddr())
	<-ctx.Done()
	log.Info("stopping")
	stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), waitStop)
	defer cancel()
	running.Stop(stopCtx)
	return nil
}

// Exit runs a service's run function the way its process runs: until SIGTERM or Ctrl-C, then
// exit status 0; 1 with the error on stderr when run fails; 0 after -help.
func Exit(service string, run func(ctx context.Context, args []string) error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, service+":", err)
		os.Exit(1)
	}
}

// readyHandler answers /readyz: 200 "ready" while rd is, 503 with why not otherwise (nothing
// personal: relay.Relay.Ready says which stream and how many events).
func readyHandler(rd Readier) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if err := rd.Ready(); err != nil {
			http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, "ready\n")
	})
}
