package simulate_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	devv1 "github.com/familytime/familytime/proto/gen/go/familytime/dev/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/testkit"
	"github.com/familytime/familytime/tools/internal/devserver"
	"github.com/familytime/familytime/tools/internal/simulate"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// startSimulated runs a dev platform on a simulated clock, on a fresh database.
func startSimulated(t *testing.T) (*devserver.Platform, simulate.Platform) {
	t.Helper()
	_, dev, p := startSimulatedOn(t)
	return dev, p
}

// startSimulatedOn is startSimulated, with the test database the platform's databases are named
// after (db.Name + "_" + service).
func startSimulatedOn(t *testing.T) (*testkit.Database, *devserver.Platform, simulate.Platform) {
	t.Helper()
	db := testkit.Postgres(t)
	prefix := db.Name + "_"
	dir := t.TempDir()
	p, err := devserver.Start(t.Context(), devserver.Config{DataDir: dir, DatabaseURL: db.OwnerURL, DatabasePrefix: prefix,
		Clock: devserver.ClockSimulated})
	require.NoError(t, err)
	t.Cleanup(func() {
		_ = p.Stop(context.Background())
		conn, err := pgx.Connect(context.Background(), db.OwnerURL)
		require.NoError(t, err)
		defer conn.Close(context.Background())
		for _, svc := range devserver.Services {
			for _, name := range []string{prefix + svc, devserver.KeyStoreName(prefix, svc)} {
				_, err := conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
				require.NoError(t, err)
			}
		}
	})
	key, err := auth.LoadOrCreateDevKey(devserver.DevKeyFile(dir))
	require.NoError(t, err)
	return db, p, simulate.Platform{Referral: p.Info.Services["referral"], Scheduling: p.Info.Services["scheduling"],
		Safeguarding: p.Info.Services["safeguarding"], Reporting: p.Info.Services["reporting"], Clock: p.Info.ClockAddr,
		Key: key, Issuer: devserver.Issuer, Audience: devserver.Audience}
}

// A few centres over two months, through the real services on the simulated clock: reporting's
// figures for the quarter and the year agree exactly with the simulation's ground truth, in every
// cell (nation, regions, centres).
func TestSmallSimulationAgreesExactlyWithReporting(t *testing.T) {
	db, _, p := startSimulatedOn(t)
	cfg := simulate.Config{Centres: 4, From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC),
		Scale: 1, Seed: 1, Concurrency: 4}
	res, err := simulate.Run(t.Context(), cfg, p, nil)
	require.NoError(t, err)
	require.Positive(t, res.Families)
	cs, err := simulate.Compare(t.Context(), p, res.Truth, cfg.From, cfg.To)
	require.NoError(t, err)
	require.Len(t, cs, 2, "2026 Q1 and 2026")
	// Each party is checked in as it comes, a stagger apart, so that the day sheet's
	// parents-at-the-door alert is not on every session of the demo (review 36): no completed
	// session had its visiting parent and its children checked in within the door's window.
	scheduling, err := pgx.Connect(t.Context(), strings.Replace(db.OwnerURL, "/"+db.Name, "/"+db.Name+"_scheduling", 1))
	require.NoError(t, err)
	defer scheduling.Close(context.Background())
	var completed, together int
	require.NoError(t, scheduling.QueryRow(t.Context(), `SELECT count(*), count(*) FILTER (WHERE
		abs(extract(epoch FROM visiting_checked_in_at - children_checked_in_at)) < 600)
		FROM bookings WHERE status = $1`, int32(schedulingv1.BookingStatus_BOOKING_STATUS_COMPLETED)).Scan(&completed, &together))
	require.Positive(t, completed)
	require.Zero(t, together, "sessions whose parents were checked in at the door together")
	for _, c := range cs {
		require.Empty(t, c.Differ, "%s: cells where reporting differs from the truth", c.Period)
		for _, m := range []string{"children_served", "sessions_attended", "referrals_received", "places_available", "waiting_days_median",
			"reports_released", "waiting_list_joined"} {
			require.Positive(t, c.Truth[simulate.Key{Measure: m, Scope: "national"}], "%s: %s", c.Period, m)
		}
		leads := c.Truth[simulate.Key{Measure: "staff_at_end", Scope: "national", Breakdown: "role", Category: schedulingv1.StaffRole_STAFF_ROLE_SAFEGUARDING_LEAD.String()}]
		require.Equal(t, 4.0, leads, "%s: every centre's lead is on its register (decision 109)", c.Period)
		coordinators := c.Truth[simulate.Key{Measure: "staff_at_end", Scope: "national", Breakdown: "role", Category: schedulingv1.StaffRole_STAFF_ROLE_COORDINATOR.String()}]
		require.Equal(t, 4.0, coordinators, "%s: every centre's coordinator is on its register, as a coordinator (decision 113)", c.Period)
		// Each centre's coordinator and lead, and its door staff: a volunteer, or at a centre
		// offering supervised contact a contact supervisor for each of its two supervised rooms.
		role := func(r schedulingv1.StaffRole) float64 {
			return c.Truth[simulate.Key{Measure: "staff_at_end", Scope: "national", Breakdown: "role", Category: r.String()}]
		}
		volunteers, supervisors := role(schedulingv1.StaffRole_STAFF_ROLE_VOLUNTEER), role(schedulingv1.StaffRole_STAFF_ROLE_CONTACT_SUPERVISOR)
		require.Equal(t, 4.0, volunteers+supervisors/2, "%s: one volunteer or two supervisors a centre", c.Period)
		require.Equal(t, 8+volunteers+supervisors, c.Truth[simulate.Key{Measure: "staff_at_end", Scope: "national"}], "%s: each centre's coordinator, door staff and lead", c.Period)
	}

	// Review 90 L2: a second simulation on the same platform would count the first's centres in
	// the national figures it compares with. It is refused before anything is recorded.
	_, err = simulate.Run(t.Context(), cfg, p, nil)
	require.ErrorContains(t, err, "the platform already holds centres")
	cs, err = simulate.Compare(t.Context(), p, res.Truth, cfg.From, cfg.To)
	require.NoError(t, err)
	for _, c := range cs {
		require.Empty(t, c.Differ, "%s: the refused run changed nothing", c.Period)
	}
}

