package domain_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

func TestScreenRules(t *testing.T) {
	r, _ := inState(t, domain.Received)
	_, err := r.Screen(domain.Screening{}, today)
	var invalid *domain.Invalid
	require.ErrorAs(t, err, &invalid)
	require.Equal(t, "rating", invalid.Violations[0].Field)

	_, err = r.Screen(domain.Screening{Rating: referralv1.RiskRating_RISK_RATING_GREEN, Note: "\xff"}, today)
	require.ErrorAs(t, err, &invalid)
	require.Equal(t, "note", invalid.Violations[0].Field)
	require.Equal(t, domain.Received, r.State())

	// Review 80 (decision 396): a finding of domestic abuse is no green screen.
	_, err = r.Screen(domain.Screening{Rating: referralv1.RiskRating_RISK_RATING_GREEN, DomesticAbuseFinding: true}, today)
	require.ErrorAs(t, err, &invalid)
	require.Equal(t, "rating", invalid.Violations[0].Field)
	require.Contains(t, invalid.Violations[0].Reason, "rate it amber or red")
	require.Equal(t, domain.Received, r.State())

	_, err = r.Screen(domain.Screening{Rating: referralv1.RiskRating_RISK_RATING_RED, DomesticAbuseFinding: true}, today)
	require.NoError(t, err)
	rating, da, ok := r.Screening()
	require.True(t, ok)
	require.True(t, da)
	require.Equal(t, referralv1.RiskRating_RISK_RATING_RED, rating)
}

// Review 21: a referral screened red was screened green again without a word, and accepted for
// supported contact. A screen below the latest one says why; one at or above it need not.
func TestAScreenBelowTheLatestSaysWhy(t *testing.T) {
	r, _ := inState(t, domain.Received)
	_, err := r.Screen(domain.Screening{Rating: referralv1.RiskRating_RISK_RATING_RED, Note: "Threats to take the children abroad"}, today)
	require.NoError(t, err)
	version := r.Version()
	_, err = r.Screen(domain.Screening{Rating: referralv1.RiskRating_RISK_RATING_GREEN}, today)
	require.ErrorIs(t, err, domain.ErrLoweredScreenNoteRequired)
	_, err = r.Screen(domain.Screening{Rating: referralv1.RiskRating_RISK_RATING_GREEN, Note: "."}, today)
	require.Error(t, err, "a note in words")
	require.Equal(t, version, r.Version(), "nothing recorded")
	_, err = r.Screen(domain.Screening{Rating: referralv1.RiskRating_RISK_RATING_RED}, today)
	require.NoError(t, err, "the same rating again")
	_, err = r.Screen(domain.Screening{Rating: referralv1.RiskRating_RISK_RATING_AMBER, Note: "Police say the threat was withdrawn"}, today)
	require.NoError(t, err)
}

