// Package devserver brings the platform up on one machine for development: an in-process NATS
// server with JetStream, PostgreSQL from DATABASE_URL or a private cluster started from the
// installed binaries, one migrated database per service, the services' streams, and every built
// service with its real gRPC server, relay and consumers. Everything
// lives in one data folder, so a second start reuses the data.
package devserver

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/services/platform/clock"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/host"
	"github.com/familytime/familytime/services/platform/migrate"
	"github.com/familytime/familytime/services/platform/natsembed"
	"github.com/familytime/familytime/services/platform/pgcluster"
	"github.com/familytime/familytime/services/platform/pgpool"
	"github.com/familytime/familytime/services/platform/seal"
	"github.com/familytime/familytime/services/platform/telemetry"
	"github.com/familytime/familytime/services/referral"
	"github.com/familytime/familytime/services/reporting"
	"github.com/familytime/familytime/services/safeguarding"
	"github.com/familytime/familytime/services/scheduling"
)

// Services are the platform's services; each gets its own database.
var Services = []string{"referral", "scheduling", "safeguarding", "reporting"}

// component is a service the dev platform runs (referral and safeguarding join as they are built).
type component struct {
	name       string
	migrations []migrate.Set
	build      func(host.Deps) (host.Service, error)
}

var components = []component{
	{referral.Name, referral.Migrations(), referral.New},
	{scheduling.Name, scheduling.Migrations(), scheduling.New},
	{safeguarding.Name, safeguarding.Migrations(), safeguarding.New},
	{reporting.Name, reporting.Migrations(), reporting.New},
}

// Dev tokens: issued and trusted only by the dev platform.
const (
	Issuer   = "familytime-dev"
	Audience = "familytime"
)

// publishing are the services that own a JetStream stream: every one, reporting's holding only
// the reads of families' histories, which no service consumes (decision 180).
var publishing = []string{"referral", "scheduling", "safeguarding", "reporting"}

// RuntimeRole is the role the services connect as in development.
const RuntimeRole = "familytime_app"

// Config says where the dev platform keeps its data and which servers to use.
type Config struct {
	// DataDir holds nats/, postgres/ (unless DatabaseURL is set) and dev.json.
	DataDir string
	// DatabaseURL is an owner (superuser) URL of an existing server; empty starts a private one.
	DatabaseURL string
	// NATSPort is the NATS client port; 0 picks a free one (another NATS may hold 4222).
	NATSPort int
	// DatabasePrefix names the services' databases: <prefix><service> (default "familytime_").
	DatabasePrefix string
	// SpanExporter, if set, receives every span (tests).
	SpanExporter sdktrace.SpanExporter
	// Clock is the services' clock: ClockReal (the default) or ClockSimulated, moved forward
	// through DevClockService (familytime simulate, familytime clock; decisions.md 70).
	Clock string
	// ClockStart is where a new simulated clock stands (a data folder's clock resumes where it
	// was left): zero is the start of today in the UK, the centres' date.
	ClockStart time.Time
	// SeedFrom, when set and no service has recorded an event yet, runs the services on a
	// simulated clock standing at SeedFrom while the demo data is recorded (Seeding), until
	// EndSeeding hands over to the real clock (or, with Clock simulated, to a simulated one
	// standing at the start of today).
	SeedFrom time.Time
	// Processes runs each service in an OS process of its own (this program again, as
	// ServiceProcess), so that each has its own resident memory and /metrics; the dev process
	// keeps NATS, PostgreSQL, the keys and the clock (decisions.md 72). Not with SeedFrom yet.
	// SpanExporter then sees only the dev process's own spans.
	Processes bool
}