// Review 90 M1: the simulation stopped on a place the platform would not give as the model
// expected: released by no-shows when every session of it still to come was full, scheduling
// offered it to nobody (NO_PLACE), and the model expected the first family waiting to be offered
// it; at larger scales a family's own room, held for another family's offer, refused its next
// booking (PLACE_ON_OFFER). Both now wait, as a coordinator would, and the figures still agree.
// These six centres over two months stopped on 19 January before.
func TestASimulationWaitsForAPlaceTheCentreCannotGiveYet(t *testing.T) {
	_, p := startSimulated(t)
	cfg := simulate.Config{Centres: 6, From: time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC), To: time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC),
		Scale: 1, Seed: 7, Concurrency: 4}
	res, err := simulate.Run(t.Context(), cfg, p, nil)
	require.NoError(t, err)
	cs, err := simulate.Compare(t.Context(), p, res.Truth, cfg.From, cfg.To)
	require.NoError(t, err)
	for _, c := range cs {
		require.Empty(t, c.Differ, "%s: cells where reporting differs from the truth", c.Period)
	}
}

// The demo seed's simulation (OpenAhead, decision 272): the centres' patterns stay open after
// To and the families in contact or ready for it are booked into their next sessions, which
// Result.Next names by centre; reporting's figures for the periods it covers, March's sessions
// and places after To among them, still agree exactly with the ground truth.
func TestAnOpenAheadSimulationBooksAheadAndStillAgreesWithReporting(t *testing.T) {
	_, p := startSimulated(t)
	cfg := simulate.Config{Centres: 3, From: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC),
		Scale: 1.5, Seed: 1, Concurrency: 3, OpenAhead: true}
	res, err := simulate.Run(t.Context(), cfg, p, nil)
	require.NoError(t, err)
	require.Len(t, res.Next, 3, "a next session day for each centre, or none")
	families := 0
	for _, n := range res.Next {
		if !n.Date.IsZero() {
			require.True(t, n.Date.After(cfg.To), "%s: its next session day %s is after the last day simulated", n.Name, n.Date)
			require.Positive(t, n.Families, n.Name)
		}
		families += n.Families
	}
	require.Positive(t, families, "families booked after the last day simulated")
	cs, err := simulate.Compare(t.Context(), p, res.Truth, cfg.From, cfg.To)
	require.NoError(t, err)
	require.Len(t, cs, 2, "2026 Q1 and 2026")
	for _, c := range cs {
		require.Empty(t, c.Differ, "%s: cells where reporting differs from the truth", c.Period)
	}
	march := res.Truth.Figures(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC))
	require.Positive(t, march[simulate.Key{Measure: "sessions_booked", Scope: "national"}], "sessions booked after the last day simulated")
	require.Positive(t, march[simulate.Key{Measure: "places_available", Scope: "national"}], "places open after the last day simulated")
}