func TestAcceptRules(t *testing.T) {
	supportedOnly := []commonv1.ServiceType{supported}
	cases := []struct {
		name    string
		da      bool
		st      commonv1.ServiceType
		offered []commonv1.ServiceType
		err     error
	}{
		{"supported at a centre offering it", false, supported, supportedOnly, nil},
		{"a service the centre does not offer", false, supervisd, supportedOnly, domain.ErrServiceNotOffered},
		{"domestic abuse rules out supported contact", true, supported, both, domain.ErrDomesticAbuseRulesOutSupported},
		{"domestic abuse at a supported-only centre", true, supported, supportedOnly, domain.ErrDomesticAbuseRulesOutSupported},
		{"domestic abuse, redirected to supervised contact", true, supervisd, both, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := inState(t, domain.Received)
			_, err := r.Screen(domain.Screening{Rating: referralv1.RiskRating_RISK_RATING_AMBER, DomesticAbuseFinding: tc.da}, today)
			require.NoError(t, err)
			events, err := r.Accept(tc.st, tc.offered, "", today)
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
				require.Nil(t, events)
				require.Equal(t, domain.Screened, r.State())
				return
			}
			require.NoError(t, err)
			require.Equal(t, domain.Accepted, r.State())
			require.Equal(t, tc.st, r.ServiceType())
		})
	}
	t.Run("a supported-only centre declines the domestic-abuse referral", func(t *testing.T) {
		r, _ := inState(t, domain.Received)
		_, err := r.Screen(domain.Screening{Rating: referralv1.RiskRating_RISK_RATING_RED, DomesticAbuseFinding: true}, today)
		require.NoError(t, err)
		_, err = r.Accept(supported, supportedOnly, "", today)
		require.ErrorIs(t, err, domain.ErrDomesticAbuseRulesOutSupported)
		events, err := r.Decline(domain.Decline{Reason: referralv1.DeclineReason_DECLINE_REASON_REDIRECTED,
			RedirectedTo: otherCtr, Note: "supervised service at the other centre"}, directory, today)
		require.NoError(t, err)
		ev := events[0].(*referralv1.ReferralDeclined)
		require.Equal(t, otherCtr.String(), ev.GetRedirectedToCentreId())
		require.NotEmpty(t, ev.GetSealedNote())
		require.Equal(t, domain.Declined, r.State())
	})
	t.Run("the service type is required", func(t *testing.T) {
		r, _ := inState(t, domain.Screened)
		_, err := r.Accept(0, both, "", today)
		var invalid *domain.Invalid
		require.ErrorAs(t, err, &invalid)
		require.Equal(t, "service_type", invalid.Violations[0].Field)
	})
	// Escorted contact takes the children into the community: only where the referral says they
	// may leave the centre (decision 112), for acceptance and the waiting list alike.
	t.Run("escorted contact needs children who may leave the centre", func(t *testing.T) {
		escorted := []commonv1.ServiceType{supported, commonv1.ServiceType_SERVICE_TYPE_ESCORTED}
		r, _ := inState(t, domain.Screened)
		events, err := r.Accept(commonv1.ServiceType_SERVICE_TYPE_ESCORTED, escorted, "", today)
		require.ErrorIs(t, err, domain.ErrChildrenStayInCentre)
		require.Nil(t, events)
		_, err = r.Waitlist(commonv1.ServiceType_SERVICE_TYPE_ESCORTED, escorted, today)
		require.ErrorIs(t, err, domain.ErrChildrenStayInCentre)
		require.Equal(t, domain.Screened, r.State())

		d := details()
		d.ChildrenMayLeaveCentre = true
		r, h := submit(t, submission(d))
		h.ok(r.Screen(domain.Screening{Rating: referralv1.RiskRating_RISK_RATING_GREEN}, today))
		h.ok(r.Accept(commonv1.ServiceType_SERVICE_TYPE_ESCORTED, escorted, courtAllows, today))
		require.Equal(t, domain.Accepted, r.State())
	})
	t.Run("a waitlisted family is accepted when a place comes", func(t *testing.T) {
		r, _ := inState(t, domain.Waitlisted)
		_, err := r.Accept(supported, both, "", today)
		require.NoError(t, err)
		require.Equal(t, domain.Accepted, r.State())
	})
}

