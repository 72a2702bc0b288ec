package scheduling

import (
	"context"
	"crypto/ed25519"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/grpcx"
	"github.com/familytime/familytime/services/platform/host"
	"github.com/familytime/familytime/services/platform/relay"
	"github.com/familytime/familytime/services/platform/seal"
	"github.com/familytime/familytime/services/platform/testkit"
	"github.com/familytime/familytime/services/scheduling/internal/ports"
)

func TestMain(m *testing.M) { testkit.Main(m) }

const (
	issuer   = "https://id.test"
	audience = "familytime"
)

// clock is the service's time, set by the test.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// source is another service's event log and relay: what referral or safeguarding publish.
type source struct {
	store *eventstore.Store
}

func (s *source) publish(t *testing.T, stream string, family, centre uuid.UUID, msg proto.Message) {
	t.Helper()
	loaded, err := s.store.Load(t.Context(), stream)
	require.NoError(t, err)
	e, err := eventstore.NewEvent(msg, family, centre, eventstore.Metadata{Actor: "test"})
	require.NoError(t, err)
	_, err = s.store.Append(t.Context(), stream, int64(len(loaded)), e)
	require.NoError(t, err)
}

// rig is the scheduling service serving gRPC on real PostgreSQL and JetStream, with a referral
// and a safeguarding source publishing into their streams, and a registered centre.
type rig struct {
	clock        *clock
	owner        *pgxpool.Pool
	js           jetstream.JetStream
	nc           *nats.Conn
	key          ed25519.PrivateKey
	addr         string
	referral     *source
	safeguarding *source
	centre       uuid.UUID
	// doorCleared: account-volunteer is on the centre's staff register, cleared (door).
	doorCleared bool
	// coordinatorCleared: account-coordinator is on it, cleared (client).
	coordinatorCleared bool
	// sealer is the service's key store (newKeptRig); nil without one.
	sealer *seal.Sealer
}

// door is a client of the rig's volunteer, account-volunteer, who runs the centre's sessions: the
// first time it is asked for, the coordinator adds them to the staff register from today,
// DBS-checked and trained a month before, so that they are cleared for a year (decisions.md 88).
func (g *rig) door(t *testing.T) schedulingv1.SchedulingServiceClient {
	t.Helper()
	if !g.doorCleared {
		month := g.clock.Now().AddDate(0, -1, 0)
		g.addStaff(t, "account-volunteer", schedulingv1.StaffRole_STAFF_ROLE_VOLUNTEER, month, month)
		g.doorCleared = true
	}
	return g.client(t, auth.RoleVolunteer)
}

func newRig(t *testing.T, now time.Time) *rig {
	t.Helper()
	return newRigOn(t, now, false)
}

// newKeptRig is newRig with a key store (a database of its own, as in production): scheduling
// seals the text it keeps about a family (an explained no-show's explanation) with the family's
// key there. sealer opens what it sealed.
func newKeptRig(t *testing.T, now time.Time) *rig {
	t.Helper()
	return newRigOn(t, now, true)
}

func newRigOn(t *testing.T, now time.Time, keyStore bool) *rig {
	t.Helper()
	ctx := t.Context()
	db := testkit.Postgres(t)
	db.Migrate(t, Migrations()...)
	srv := testkit.NATS(t)
	nc, js := srv.Connect(t)
	g := &rig{clock: &clock{now: now}, owner: db.OwnerPool(t), js: js, nc: nc}
	for _, name := range []string{"referral", "safeguarding"} {
		src := testkit.Postgres(t)
		src.Migrate(t, eventstore.Migrations())
		pool := src.Pool(t)
		r, err := relay.New(pool, nc, relay.Config{Key: testkit.BusKey, Service: name, PollInterval: 5 * time.Millisecond})
		require.NoError(t, err)
		runCtx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); r.Run(runCtx) }()
		t.Cleanup(func() { cancel(); <-done })
		s := &source{store: eventstore.New(pool).SignWith(testkit.BusKey.ForLog(name))}
		if name == "referral" {
			g.referral = s
		} else {
			g.safeguarding = s
		}
	}
	deps := host.Deps{BusKey: testkit.BusKey, Pool: db.Pool(t), NATS: nc, Logger: slog.New(slog.DiscardHandler)}
	if keyStore {
		keys := testkit.Postgres(t)
		keys.Migrate(t, seal.Migrations())
		kek, err := seal.NewLocalKEK(make([]byte, 32))
		require.NoError(t, err)
		ring, err := seal.NewKeyRing("", kek)
		require.NoError(t, err)
		g.sealer = seal.New(keys.Pool(t), ring)
		deps.Sealer = g.sealer
	}
	svc, err := build(deps, g.clock.Now)
	require.NoError(t, err)

	key, err := auth.LoadOrCreateDevKey(filepath.Join(t.TempDir(), "signing.pem"))
	require.NoError(t, err)
	pub, err := auth.PublicKeyPEM(key.Public().(ed25519.PublicKey))
	require.NoError(t, err)
	keyFile := filepath.Join(t.TempDir(), "public.pem")
	require.NoError(t, os.WriteFile(keyFile, pub, 0o600))
	verifier, err := auth.NewVerifier(auth.VerifierConfig{Issuer: issuer, Audience: audience, KeyFile: keyFile})
	require.NoError(t, err)
	running, err := host.Start(ctx, svc, verifier, slog.New(slog.DiscardHandler), "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		running.Stop(stopCtx)
	})
	g.key, g.addr = key, running.Addr

	resp, err := g.client(t, auth.RoleAdmin).RegisterCentre(ctx, &schedulingv1.RegisterCentreRequest{RequestId: uuid.NewString(),
		Details: &schedulingv1.CentreDetails{Name: "Harbour Family Time Centre", Region: commonv1.Region_REGION_SOUTH_WEST,
			ServiceTypes:        []commonv1.ServiceType{commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, commonv1.ServiceType_SERVICE_TYPE_SUPERVISED},
			AccreditationStatus: commonv1.AccreditationStatus_ACCREDITATION_STATUS_WORKING_TOWARDS}})
	require.NoError(t, err)
	g.centre = uuid.MustParse(resp.GetCentre().GetCentreId())
	return g
}

