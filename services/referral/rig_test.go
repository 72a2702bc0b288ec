package referral_test

import (
	"context"
	"crypto/ed25519"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/services/platform/clock"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/grpcx"
	"github.com/familytime/familytime/services/platform/host"
	"github.com/familytime/familytime/services/platform/relay"
	"github.com/familytime/familytime/services/platform/seal"
	"github.com/familytime/familytime/services/platform/staff"
	"github.com/familytime/familytime/services/platform/testkit"
	"github.com/familytime/familytime/services/referral"
)

func TestMain(m *testing.M) { testkit.Main(m) }

const issuer = "https://id.test"

// rig is the referral service as it runs: its own database, a key store apart, a real gRPC
// server with token checks, its relay and consumers on an embedded JetStream; and, standing in for
// the scheduling and safeguarding services, event logs of their own whose relays publish to their
// streams, so the directory and holds reach referral the way they do in production.
type rig struct {
	addr         string
	key          ed25519.PrivateKey
	db, keys     *testkit.Database
	owner        *pgxpool.Pool // the service database, as its owner: what is really stored
	js           jetstream.JetStream
	scheduling   *eventstore.Store
	safeguarding *eventstore.Store
	// sealer is the service's key store, for tests that check what an erasure destroyed.
	sealer *seal.Sealer
	// svc is the running service, for tests that run its preparation again.
	svc host.Service
}

func newRig(t *testing.T) *rig {
	t.Helper()
	return newRigOn(t, nil)
}

// newRigOn is newRig with the service on a clock of the test's (nil: the real one), as the dev
// platform runs it on a simulated clock (familytime dev --clock simulated).
func newRigOn(t *testing.T, clk clock.Clock) *rig {
	t.Helper()
	ctx := t.Context()
	g := &rig{db: testkit.Postgres(t), keys: testkit.Postgres(t)}
	g.db.Migrate(t, referral.Migrations()...)
	g.owner = g.db.OwnerPool(t)
	g.keys.Migrate(t, seal.Migrations())
	ring, err := seal.LoadOrCreateKEKDir(t.TempDir())
	require.NoError(t, err)
	srv := testkit.NATS(t)
	nc, js := srv.Connect(t)
	g.js = js
	log := slog.New(slog.NewTextHandler(io.Discard, nil))

	// The other services' event logs and relays.
	for _, source := range []struct {
		name  string
		store **eventstore.Store
	}{{"scheduling", &g.scheduling}, {"safeguarding", &g.safeguarding}} {
		db := testkit.Postgres(t)
		db.Migrate(t, eventstore.Migrations())
		*source.store = eventstore.New(db.Pool(t)).SignWith(testkit.BusKey.ForLog(source.name))
		_, err := bus.EnsureStream(ctx, js, source.name, bus.StreamOptions{})
		require.NoError(t, err)
		r, err := relay.New(db.Pool(t), nc, relay.Config{Key: testkit.BusKey, Service: source.name, PollInterval: 5 * time.Millisecond, Logger: log})
		require.NoError(t, err)
		background(t, r.Run)
	}

	g.sealer = seal.New(g.keys.Pool(t), ring)
	svc, err := referral.New(host.Deps{BusKey: testkit.BusKey, Pool: g.db.Pool(t), NATS: nc, Logger: log, Sealer: g.sealer, Clock: clk})
	require.NoError(t, err)
	g.svc = svc
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

// suspend places a safeguarding hold on the family of ref, accepted at w's centre, as
// safeguarding publishes it, and waits until referral has suspended the case.
func (g *rig) suspend(t *testing.T, w *casework, ref string) {
	t.Helper()
	got, err := w.c.GetReferral(t.Context(), &referralv1.GetReferralRequest{ReferralId: ref, CentreId: w.centre.String()})
	require.NoError(t, err)
	family := uuid.MustParse(got.GetReferral().GetFamilyId())
	publish(t, g.safeguarding, "hold-"+family.String(), &safeguardingv1.HoldPlaced{HoldId: uuid.NewString(), FamilyId: family.String(),
		CentreId: w.centre.String(), Reason: safeguardingv1.HoldReason_HOLD_REASON_CONCERN_UNDER_INVESTIGATION}, family, w.centre)
	require.Eventually(t, func() bool {
		got, err := w.c.GetReferral(t.Context(), &referralv1.GetReferralRequest{ReferralId: ref, CentreId: w.centre.String()})
		return err == nil && got.GetReferral().GetState() == referralv1.ReferralState_REFERRAL_STATE_SUSPENDED
	}, 30*time.Second, 10*time.Millisecond, "the hold suspends the case")
}

func background(t *testing.T, fn func(context.Context)) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); fn(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
}