// The simulated clock moves only forward, only for an admin, and a move waits for the platform
// to settle.
func TestDevClockMovesForwardForAnAdminOnly(t *testing.T) {
	_, p := startSimulated(t)
	cc, err := grpc.NewClient(p.Clock, grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	defer cc.Close()
	clock := devv1.NewDevClockServiceClient(cc)
	token := func(role auth.Role) context.Context {
		tok, err := auth.Mint(p.Key, auth.MintOptions{Issuer: p.Issuer, Audience: p.Audience, Subject: "t", Roles: []auth.Role{role}, TTL: time.Hour})
		require.NoError(t, err)
		return metadata.AppendToOutgoingContext(t.Context(), "authorization", "Bearer "+tok)
	}
	admin := token(auth.RoleAdmin)
	to := time.Date(2026, 3, 7, 9, 30, 0, 0, time.UTC)
	moved, err := clock.AdvanceClock(admin, &devv1.AdvanceClockRequest{To: timestamppb.New(to)})
	require.NoError(t, err)
	require.True(t, moved.GetNow().AsTime().Equal(to))
	// Once anything is recorded (a centre registered), never back (decision 257: while the
	// platform is empty, it may be set anywhere).
	sc, err := grpc.NewClient(p.Scheduling, grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	defer sc.Close()
	_, err = schedulingv1.NewSchedulingServiceClient(sc).RegisterCentre(admin, &schedulingv1.RegisterCentreRequest{RequestId: uuid.NewString(),
		Details: &schedulingv1.CentreDetails{Name: "Millbrook Family Time Centre", Region: commonv1.Region_REGION_NORTH_EAST,
			ServiceTypes:        []commonv1.ServiceType{commonv1.ServiceType_SERVICE_TYPE_SUPPORTED},
			AccreditationStatus: commonv1.AccreditationStatus_ACCREDITATION_STATUS_WORKING_TOWARDS}})
	require.NoError(t, err)
	_, err = clock.AdvanceClock(admin, &devv1.AdvanceClockRequest{To: timestamppb.New(to.Add(-time.Minute))})
	require.Equal(t, codes.FailedPrecondition, status.Code(err), "the clock never goes back")
	_, err = clock.AdvanceClock(token(auth.RoleCoordinator), &devv1.AdvanceClockRequest{To: timestamppb.New(to.Add(time.Hour))})
	require.Equal(t, codes.PermissionDenied, status.Code(err))
	now, err := clock.GetClock(admin, &devv1.GetClockRequest{})
	require.NoError(t, err)
	require.True(t, now.GetNow().AsTime().Equal(to))
}

// The same seed makes the same simulation: two runs of the same Config on two fresh platforms
// make the same choices, so their ground truth and reporting's figures agree cell by cell (each
// centre named by its number, as the platforms give different ids). Concerns are raised in half
// the sessions (the default is 2%) so that in two months holds, with the bookings they cancel and
// those booked after the lift, are part of what is compared; the centres act at once.
func TestSameSeedSameSimulation(t *testing.T) {
	cfg := simulate.Config{Centres: 4, From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC),
		Scale: 1, Seed: 1, Concurrency: 4, ConcernRate: new(0.5)}
	type run struct {
		truth, reporting map[string]map[simulate.Key]float64
	}
	// Each run is a subtest, so that its platform is stopped and its databases dropped before the
	// next one starts.
	simulateOnce := func(name string) run {
		r := run{truth: map[string]map[simulate.Key]float64{}, reporting: map[string]map[simulate.Key]float64{}}
		require.True(t, t.Run(name, func(t *testing.T) {
			_, p := startSimulated(t)
			res, err := simulate.Run(t.Context(), cfg, p, nil)
			require.NoError(t, err)
			cs, err := simulate.Compare(t.Context(), p, res.Truth, cfg.From, cfg.To)
			require.NoError(t, err)
			for _, c := range cs {
				require.Empty(t, c.Differ, "%s: cells where reporting differs from the truth", c.Period)
				r.truth[c.Period.String()] = res.Truth.Numbered(c.Truth)
				r.reporting[c.Period.String()] = res.Truth.Numbered(c.Reporting)
			}
		}))
		return r
	}
	first := simulateOnce("first")
	second := simulateOnce("second")
	require.NotEmpty(t, first.truth["2026"])
	require.Equal(t, first.truth, second.truth, "the same seed, the same ground truth")
	require.Equal(t, first.reporting, second.reporting, "the same seed, the same figures from reporting")
	for _, m := range []string{"sessions_attended", "concerns_raised", "concerns_escalated", "holds_placed", "holds_lifted", "sessions_cancelled"} {
		require.Positive(t, first.truth["2026"][simulate.Key{Measure: m, Scope: "national"}], m)
	}
}

// A concern rate that is not a share of sessions is refused before anything is sent.
func TestRunRefusesAConcernRateOutsideZeroToOne(t *testing.T) {
	for _, rate := range []float64{-0.1, 1.5} {
		cfg := simulate.Config{Centres: 1, From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC),
			Scale: 0.1, Seed: 1, Concurrency: 1, ConcernRate: new(rate)}
		_, err := simulate.Run(t.Context(), cfg, simulate.Platform{}, nil)
		require.ErrorContains(t, err, "--concern-rate must be a share of sessions", "rate %v", rate)
	}
}
