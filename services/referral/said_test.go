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
)

// Review 45 submitted a referral whose reason was ".", whose availability was "!!!", and one
// answering that there are other concerns with no risk notes describing them, and each was
// accepted. Each is refused at the field, at submission and at amendment, saying what the field
// must say in words, and appends nothing; so is a second parent's application answering other
// concerns without notes of their own (decision 270).
func TestAReferralThatSaysNothingIsRefusedAndRecordsNothing(t *testing.T) {
	g := newRig(t)
	centre := g.centre(t, supported)
	c := g.coordinator(t, centre)
	ctx := t.Context()
	cases := []struct {
		name    string
		edit    func(*referralv1.ReferralDetails)
		field   string
		because string
	}{
		{"a reason of a full stop", func(d *referralv1.ReferralDetails) { d.Reason = "." },
			"details.reason", "must say why the family is referred, in words (at least 3 letters or digits, one a letter)"},
		{"availability of a full stop", func(d *referralv1.ReferralDetails) { d.Availability = "." },
			"details.availability", "must say when the family can come, in words"},
		{"availability of exclamation marks", func(d *referralv1.ReferralDetails) { d.Availability = "!!!" },
			"details.availability", "must say when the family can come, in words"},
		{"other concerns with no risk notes", func(d *referralv1.ReferralDetails) { d.Risk.OtherConcerns, d.RiskNotes = true, "" },
			"details.risk_notes", "must describe the other concerns: the referral answers that there are other concerns"},
	}
	check := func(t *testing.T, err error, field, because string) {
		t.Helper()
		require.Equal(t, codes.InvalidArgument, status.Code(err), "%v", err)
		require.Contains(t, violation(t, err, field), because, "%v", err)
	}
	for _, tc := range cases {
		t.Run("submitted "+tc.name, func(t *testing.T) {
			d := details(resident(), nonResident())
			tc.edit(d)
			before := g.events(t)
			_, err := c.SubmitReferral(ctx, submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, supported, d))
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
		t.Run("amended "+tc.name, func(t *testing.T) {
			d := proto.Clone(opened.GetFamily().GetDetails()).(*referralv1.ReferralDetails)
			tc.edit(d)
			before := g.events(t)
			_, err := c.AmendReferral(ctx, &referralv1.AmendReferralRequest{RequestId: uuid.NewString(), ReferralId: id, CentreId: centre.String(), Details: d})
			check(t, err, tc.field, tc.because)
			require.Equal(t, before, g.events(t), "nothing appended")
		})
	}

	t.Run("a second parent's other concerns without notes", func(t *testing.T) {
		d := details(resident())
		d.Referrer = nil
		self, err := c.SubmitReferral(ctx, submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SELF, supported, d))
		require.NoError(t, err)
		apply := func(notes string) (*referralv1.SubmitSecondPartyApplicationResponse, error) {
			return c.SubmitSecondPartyApplication(ctx, &referralv1.SubmitSecondPartyApplicationRequest{RequestId: uuid.NewString(),
				ReferralId: self.GetReferral().GetReferralId(), CentreId: centre.String(), Parent: nonResident(),
				Risk: &referralv1.RiskAnswers{OtherConcerns: true}, RiskNotes: notes, ConsentGiven: true})
		}
		before := g.events(t)
		_, err = apply("?")
		check(t, err, "risk_notes", "must describe the other concerns: the applicant answers that there are other concerns")
		require.Equal(t, before, g.events(t), "nothing appended")
		applied, err := apply("He has threatened to take the children abroad")
		require.NoError(t, err)
		require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_RECEIVED, applied.GetReferral().GetState())

		// The screener reads them: among the case's notes, with the family's details (decision
		// 270's Left, decision 274: they were recorded and shown to no one).
		got, err := c.GetFamily(ctx, &referralv1.GetFamilyRequest{ReferralId: self.GetReferral().GetReferralId(), CentreId: centre.String(),
			Purpose: "Screening the referral's risk answers"})
		require.NoError(t, err)
		var notes []string
		for _, n := range got.GetFamily().GetNotes() {
			if n.GetStep() == "familytime.referral.v1.SecondPartyApplicationReceived" {
				notes = append(notes, n.GetText())
			}
		}
		require.Equal(t, []string{"He has threatened to take the children abroad"}, notes)
	})

	t.Run("said in words, each is accepted", func(t *testing.T) {
		d := details(resident(), nonResident())
		d.Availability, d.Risk.OtherConcerns, d.RiskNotes = "Sat", true, "Arguments at handovers"
		_, err := c.SubmitReferral(ctx, submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, supported, d))
		require.NoError(t, err)
	})
}