// client connects as someone with roles in the centres.
func (g *rig) client(t *testing.T, subject string, roles []auth.Role, centres ...uuid.UUID) referralv1.ReferralServiceClient {
	t.Helper()
	tok, err := auth.Mint(g.key, auth.MintOptions{Issuer: issuer, Audience: "familytime", Subject: subject,
		Roles: roles, Centres: centres, TTL: time.Hour})
	require.NoError(t, err)
	conn, err := grpcx.Dial(g.addr, tok)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	return referralv1.NewReferralServiceClient(conn)
}

// conn connects as the centre's coordinator, for calls made by hand.
func (g *rig) conn(t *testing.T, centre uuid.UUID) *grpc.ClientConn {
	t.Helper()
	tok, err := auth.Mint(g.key, auth.MintOptions{Issuer: issuer, Audience: "familytime", Subject: "coordinator-" + centre.String()[:8],
		Roles: []auth.Role{auth.RoleCoordinator}, Centres: []uuid.UUID{centre}, TTL: time.Hour})
	require.NoError(t, err)
	conn, err := grpcx.Dial(g.addr, tok)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	return conn
}

func (g *rig) coordinator(t *testing.T, centre uuid.UUID) referralv1.ReferralServiceClient {
	return g.client(t, "coordinator-"+centre.String()[:8], []auth.Role{auth.RoleCoordinator}, centre)
}

// centre registers a centre in the scheduling service's log, and waits until referral's copy of
// the directory has it.
func (g *rig) centre(t *testing.T, types ...commonv1.ServiceType) uuid.UUID {
	t.Helper()
	id := uuid.New()
	e, err := eventstore.NewEvent(&schedulingv1.CentreRegistered{CentreId: id.String(), Name: "Centre " + id.String()[:8],
		Region: commonv1.Region_REGION_LONDON, ServiceTypes: types,
		AccreditationStatus: commonv1.AccreditationStatus_ACCREDITATION_STATUS_WORKING_TOWARDS}, uuid.Nil, id, eventstore.Metadata{Actor: "admin"})
	require.NoError(t, err)
	_, err = g.scheduling.Append(t.Context(), "centre-"+id.String(), eventstore.NoStream, e)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		return g.count(t, "SELECT count(*) FROM centres WHERE centre_id = $1", id) == 1
	}, 30*time.Second, 10*time.Millisecond, "referral learns of the centre from scheduling's stream")
	g.onStaff(t, id, "coordinator-"+id.String()[:8], schedulingv1.StaffRole_STAFF_ROLE_COORDINATOR)
	return id
}

// onStaff adds account to the centre's staff register in the role, cleared (an enhanced DBS
// check and training last month), as scheduling records it, and waits until referral has it.
func (g *rig) onStaff(t *testing.T, centre uuid.UUID, account string, role schedulingv1.StaffRole) {
	t.Helper()
	month := time.Now().UTC().AddDate(0, -1, 0)
	checked := &commonv1.Date{Year: int32(month.Year()), Month: int32(month.Month()), Day: int32(month.Day())}
	g.staffEvent(t, centre, &schedulingv1.StaffMemberAdded{CentreId: centre.String(), AccountId: account, Role: role,
		JoinedOn: checked, DbsCheckedOn: checked, TrainedOn: checked})
}

// staffEvent records an event of the centre's staff register in scheduling's log, and waits until
// referral keeps it.
func (g *rig) staffEvent(t *testing.T, centre uuid.UUID, ev proto.Message) {
	t.Helper()
	stream := staff.Stream(centre)
	publish(t, g.scheduling, stream, ev, uuid.Nil, centre)
	loaded, err := g.scheduling.Load(t.Context(), stream)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		return g.count(t, "SELECT count(*) FROM staff_register_events WHERE centre_id = $1", centre) == len(loaded)
	}, 30*time.Second, 10*time.Millisecond, "referral keeps the centre's staff register from scheduling's stream")
}

// publish records another service's event, as that service would.
func publish(t *testing.T, store *eventstore.Store, stream string, msg proto.Message, family, centre uuid.UUID) {
	t.Helper()
	loaded, err := store.Load(t.Context(), stream)
	require.NoError(t, err)
	e, err := eventstore.NewEvent(msg, family, centre, eventstore.Metadata{Actor: "test"})
	require.NoError(t, err)
	_, err = store.Append(t.Context(), stream, int64(len(loaded)), e)
	require.NoError(t, err)
}

func (g *rig) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, g.owner.QueryRow(context.Background(), sql, args...).Scan(&n))
	return n
}

func (g *rig) events(t *testing.T) int { return g.count(t, "SELECT count(*) FROM events") }

// eventTypes are the types of a referral's events, in order.
func (g *rig) eventTypes(t *testing.T, referral string) []string {
	t.Helper()
	rows, err := g.owner.Query(t.Context(), "SELECT event_type FROM events WHERE stream_id = $1 ORDER BY version", "referral-"+referral)
	require.NoError(t, err)
	defer rows.Close()
	var types []string
	for rows.Next() {
		var s string
		require.NoError(t, rows.Scan(&s))
		types = append(types, s[len("familytime.referral.v1."):])
	}
	require.NoError(t, rows.Err())
	return types
}