// Info is what a running dev platform tells its clients; it is written to <data>/dev.json.
type Info struct {
	// NATSURL is NATS's client URL with the platform's user and password in it (the server
	// refuses a client without them): `nats --server "$(jq -r .nats_url .familytime/dev.json)"`.
	// It is never printed nor logged; NATSAddress is the same without the credentials.
	NATSURL     string `json:"nats_url"`
	NATSAddress string `json:"nats_address"`
	// NATSCredentialsFile holds the NATS user and password ("user:password", 0600), made at the
	// first start and kept with the data.
	NATSCredentialsFile string `json:"nats_credentials_file"`
	PostgresURL         string `json:"postgres_url"` // password masked
	Private             bool   `json:"private_postgres"`
	// PostgresDir holds the private cluster: <data>/postgres, or, as root when the user "nobody"
	// that runs it cannot enter the data folder, /var/lib/familytime/postgres-<hash> (pgcluster).
	PostgresDir string            `json:"postgres_dir,omitempty"`
	Databases   map[string]string `json:"databases"` // service -> runtime-role URL
	Streams     []string          `json:"streams"`
	// Services are the gRPC addresses of the running services.
	Services map[string]string `json:"services"`
	// KeyStores are the key store databases of the services that hold personal data: service ->
	// runtime-role URL. They are apart from the events (<prefix><service>_keys).
	KeyStores map[string]string `json:"key_stores"`
	// KEKDir holds the dev key-encryption keys, one 0600 *.kek file each, the last the newest.
	KEKDir string `json:"kek_dir"`
	// BusKeyFile holds the platform's bus key (0600), which authenticates the events on NATS.
	BusKeyFile string `json:"bus_key_file"`
	// AdminToken is a ready-to-use token with the admin role, valid for 30 days.
	AdminToken string `json:"admin_token"`
	// MetricsURL serves Prometheus metrics of every service; with --processes, of the dev
	// process only (NATS, the clock service), and each service's are in Processes.
	MetricsURL string `json:"metrics_url"`
	// DashboardURL is reporting's page of the published figures, for a person to open in a
	// browser (on reporting's admin port, beside /figures).
	DashboardURL string `json:"dashboard_url"`
	// Processes are the services' own processes, with --processes: service -> PID and metrics.
	Processes map[string]Process `json:"processes,omitempty"`
	// Clock is the services' clock: real, simulated or seeding.
	Clock string `json:"clock"`
	// ClockAddr serves DevClockService while the clock is simulated or seeding.
	ClockAddr string `json:"clock_addr,omitempty"`
	// ClockStart is where the simulated clock stood when the platform started; ClockResumed says
	// it was the data folder's clock, resumed.
	ClockStart   time.Time `json:"clock_start,omitzero"`
	ClockResumed bool      `json:"clock_resumed,omitempty"`
	// LogFile receives the services' JSON logs.
	LogFile   string    `json:"log_file"`
	DataDir   string    `json:"data_dir"`
	StartedAt time.Time `json:"started_at"`
	PID       int       `json:"pid"`
}

// Platform is a running dev platform.
type Platform struct {
	Info      Info
	nats      *natsembed.Server
	cluster   *pgcluster.Cluster
	lock      *os.File
	telemetry *telemetry.Telemetry
	logFile   *os.File
	nc        *nats.Conn
	pools     []*pgxpool.Pool
	poolOf    map[string]*pgxpool.Pool
	clock     *simClock
	// seedThenSimulate: seeding hands over to a simulated clock, not the real one (EndSeeding).
	seedThenSimulate bool
	running          []*host.Running
	keks             *seal.KeyRing
	busKey           bus.Key
	rewraps          []func()
	procs            []*serviceProcess
	failed           chan error
}

