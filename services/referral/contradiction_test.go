package referral_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
)

// violation is the description of the field's violation in err; empty when err names no such
// field.
func violation(t *testing.T, err error, field string) string {
	t.Helper()
	for _, d := range status.Convert(err).Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				if v.GetField() == field {
					return v.GetDescription()
				}
			}
		}
	}
	return ""
}

// Review 18 submitted referrals that contradict themselves, and each was accepted: a court's or
// Cafcass's referral saying neither is involved, a court order with no court involved, one child
// named twice, the non-resident parent named again as a relative who may bring and collect. Each
// is refused, at submission and at amendment, naming the field and why, quoting nothing of the
// family, and records nothing (decision 148). So is one review 39 submitted that no one may
// attend, bring the children to or collect them from, or whose child at risk of abduction may
// leave the centre, and one review 45 submitted answering that an injunction is in force with no
// court involved (decision 270).
func TestAReferralThatContradictsItselfIsRefusedAndRecordsNothing(t *testing.T) {
	g := newRig(t)
	centre := g.centre(t, supported)
	c := g.coordinator(t, centre)
	ctx := t.Context()
	order := &referralv1.CourtOrder{Kind: referralv1.CourtOrderKind_COURT_ORDER_KIND_CHILD_ARRANGEMENTS, MadeOn: date(today().AddDate(0, -2, 0))}
	cases := []struct {
		name    string
		source  commonv1.ReferralSource // unspecified: a solicitor's
		edit    func(*referralv1.ReferralDetails)
		field   string
		because string
	}{
		{"from a court, with no court involved", commonv1.ReferralSource_REFERRAL_SOURCE_COURT, func(*referralv1.ReferralDetails) {},
			"details.court_involved", "must be true: the referral comes from a court"},
		{"from Cafcass, with no Cafcass involved", commonv1.ReferralSource_REFERRAL_SOURCE_CAFCASS, func(*referralv1.ReferralDetails) {},
			"details.cafcass_involved", "must be true: the referral comes from Cafcass"},
		{"a child arrangements order, with no court involved", 0, func(d *referralv1.ReferralDetails) {
			d.CourtOrders = []*referralv1.CourtOrder{order}
		}, "details.court_involved", "must be true: the referral records a court order"},
		// Review 45: an injunction is made by a court, listed or not.
		{"an injunction answered yes, with no court involved and no order listed", 0, func(d *referralv1.ReferralDetails) {
			d.Risk.Injunction = true
		}, "details.court_involved", "must be true: the referral answers that an injunction is in force (details.risk.injunction)"},
		{"one child twice", 0, func(d *referralv1.ReferralDetails) {
			again := proto.Clone(d.Children[0]).(*referralv1.Child)
			again.PersonId, again.FullName = "", "AMELIA  kestrel-junior"
			d.Children = append(d.Children, again)
		}, "details.children[1]", "is the same child as details.children[0] (the same name and date of birth)"},
		{"the non-resident parent again, as a relative who may bring and collect", 0, func(d *referralv1.ReferralDetails) {
			d.Adults = append(d.Adults, &referralv1.Adult{Role: referralv1.AdultRole_ADULT_ROLE_NAMED_RELATIVE, FullName: "jordan KESTREL",
				MayBring: true, MayCollect: true, Contact: &referralv1.ContactDetails{Phone: "+44 7700 900456"}})
		}, "details.adults[2]", "is the same person as details.adults[1] (the same name and phone number)"},
		// Review 39: no one to attend, to bring the children or to collect them, or a child at risk
		// of abduction who may leave the centre.
		{"no one who may attend contact", 0, func(d *referralv1.ReferralDetails) { d.Adults[1].MayAttend = false },
			"details.adults[1].may_attend", "no one on the referral may take part in contact"},
		{"no one who may bring the children", 0, func(d *referralv1.ReferralDetails) { d.Adults[0].MayBring = false },
			"details.adults[0].may_bring", "no one on the referral may bring them to the centre"},
		{"no one who may collect the children", 0, func(d *referralv1.ReferralDetails) { d.Adults[0].MayCollect = false },
			"details.adults[0].may_collect", "no one on the referral may collect them from the centre"},
		{"a child at risk of abduction who may leave the centre", 0, func(d *referralv1.ReferralDetails) {
			d.Risk.AbductionRisk, d.ChildrenMayLeaveCentre = true, true
		}, "details.children_may_leave_centre", "must be false: the referral answers that a child is at risk of abduction"},
	}
	check := func(t *testing.T, err error, field, because string) {
		t.Helper()
		require.Equal(t, codes.InvalidArgument, status.Code(err), "%v", err)
		got := violation(t, err, field)
		require.Contains(t, got, because, "%v", err)
		for _, s := range secrets {
			require.NotContains(t, got, s, "the reason quotes nothing of the family")
		}
	}
	for _, tc := range cases {
		t.Run("submitted "+tc.name, func(t *testing.T) {
			source := tc.source
			if source == 0 {
				source = commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR
			}
			d := details(resident(), nonResident())
			tc.edit(d)
			before := g.events(t)
			_, err := c.SubmitReferral(ctx, submitRequest(centre, source, supported, d))
			check(t, err, tc.field, tc.because)
			require.Equal(t, before, g.events(t), "nothing appended")
		})
	}

	sub, err := c.SubmitReferral(ctx, submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, supported, details(resident(), nonResident())))
	require.NoError(t, err)
	id := sub.GetReferral().GetReferralId()
	opened, err := c.GetFamily(ctx, &referralv1.GetFamilyRequest{ReferralId: id, CentreId: centre.String(), Purpose: "amend the details"})
	require.NoError(t, err)
	for _, tc := range cases {
		if tc.source != 0 {
			continue // an amendment keeps the referral's source
		}
		t.Run("amended "+tc.name, func(t *testing.T) {
			d := proto.Clone(opened.GetFamily().GetDetails()).(*referralv1.ReferralDetails)
			tc.edit(d)
			before := g.events(t)
			_, err := c.AmendReferral(ctx, &referralv1.AmendReferralRequest{RequestId: uuid.NewString(), ReferralId: id, CentreId: centre.String(), Details: d})
			check(t, err, tc.field, tc.because)
			require.Equal(t, before, g.events(t), "nothing appended")
		})
	}

	t.Run("said consistently, each is accepted", func(t *testing.T) {
		d := details(resident(), nonResident())
		d.CourtInvolved, d.CourtOrders = true, []*referralv1.CourtOrder{order}
		_, err := c.SubmitReferral(ctx, submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_COURT, supported, d))
		require.NoError(t, err)
		d = details(resident(), nonResident())
		d.CourtInvolved, d.Risk.Injunction = true, true
		_, err = c.SubmitReferral(ctx, submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, supported, d))
		require.NoError(t, err)
		d = details(resident(), nonResident())
		d.CafcassInvolved = true
		_, err = c.SubmitReferral(ctx, submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_CAFCASS, supported, d))
		require.NoError(t, err)
	})
}
