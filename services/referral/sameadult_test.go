package referral_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/host"
)

// family gives the referral its own child and mother, and a visiting father with the phone and
// email given, so that two families share nothing but what the test gives them.
func family(childName, mother, motherPhone, father, fatherPhone, fatherEmail string) func(*referralv1.ReferralDetails) {
	return func(d *referralv1.ReferralDetails) {
		d.Children[0].FullName = childName
		d.Adults[0].FullName, d.Adults[0].Contact.Phone = mother, motherPhone
		d.Adults[1].FullName, d.Adults[1].Contact.Phone, d.Adults[1].Contact.Email = father, fatherPhone, fatherEmail
	}
}

// sameAdults are the referral's possibly-same adults, as (other referral, its family, the adult
// here) triples, with what matched.
func sameAdults(r *referralv1.Referral) []*referralv1.SameAdultPossible {
	return r.GetSameAdultPossible()
}

// Review 59: one adult (the same name and phone) was the visiting parent of two families at one
// centre and nothing told the coordinator. A phone number, in any of the ways it is written, or an
// email address, is matched with the adults of the centre's other open referrals, both ways, and
// answered to the coordinator with the other referral and its family; never a name alone, never
// another centre's referral, never a closed one, never to a referrer; an erased family's hashes
// are deleted (decision 350).
func TestTheSameAdultInTwoFamiliesAtACentreIsToldToTheCoordinator(t *testing.T) {
	g := newRig(t)
	ctx := t.Context()
	centre, elsewhere := g.centre(t, supported), g.centre(t, supported)
	w, other := g.casework(t, centre), g.casework(t, elsewhere)
	get := func(w *casework, ref string) *referralv1.Referral {
		t.Helper()
		got, err := w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: ref, CentreId: w.centre.String()})
		require.NoError(t, err)
		return got.GetReferral()
	}
	father := func(r *referralv1.Referral) string {
		return personID(r, referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT)
	}

	f1 := w.submit(supported, family("Poppy Lark", "Rose Lark", "07700 900111", "Jordan Kestrel", "07700 900456", "jordan@example.org"))
	require.Empty(t, sameAdults(f1), "nobody else at the centre yet")
	req := submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, supported, details(resident(), nonResident()))
	family("Oscar Finch", "Ivy Finch", "07700 900222", "Jordan Kestrel", "+44 (0)7700 900456", "")(req.Details)
	sub, err := w.c.SubmitReferral(ctx, req)
	require.NoError(t, err)
	f2 := sub.GetReferral()
	require.Len(t, sameAdults(f2), 1, "the same phone written another way")
	got := sameAdults(f2)[0]
	require.Equal(t, []string{f1.GetReferralId(), f1.GetFamilyId(), father(f2)}, []string{got.GetReferralId(), got.GetFamilyId(), got.GetPersonId()})
	require.True(t, got.GetSamePhone())
	require.False(t, got.GetSameEmail())
	again, err := w.c.SubmitReferral(ctx, req)
	require.NoError(t, err)
	require.True(t, again.GetReferral().GetReplayed())
	require.Len(t, sameAdults(again.GetReferral()), 1, "a retry says it too")
	// Both ways: the first family's coordinator is told of the second.
	shown := sameAdults(get(w, f1.GetReferralId()))
	require.Len(t, shown, 1)
	require.Equal(t, []string{f2.GetReferralId(), f2.GetFamilyId(), father(f1)}, []string{shown[0].GetReferralId(), shown[0].GetFamilyId(), shown[0].GetPersonId()})
	require.Len(t, sameAdults(get(w, f2.GetReferralId())), 1)

	// The same name with another phone is not the signal; the same email, in another case, is.
	f3 := w.submit(supported, family("Ada Wren", "Fern Wren", "07700 900333", "Jordan Kestrel", "07700 900999", ""))
	require.Empty(t, sameAdults(f3), "a name alone is not matched")
	f4 := w.submit(supported, family("Milo Heron", "Iris Heron", "07700 900444", "J Kestrel", "07700 900888", " JORDAN@Example.org"))
	require.Len(t, sameAdults(f4), 1)
	require.Equal(t, f1.GetReferralId(), sameAdults(f4)[0].GetReferralId())
	require.True(t, sameAdults(f4)[0].GetSameEmail())
	require.False(t, sameAdults(f4)[0].GetSamePhone())

	// Another centre's referral is never matched: the keeping apart is the centre's.
	at := other.submit(supported, family("Nell Crane", "Hazel Crane", "07700 900555", "Jordan Kestrel", "07700 900456", "jordan@example.org"))
	require.Empty(t, sameAdults(at))
	require.Len(t, sameAdults(get(w, f1.GetReferralId())), 2, "f2 and f4, not the other centre's")

	// A referrer is never told (decision 97), though the centre is.
	referrer := g.client(t, "solicitor-1", []auth.Role{auth.RoleReferrer}, centre)
	byReferrer, err := referrer.SubmitReferral(ctx, submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, supported,
		func() *referralv1.ReferralDetails {
			d := details(resident(), nonResident())
			family("Ezra Swift", "Daisy Swift", "07700 900666", "Jordan Kestrel", "07700900456", "")(d)
			return d
		}()))
	require.NoError(t, err)
	require.Empty(t, sameAdults(byReferrer.GetReferral()))
	require.Len(t, sameAdults(get(w, byReferrer.GetReferral().GetReferralId())), 2, "the coordinator reads it: f1 and f2")
	w.withdraw(byReferrer.GetReferral().GetReferralId())

	// A second parent's application is matched too: a self-referral names the mother alone.
	self := details(resident())
	self.Referrer = nil
	self.Children[0].FullName, self.Adults[0].FullName, self.Adults[0].Contact.Phone = "Luna Moss", "Sage Moss", "07700 900777"
	first, err := w.c.SubmitReferral(ctx, submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SELF, supported, self))
	require.NoError(t, err)
	require.Empty(t, sameAdults(first.GetReferral()))
	dad := nonResident()
	dad.Contact.Phone, dad.Contact.Email = "447700900456", ""
	second, err := w.c.SubmitSecondPartyApplication(ctx, &referralv1.SubmitSecondPartyApplicationRequest{RequestId: uuid.NewString(),
		ReferralId: first.GetReferral().GetReferralId(), CentreId: centre.String(), Parent: dad, Risk: &referralv1.RiskAnswers{}, ConsentGiven: true})
	require.NoError(t, err)
	var others []string
	for _, s := range sameAdults(second.GetReferral()) {
		others = append(others, s.GetReferralId())
		require.True(t, s.GetSamePhone())
	}
	require.ElementsMatch(t, []string{f1.GetReferralId(), f2.GetReferralId()}, others, "the open ones, not the withdrawn one")
	w.withdraw(first.GetReferral().GetReferralId())

	// A case closed is kept apart from nobody: it is no longer listed, and lists none itself.
	w.withdraw(f2.GetReferralId())
	require.Empty(t, sameAdults(get(w, f2.GetReferralId())))
	shown = sameAdults(get(w, f1.GetReferralId()))
	require.Len(t, shown, 1)
	require.Equal(t, f4.GetReferralId(), shown[0].GetReferralId())

	// Erasure deletes the family's hashes, so the erased adult's phone matches nobody again.
	require.Equal(t, 3, g.count(t, "SELECT count(*) FROM adult_matches WHERE referral_id = $1", uuid.MustParse(f1.GetReferralId())),
		"the mother's phone, the father's phone and email")
	w.withdraw(f1.GetReferralId())
	admin := g.client(t, "admin-1", []auth.Role{auth.RoleAdmin})
	_, err = admin.EraseFamily(ctx, &referralv1.EraseFamilyRequest{RequestId: uuid.NewString(), FamilyId: f1.GetFamilyId(),
		CentreId: centre.String(), Reason: referralv1.ErasureReason_ERASURE_REASON_ERASURE_REQUESTED})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		return g.count(t, "SELECT count(*) FROM adult_matches WHERE family_id = $1", uuid.MustParse(f1.GetFamilyId())) == 0
	}, 30*time.Second, 10*time.Millisecond, "the erased family's adults' hashes are forgotten")
	require.Empty(t, sameAdults(get(w, f4.GetReferralId())), "f1 erased, nobody shares f4's father's email")
	require.Zero(t, g.count(t, "SELECT count(*) FROM adult_matches WHERE match IN (SELECT match FROM adult_matches a WHERE a.referral_id = $1) AND referral_id <> $1 AND open AND centre_id = $2",
		uuid.MustParse(f4.GetReferralId()), centre))
}