// Start brings the platform up. Every error says what to do about it.
func Start(ctx context.Context, cfg Config) (p *Platform, err error) {
	dir, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("data folder %s: %w", cfg.DataDir, err)
	}
	lock, err := lockDataDir(dir)
	if err != nil {
		return nil, err
	}
	if cfg.Processes && !cfg.SeedFrom.IsZero() {
		lock.Close()
		return nil, errors.New("--seed cannot be combined with --processes yet: seed once without it, then restart with --processes")
	}
	p = &Platform{lock: lock, failed: make(chan error, len(components)), Info: Info{DataDir: dir, Databases: map[string]string{},
		Services: map[string]string{}, StartedAt: time.Now().UTC(), PID: os.Getpid()}}
	defer func() {
		if err != nil {
			p.Stop(context.WithoutCancel(ctx))
		}
	}()
	if cfg.NATSPort != 0 {
		if err := portFree(cfg.NATSPort); err != nil {
			return p, fmt.Errorf("NATS port %d is taken (%v): choose another with --nats-port, or 0 for a free one", cfg.NATSPort, err)
		}
	}
	// NATS lets in only the platform's user: anyone else who reaches the port could otherwise
	// delete and recreate a service's durable consumer past an event (review 71; decisions.md 369).
	p.Info.NATSCredentialsFile = NATSCredentialsFile(dir)
	creds, err := natsembed.LoadOrCreateCredentials(p.Info.NATSCredentialsFile)
	if err != nil {
		return p, err
	}
	if p.nats, err = natsembed.Start(natsembed.Options{StoreDir: filepath.Join(dir, "nats"), Port: cfg.NATSPort, Credentials: &creds}); err != nil {
		return p, err
	}
	p.Info.NATSURL, p.Info.NATSAddress = p.nats.URL(), p.nats.Address()

	admin := cfg.DatabaseURL
	if admin == "" {
		p.cluster, err = pgcluster.Start(ctx, pgcluster.Options{Dir: filepath.Join(dir, "postgres"), Durable: true, Relocate: true})
		if err != nil {
			return p, fmt.Errorf("no DATABASE_URL, and a private PostgreSQL would not start: %w", err)
		}
		admin, p.Info.Private, p.Info.PostgresDir = p.cluster.URL("postgres"), true, p.cluster.Dir()
	}
	if p.Info.PostgresURL, err = masked(admin); err != nil {
		return p, err
	}
	if cfg.DatabasePrefix == "" {
		cfg.DatabasePrefix = "familytime_"
	}
	if err := p.prepareDatabases(ctx, admin, cfg.DatabasePrefix); err != nil {
		return p, err
	}
	p.Info.KEKDir = KEKDir(dir)
	if p.keks, err = seal.LoadOrCreateKEKDir(p.Info.KEKDir); err != nil {
		return p, err
	}
	p.Info.BusKeyFile = BusKeyFile(dir)
	if p.busKey, err = bus.LoadOrCreateKeyFile(p.Info.BusKeyFile); err != nil {
		return p, err
	}
	if err := p.provisionStreams(ctx); err != nil {
		return p, err
	}
	if err := p.chooseClock(ctx, cfg); err != nil {
		return p, err
	}
	if err := p.startServices(ctx, cfg); err != nil {
		return p, err
	}
	return p, p.writeInfo()
}

