package referral_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/services/referral"
)

// Review 45 (decision 271): a parent who refers themselves does so with a referrer's token whose
// account may be their e-mail address, and every event they caused carried it in clear as its
// actor, in the log and on the bus, outside the family's seal and beyond its erasure. A caller
// acting only as a referrer is now recorded by a keyed pseudonym: the address is nowhere in the
// service's database or its stream, before or after the family is erased, while a retried
// request is still one referral, another account's reuse of its request id is still refused, and
// the first parent still cannot make the other parent's application (decision 105).
func TestAParentReferringThemselvesIsRecordedByAPseudonym(t *testing.T) {
	g := newRig(t)
	ctx := t.Context()
	centre := g.centre(t, supported)
	const emma, jordan = "emma.clarke@example.org", "Jordan.Kestrel@example.org"
	parent := g.client(t, emma, []auth.Role{auth.RoleReferrer}, centre)
	other := g.client(t, jordan, []auth.Role{auth.RoleReferrer}, centre)
	// The same account as the identity provider may spell it another time.
	sameParent := g.client(t, strings.ToUpper(emma), []auth.Role{auth.RoleReferrer}, centre)

	d := details(resident())
	d.Referrer = nil
	d.Adults[0].Contact.Email = emma
	req := submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SELF, supported, d)
	sub, err := parent.SubmitReferral(ctx, req)
	require.NoError(t, err)
	ref := sub.GetReferral().GetReferralId()
	appended := g.events(t)
	again, err := parent.SubmitReferral(ctx, req)
	require.NoError(t, err, "a retry gets the first answer")
	require.Equal(t, ref, again.GetReferral().GetReferralId())
	require.Equal(t, appended, g.events(t), "and appends nothing")
	_, err = other.SubmitReferral(ctx, req)
	refused(t, err, codes.InvalidArgument, "request_id")

	application := func() *referralv1.SubmitSecondPartyApplicationRequest {
		return &referralv1.SubmitSecondPartyApplicationRequest{RequestId: uuid.NewString(), ReferralId: ref, CentreId: centre.String(),
			Parent: nonResident(), Risk: &referralv1.RiskAnswers{}, ConsentGiven: true, Children: d.GetChildren()}
	}
	for _, c := range []referralv1.ReferralServiceClient{parent, sameParent} {
		_, err = c.SubmitSecondPartyApplication(ctx, application())
		refused(t, err, codes.FailedPrecondition, "SAME_APPLICANT")
	}
	require.Equal(t, appended, g.events(t), "refusals append nothing")
	secondReq := application()
	second, err := other.SubmitSecondPartyApplication(ctx, secondReq)
	require.NoError(t, err, "the other parent's own application")
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_RECEIVED, second.GetReferral().GetState())
	appended = g.events(t)
	_, err = other.SubmitSecondPartyApplication(ctx, secondReq)
	require.NoError(t, err, "a retry gets the first answer")
	require.Equal(t, appended, g.events(t))

	rows, err := g.owner.Query(ctx, `SELECT coalesce(actor, ''), coalesce(actor_role, '') FROM events WHERE stream_id = $1 ORDER BY version`,
		"referral-"+ref)
	require.NoError(t, err)
	var actors, roles []string
	for rows.Next() {
		var actor, role string
		require.NoError(t, rows.Scan(&actor, &role))
		actors, roles = append(actors, actor), append(roles, role)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []string{"referrer", "referrer"}, roles)
	for _, a := range actors {
		require.Regexp(t, `^referrer-[0-9a-f]{24}$`, a, "a referrer is recorded by a pseudonym")
	}
	require.NotEqual(t, actors[0], actors[1], "two parents, two pseudonyms")

	coordinator := g.coordinator(t, centre)
	got, err := coordinator.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: ref, CentreId: centre.String()})
	require.NoError(t, err)
	_, err = coordinator.WithdrawReferral(ctx, &referralv1.WithdrawReferralRequest{RequestId: uuid.NewString(), ReferralId: ref,
		CentreId: centre.String(), WithdrawnBy: referralv1.WithdrawnBy_WITHDRAWN_BY_REFERRER})
	require.NoError(t, err)
	g.noTraceOf(t, emma, jordan)
	_, err = g.client(t, "admin-1", []auth.Role{auth.RoleAdmin}).EraseFamily(ctx, &referralv1.EraseFamilyRequest{RequestId: uuid.NewString(),
		FamilyId: got.GetReferral().GetFamilyId(), CentreId: centre.String(), Reason: referralv1.ErasureReason_ERASURE_REASON_ERASURE_REQUESTED})
	require.NoError(t, err)
	g.noTraceOf(t, emma, jordan)
}

// noTraceOf checks that no account is readable in any row of the service's database, in any
// event's payload, nor in any message or header of its stream, once the stream has every event.
func (g *rig) noTraceOf(t *testing.T, accounts ...string) {
	t.Helper()
	ctx := t.Context()
	var tables []string
	rows, err := g.owner.Query(ctx, `SELECT quote_ident(table_name) FROM information_schema.tables
		WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`)
	require.NoError(t, err)
	for rows.Next() {
		var table string
		require.NoError(t, rows.Scan(&table))
		tables = append(tables, table)
	}
	require.NoError(t, rows.Err())
	require.Contains(t, tables, "events")
	for _, account := range accounts {
		lower := strings.ToLower(account)
		for _, table := range tables {
			require.Zero(t, g.count(t, `SELECT count(*) FROM `+table+` r WHERE strpos(lower(r::text), $1) > 0`, lower),
				"%s is readable in %s", account, table)
		}
		for _, spelt := range []string{account, lower} {
			require.Zero(t, g.count(t, `SELECT count(*) FROM events WHERE position(convert_to($1, 'UTF8') IN payload) > 0
				OR strpos(lower(coalesce(actor, '')), lower($1)) > 0`, spelt), "%s is readable in an event", account)
		}
	}

	stream, err := g.js.Stream(ctx, bus.StreamName(referral.Name))
	require.NoError(t, err)
	events := g.events(t)
	require.Eventually(t, func() bool {
		info, err := stream.Info(ctx)
		return err == nil && info.State.Msgs >= uint64(events)
	}, 30*time.Second, 10*time.Millisecond, "the stream has every event")
	info, err := stream.Info(ctx)
	require.NoError(t, err)
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq; seq++ {
		msg, err := stream.GetMsg(ctx, seq)
		require.NoError(t, err)
		for _, account := range accounts {
			require.False(t, bytes.Contains(bytes.ToLower(msg.Data), []byte(strings.ToLower(account))), "%s is published in %s", account, msg.Subject)
			for k, v := range msg.Header {
				require.NotContains(t, strings.ToLower(strings.Join(v, ",")), strings.ToLower(account), "header %s", k)
			}
		}
	}
}