// Referrals made before decision 350 have no adult hashes: the service gives them theirs before it
// serves (migration 0013 lists them), and running it again finds nothing left to do.
func TestEarlierReferralsAdultsAreMatchedAtStart(t *testing.T) {
	g := newRig(t)
	ctx := t.Context()
	w := g.casework(t, g.centre(t, supported))
	f1 := w.submit(supported, family("Poppy Lark", "Rose Lark", "07700 900111", "Jordan Kestrel", "07700 900456", ""))
	ref := uuid.MustParse(f1.GetReferralId())
	// As an earlier version left it.
	_, err := g.owner.Exec(ctx, `DELETE FROM adult_matches WHERE referral_id = $1`, ref)
	require.NoError(t, err)
	_, err = g.owner.Exec(ctx, `INSERT INTO adult_matches_to_complete VALUES ($1)`, ref)
	require.NoError(t, err)
	missed := w.submit(supported, family("Oscar Finch", "Ivy Finch", "07700 900222", "Jordan Kestrel", "07700 900456", ""))
	require.Empty(t, sameAdults(missed), "before: nothing recorded of the first")

	require.NoError(t, g.svc.(host.Preparer).Prepare(ctx))
	require.Equal(t, 2, g.count(t, "SELECT count(*) FROM adult_matches WHERE referral_id = $1", ref))
	require.Zero(t, g.count(t, "SELECT count(*) FROM adult_matches_to_complete"))
	got, err := w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: missed.GetReferralId(), CentreId: w.centre.String()})
	require.NoError(t, err)
	require.Len(t, sameAdults(got.GetReferral()), 1)
	before := g.count(t, "SELECT count(*) FROM adult_matches")
	require.NoError(t, g.svc.(host.Preparer).Prepare(ctx))
	require.Equal(t, before, g.count(t, "SELECT count(*) FROM adult_matches"))
}