// client calls as someone with roles at the rig's centre. A coordinator (account-coordinator) is
// on the centre's staff register, cleared: the centre's staff work at it only so (decision 110).
func (g *rig) client(t *testing.T, roles ...auth.Role) schedulingv1.SchedulingServiceClient {
	t.Helper()
	if roles[0] == auth.RoleCoordinator && !g.coordinatorCleared {
		g.coordinatorCleared = true
		month := g.clock.Now().AddDate(0, -1, 0)
		g.addStaff(t, "account-coordinator", schedulingv1.StaffRole_STAFF_ROLE_COORDINATOR, month, month)
	}
	tok, err := auth.Mint(g.key, auth.MintOptions{Issuer: issuer, Audience: audience, Subject: "account-" + string(roles[0]),
		Roles: roles, Centres: []uuid.UUID{g.centre}, TTL: time.Hour})
	require.NoError(t, err)
	conn, err := grpcx.Dial(g.addr, tok)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	return schedulingv1.NewSchedulingServiceClient(conn)
}

// timetable adds rooms of the given capacities and a weekly Saturday 10:00-12:00 pattern from
// first; it returns the pattern id and the room ids.
func (g *rig) timetable(t *testing.T, first time.Time, supervised bool, capacities ...int32) (string, []string) {
	t.Helper()
	c := g.client(t, auth.RoleCoordinator)
	var rooms []string
	for i, cp := range capacities {
		r, err := c.AddRoom(t.Context(), &schedulingv1.AddRoomRequest{CentreId: g.centre.String(), Name: "Room " + string(rune('A'+i)),
			Capacity: cp, SupervisedSuitable: supervised, RequestId: uuid.NewString()})
		require.NoError(t, err)
		rooms = append(rooms, r.GetRoom().GetRoomId())
	}
	p, err := c.DefineOpeningPattern(t.Context(), &schedulingv1.DefineOpeningPatternRequest{CentreId: g.centre.String(),
		Recurrence: schedulingv1.Recurrence_RECURRENCE_WEEKLY, Weekday: schedulingv1.Weekday_WEEKDAY_SATURDAY,
		StartTime: &schedulingv1.LocalTime{Hour: 10}, EndTime: &schedulingv1.LocalTime{Hour: 12}, FirstDate: date(first),
		RoomIds: rooms, RequestId: uuid.NewString()})
	require.NoError(t, err)
	return p.GetPattern().GetPatternId(), rooms
}

// family is a family's ids as referral minted them.
type family struct {
	id, referral, resident, visiting, child uuid.UUID
}

// ready publishes referral's FamilyReadyForContact for new families and waits until scheduling
// has noted them all.
func (g *rig) ready(t *testing.T, n int, st commonv1.ServiceType) []family {
	t.Helper()
	return g.readyAs(t, n, st, func(*referralv1.FamilyReadyForContact) {})
}

