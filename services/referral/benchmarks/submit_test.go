// Package benchmarks measures the referral service as its clients use it: through gRPC, with
// token checks, validation, sealing and the real event store. `make bench` runs it with the
// platform's benchmarks, and tools/benchreport sets its rate against the platform's single-event
// appends of the same run.
package benchmarks

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/grpcx"
	"github.com/familytime/familytime/services/platform/host"
	"github.com/familytime/familytime/services/platform/seal"
	"github.com/familytime/familytime/services/platform/testkit"
	"github.com/familytime/familytime/services/referral"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// clients is how many clients submit at once (issue 8: 16 concurrent clients).
const clients = 16

// BenchmarkSubmitReferral: 16 clients each submitting referrals (two parents with contact
// details, a child, a reason: six sealed fields), through gRPC with a coordinator's token.
func BenchmarkSubmitReferral(b *testing.B) {
	ctx := context.Background()
	db, keys := testkit.Postgres(b), testkit.Postgres(b)
	db.Migrate(b, referral.Migrations()...)
	keys.Migrate(b, seal.Migrations())
	ring, err := seal.LoadOrCreateKEKDir(b.TempDir())
	check(b, err)
	nc, _ := testkit.NATS(b).Connect(b)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc, err := referral.New(host.Deps{BusKey: testkit.BusKey, Pool: db.Pool(b), NATS: nc, Logger: log, Sealer: seal.New(keys.Pool(b), ring)})
	check(b, err)
	key, err := auth.LoadOrCreateDevKey(filepath.Join(b.TempDir(), "signing.pem"))
	check(b, err)
	pub, err := auth.PublicKeyPEM(key.Public().(ed25519.PublicKey))
	check(b, err)
	keyFile := filepath.Join(b.TempDir(), "public.pem")
	check(b, os.WriteFile(keyFile, pub, 0o600))
	verifier, err := auth.NewVerifier(auth.VerifierConfig{Issuer: "https://id.bench", Audience: "familytime", KeyFile: keyFile})
	check(b, err)
	running, err := host.Start(ctx, svc, verifier, log, "127.0.0.1:0")
	check(b, err)
	b.Cleanup(func() { running.Stop(ctx) })

	// The centre, as scheduling's directory would have told the service.
	centre := uuid.New()
	_, err = db.OwnerPool(b).Exec(ctx, "INSERT INTO centres (centre_id, service_types, version) VALUES ($1, $2, 1)",
		centre, []int32{int32(commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)})
	check(b, err)
	// The coordinator, on the centre's staff register as referral keeps it (decision 110).
	today := dates.Proto(dates.InUK(time.Now()))
	added, err := proto.Marshal(&schedulingv1.StaffMemberAdded{CentreId: centre.String(), AccountId: "coordinator-1",
		Role: schedulingv1.StaffRole_STAFF_ROLE_COORDINATOR, JoinedOn: today, DbsCheckedOn: today, TrainedOn: today})
	check(b, err)
	_, err = db.OwnerPool(b).Exec(ctx, "INSERT INTO staff_register_events (centre_id, stream_version, event_type, payload) VALUES ($1, 1, $2, $3)",
		centre, "familytime.scheduling.v1.StaffMemberAdded", added)
	check(b, err)
	tok, err := auth.Mint(key, auth.MintOptions{Issuer: "https://id.bench", Audience: "familytime", Subject: "coordinator-1",
		Roles: []auth.Role{auth.RoleCoordinator}, Centres: []uuid.UUID{centre}, TTL: time.Hour})
	check(b, err)
	conns := make([]referralv1.ReferralServiceClient, clients)
	for i := range conns {
		conn, err := grpcx.Dial(running.Addr, tok)
		check(b, err)
		b.Cleanup(func() { conn.Close() })
		conns[i] = referralv1.NewReferralServiceClient(conn)
	}

	latencies := make([][]time.Duration, clients)
	var next atomic.Int64
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	var failed atomic.Value
	for c := range clients {
		wg.Go(func() {
			for next.Add(1) <= int64(b.N) {
				t0 := time.Now()
				if _, err := conns[c].SubmitReferral(ctx, request(centre)); err != nil {
					failed.Store(err)
					return
				}
				latencies[c] = append(latencies[c], time.Since(t0))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if err, _ := failed.Load().(error); err != nil {
		b.Fatal(err)
	}
	all := slices.Concat(latencies...)
	slices.Sort(all)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "requests/s")
	b.ReportMetric(float64(all[(len(all)*99)/100].Microseconds())/1000, "p99-ms")
}

// request is one family's referral, as a real centre's are: the family's own phone numbers and a
// child with a first and a family name of their own. A child of the same first name (or family
// name) and date of birth is matched with every earlier referral (decision 200), and the same phone
// with every open one (decision 350): the same "Child …" born the same day and the same two phones on
// every referral made each submission read every earlier one, a centre no real one is (decision 356).
func request(centre uuid.UUID) *referralv1.SubmitReferralRequest {
	family := rand.IntN(500_000)
	adult := func(role referralv1.AdultRole, name string) *referralv1.Adult {
		// Each parent's own number: referral refuses one parent's as the other's.
		phone := fmt.Sprintf("07700 %06d", 2*family+1)
		if role == referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT {
			phone = fmt.Sprintf("07700 %06d", 2*family)
		}
		// The resident parent brings and collects the children (review 39).
		resident := role == referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT
		return &referralv1.Adult{Role: role, FullName: name, ParentalResponsibility: true, MayAttend: true, MayBring: resident, MayCollect: resident,
			Contact: &referralv1.ContactDetails{AddressLines: []string{"1 High Street"}, Postcode: "M1 1AA", Phone: phone}}
	}
	return &referralv1.SubmitReferralRequest{RequestId: uuid.NewString(), CentreId: centre.String(),
		Source: commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, RequestedServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED,
		Details: &referralv1.ReferralDetails{
			Adults: []*referralv1.Adult{adult(referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT, "Resident Parent"),
				adult(referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT, "Visiting Parent")},
			Children: []*referralv1.Child{{FullName: "Child" + uuid.NewString()[:8] + " Family" + uuid.NewString()[:8], DateOfBirth: &commonv1.Date{Year: 2019, Month: 6, Day: 2}}},
			Reason:   "Contact broke down after separation", Risk: &referralv1.RiskAnswers{}, ConsentGiven: true,
			Referrer: &referralv1.Referrer{Name: "A Solicitor"}}}
}

func check(b *testing.B, err error) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
}