func TestDeclineAndWithdrawRules(t *testing.T) {
	cases := []struct {
		name  string
		do    func(*domain.Referral) error
		field string
	}{
		{"decline without a reason", func(r *domain.Referral) error {
			_, err := r.Decline(domain.Decline{}, directory, today)
			return err
		}, "reason"},
		{"a redirect centre without a redirect", func(r *domain.Referral) error {
			_, err := r.Decline(domain.Decline{Reason: referralv1.DeclineReason_DECLINE_REASON_OTHER, RedirectedTo: otherCtr}, directory, today)
			return err
		}, "redirected_to_centre_id"},
		{"redirected to the same centre", func(r *domain.Referral) error {
			_, err := r.Decline(domain.Decline{Reason: referralv1.DeclineReason_DECLINE_REASON_REDIRECTED, RedirectedTo: centreID}, directory, today)
			return err
		}, "redirected_to_centre_id"},
		{"redirected without the centre", func(r *domain.Referral) error {
			_, err := r.Decline(domain.Decline{Reason: referralv1.DeclineReason_DECLINE_REASON_REDIRECTED}, directory, today)
			return err
		}, "redirected_to_centre_id"},
		{"redirected to a centre the directory does not hold", func(r *domain.Referral) error {
			_, err := r.Decline(domain.Decline{Reason: referralv1.DeclineReason_DECLINE_REASON_REDIRECTED,
				RedirectedTo: uuid.MustParse("11111111-1111-4111-8111-111111111111")}, directory, today)
			return err
		}, "redirected_to_centre_id"},
		{"redirected to a suspended centre", func(r *domain.Referral) error {
			dir := domain.Directory{otherCtr: {ID: otherCtr, Services: both, Accreditation: commonv1.AccreditationStatus_ACCREDITATION_STATUS_SUSPENDED}}
			_, err := r.Decline(domain.Decline{Reason: referralv1.DeclineReason_DECLINE_REASON_REDIRECTED, RedirectedTo: otherCtr}, dir, today)
			return err
		}, "redirected_to_centre_id"},
		{"other without a note", func(r *domain.Referral) error {
			_, err := r.Decline(domain.Decline{Reason: referralv1.DeclineReason_DECLINE_REASON_OTHER, Note: "  "}, directory, today)
			return err
		}, "note"},
		{"an escape code in the note", func(r *domain.Referral) error {
			_, err := r.Decline(domain.Decline{Reason: referralv1.DeclineReason_DECLINE_REASON_OTHER, Note: "\x1b[2Jgone"}, directory, today)
			return err
		}, "note"},
		{"domestic abuse at a supported-only centre, without the finding", func(r *domain.Referral) error {
			dir := domain.Directory{centreID: {ID: centreID, Services: []commonv1.ServiceType{supported}}}
			_, err := r.Decline(domain.Decline{Reason: referralv1.DeclineReason_DECLINE_REASON_DOMESTIC_ABUSE_SUPPORTED_ONLY}, dir, today)
			return err
		}, "reason"},
		{"withdrawn by nobody", func(r *domain.Referral) error {
			_, err := r.Withdraw(0, "", today)
			return err
		}, "withdrawn_by"},
		{"an oversized note", func(r *domain.Referral) error {
			_, err := r.Withdraw(referralv1.WithdrawnBy_WITHDRAWN_BY_COURT, strings.Repeat("x", domain.MaxTextLength+1), today)
			return err
		}, "note"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := inState(t, domain.Screened)
			var invalid *domain.Invalid
			require.ErrorAs(t, tc.do(r), &invalid)
			require.Equal(t, tc.field, invalid.Violations[0].Field)
			require.Equal(t, domain.Screened, r.State())
		})
	}
}

// ReferralWaitlisted names the kind of contact the family waits for, which scheduling puts it on
// its waiting list for: the kind asked for, or supervised when domestic abuse rules out supported.
func TestWaitlistedNamesTheKindOfContactTheFamilyWaitsFor(t *testing.T) {
	for _, tc := range []struct {
		name string
		da   bool
		want commonv1.ServiceType
	}{
		{"the kind asked for", false, supported},
		{"supervised when domestic abuse rules out the supported contact asked for", true, supervisd},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := inState(t, domain.Received)
			_, err := r.Screen(domain.Screening{Rating: referralv1.RiskRating_RISK_RATING_AMBER, DomesticAbuseFinding: tc.da}, today)
			require.NoError(t, err)
			events, err := r.Waitlist(0, both, today)
			require.NoError(t, err)
			require.Equal(t, tc.want, events[0].(*referralv1.ReferralWaitlisted).GetServiceType())
		})
	}
}

