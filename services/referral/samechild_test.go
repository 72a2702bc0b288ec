package referral_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Review 42: the national figures know a child by the person id their referral gave them, so a
// child referred again (a supervised case stepped down to supported contact, and the family
// referred again) counted as two children. Whether the two are one child is a person's decision
// (decisions 37 and 98): the centre's coordinator or lead confirms it, for a possible duplicate
// flagged on the referral and no other (decision 260).
func TestAPersonConfirmsThatAChildReferredAgainIsTheSameChild(t *testing.T) {
	g := newRig(t)
	ctx := t.Context()
	both := []commonv1.ServiceType{commonv1.ServiceType_SERVICE_TYPE_SUPERVISED, supported}
	a := g.casework(t, g.centre(t, both...))
	first := a.ready(commonv1.ServiceType_SERVICE_TYPE_SUPERVISED)
	again := a.submit(supported)
	ref := again.GetReferralId()
	require.Equal(t, []string{first}, again.GetPossibleDuplicateOf(), "the child on an open case at the centre is flagged")
	child := again.GetChildren()[0].GetPersonId()
	read := func(w *casework, id string) *referralv1.Referral {
		t.Helper()
		got, err := w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: id, CentreId: w.centre.String()})
		require.NoError(t, err)
		return got.GetReferral()
	}
	firstChild := read(a, first).GetChildren()[0].GetPersonId()
	require.NotEqual(t, firstChild, child, "each referral gives its child an id")

	// The supervised case steps down; the flag no longer stands for safeguarding, but the
	// children matched, and that is what is confirmed.
	_, err := a.end(first, referralv1.CaseOutcome_CASE_OUTCOME_REFERRED_BACK_TO_COURT, "The court is to decide contact again")
	require.NoError(t, err)
	require.True(t, read(a, ref).GetPossibleDuplicates()[0].GetNoLongerStands())

	confirm := func(c referralv1.ReferralServiceClient, centre uuid.UUID, child, other, note string) (*referralv1.ConfirmSameChildResponse, error) {
		return c.ConfirmSameChild(ctx, &referralv1.ConfirmSameChildRequest{RequestId: uuid.NewString(), ReferralId: ref,
			CentreId: centre.String(), ChildPersonId: child, OtherReferralId: other, Note: note})
	}
	// Elsewhere, a referral of the same child at a centre with nothing standing is not flagged:
	// its coordinator cannot link the child to the first referral, nor learn anything of it.
	b := g.casework(t, g.centre(t, supported))
	there := b.submit(supported)
	require.Empty(t, there.GetPossibleDuplicateOf())

	g.onStaff(t, a.centre, "vol-1", schedulingv1.StaffRole_STAFF_ROLE_VOLUNTEER)
	volunteer := g.client(t, "vol-1", []auth.Role{auth.RoleVolunteer}, a.centre)
	before := g.events(t)
	for name, call := range map[string]struct {
		run  func() error
		code codes.Code
		why  string
	}{
		"a child not on the referral": {func() error { _, err := confirm(a.c, a.centre, firstChild, first, ""); return err },
			codes.InvalidArgument, "child_person_id"},
		"a referral not flagged": {func() error { _, err := confirm(a.c, a.centre, child, uuid.NewString(), ""); return err },
			codes.InvalidArgument, "other_referral_id"},
		"a note without words": {func() error { _, err := confirm(a.c, a.centre, child, first, "..."); return err },
			codes.InvalidArgument, "note"},
		"another centre's coordinator, for its own referral": {func() error {
			_, err := b.c.ConfirmSameChild(ctx, &referralv1.ConfirmSameChildRequest{RequestId: uuid.NewString(), ReferralId: there.GetReferralId(),
				CentreId: b.centre.String(), ChildPersonId: there.GetChildren()[0].GetPersonId(), OtherReferralId: first})
			return err
		}, codes.InvalidArgument, "other_referral_id"},
		"another centre's coordinator, for this referral": {func() error { _, err := confirm(b.c, b.centre, child, first, ""); return err },
			codes.NotFound, "NOT_FOUND"},
		"a volunteer": {func() error { _, err := confirm(volunteer, a.centre, child, first, ""); return err },
			codes.PermissionDenied, "ROLE_REQUIRED"},
	} {
		err := call.run()
		if call.code == codes.PermissionDenied {
			require.Equal(t, codes.PermissionDenied, status.Code(err), "%s: %v", name, err)
		} else {
			refused(t, err, call.code, call.why)
		}
		require.Equal(t, before, g.events(t), "%s appends nothing", name)
	}

	// The lead confirms it, with a note; a retry of the request appends once.
	g.onStaff(t, a.centre, "lead-1", schedulingv1.StaffRole_STAFF_ROLE_SAFEGUARDING_LEAD)
	lead := g.client(t, "lead-1", []auth.Role{auth.RoleSafeguardingLead}, a.centre)
	req := &referralv1.ConfirmSameChildRequest{RequestId: uuid.NewString(), ReferralId: ref, CentreId: a.centre.String(),
		ChildPersonId: child, OtherReferralId: first, Note: "The parents and the court order are the same"}
	done, err := lead.ConfirmSameChild(ctx, req)
	require.NoError(t, err)
	d := done.GetReferral().GetPossibleDuplicates()[0]
	require.Equal(t, date(today()), d.GetConfirmedSameChildOn())
	require.Equal(t, []string{child}, d.GetSameChildPersonIds())
	retried, err := lead.ConfirmSameChild(ctx, req)
	require.NoError(t, err)
	require.True(t, retried.GetReferral().GetReplayed())
	require.True(t, proto.Equal(d, read(a, ref).GetPossibleDuplicates()[0]), "show says as the answer did")

	rows, err := g.owner.Query(ctx, `SELECT payload FROM events WHERE event_type = 'familytime.referral.v1.SameChildConfirmed'`)
	require.NoError(t, err)
	var confirmed []*referralv1.SameChildConfirmed
	for rows.Next() {
		var payload []byte
		require.NoError(t, rows.Scan(&payload))
		ev := &referralv1.SameChildConfirmed{}
		require.NoError(t, proto.Unmarshal(payload, ev))
		confirmed = append(confirmed, ev)
	}
	require.NoError(t, rows.Err())
	require.Len(t, confirmed, 1, "a retry appends once")
	ev := confirmed[0]
	require.Equal(t, []string{ref, child, first, firstChild},
		[]string{ev.GetReferralId(), ev.GetChildPersonId(), ev.GetOtherReferralId(), ev.GetOtherChildPersonId()})
	require.Equal(t, referralv1.ConfirmerRole_CONFIRMER_ROLE_SAFEGUARDING_LEAD, ev.GetConfirmerRole())
	require.Equal(t, date(today()), ev.GetConfirmedOn())
	require.NotEmpty(t, ev.GetSealedNote())
	require.NotContains(t, string(ev.GetSealedNote()), "court order", "the note is sealed")

	// Once per pair: the coordinator is told it is recorded, and the lead cannot now record that
	// the other referral's family is another.
	_, err = confirm(a.c, a.centre, child, first, "")
	refused(t, err, codes.FailedPrecondition, "SAME_CHILD_ALREADY_CONFIRMED")
	_, err = lead.CheckPossibleDuplicate(ctx, &referralv1.CheckPossibleDuplicateRequest{RequestId: uuid.NewString(), ReferralId: ref,
		CentreId: a.centre.String(), OtherReferralId: first, Note: "Checked the parents' names with the referrer"})
	refused(t, err, codes.FailedPrecondition, "SAME_CHILD_CONFIRMED")

	// A possible duplicate the lead checked is another family is not the same child.
	third := a.submit(supported)
	require.Contains(t, third.GetPossibleDuplicateOf(), ref)
	_, err = lead.CheckPossibleDuplicate(ctx, &referralv1.CheckPossibleDuplicateRequest{RequestId: uuid.NewString(), ReferralId: third.GetReferralId(),
		CentreId: a.centre.String(), OtherReferralId: ref, Note: "Checked the parents' names with the referrer"})
	require.NoError(t, err)
	_, err = a.c.ConfirmSameChild(ctx, &referralv1.ConfirmSameChildRequest{RequestId: uuid.NewString(), ReferralId: third.GetReferralId(),
		CentreId: a.centre.String(), ChildPersonId: third.GetChildren()[0].GetPersonId(), OtherReferralId: ref})
	refused(t, err, codes.FailedPrecondition, "CHECKED_NOT_THE_FAMILY")
	require.NotContains(t, g.eventTypes(t, third.GetReferralId()), "SameChildConfirmed")
}