// readyAs is ready, with edit making each event as the test needs it.
func (g *rig) readyAs(t *testing.T, n int, st commonv1.ServiceType, edit func(*referralv1.FamilyReadyForContact)) []family {
	t.Helper()
	out := make([]family, n)
	for i := range out {
		f := family{id: uuid.New(), referral: uuid.New(), resident: uuid.New(), visiting: uuid.New(), child: uuid.New()}
		out[i] = f
		ev := &referralv1.FamilyReadyForContact{
			ReferralId: f.referral.String(), FamilyId: f.id.String(), CentreId: g.centre.String(),
			Adults: []*referralv1.Attendee{
				{PersonId: f.resident.String(), Role: referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT, MayAttend: true, MayBring: true, MayCollect: true},
				{PersonId: f.visiting.String(), Role: referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT, MayAttend: true},
			},
			Children:           []*referralv1.ChildParty{{PersonId: f.child.String(), BirthYear: 2019, BirthMonth: 4}},
			Arrangement:        &referralv1.Arrangement{ServiceType: st, Frequency: referralv1.ContactFrequency_CONTACT_FREQUENCY_WEEKLY, SessionMinutes: 60, Stagger: &referralv1.Stagger{}},
			EarliestBookableOn: date(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)),
		}
		edit(ev)
		g.referral.publish(t, "referral-"+f.id.String(), f.id, g.centre, ev)
	}
	for _, f := range out {
		g.waitFor(t, "SELECT count(*) FROM session_families WHERE family_id = $1 AND ready IS NOT NULL", f.id)
	}
	return out
}

// publishReferral records ev in the family's referral stream, as referral records an event about
// a family ready for contact, and waits until scheduling's consumer has handled it (its inbox
// row), whether or not it changed anything.
func (g *rig) publishReferral(t *testing.T, f family, centre uuid.UUID, ev proto.Message) {
	t.Helper()
	g.publishReferralTo(t, ports.ReferralConsumer, f, centre, ev)
}

// publishReferralTo is publishReferral, waiting for the named consumer of referral's stream.
func (g *rig) publishReferralTo(t *testing.T, consumer string, f family, centre uuid.UUID, ev proto.Message) {
	t.Helper()
	stream := "referral-" + f.id.String()
	loaded, err := g.referral.store.Load(t.Context(), stream)
	require.NoError(t, err)
	e, err := eventstore.NewEvent(ev, f.id, centre, eventstore.Metadata{Actor: "coordinator"})
	require.NoError(t, err)
	e.ID = uuid.New()
	_, err = g.referral.store.Append(t.Context(), stream, int64(len(loaded)), e)
	require.NoError(t, err)
	g.waitFor(t, "SELECT count(*) FROM inbox WHERE consumer = $1 AND event_id = $2", consumer, e.ID)
}

// waitFor polls until a count query returns at least one.
func (g *rig) waitFor(t *testing.T, sql string, args ...any) {
	t.Helper()
	require.Eventually(t, func() bool { return g.count(t, sql, args...) > 0 }, 60*time.Second, 10*time.Millisecond, sql)
}

func (g *rig) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, g.owner.QueryRow(context.Background(), sql, args...).Scan(&n))
	return n
}

func date(t time.Time) *commonv1.Date {
	return &commonv1.Date{Year: int32(t.Year()), Month: int32(t.Month()), Day: int32(t.Day())}
}

func london(y int, m time.Month, d, h, mi int) time.Time {
	loc, _ := time.LoadLocation("Europe/London")
	return time.Date(y, m, d, h, mi, 0, 0, loc)
}

// field is the first field a refusal names, or its ErrorInfo reason.
func field(err error) (codes.Code, string) {
	st := status.Convert(err)
	for _, d := range st.Details() {
		switch x := d.(type) {
		case *errdetails.BadRequest:
			return st.Code(), x.GetFieldViolations()[0].GetField()
		case *errdetails.ErrorInfo:
			return st.Code(), x.GetReason()
		}
	}
	return st.Code(), ""
}

// gardenAndRed gives the rig's centre two rooms, Garden and Red (4 places each), open 10:00-17:00
// every Saturday from saturday(0): the day the kept-apart door tests book two families on.
func (g *rig) gardenAndRed(t *testing.T) (*schedulingv1.DefineOpeningPatternResponse, []string) {
	t.Helper()
	ctx := t.Context()
	c := g.client(t, auth.RoleCoordinator)
	var rooms []string
	for _, name := range []string{"Garden", "Red"} {
		r, err := c.AddRoom(ctx, &schedulingv1.AddRoomRequest{CentreId: g.centre.String(), Name: name, Capacity: 4, RequestId: uuid.NewString()})
		require.NoError(t, err)
		rooms = append(rooms, r.GetRoom().GetRoomId())
	}
	p, err := c.DefineOpeningPattern(ctx, &schedulingv1.DefineOpeningPatternRequest{CentreId: g.centre.String(),
		Recurrence: schedulingv1.Recurrence_RECURRENCE_WEEKLY, Weekday: schedulingv1.Weekday_WEEKDAY_SATURDAY,
		StartTime: &schedulingv1.LocalTime{Hour: 10}, EndTime: &schedulingv1.LocalTime{Hour: 17}, FirstDate: date(saturday(0)),
		RoomIds: rooms, RequestId: uuid.NewString()})
	require.NoError(t, err)
	return p, rooms
}
