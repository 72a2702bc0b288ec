package safeguarding_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/grpcx"
	"github.com/familytime/familytime/services/platform/relay"
	"github.com/familytime/familytime/services/platform/staff"
	"github.com/familytime/familytime/services/platform/testkit"
)

// asAt is a client calling as subject with roles at centres.
func (g *rig) asAt(t *testing.T, subject string, centres []uuid.UUID, roles ...auth.Role) safeguardingv1.SafeguardingServiceClient {
	t.Helper()
	token, err := auth.Mint(g.key, auth.MintOptions{Issuer: "https://id.test", Audience: "familytime", Subject: subject,
		Roles: roles, Centres: centres, TTL: time.Hour})
	require.NoError(t, err)
	conn, err := grpcx.Dial(g.addr, token)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	return safeguardingv1.NewSafeguardingServiceClient(conn)
}

// leadElsewhere puts account on centre's staff register as its safeguarding lead, cleared, as
// scheduling would publish it, and waits until safeguarding has heard of it.
func (g *rig) leadElsewhere(t *testing.T, centre uuid.UUID, account string) {
	t.Helper()
	db := testkit.Postgres(t)
	db.Migrate(t, eventstore.Migrations())
	register, err := staff.Rebuild(centre, nil)
	require.NoError(t, err)
	cleared := today().AddDate(0, -3, 0)
	_, ev, err := register.Add(staff.Joining{Account: account, Role: schedulingv1.StaffRole_STAFF_ROLE_SAFEGUARDING_LEAD, Joined: cleared,
		DBSChecked: cleared, Trained: cleared}, today())
	require.NoError(t, err)
	e, err := eventstore.NewEvent(ev, uuid.Nil, centre, eventstore.Metadata{Actor: "coordinator-elsewhere"})
	require.NoError(t, err)
	store := eventstore.New(db.Pool(t)).SignWith(testkit.BusKey.ForLog("scheduling"))
	_, err = store.Append(t.Context(), staff.Stream(centre), eventstore.NoStream, e)
	require.NoError(t, err)
	r, err := relay.New(db.Pool(t), g.nc, relay.Config{Key: testkit.BusKey, Service: "scheduling", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.WithoutCancel(t.Context()))
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	require.Eventually(t, func() bool {
		var n int64
		err := g.db.OwnerPool(t).QueryRow(t.Context(), "SELECT count(*) FROM staff_register_events WHERE centre_id = $1", centre).Scan(&n)
		return err == nil && n == 1
	}, 30*time.Second, 10*time.Millisecond)
}

// Review 48: only the reads of a family's safeguarding text that were given were on its audit; a
// probe (another centre's lead, a coordinator asking for the whole record, a volunteer asking for
// a concern someone else raised) left no trace. Each refusal to an authenticated caller is
// recorded on the family's audit, with who asked, in which roles, for what and why, never a
// purpose or the text; the lead and an administrator see it. A caller without a token, and a
// request for a record the service does not have, record nothing.
func TestARefusedReadOfAFamilysRecordIsAudited(t *testing.T) {
	g := newRig(t)
	g.theUsualStaff(t)
	ctx := t.Context()
	family := g.families(t, 1)[0]
	raiser := g.as(t, "volunteer-1", auth.RoleVolunteer)
	raised, err := raiser.RaiseConcern(ctx, &safeguardingv1.RaiseConcernRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
		FamilyId: family.String(), Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_NEGLECT, Description: "child hungry at handover"})
	require.NoError(t, err)
	concern := raised.GetConcernId()
	elsewhere := uuid.New()
	before := g.eventsOfType(t, "familytime.safeguarding.v1.AccessRefused")
	require.Zero(t, before)

	denied := func(err error, want codes.Code, why string) {
		t.Helper()
		require.Equal(t, want, code(t, err), "%v", err)
		if why != "" {
			require.Equal(t, why, reason(t, err))
		}
	}
	getConcern := func(c safeguardingv1.SafeguardingServiceClient, centre uuid.UUID, id string) error {
		_, err := c.GetConcern(ctx, &safeguardingv1.GetConcernRequest{CentreId: centre.String(), ConcernId: id, Purpose: "just looking"})
		return err
	}
	// A volunteer who did not raise it (the record's refusal).
	denied(getConcern(g.as(t, "volunteer-2", auth.RoleVolunteer), g.centre, concern), codes.PermissionDenied, "NOT_THE_RAISER_OR_LEAD")
	// A coordinator asking for the whole record (the policy's refusal: the role).
	_, err = g.as(t, "coordinator-1", auth.RoleCoordinator).GetSafeguardingRecord(ctx, &safeguardingv1.GetSafeguardingRecordRequest{
		CentreId: g.centre.String(), FamilyId: family.String(), Purpose: "just looking"})
	denied(err, codes.PermissionDenied, auth.ReasonRoleRequired)
	// Another centre's lead naming this centre (the policy's refusal: not their centre), then
	// naming their own, told the concern is not found there, as for any other id (decision 55).
	g.leadElsewhere(t, elsewhere, "lead-elsewhere")
	other := g.asAt(t, "lead-elsewhere", []uuid.UUID{elsewhere}, auth.RoleSafeguardingLead)
	denied(getConcern(other, g.centre, concern), codes.PermissionDenied, auth.ReasonOutsideCentres)
	denied(getConcern(other, elsewhere, concern), codes.NotFound, "")
	require.Equal(t, 4, g.eventsOfType(t, "familytime.safeguarding.v1.AccessRefused"))

	// Nothing is recorded for a record the service does not have, nor for a caller without a token.
	denied(getConcern(other, elsewhere, uuid.NewString()), codes.NotFound, "")
	denied(getConcern(raiser, g.centre, uuid.NewString()), codes.NotFound, "")
	conn, err := grpc.NewClient(g.addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	denied(getConcern(safeguardingv1.NewSafeguardingServiceClient(conn), g.centre, concern), codes.Unauthenticated, "")
	require.Equal(t, 4, g.eventsOfType(t, "familytime.safeguarding.v1.AccessRefused"))

	// The lead's audit of the family lists them, with no purpose; the reads given are unchanged.
	lead := g.as(t, "lead-1", auth.RoleSafeguardingLead)
	audit, err := lead.ListAccessRecords(ctx, &safeguardingv1.ListAccessRecordsRequest{CentreId: g.centre.String(), FamilyId: family.String()})
	require.NoError(t, err)
	type row struct{ subject, role, refused, asked, record string }
	var got []row
	for _, r := range audit.GetRecords() {
		require.Empty(t, r.GetPurpose(), "a refused read keeps no purpose")
		require.False(t, r.GetPurposeWithheld())
		got = append(got, row{r.GetSubject(), r.GetRole(), r.GetRefused(), r.GetAskedCentreId(), r.GetRecordId()})
	}
	require.Equal(t, []row{
		{"volunteer-2", "volunteer", "NOT_THE_RAISER_OR_LEAD", "", concern},
		{"coordinator-1", "coordinator", auth.ReasonRoleRequired, "", family.String()},
		{"lead-elsewhere", "safeguarding_lead", auth.ReasonOutsideCentres, "", concern}, // its token's role elsewhere (review 54)
		{"lead-elsewhere", "safeguarding_lead", "NOT_AT_THIS_CENTRE", elsewhere.String(), concern},
	}, got)
	admin := g.asAt(t, "admin-1", nil, auth.RoleAdmin)
	audit, err = admin.ListAccessRecords(ctx, &safeguardingv1.ListAccessRecordsRequest{CentreId: g.centre.String(), FamilyId: family.String()})
	require.NoError(t, err)
	require.Len(t, audit.GetRecords(), 4, "an administrator sees the probing too")
	for _, r := range audit.GetRecords() {
		require.NotEmpty(t, r.GetRefused())
	}
}