// Decision 260's Left: a child referred again at the centre only after the first case ended was not
// flagged (a closed referral was flagged only while a hold or a finding stood), so the centre could
// not confirm the commonest case, a supervised case stepped down and the family referred for
// supported contact afterwards. A referral at the same centre is flagged whatever its state
// (decision 262): said to stand no longer, and confirmed as the same child.
func TestAChildReferredAgainAtTheCentreAfterTheCaseEndedMayBeConfirmed(t *testing.T) {
	g := newRig(t)
	ctx := t.Context()
	a := g.casework(t, g.centre(t, commonv1.ServiceType_SERVICE_TYPE_SUPERVISED, supported))
	first := a.ready(commonv1.ServiceType_SERVICE_TYPE_SUPERVISED)
	_, err := a.end(first, referralv1.CaseOutcome_CASE_OUTCOME_REFERRED_BACK_TO_COURT, "The court is to decide contact again")
	require.NoError(t, err)

	again := a.submit(supported)
	require.Equal(t, []string{first}, again.GetPossibleDuplicateOf(), "the centre's own ended case is flagged")
	got, err := a.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: again.GetReferralId(), CentreId: a.centre.String()})
	require.NoError(t, err)
	require.True(t, got.GetReferral().GetPossibleDuplicates()[0].GetNoLongerStands(), "nothing stands on it: it bars nothing")

	_, err = a.c.ConfirmSameChild(ctx, &referralv1.ConfirmSameChildRequest{RequestId: uuid.NewString(), ReferralId: again.GetReferralId(),
		CentreId: a.centre.String(), ChildPersonId: again.GetChildren()[0].GetPersonId(), OtherReferralId: first})
	require.NoError(t, err)
	// The event names the earlier referral's family, by id, for scheduling to keep the family
	// referred again apart as that one was (decision 363).
	earlier, err := a.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: first, CentreId: a.centre.String()})
	require.NoError(t, err)
	var confirmed referralv1.SameChildConfirmed
	g.lastEvent(t, again.GetReferralId(), "SameChildConfirmed", &confirmed)
	require.Equal(t, earlier.GetReferral().GetFamilyId(), confirmed.GetOtherFamilyId())
	require.NotEqual(t, again.GetFamilyId(), confirmed.GetOtherFamilyId())
}

