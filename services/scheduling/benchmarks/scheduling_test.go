package benchmarks

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/grpcx"
	"github.com/familytime/familytime/services/platform/host"
	"github.com/familytime/familytime/services/platform/testkit"
	"github.com/familytime/familytime/services/scheduling"
	"github.com/familytime/familytime/services/scheduling/internal/adapters"
	"github.com/familytime/familytime/services/scheduling/internal/app"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

func TestMain(m *testing.M) { testkit.Main(m) }

const (
	issuer   = "https://id.bench"
	audience = "familytime"
)

// centre is a seeded centre: its pattern, rooms and ready families.
type centre struct {
	id       uuid.UUID
	pattern  uuid.UUID
	rooms    []uuid.UUID
	families []uuid.UUID
}

// platform is the scheduling service serving gRPC, seeded through its use cases.
type platform struct {
	client  schedulingv1.SchedulingServiceClient
	centres []centre
	// first is the first Saturday the patterns open: next week, so every session is in the future.
	first time.Time
	// as is a client signed in as account with roles at the centres.
	as func(account string, roles ...auth.Role) schedulingv1.SchedulingServiceClient
}

func start(b *testing.B, centres, rooms, capacity, families int) *platform {
	b.Helper()
	ctx := context.Background()
	db := testkit.Postgres(b)
	db.Migrate(b, scheduling.Migrations()...)
	nats := testkit.NATS(b)
	nc, _ := nats.Connect(b)
	pool := db.Pool(b)

	store := eventstore.New(pool).SignWith(testkit.BusKey.ForLog("scheduling"))
	a := app.New(adapters.NewCentres(store), adapters.NewSessions(store))
	md := eventstore.Metadata{Actor: "bench"}
	commit := func(uow *eventstore.UnitOfWork, err error) {
		b.Helper()
		require.NoError(b, err)
		_, err = store.Commit(ctx, uow)
		require.NoError(b, err)
	}
	now := time.Now()
	first := domain.LocalDate(now, time.UTC).AddDate(0, 0, 7)
	for first.Weekday() != time.Saturday {
		first = first.AddDate(0, 0, 1)
	}
	p := &platform{first: first}
	var ids []uuid.UUID
	for i := range centres {
		v, uow, err := a.RegisterCentre(ctx, domain.Details{Name: fmt.Sprintf("Bench centre %02d", i), Region: commonv1.Region_REGION_NORTH_WEST,
			ServiceTypes:  []commonv1.ServiceType{commonv1.ServiceType_SERVICE_TYPE_SUPPORTED},
			Accreditation: commonv1.AccreditationStatus_ACCREDITATION_STATUS_WORKING_TOWARDS}, md)
		commit(uow, err)
		c := centre{id: v.ID}
		for r := range rooms {
			room, uow, err := a.AddRoom(ctx, c.id, fmt.Sprintf("Room %d", r), capacity, false, md)
			commit(uow, err)
			c.rooms = append(c.rooms, room.ID)
		}
		pat, _, uow, err := a.DefineOpeningPattern(ctx, c.id, domain.PatternSpec{Recurrence: schedulingv1.Recurrence_RECURRENCE_WEEKLY,
			Weekday: time.Saturday, Start: domain.Clock{Hour: 10}, End: domain.Clock{Hour: 12}, First: first, Rooms: c.rooms}, md)
		commit(uow, err)
		c.pattern = pat.ID
		for range families {
			f := uuid.New()
			uow := new(eventstore.UnitOfWork)
			require.NoError(b, a.NoteFamilyReady(ctx, uow, f, domain.Readiness{Centre: c.id, ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED,
				SessionMinutes: 60, Earliest: first, Adults: []domain.Adult{{ID: uuid.New(), Role: schedulingv1.PersonRole_PERSON_ROLE_VISITING_PARENT, MayAttend: true}},
				Children: []domain.Child{{ID: uuid.New(), BirthYear: 2018, BirthMonth: 6}}}, md))
			commit(uow, nil)
			c.families = append(c.families, f)
		}
		p.centres = append(p.centres, c)
		ids = append(ids, c.id)
	}

	svc, err := scheduling.New(host.Deps{BusKey: testkit.BusKey, Pool: pool, NATS: nc, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(b, err)
	key, err := auth.LoadOrCreateDevKey(filepath.Join(b.TempDir(), "signing.pem"))
	require.NoError(b, err)
	pub, err := auth.PublicKeyPEM(key.Public().(ed25519.PublicKey))
	require.NoError(b, err)
	keyFile := filepath.Join(b.TempDir(), "public.pem")
	require.NoError(b, os.WriteFile(keyFile, pub, 0o600))
	verifier, err := auth.NewVerifier(auth.VerifierConfig{Issuer: issuer, Audience: audience, KeyFile: keyFile})
	require.NoError(b, err)
	running, err := host.Start(ctx, svc, verifier, slog.New(slog.DiscardHandler), "127.0.0.1:0")
	require.NoError(b, err)
	b.Cleanup(func() {
		stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		running.Stop(stop)
	})
	p.as = func(account string, roles ...auth.Role) schedulingv1.SchedulingServiceClient {
		tok, err := auth.Mint(key, auth.MintOptions{Issuer: issuer, Audience: audience, Subject: account,
			Roles: roles, Centres: ids, TTL: time.Hour})
		require.NoError(b, err)
		conn, err := grpcx.Dial(running.Addr, tok)
		require.NoError(b, err)
		b.Cleanup(func() { conn.Close() })
		return schedulingv1.NewSchedulingServiceClient(conn)
	}
	// The coordinator is on every centre's staff register: the centre's staff make its calls
	// only while it clears them, and each call reads it (decision 110).
	cleared := date(time.Now().AddDate(0, -1, 0))
	admin := p.as("admin-bench", auth.RoleAdmin)
	for _, id := range ids {
		_, err := admin.AddStaffMember(ctx, &schedulingv1.AddStaffMemberRequest{CentreId: id.String(), AccountId: "coordinator-bench",
			Role: schedulingv1.StaffRole_STAFF_ROLE_COORDINATOR, JoinedOn: cleared, DbsCheckedOn: cleared, TrainedOn: cleared, RequestId: uuid.NewString()})
		require.NoError(b, err)
	}
	p.client = p.as("coordinator-bench", auth.RoleCoordinator)
	return p
}

func date(t time.Time) *commonv1.Date {
	return &commonv1.Date{Year: int32(t.Year()), Month: int32(t.Month()), Day: int32(t.Day())}
}

// p99 is the 99th percentile of the latencies, in milliseconds.
func p99(lat []time.Duration) float64 {
	slices.Sort(lat)
	return float64(lat[(len(lat)*99)/100]) / float64(time.Millisecond)
}

// BookSession: 32 coordinators book at once across 50 centres, each booking a family into a
// Saturday session through the gRPC API (token, validation, policy, command.Once, two streams in
// one unit). Booking i is family i/50 mod 20 of centre i mod 50, on the (i/1000)th Saturday, in
// the family's room: every booking is distinct, and bookings of one room-session race on its
// occupancy stream (Aborted, retried as a client would, with a new request id).
func BenchmarkBookSession(b *testing.B) {
	const (
		clients  = 32
		centres  = 50
		families = 20
		rooms    = 4
	)
	p := start(b, centres, rooms, 50, families)
	var next, retries atomic.Int64
	lat := make([][]time.Duration, clients)
	var failed atomic.Value
	b.ResetTimer()
	began := time.Now()
	var wg sync.WaitGroup
	for w := range clients {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= b.N {
					return
				}
				c := p.centres[i%centres]
				f := (i / centres) % families
				week := i / (centres * families)
				req := &schedulingv1.BookSessionRequest{CentreId: c.id.String(), FamilyId: c.families[f].String(),
					PatternId: c.pattern.String(), Date: date(p.first.AddDate(0, 0, 7*week)), RoomId: c.rooms[f%rooms].String()}
				t0 := time.Now()
				for {
					req.RequestId = uuid.NewString()
					_, err := p.client.BookSession(context.Background(), req)
					if status.Code(err) == codes.Aborted {
						retries.Add(1)
						continue
					}
					if err != nil {
						failed.Store(err)
					}
					break
				}
				lat[w] = append(lat[w], time.Since(t0))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(began)
	b.StopTimer()
	if err, ok := failed.Load().(error); ok {
		b.Fatalf("a booking failed: %v", err)
	}
	all := slices.Concat(lat...)
	// One booking is one request (retries after Aborted are counted apart, in retries/op).
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "requests/s")
	b.ReportMetric(p99(all), "p99-ms")
	b.ReportMetric(float64(retries.Load())/float64(b.N), "retries/op")
}

// GetDaySheet: a volunteer's day sheet for a centre with 50 bookings on the day (10 rooms of 5),
// read through the gRPC API by a volunteer on the centre's staff register, which is read on every
// call (decision 103). Target: p99 under 10 ms.
func BenchmarkGetDaySheet(b *testing.B) {
	p := start(b, 1, 10, 5, 50)
	c := p.centres[0]
	ctx := context.Background()
	for i, f := range c.families {
		_, err := p.client.BookSession(ctx, &schedulingv1.BookSessionRequest{CentreId: c.id.String(), FamilyId: f.String(),
			PatternId: c.pattern.String(), Date: date(p.first), RoomId: c.rooms[i%10].String(), RequestId: uuid.NewString()})
		require.NoError(b, err)
	}
	trained := date(time.Now().AddDate(0, -1, 0))
	_, err := p.as("admin-bench", auth.RoleAdmin).AddStaffMember(ctx, &schedulingv1.AddStaffMemberRequest{CentreId: c.id.String(), AccountId: "volunteer-bench",
		Role: schedulingv1.StaffRole_STAFF_ROLE_VOLUNTEER, JoinedOn: trained, DbsCheckedOn: trained, TrainedOn: trained, RequestId: uuid.NewString()})
	require.NoError(b, err)
	volunteer := p.as("volunteer-bench", auth.RoleVolunteer)
	req := &schedulingv1.GetDaySheetRequest{CentreId: c.id.String(), Date: date(p.first)}
	resp, err := volunteer.GetDaySheet(ctx, req)
	require.NoError(b, err)
	require.Len(b, resp.GetEntries(), 50)
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		if _, err := volunteer.GetDaySheet(ctx, req); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	b.ReportMetric(p99(lat), "p99-ms")
	b.ReportMetric(50, "bookings")
}
