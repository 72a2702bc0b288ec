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

// A family's details open only for a purpose that says why, as a safeguarding read's: at least 3
// characters, in words. A refused opening records nothing.
func TestOpeningAFamilyNeedsAPurposeInWords(t *testing.T) {
	g := newRig(t)
	w := g.casework(t, g.centre(t, supported))
	ref := w.submit(supported).GetReferralId()
	before := g.events(t)
	for _, purpose := range []string{".", "ab", "...", " . . ", "?!?!"} {
		_, err := w.c.GetFamily(t.Context(), &referralv1.GetFamilyRequest{ReferralId: ref, CentreId: w.centre.String(), Purpose: purpose})
		refused(t, err, codes.InvalidArgument, "purpose")
	}
	require.Equal(t, before, g.events(t), "no opening recorded")
	_, err := w.c.GetFamily(t.Context(), &referralv1.GetFamilyRequest{ReferralId: ref, CentreId: w.centre.String(), Purpose: "pre-visit letters"})
	require.NoError(t, err)
}

// Terminal escape codes and other control characters are refused in every text of a person or
// their contact details, and phone numbers and postcodes must look like UK ones; the example
// file's values, and the ones the tests use, pass.
func TestPeoplesDetailsHoldNoControlCharactersOrJunk(t *testing.T) {
	g := newRig(t)
	centre := g.centre(t, supported)
	c := g.coordinator(t, centre)
	before := g.events(t)
	for _, tc := range []struct {
		name  string
		edit  func(*referralv1.ReferralDetails)
		field string
	}{
		{"an escape code in a name", func(d *referralv1.ReferralDetails) {
			d.Adults[0].FullName = "Emma \x1b[2J\x1b[31mEVIL\x1b[0m Clarke"
		}, "details.adults[0].full_name"},
		{"a C1 control in a child's name", func(d *referralv1.ReferralDetails) { d.Children[0].FullName = "Lily\u009b31m" }, "details.children[0].full_name"},
		{"a line break in an address line", func(d *referralv1.ReferralDetails) {
			d.Adults[1].Contact.AddressLines = []string{"4 Kestrel\nCourt"}
		}, "details.adults[1].contact.address_lines[0]"},
		{"an escape code in the referrer's name", func(d *referralv1.ReferralDetails) { d.Referrer.Name = "Sam\x1b]0;pwned\x07" }, "details.referrer.name"},
		{"an escape code in the reason", func(d *referralv1.ReferralDetails) { d.Reason = "Contact broke down\x1b[2J" }, "details.reason"},
		{"a right-to-left override in a name", func(d *referralv1.ReferralDetails) { d.Adults[1].FullName = "Daniel\u202eekralC" }, "details.adults[1].full_name"},
		{"a zero-width space in a child's name", func(d *referralv1.ReferralDetails) { d.Children[0].FullName = "Li\u200bly" }, "details.children[0].full_name"},
		{"a left-to-right isolate in an address line", func(d *referralv1.ReferralDetails) {
			d.Adults[0].Contact.AddressLines = []string{"\u2066EVIL 12 Primrose Lane"}
		}, "details.adults[0].contact.address_lines[0]"},
		{"a right-to-left mark in the reason", func(d *referralv1.ReferralDetails) { d.Reason = "Contact broke down\u200f" }, "details.reason"},
		{"a phone that is not one", func(d *referralv1.ReferralDetails) { d.Adults[0].Contact.Phone = "call me maybe; DROP TABLE" }, "details.adults[0].contact.phone"},
		{"a postcode that is not one", func(d *referralv1.ReferralDetails) { d.Adults[0].Contact.Postcode = "!!!!" }, "details.adults[0].contact.postcode"},
		{"a referrer's phone that is not one", func(d *referralv1.ReferralDetails) { d.Referrer.Phone = "12" }, "details.referrer.phone"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := details(resident(), nonResident())
			tc.edit(d)
			_, err := c.SubmitReferral(t.Context(), submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, supported, d))
			refused(t, err, codes.InvalidArgument, tc.field)
			require.NotContains(t, status.Convert(err).Message(), "EVIL", "reasons never quote the value")
		})
	}
	require.Equal(t, before, g.events(t), "nothing appended")
	d := details(resident(), nonResident())
	d.Adults[0].Contact.Phone, d.Adults[0].Contact.Postcode = "+44 (0)161 496 0732", "sk1 3bz"
	d.Reason = "Contact broke down.\nThe parents do not speak."
	// Names in other scripts are names, kept as written (decisions.md 91).
	d.Adults[0].FullName, d.Adults[1].FullName, d.Children[0].FullName = "Siân Llŵyd", "Michał Łukasiewicz", "ليلى 王"
	resp, err := c.SubmitReferral(t.Context(), submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, supported, d))
	require.NoError(t, err)
	family, err := c.GetFamily(t.Context(), &referralv1.GetFamilyRequest{ReferralId: resp.GetReferral().GetReferralId(),
		CentreId: centre.String(), Purpose: "check the names as written"})
	require.NoError(t, err)
	var names []string
	for _, a := range family.GetFamily().GetAdults() {
		names = append(names, a.GetFullName())
	}
	for _, ch := range family.GetFamily().GetChildren() {
		names = append(names, ch.GetFullName())
	}
	require.Subset(t, names, []string{"Siân Llŵyd", "Michał Łukasiewicz", "ليلى 王"})
}