// Review 45: twins match each other by family name and date of birth, so both twins on a new
// referral were confirmed as the one child on an earlier referral, and children served counted
// the two as one. The child on the other referral is confirmed as one child here (decision 267).
func TestTwinsAreNotConfirmedAsOneChild(t *testing.T) {
	g := newRig(t)
	ctx := t.Context()
	a := g.casework(t, g.centre(t, commonv1.ServiceType_SERVICE_TYPE_SUPERVISED, supported))
	first := a.submit(supported, child("Lily Hughes")).GetReferralId()
	a.withdraw(first)
	twins := a.submit(supported, child("Lily Hughes"), func(d *referralv1.ReferralDetails) {
		d.Children = append(d.Children, &referralv1.Child{FullName: "Rose Hughes", DateOfBirth: d.Children[0].GetDateOfBirth()})
	})
	require.Contains(t, twins.GetPossibleDuplicateOf(), first)
	confirm := func(child string) error {
		_, err := a.c.ConfirmSameChild(ctx, &referralv1.ConfirmSameChildRequest{RequestId: uuid.NewString(), ReferralId: twins.GetReferralId(),
			CentreId: a.centre.String(), ChildPersonId: child, OtherReferralId: first})
		return err
	}
	lily, rose := twins.GetChildren()[0].GetPersonId(), twins.GetChildren()[1].GetPersonId()
	require.NoError(t, confirm(lily))
	before := g.events(t)
	err := confirm(rose)
	refused(t, err, codes.FailedPrecondition, "OTHER_CHILD_ALREADY_CONFIRMED")
	require.Contains(t, status.Convert(err).Message(), lily, "names the child here it was confirmed as")
	require.Equal(t, before, g.events(t), "a refusal appends nothing")
}