// Waitlisting checks the kind of contact as Accept does (decisions.md 77): the screening must
// allow it and the centre offer it, so a supported-only centre cannot waitlist a family whose
// screening found domestic abuse, and appends nothing when it refuses.
func TestWaitlistChecksTheKindOfContactAsAcceptDoes(t *testing.T) {
	supportedOnly := []commonv1.ServiceType{supported}
	supervisedOnly := []commonv1.ServiceType{supervisd}
	for _, tc := range []struct {
		name      string
		da        bool
		st        commonv1.ServiceType
		offered   []commonv1.ServiceType
		want      commonv1.ServiceType
		err       error
		violation string
	}{
		{"domestic abuse at a supported-only centre", true, 0, supportedOnly, 0, domain.ErrDomesticAbuseRulesOutSupported, ""},
		{"domestic abuse, supported named", true, supported, both, 0, domain.ErrDomesticAbuseRulesOutSupported, ""},
		{"domestic abuse at a centre with supervised contact", true, 0, both, supervisd, nil, ""},
		{"the kind asked for is not offered", false, 0, supervisedOnly, 0, domain.ErrServiceNotOffered, ""},
		{"a kind named that the centre does not offer", false, supervisd, supportedOnly, 0, domain.ErrServiceNotOffered, ""},
		{"a kind named that the centre offers", false, supervisd, supervisedOnly, supervisd, nil, ""},
		{"an unknown kind", false, 99, both, 0, nil, "service_type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := inState(t, domain.Received)
			_, err := r.Screen(domain.Screening{Rating: referralv1.RiskRating_RISK_RATING_AMBER, DomesticAbuseFinding: tc.da}, today)
			require.NoError(t, err)
			version := r.Version()
			events, err := r.Waitlist(tc.st, tc.offered, today)
			switch {
			case tc.violation != "":
				var invalid *domain.Invalid
				require.ErrorAs(t, err, &invalid)
				require.Equal(t, tc.violation, invalid.Violations[0].Field)
			case tc.err != nil:
				require.ErrorIs(t, err, tc.err)
			default:
				require.NoError(t, err)
				require.Equal(t, tc.want, events[0].(*referralv1.ReferralWaitlisted).GetServiceType())
				require.Equal(t, domain.Waitlisted, r.State())
				return
			}
			require.Nil(t, events)
			require.Equal(t, version, r.Version())
			require.Equal(t, domain.Screened, r.State())
		})
	}
}

// The decision is accepted, waitlisted, declined or withdrawn: an accepted referral is not
// declined (it is withdrawn, or its case ended), while a waitlisted one may still be.
func TestAnAcceptedReferralIsNotDeclined(t *testing.T) {
	r, _ := inState(t, domain.Accepted)
	events, err := r.Decline(domain.Decline{Reason: referralv1.DeclineReason_DECLINE_REASON_OTHER, Note: "changed our minds"}, directory, today)
	require.ErrorIs(t, err, domain.ErrReferralAccepted)
	require.ErrorContains(t, err, "withdraw it")
	require.Nil(t, events)
	require.Equal(t, domain.Accepted, r.State())

	w, _ := inState(t, domain.Waitlisted)
	_, err = w.Decline(domain.Decline{Reason: referralv1.DeclineReason_DECLINE_REASON_CANNOT_MEET_NEEDS}, directory, today)
	require.NoError(t, err)
	require.Equal(t, domain.Declined, w.State())
}