// A child's date of birth typed wrongly is corrected while the family is ready for contact, with
// why (decision 187): the amendment is recorded, and the corrected birth year and month are
// announced (ChildBirthMonthCorrected, after the ReferralAmended) where scheduling listens, with
// the child's id and nothing else of the child. The same correction changing who may attend is
// still ATTENDEES_FIXED; one without a reason, or to a day after the child was referred, is
// refused naming the field; a refusal appends nothing.
func TestAChildsDateOfBirthIsCorrectedWhileTheFamilyIsReady(t *testing.T) {
	g := newRig(t)
	w := g.casework(t, g.centre(t, supported))
	ctx := t.Context()
	id := w.ready(supported)
	opened, err := w.c.GetFamily(ctx, &referralv1.GetFamilyRequest{ReferralId: id, CentreId: w.centre.String(), Purpose: "correct the child's date of birth"})
	require.NoError(t, err)
	amend := func(why string, edit func(*referralv1.ReferralDetails)) error {
		t.Helper()
		d := proto.Clone(opened.GetFamily().GetDetails()).(*referralv1.ReferralDetails)
		edit(d)
		_, err := w.c.AmendReferral(ctx, &referralv1.AmendReferralRequest{RequestId: uuid.NewString(), ReferralId: id, CentreId: w.centre.String(),
			Details: d, CorrectionReason: why})
		return err
	}
	child := opened.GetFamily().GetDetails().GetChildren()[0].GetPersonId()
	born := today().AddDate(-6, -5, 0) // three months earlier than typed
	corrected := func(d *referralv1.ReferralDetails) { d.Children[0].DateOfBirth = date(born) }
	const why = "The child's date of birth was typed wrongly"

	before := g.events(t)
	err = amend(why, func(d *referralv1.ReferralDetails) {
		corrected(d)
		d.Adults[1].MayCollect = !d.Adults[1].GetMayCollect()
	})
	refused(t, err, codes.FailedPrecondition, "ATTENDEES_FIXED")
	err = amend("", corrected)
	refused(t, err, codes.InvalidArgument, "correction_reason")
	err = amend(why, func(d *referralv1.ReferralDetails) { d.Children[0].DateOfBirth = date(today().AddDate(0, 0, 1)) })
	refused(t, err, codes.InvalidArgument, "details.children[0].date_of_birth")
	require.Equal(t, before, g.events(t), "refusals append nothing")

	require.NoError(t, amend(why, corrected))
	types := g.eventTypes(t, id)
	require.Equal(t, []string{"FamilyReadyForContact", "ReferralAmended", "ChildBirthMonthCorrected"}, types[len(types)-3:])
	var published referralv1.ChildBirthMonthCorrected
	g.published(t, w.centre, &published, func() bool { return published.GetReferralId() == id })
	require.Equal(t, child, published.GetPersonId())
	require.Equal(t, []int32{int32(born.Year()), int32(born.Month())}, []int32{published.GetBirthYear(), published.GetBirthMonth()})

	again, err := w.c.GetFamily(ctx, &referralv1.GetFamilyRequest{ReferralId: id, CentreId: w.centre.String(), Purpose: "check the correction"})
	require.NoError(t, err)
	require.True(t, proto.Equal(date(born), again.GetFamily().GetDetails().GetChildren()[0].GetDateOfBirth()))
}
