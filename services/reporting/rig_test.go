package reporting_test

import (
	"context"
	"crypto/ed25519"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	reportingv1 "github.com/familytime/familytime/proto/gen/go/familytime/reporting/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/services/platform/clock"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/grpcx"
	"github.com/familytime/familytime/services/platform/host"
	"github.com/familytime/familytime/services/platform/relay"
	"github.com/familytime/familytime/services/platform/staff"
	"github.com/familytime/familytime/services/platform/testkit"
	"github.com/familytime/familytime/services/reporting"
)

func TestMain(m *testing.M) { testkit.Main(m) }

const issuer = "https://id.test"

// rig is the reporting service as it runs (its database, a real gRPC server with token checks,
// its consumers on an embedded JetStream) and, standing in for referral, scheduling and
// safeguarding, event logs of their own whose relays publish to their streams: reporting receives
// exactly what those services publish.
type rig struct {
	addr  string
	key   ed25519.PrivateKey
	owner *pgxpool.Pool
	// runtime is the pool the service runs on, as its runtime role (no superuser).
	runtime *pgxpool.Pool
	js      jetstream.JetStream
	stores  map[string]*eventstore.Store
	emitted int
	// onStaff are the centres whose coordinator (coordinator) is on the staff register.
	onStaff map[uuid.UUID]bool
	// clock is the service's clock (nil: the real one).
	clock clock.Clock
}

func newRig(t testing.TB) *rig {
	t.Helper()
	return newRigOn(t, nil)
}

// newRigOn is newRig with reporting on the clock c (nil: the real one).
func newRigOn(t testing.TB, c clock.Clock) *rig {
	t.Helper()
	ctx := context.Background()
	db := testkit.Postgres(t)
	db.Migrate(t, reporting.Migrations()...)
	g := &rig{owner: db.OwnerPool(t), runtime: db.Pool(t), stores: map[string]*eventstore.Store{}, onStaff: map[uuid.UUID]bool{}, clock: c}
	srv := testkit.NATS(t)
	nc, js := srv.Connect(t)
	g.js = js
	var out io.Writer = io.Discard
	if os.Getenv("FT_TEST_LOG") != "" {
		out = os.Stderr
	}
	log := slog.New(slog.NewTextHandler(out, nil))
	for _, name := range []string{"referral", "scheduling", "safeguarding"} {
		src := testkit.Postgres(t)
		src.Migrate(t, eventstore.Migrations())
		g.stores[name] = eventstore.New(src.Pool(t)).SignWith(testkit.BusKey.ForLog(name))
		_, err := bus.EnsureStream(ctx, js, name, bus.StreamOptions{})
		require.NoError(t, err)
		r, err := relay.New(src.Pool(t), nc, relay.Config{Key: testkit.BusKey, Service: name, PollInterval: 2 * time.Millisecond, Logger: log})
		require.NoError(t, err)
		background(t, r.Run)
	}
	svc, err := reporting.New(host.Deps{BusKey: testkit.BusKey, Pool: g.runtime, NATS: nc, Logger: log, Clock: c})
	require.NoError(t, err)
	g.key, err = auth.LoadOrCreateDevKey(filepath.Join(t.TempDir(), "signing.pem"))
	require.NoError(t, err)
	pub, err := auth.PublicKeyPEM(g.key.Public().(ed25519.PublicKey))
	require.NoError(t, err)
	keyFile := filepath.Join(t.TempDir(), "public.pem")
	require.NoError(t, os.WriteFile(keyFile, pub, 0o600))
	verifier, err := auth.NewVerifier(auth.VerifierConfig{Issuer: issuer, Audience: "familytime", KeyFile: keyFile})
	require.NoError(t, err)
	running, err := host.Start(ctx, svc, verifier, log, "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() {
		stop, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		running.Stop(stop)
	})
	g.addr = running.Addr
	return g
}