// A referral the centre cannot proceed with is declined without a screening, for any reason
// that does not rest on one; a decline for risk needs the screening (decisions.md 77).
func TestDeclineWithoutScreening(t *testing.T) {
	incomplete := func(t *testing.T) *domain.Referral {
		d := details()
		d.Adults[1].Contact = domain.ContactDetails{}
		r, _ := submit(t, submission(d))
		require.False(t, r.Complete())
		return r
	}
	awaiting := func(t *testing.T) *domain.Referral {
		r, _ := inState(t, domain.AwaitingSecondParty)
		return r
	}
	for name, referral := range map[string]func(*testing.T) *domain.Referral{"incomplete": incomplete, "awaiting the second parent": awaiting} {
		t.Run(name, func(t *testing.T) {
			for _, reason := range []referralv1.DeclineReason{referralv1.DeclineReason_DECLINE_REASON_RISK_TOO_HIGH,
				referralv1.DeclineReason_DECLINE_REASON_DOMESTIC_ABUSE_SUPPORTED_ONLY} {
				r := referral(t)
				state := r.State()
				events, err := r.Decline(domain.Decline{Reason: reason}, directory, today)
				require.ErrorIs(t, err, domain.ErrDeclineForRiskUnscreened, reason.String())
				require.Nil(t, events)
				require.Equal(t, state, r.State())
			}
			for _, d := range []domain.Decline{
				{Reason: referralv1.DeclineReason_DECLINE_REASON_OTHER, Note: "the father's contact details never came"},
				{Reason: referralv1.DeclineReason_DECLINE_REASON_NO_AGREEMENT},
				{Reason: referralv1.DeclineReason_DECLINE_REASON_OUT_OF_AREA},
				{Reason: referralv1.DeclineReason_DECLINE_REASON_REDIRECTED, RedirectedTo: otherCtr},
			} {
				r := referral(t)
				_, err := r.Decline(d, directory, today)
				require.NoError(t, err, d.Reason.String())
				require.Equal(t, domain.Declined, r.State())
			}
		})
	}
	t.Run("domestic abuse at a supported-only centre, after the finding", func(t *testing.T) {
		supportedOnly := domain.Directory{centreID: {ID: centreID, Services: []commonv1.ServiceType{supported}}}
		r, _ := inState(t, domain.Received)
		_, err := r.Screen(domain.Screening{Rating: referralv1.RiskRating_RISK_RATING_RED, DomesticAbuseFinding: true}, today)
		require.NoError(t, err)
		declined := domain.Decline{Reason: referralv1.DeclineReason_DECLINE_REASON_DOMESTIC_ABUSE_SUPPORTED_ONLY}
		_, err = r.Decline(declined, directory, today)
		var invalid *domain.Invalid
		require.ErrorAs(t, err, &invalid, "this centre offers supervised contact")
		require.Equal(t, "reason", invalid.Violations[0].Field)
		_, err = r.Decline(declined, supportedOnly, today)
		require.NoError(t, err)
	})
}

// Review 65 finding 6 (decision 353): a self-referral still waiting for the second parent's
// application is not withdrawn by that parent, who never applied (the history would read
// "withdrawn by" a person the centre has no record of); the refusal names who may. The parent who
// applied may, whichever it was, and so may the referrer or the court; once the other parent has
// applied, either may.
func TestASelfReferralIsNotWithdrawnByTheParentWhoHasNotApplied(t *testing.T) {
	const (
		byResident    = referralv1.WithdrawnBy_WITHDRAWN_BY_RESIDENT_PARENT
		byNonResident = referralv1.WithdrawnBy_WITHDRAWN_BY_NON_RESIDENT_PARENT
	)
	fromNonResident := func(t *testing.T) *domain.Referral {
		s := selfSubmission()
		s.Details.Adults = []domain.Adult{nonResident()}
		r, _ := submit(t, s)
		require.Equal(t, domain.AwaitingSecondParty, r.State())
		return r
	}
	fromResident := func(t *testing.T) *domain.Referral {
		r, _ := inState(t, domain.AwaitingSecondParty)
		return r
	}
	for _, c := range []struct {
		name            string
		referral        func(*testing.T) *domain.Referral
		absent, applied referralv1.WithdrawnBy
		says            string
	}{
		{"the resident parent applied", fromResident, byNonResident, byResident, "the resident parent, who applied, withdraws it (--by resident-parent)"},
		{"the non-resident parent applied", fromNonResident, byResident, byNonResident,
			"the non-resident parent, who applied, withdraws it (--by non-resident-parent)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := c.referral(t)
			events, err := r.Withdraw(c.absent, "The other parent will not apply", today)
			var invalid *domain.Invalid
			require.ErrorAs(t, err, &invalid)
			require.Nil(t, events)
			require.Equal(t, "withdrawn_by", invalid.Violations[0].Field)
			require.Contains(t, invalid.Violations[0].Reason, "is the parent who has not applied to this self-referral")
			require.Contains(t, invalid.Violations[0].Reason, c.says)
			require.Contains(t, invalid.Violations[0].Reason, "the centre declines it (familytime referral decline "+r.ID().String()+
				" --centre "+r.CentreID().String()+" --reason no-agreement)")
			require.Equal(t, domain.AwaitingSecondParty, r.State(), "nothing withdrawn")
			for _, by := range []referralv1.WithdrawnBy{c.applied, referralv1.WithdrawnBy_WITHDRAWN_BY_REFERRER,
				referralv1.WithdrawnBy_WITHDRAWN_BY_COURT} {
				_, err := c.referral(t).Withdraw(by, "", today)
				require.NoError(t, err, by.String())
			}
		})
	}
	// Both applied: either parent may withdraw it.
	r, _ := inState(t, domain.AwaitingSecondParty)
	_, err := r.SubmitSecondParty(secondParty(), today, ids())
	require.NoError(t, err)
	_, err = r.Withdraw(byNonResident, "", today)
	require.NoError(t, err)
}

