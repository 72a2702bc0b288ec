package devserver_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	devv1 "github.com/familytime/familytime/proto/gen/go/familytime/dev/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/grpcx"
	"github.com/familytime/familytime/tools/internal/devserver"
)

// The dev platform with each service in a process of its own (this test binary again, through
// TestMain), on a simulated clock: every service serves from its own PID with its own /metrics;
// a command that depends on the date is refused before the clock moves and taken after it, in
// scheduling's process; referral's process learns of the centre through the stream and dates the
// referral by the moved clock; a service that dies is reported with its exit status; and Stop
// leaves no process behind.
func TestProcessesRunEachServiceApartOnOneSimulatedClock(t *testing.T) {
	began := time.Now()
	p := startOnServer(t, devserver.Config{DataDir: t.TempDir(), Clock: devserver.ClockSimulated, Processes: true,
		ClockStart: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)})
	t.Logf("started in %s", time.Since(began))
	s := &slice{platform: p}
	ctx := t.Context()
	const within, every = 30 * time.Second, 20 * time.Millisecond

	require.Len(t, p.Info.Processes, len(devserver.Services))
	pids := map[string]int{}
	for _, svc := range devserver.Services {
		proc := p.Info.Processes[svc]
		require.NotZero(t, proc.PID, svc)
		require.NotEqual(t, os.Getpid(), proc.PID, "%s runs in a process of its own", svc)
		require.NoError(t, syscall.Kill(proc.PID, 0), "%s is running", svc)
		require.NotEmpty(t, p.Info.Services[svc], "%s's gRPC address stays in Services", svc)
		pids[svc] = proc.PID
	}

	// Scheduling's clock stands where the platform started it (2000): an accreditation in 2025 is
	// in its future.
	sched := s.scheduling(t, p.Info.AdminToken)
	_, err := sched.RegisterCentre(ctx, &schedulingv1.RegisterCentreRequest{RequestId: uuid.NewString(), Details: riverside()})
	require.Equal(t, codes.InvalidArgument, status.Code(err), "%v", err)
	require.Contains(t, fieldsOf(t, err), "details.accreditation_date")

	london, err := time.LoadLocation("Europe/London")
	require.NoError(t, err)
	received := time.Date(2026, time.April, 7, 8, 0, 0, 0, london)
	clockConn, err := grpcx.Dial(p.Info.ClockAddr, p.Info.AdminToken)
	require.NoError(t, err)
	t.Cleanup(func() { clockConn.Close() })
	moved, err := devv1.NewDevClockServiceClient(clockConn).AdvanceClock(ctx, &devv1.AdvanceClockRequest{To: timestamppb.New(received)})
	require.NoError(t, err)
	require.True(t, moved.GetNow().AsTime().Equal(received))
	t.Logf("clock moved at %s", time.Since(began))

	// Right after AdvanceClock returns, scheduling's process has the new time.
	registered, err := sched.RegisterCentre(ctx, &schedulingv1.RegisterCentreRequest{RequestId: uuid.NewString(), Details: riverside()})
	require.NoError(t, err)
	centre := registered.GetCentre().GetCentreId()

	// The coordinator is on the centre's staff register: referral's casework is done by staff it
	// clears (decision 110).
	_, err = sched.AddStaffMember(ctx, &schedulingv1.AddStaffMemberRequest{RequestId: uuid.NewString(), CentreId: centre,
		AccountId: "coordinator-1", Role: schedulingv1.StaffRole_STAFF_ROLE_COORDINATOR, DbsCheckedOn: dateOf(received.AddDate(0, -6, 0)),
		TrainedOn: dateOf(received.AddDate(0, -5, 0)), JoinedOn: dateOf(received.AddDate(0, -5, 0))})
	require.NoError(t, err)
	ref := s.referral(t, s.tokenFor(t, "coordinator-1", auth.RoleCoordinator, centre))
	submit := &referralv1.SubmitReferralRequest{RequestId: uuid.NewString(), CentreId: centre,
		Source: commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, RequestedServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED,
		Details: &referralv1.ReferralDetails{
			Adults: []*referralv1.Adult{
				{Role: referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT, FullName: "Amelia Primrose", ParentalResponsibility: true, MayAttend: true, MayBring: true, MayCollect: true,
					Contact: &referralv1.ContactDetails{AddressLines: []string{"12 Primrose Lane"}, Postcode: "M1 4BT"}},
				{Role: referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT, FullName: "Jordan Kestrel", ParentalResponsibility: true, MayAttend: true,
					Contact: &referralv1.ContactDetails{AddressLines: []string{"4 Kestrel Court"}, Postcode: "M1 4BT"}},
			},
			Children: []*referralv1.Child{{FullName: "Amelia Kestrel Junior", DateOfBirth: &commonv1.Date{Year: 2020, Month: 2, Day: 1}}},
			Reason:   "Contact broke down after separation", Risk: &referralv1.RiskAnswers{}, ConsentGiven: true,
			Referrer: &referralv1.Referrer{Name: "Sam Solicitor", Organisation: "Law & Co"},
		}}
	var submitted *referralv1.SubmitReferralResponse
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		var refused error
		submitted, refused = ref.SubmitReferral(ctx, submit) // a refusal records nothing: the same request id again
		assert.NoError(c, refused, "referral's process learns of the centre and its register from scheduling's stream")
	}, within, every)
	t.Logf("referral submitted at %s", time.Since(began))
	require.Equal(t, &commonv1.Date{Year: 2026, Month: 4, Day: 7}, submitted.GetReferral().GetReceivedOn(),
		"referral's process dates the referral by the moved clock")

	// Each process's /metrics: Go runtime, resident memory, pools; and appends where it appended.
	for _, svc := range devserver.Services {
		body := scrape(t, p.Info.Processes[svc].MetricsURL)
		for _, name := range []string{"go_goroutine_count", "go_memory_used_bytes", "process_resident_memory_bytes", "ft_pgpool_connections_max"} {
			require.Contains(t, body, name, "%s's /metrics", svc)
		}
		if svc == "scheduling" || svc == "referral" {
			require.Contains(t, body, "ft_eventstore_appends_total", "%s's /metrics", svc)
		}
	}

	// A service that dies is reported: which, and how it ended.
	require.NoError(t, syscall.Kill(pids["reporting"], syscall.SIGKILL))
	select {
	case err := <-p.Failed():
		require.ErrorContains(t, err, "the reporting service exited unexpectedly")
		require.ErrorContains(t, err, "signal: killed")
	case <-time.After(within):
		t.Fatal("a killed service was not reported")
	}

	require.NoError(t, p.Stop(context.Background()))
	for svc, pid := range pids {
		require.ErrorIs(t, syscall.Kill(pid, 0), syscall.ESRCH, "%s's process is gone after Stop", svc)
	}
}

// A simulated platform cannot seed with processes yet: it says so and starts nothing.
func TestProcessesRefuseSeeding(t *testing.T) {
	_, err := devserver.Start(t.Context(), devserver.Config{DataDir: t.TempDir(), Processes: true, SeedFrom: time.Now()})
	require.ErrorContains(t, err, "--seed cannot be combined with --processes")
}

func scrape(t *testing.T, url string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(b)
}