// startServices runs every built service with its real gRPC server, relay and consumers.
func (p *Platform) startServices(ctx context.Context, cfg Config) error {
	var err error
	p.Info.LogFile = filepath.Join(p.Info.DataDir, "dev.log")
	if p.logFile, err = os.OpenFile(p.Info.LogFile, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600); err != nil {
		return fmt.Errorf("log file: %w", err)
	}
	p.telemetry, err = telemetry.Setup(ctx, telemetry.Config{ServiceName: "familytime-dev", LogOutput: p.logFile, SpanExporter: cfg.SpanExporter})
	if err != nil {
		return err
	}
	p.Info.MetricsURL = "http://" + p.telemetry.AdminAddr() + "/metrics"
	p.logClock(ctx)
	key, err := auth.LoadOrCreateDevKey(filepath.Join(p.Info.DataDir, "dev-signing-key.pem"))
	if err != nil {
		return err
	}
	pub, err := auth.PublicKeyPEM(key.Public().(ed25519.PublicKey))
	if err != nil {
		return err
	}
	pubFile := filepath.Join(p.Info.DataDir, "dev-public-key.pem")
	if err := os.WriteFile(pubFile, pub, 0o644); err != nil {
		return fmt.Errorf("dev public key: %w", err)
	}
	verifier, err := auth.NewVerifier(auth.VerifierConfig{Issuer: Issuer, Audience: Audience, KeyFile: pubFile})
	if err != nil {
		return err
	}
	if p.Info.AdminToken, err = auth.Mint(key, auth.MintOptions{Issuer: Issuer, Audience: Audience,
		Subject: "dev-admin", Roles: []auth.Role{auth.RoleAdmin}, TTL: 30 * 24 * time.Hour}); err != nil {
		return err
	}
	if p.nc, err = nats.Connect(p.Info.NATSURL, nats.MaxReconnects(-1), nats.Name("familytime-dev")); err != nil {
		return fmt.Errorf("connect to embedded NATS: %w", err)
	}
	p.poolOf = map[string]*pgxpool.Pool{}
	if cfg.Processes {
		if err := p.startProcesses(ctx, pubFile); err != nil {
			return err
		}
	} else if err := p.startInProcess(ctx, key, verifier); err != nil {
		return err
	}
	if p.clock != nil {
		var svc host.Service = &clockService{p: p}
		if cfg.Processes {
			svc = &processClockService{clockService: clockService{p: p}}
		}
		running, err := host.Start(ctx, svc, verifier, p.telemetry.Logger.With("component", "clock"), "127.0.0.1:0")
		if err != nil {
			return fmt.Errorf("start the clock service: %w", err)
		}
		p.running = append(p.running, running)
		p.Info.ClockAddr = running.Addr
	}
	return nil
}

// startInProcess runs every service in this process.
func (p *Platform) startInProcess(ctx context.Context, key ed25519.PrivateKey, verifier *auth.Verifier) error {
	var now clock.Clock // nil: the real clock
	if p.clock != nil {
		now = p.clock
	}
	for _, c := range components {
		pool, err := pgpool.Open(ctx, p.Info.Databases[c.name], 0)
		if err != nil {
			return fmt.Errorf("%s database: %w", c.name, err)
		}
		p.pools = append(p.pools, pool)
		p.poolOf[c.name] = pool
		log := p.telemetry.Logger.With("component", c.name)
		sealer, err := p.openSealer(ctx, c.name, log)
		if err != nil {
			return err
		}
		svc, err := c.build(serviceDeps(c.name, pool, p.nc, p.busKey, log, sealer, now, key))
		if err != nil {
			return fmt.Errorf("build %s: %w", c.name, err)
		}
		// Reporting's /figures, /centres and /dashboard go on this process's admin port, as a
		// service's own process puts them on its own.
		if a, ok := svc.(host.AdminHandlers); ok {
			for pattern, h := range a.AdminHandlers() {
				p.telemetry.Handle(pattern, h)
			}
		}
		running, err := host.Start(ctx, svc, verifier, log, "127.0.0.1:0")
		if err != nil {
			return fmt.Errorf("start %s: %w", c.name, err)
		}
		p.running = append(p.running, running)
		p.Info.Services[c.name] = running.Addr
	}
	p.Info.DashboardURL = "http://" + p.telemetry.AdminAddr() + "/dashboard"
	return nil
}

// serviceDeps is how the dev platform builds a service, in its own process or in this one: the
// dev streams and bus key, the dev signing key for its calls to other services, and the
// platform's clock.
func serviceDeps(name string, pool *pgxpool.Pool, nc *nats.Conn, busKey bus.Key, log *slog.Logger, sealer *seal.Sealer, now clock.Clock,
	key ed25519.PrivateKey) host.Deps {
	return host.Deps{Pool: pool, NATS: nc, BusKey: busKey, Logger: log, Streams: devStreams, Sealer: sealer, Clock: now,
		ServiceCredentials: &auth.SigningCredentials{Key: key, Options: auth.ServiceMintOptions(Issuer, Audience, name)}}
}