// Review 80 (decision 393): a referral whose only child turned 18 after it was received was
// accepted, counted, and could never be booked. Accepting or waitlisting it is refused
// CHILDREN_OF_AGE from the child's 18th birthday, saying how to close it. From the first of that
// month, since scheduling counts the child 18 from then and no session could be booked (review 81
// M5, decision 402), saying why; the day before, not.
func TestAReferralWhoseChildrenAreAllOf18IsNotTakenIntoContact(t *testing.T) {
	birthday := date(2037, 4, 2) // details()'s only child, born 2019-04-02
	for name, decide := range map[string]func(r *domain.Referral, on time.Time) ([]proto.Message, error){
		"accept": func(r *domain.Referral, on time.Time) ([]proto.Message, error) {
			return r.Accept(supported, both, "", on)
		},
		"waitlist": func(r *domain.Referral, on time.Time) ([]proto.Message, error) {
			return r.Waitlist(supported, both, on)
		},
	} {
		t.Run(name, func(t *testing.T) {
			r, _ := inState(t, domain.Screened)
			events, err := decide(r, birthday)
			require.ErrorIs(t, err, domain.ErrChildrenOfAge)
			require.Contains(t, err.Error(), "familytime referral decline "+r.ID().String())
			require.Nil(t, events)
			require.Equal(t, domain.Screened, r.State())
			_, err = decide(r, date(2037, 4, 1))
			require.ErrorIs(t, err, domain.ErrChildrenOfAge, "18 in the month of the birthday, as the sessions count it")
			require.Contains(t, err.Error(), "turns 18 this month")
			_, err = decide(r, date(2037, 3, 31))
			require.NoError(t, err, "under 18 the month before")
		})
	}
}

// Decision 416: the day every child comes of age for contact is the first of the month of the
// youngest's 18th birthday, warned of 26 weeks ahead, and never when a date of birth is unknown.
func TestChildrenComeOfAgeOnTheFirstOfTheYoungestsBirthdayMonth(t *testing.T) {
	child := func(born time.Time) domain.Child { return domain.Child{Name: "A Child", DateOfBirth: born} }
	older, younger := child(date(2009, 2, 28)), child(date(2009, 12, 31))
	require.Equal(t, date(2027, 12, 1), domain.ChildrenComeOfAgeOn([]domain.Child{younger, older}))
	require.Equal(t, date(2027, 2, 1), domain.ChildrenComeOfAgeOn([]domain.Child{older}))
	require.True(t, domain.ChildrenComeOfAgeOn([]domain.Child{older, {Name: "No date"}}).IsZero())
	require.True(t, domain.ChildrenComeOfAgeOn(nil).IsZero())

	require.Equal(t, date(2027, 12, 1), domain.ComeOfAgeSoon([]domain.Child{younger, older}, date(2027, 6, 2)), "26 weeks ahead")
	require.True(t, domain.ComeOfAgeSoon([]domain.Child{younger, older}, date(2027, 6, 1)).IsZero(), "26 weeks and a day")
	require.Equal(t, date(2027, 2, 1), domain.ComeOfAgeSoon([]domain.Child{older}, date(2027, 2, 10)), "of age for contact already")
	// Born on 29 February: 18 for contact from 1 February, as scheduling counts the birth month
	// (review 88 M1: 18 years on from the date is 1 March).
	require.Equal(t, date(2030, 2, 1), domain.ChildrenComeOfAgeOn([]domain.Child{child(date(2012, 2, 29))}))
}