func background(t testing.TB, fn func(context.Context)) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); fn(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
}

// client connects as someone with roles in the centres.
func (g *rig) client(t testing.TB, subject string, roles []auth.Role, centres ...uuid.UUID) reportingv1.ReportingServiceClient {
	t.Helper()
	tok, err := auth.Mint(g.key, auth.MintOptions{Issuer: issuer, Audience: "familytime", Subject: subject,
		Roles: roles, Centres: centres, TTL: time.Hour})
	require.NoError(t, err)
	conn, err := grpcx.Dial(g.addr, tok)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	return reportingv1.NewReportingServiceClient(conn)
}

// coordinator connects as the centre's coordinator, whom the centre's staff register has from
// today (the service's: its clock's, where the rig sets one), cleared (decision 110): added once,
// as scheduling records it, and kept by reporting.
func (g *rig) coordinator(t testing.TB, centre uuid.UUID) reportingv1.ReportingServiceClient {
	t.Helper()
	account := "coordinator-" + centre.String()[:8]
	if !g.onStaff[centre] {
		today := dates.Proto(dates.InUK(clock.Or(g.clock).Now()))
		g.staffEvent(t, centre, &schedulingv1.StaffMemberAdded{CentreId: centre.String(), AccountId: account,
			Role: schedulingv1.StaffRole_STAFF_ROLE_COORDINATOR, JoinedOn: today, DbsCheckedOn: today, TrainedOn: today})
		g.onStaff[centre] = true
	}
	return g.client(t, account, []auth.Role{auth.RoleCoordinator}, centre)
}

// staffEvent records an event of the centre's staff register in scheduling's log, and waits until
// reporting keeps it.
func (g *rig) staffEvent(t testing.TB, centre uuid.UUID, ev proto.Message) {
	t.Helper()
	stream := staff.Stream(centre)
	g.emit(t, "scheduling", stream, ev, uuid.Nil, centre, "admin-1")
	loaded, err := g.stores["scheduling"].Load(context.Background(), stream)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		return g.count(t, "SELECT count(*) FROM staff_register_events WHERE centre_id = $1", centre) == len(loaded)
	}, 30*time.Second, 5*time.Millisecond, "reporting keeps the centre's staff register")
}

func (g *rig) analyst(t testing.TB) reportingv1.ReportingServiceClient {
	return g.client(t, "analyst-1", []auth.Role{auth.RoleNationalAnalyst})
}

// emit records an event in a service's log, as that service would (its relay publishes it).
func (g *rig) emit(t testing.TB, service, stream string, msg proto.Message, family, centre uuid.UUID, actor string) {
	t.Helper()
	store := g.stores[service]
	loaded, err := store.Load(context.Background(), stream)
	require.NoError(t, err)
	// The scenario's account ids are a role and a tag ("coordinator-a"); a service's ("service:
	// referral") acts in none, reacting to another's event.
	role, _, _ := strings.Cut(actor, "-")
	if strings.HasPrefix(actor, "service:") {
		role = ""
	}
	e, err := eventstore.NewEvent(msg, family, centre, eventstore.Metadata{Actor: actor, ActorRole: role})
	require.NoError(t, err)
	_, err = store.Append(context.Background(), stream, int64(len(loaded)), e)
	require.NoError(t, err)
	g.emitted++
}

// settle waits until reporting has every event emitted so far.
func (g *rig) settle(t testing.TB) {
	t.Helper()
	require.Eventually(t, func() bool { return g.count(t, "SELECT count(*) FROM reporting.history_events") == g.emitted },
		30*time.Second, 5*time.Millisecond, "reporting receives every event published")
}

func (g *rig) count(t testing.TB, sql string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, g.owner.QueryRow(context.Background(), sql, args...).Scan(&n))
	return n
}

func date(y, m, d int) *commonv1.Date {
	return &commonv1.Date{Year: int32(y), Month: int32(m), Day: int32(d)}
}