// NATSCredentialsFile is where the dev platform keeps the user and password of its NATS.
func NATSCredentialsFile(dataDir string) string { return filepath.Join(dataDir, "nats.credentials") }

// BusKeyFile is where the dev platform keeps its bus key.
func BusKeyFile(dataDir string) string { return filepath.Join(dataDir, "bus.key") }

// DevKeyFile is where the dev platform keeps the key that signs dev tokens.
func DevKeyFile(dataDir string) string { return filepath.Join(dataDir, "dev-signing-key.pem") }

func (p *Platform) prepareDatabases(ctx context.Context, admin, prefix string) error {
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return fmt.Errorf("connect to PostgreSQL at %s: %w", p.Info.PostgresURL, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if err := migrate.EnsureRole(ctx, conn, RuntimeRole); err != nil {
		return err
	}
	p.Info.KeyStores = map[string]string{}
	for _, svc := range Services {
		if p.Info.Databases[svc], err = createDatabase(ctx, conn, admin, prefix+svc, migrationsOf(svc)...); err != nil {
			return err
		}
		if slices.Contains(Sealing, svc) {
			if p.Info.KeyStores[svc], err = createDatabase(ctx, conn, admin, KeyStoreName(prefix, svc), seal.Migrations()); err != nil {
				return err
			}
		}
	}
	return nil
}

// createDatabase creates a database unless it exists (a second start), migrates it, and returns
// its runtime-role URL.
func createDatabase(ctx context.Context, conn *pgx.Conn, admin, name string, sets ...migrate.Set) (string, error) {
	_, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	var pgErr *pgconn.PgError
	if err != nil && !(errors.As(err, &pgErr) && pgErr.Code == "42P04") { // 42P04: exists (a second start)
		return "", fmt.Errorf("create database %s: %w", name, err)
	}
	ownerURL, err := withDatabase(admin, name, "")
	if err != nil {
		return "", err
	}
	db, err := pgx.Connect(ctx, ownerURL)
	if err != nil {
		return "", fmt.Errorf("connect to database %s: %w", name, err)
	}
	err = migrate.Apply(ctx, db, RuntimeRole, sets...)
	db.Close(context.WithoutCancel(ctx))
	if err != nil {
		return "", fmt.Errorf("migrate database %s: %w", name, err)
	}
	runtimeURL, _ := withDatabase(admin, name, RuntimeRole)
	return runtimeURL, nil
}

// Sealing are the services that hold personal data, in name order: each gets a key store of its own.
var Sealing = []string{"referral", "safeguarding", "scheduling"}

// KeyStoreName names a service's key store database: apart from its events, so a backup of the
// events carries no key.
func KeyStoreName(prefix, service string) string { return prefix + service + "_keys" }

// KEKDir is where the dev platform keeps its key-encryption keys.
func KEKDir(dataDir string) string { return filepath.Join(dataDir, "keks") }

// openSealer opens a service's key store, if it has one, and re-wraps its keys in the background.
func (p *Platform) openSealer(ctx context.Context, service string, log *slog.Logger) (*seal.Sealer, error) {
	url, ok := p.Info.KeyStores[service]
	if !ok {
		return nil, nil
	}
	pool, err := pgpool.Open(ctx, url, 0)
	if err != nil {
		return nil, fmt.Errorf("%s key store: %w", service, err)
	}
	p.pools = append(p.pools, pool)
	sealer := seal.New(pool, p.keks)
	p.rewraps = append(p.rewraps, host.RewrapInBackground(ctx, sealer, log))
	return sealer, nil
}

// devStreams: the dev platform's one NATS server holds a single replica of each stream (a
// deployment sets NATS_REPLICAS, 3 by default).
var devStreams = bus.StreamOptions{Replicas: 1, Duplicates: bus.DefaultDuplicates}

func (p *Platform) provisionStreams(ctx context.Context) error {
	nc, err := nats.Connect(p.Info.NATSURL)
	if err != nil {
		return fmt.Errorf("connect to embedded NATS: %w", err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	for _, svc := range publishing {
		if _, err := bus.EnsureStream(ctx, js, svc, devStreams); err != nil {
			return err
		}
		p.Info.Streams = append(p.Info.Streams, bus.StreamName(svc))
	}
	if _, err := bus.EnsureDeadLetterStream(ctx, js, devStreams); err != nil {
		return err
	}
	p.Info.Streams = append(p.Info.Streams, bus.DeadLetterStream)
	return nil
}

// migrationsOf a service: its own when it is built, else the event log it will need.
func migrationsOf(svc string) []migrate.Set {
	for _, c := range components {
		if c.name == svc {
			return c.migrations
		}
	}
	return []migrate.Set{eventstore.Migrations()}
}

// InfoFile is where a running dev platform describes itself, so the CLI finds it without flags.
func InfoFile(dataDir string) string { return filepath.Join(dataDir, "dev.json") }

func (p *Platform) writeInfo() error {
	b, err := json.MarshalIndent(p.Info, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(InfoFile(p.Info.DataDir), b, 0o600); err != nil {
		return fmt.Errorf("write %s: %w", InfoFile(p.Info.DataDir), err)
	}
	return nil
}

// Stop stops what Start started, in reverse order, and removes dev.json.
func (p *Platform) Stop(ctx context.Context) error {
	var errs []error
	for _, r := range p.running {
		r.Stop(ctx)
	}
	errs = append(errs, p.stopProcesses(ctx))
	for _, stop := range p.rewraps {
		stop()
	}
	for _, pool := range p.pools {
		pool.Close()
	}
	if p.nc != nil {
		p.nc.Close()
	}
	if p.telemetry != nil {
		errs = append(errs, p.telemetry.Shutdown(ctx))
	}
	if p.logFile != nil {
		errs = append(errs, p.logFile.Close())
	}
	if p.nats != nil {
		p.nats.Stop()
	}
	if p.cluster != nil {
		errs = append(errs, p.cluster.Stop(ctx))
	}
	if p.lock != nil {
		_ = os.Remove(InfoFile(p.Info.DataDir))
		errs = append(errs, p.lock.Close())
	}
	return errors.Join(errs...)
}

// lockDataDir creates the data folder and takes an exclusive lock on it: two dev platforms on one
// folder would corrupt each other's data.
func lockDataDir(dir string) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("data folder %s cannot be created: %w (choose another with --data)", dir, err)
	}
	f, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("data folder %s is not writable: %w (choose another with --data)", dir, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("data folder %s is in use by another familytime dev (stop it first, or use another --data)", dir)
	}
	return f, nil
}

func portFree(port int) error {
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return err
	}
	return l.Close()
}

func withDatabase(base, database, user string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", errors.New("DATABASE_URL is not a valid URL (expected postgres://user@host:port/database)")
	}
	u.Path = "/" + database
	if user != "" {
		u.User = url.User(user)
	}
	return u.String(), nil
}

func masked(dsn string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		return "", errors.New("DATABASE_URL is not a valid URL (expected postgres://user@host:port/database)")
	}
	return host.Redact(dsn), nil
}

// LeftoverPostgres is the PID of a private PostgreSQL an earlier dev server left running on this
// data folder (it was killed), which the start stopped first (pgcluster.Cluster.Leftover), or 0.
func (p *Platform) LeftoverPostgres() int {
	if p.cluster == nil {
		return 0
	}
	return p.cluster.Leftover()
}

// OrphanedPostgres is where the start moved the relocated PostgreSQL cluster of a deleted data
// folder of the same path (pgcluster.Cluster.Orphaned), or "".
func (p *Platform) OrphanedPostgres() string {
	if p.cluster == nil {
		return ""
	}
	return p.cluster.Orphaned()
}
