package cli

import (
	"bytes"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
)

// Review 49: a court order's last day in force is shown with the family's details, and one the
// service says has expired is said to have, on that day.
func TestAFamilysCourtOrdersSayWhenTheyExpire(t *testing.T) {
	family := &referralv1.Family{FamilyId: uuid.NewString(), ReferralId: uuid.NewString(), Details: &referralv1.ReferralDetails{
		Reason: "Contact broke down", CourtOrders: []*referralv1.CourtOrder{
			{Kind: referralv1.CourtOrderKind_COURT_ORDER_KIND_NON_MOLESTATION, MadeOn: &commonv1.Date{Year: 2026, Month: 1, Day: 5},
				ExpiresOn: &commonv1.Date{Year: 2027, Month: 1, Day: 4}, Expired: true},
			{Kind: referralv1.CourtOrderKind_COURT_ORDER_KIND_OCCUPATION, MadeOn: &commonv1.Date{Year: 2026, Month: 6, Day: 1},
				ExpiresOn: &commonv1.Date{Year: 2028, Month: 5, Day: 31}},
			{Kind: referralv1.CourtOrderKind_COURT_ORDER_KIND_CHILD_ARRANGEMENTS, MadeOn: &commonv1.Date{Year: 2026, Month: 9, Day: 22}},
		}}}
	var text bytes.Buffer
	require.NoError(t, printFamily(&text, &output{}, family, ""))
	out := text.String()
	require.Contains(t, out, "EXPIRES ON")
	require.Contains(t, out, "expired on 2027-01-04")
	require.Contains(t, out, "2028-05-31")
	require.NotContains(t, out, "expired on 2028-05-31")
}

// The submit help says what expires_on is, and accept's says when --note is needed.
func TestTheHelpSaysWhenAnOrderExpiresAndWhenAcceptanceNeedsANote(t *testing.T) {
	out, err := run(t, "referral", "submit", "--help")
	require.NoError(t, err)
	require.Contains(t, out, "expires_on")
	require.Contains(t, out, "SERVICE_NOT_OFFERED")
	out, err = run(t, "referral", "accept", "--help")
	require.NoError(t, err)
	require.Contains(t, out, "--note")
	require.Contains(t, out, "another kind of contact than the referral")
}

// Review 57, decision 318: the family's court orders name the adults each keeps from the
// children, by role and person id, with the name the adults table already shows; an id the view
// does not show (a party's copy) is given by id alone.
func TestAFamilysCourtOrdersNameWhoTheyKeepFromTheChildren(t *testing.T) {
	gran, other := uuid.NewString(), uuid.NewString()
	family := &referralv1.Family{FamilyId: uuid.NewString(), ReferralId: uuid.NewString(),
		Adults: []*referralv1.Adult{{PersonId: gran, Role: referralv1.AdultRole_ADULT_ROLE_NAMED_RELATIVE, FullName: "Margaret Clarke", MayAttend: true}},
		Details: &referralv1.ReferralDetails{Reason: "Contact broke down", CourtOrders: []*referralv1.CourtOrder{
			{Kind: referralv1.CourtOrderKind_COURT_ORDER_KIND_NON_MOLESTATION, MadeOn: &commonv1.Date{Year: 2026, Month: 6, Day: 1},
				KeepsFromChildren: []string{gran, other}},
			{Kind: referralv1.CourtOrderKind_COURT_ORDER_KIND_CHILD_ARRANGEMENTS, MadeOn: &commonv1.Date{Year: 2026, Month: 9, Day: 22}},
		}}}
	var text bytes.Buffer
	require.NoError(t, printFamily(&text, &output{}, family, ""))
	out := text.String()
	require.Contains(t, out, "KEEPS FROM CHILDREN")
	require.Contains(t, out, "named relative "+gran+" (Margaret Clarke)")
	require.Contains(t, out, "person "+other)
	help, err := run(t, "referral", "family", "--help")
	require.NoError(t, err)
	require.Contains(t, help, "KEEPS FROM")
	help, err = run(t, "referral", "submit", "--help")
	require.NoError(t, err)
	require.Contains(t, help, "keeps_from_children")
}
