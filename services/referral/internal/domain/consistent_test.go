package domain_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

// refused checks that err is an *Invalid with field among its violations, whose reason says
// because, and that the reason quotes none of the words in private.
func refused(t *testing.T, err error, field, because string, private ...string) {
	t.Helper()
	var invalid *domain.Invalid
	require.ErrorAs(t, err, &invalid)
	for _, v := range invalid.Violations {
		if v.Field == field {
			require.Contains(t, v.Reason, because)
			for _, p := range private {
				require.NotContains(t, v.Reason, p, "the reason quotes nothing of the family")
			}
			return
		}
	}
	require.Failf(t, "field not named", "want %s in %v", field, invalid.Violations)
}

func relative(name, phone, email string) domain.Adult {
	return domain.Adult{Role: referralv1.AdultRole_ADULT_ROLE_NAMED_RELATIVE, Name: name, MayBring: true, MayCollect: true,
		Relationship: "uncle", Contact: domain.ContactDetails{Phone: phone, Email: email}}
}

// Review 18: a referral that says no court, or no Cafcass, is involved while the rest of it shows
// one is, or that names one child or one adult twice, is refused at the field, at submission and
// at amendment, and records nothing.
func TestAReferralThatContradictsItselfIsRefused(t *testing.T) {
	court, cafcass := commonv1.ReferralSource_REFERRAL_SOURCE_COURT, commonv1.ReferralSource_REFERRAL_SOURCE_CAFCASS
	noOrders := func(s *domain.Submission) {
		s.Details.CourtOrders, s.Details.CourtInvolved, s.Details.Agencies, s.Details.CafcassInvolved = nil, false, nil, false
	}
	cases := []struct {
		name, field, because string
		source               commonv1.ReferralSource // 0: a solicitor's
		edit                 func(*domain.Details)
	}{
		{"a court's referral with no court involved", "details.court_involved", "must be true: the referral comes from a court", court,
			func(d *domain.Details) {}},
		{"Cafcass's referral with no Cafcass involved", "details.cafcass_involved", "must be true: the referral comes from Cafcass", cafcass,
			func(d *domain.Details) {}},
		{"a child arrangements order with no court involved", "details.court_involved", "records a court order", 0,
			func(d *domain.Details) {
				d.CourtOrders = []domain.CourtOrder{{Kind: referralv1.CourtOrderKind_COURT_ORDER_KIND_CHILD_ARRANGEMENTS, MadeOn: date(2025, 3, 1)}}
			}},
		{"an injunction, its date not known, with no court involved", "details.court_involved", "records a court order", 0,
			func(d *domain.Details) {
				d.CourtOrders = []domain.CourtOrder{{Kind: referralv1.CourtOrderKind_COURT_ORDER_KIND_NON_MOLESTATION}}
			}},
		{"a non-molestation order under the answer that no injunction is in force", "details.risk.injunction",
			"must be true: the referral records an injunction in force (details.court_orders[0]", 0,
			func(d *domain.Details) {
				d.CourtInvolved, d.Risk.Injunction = true, false
				d.CourtOrders = []domain.CourtOrder{{Kind: referralv1.CourtOrderKind_COURT_ORDER_KIND_NON_MOLESTATION}}
			}},
		{"an occupation order under the answer that no injunction is in force", "details.risk.injunction",
			"must be true: the referral records an injunction in force (details.court_orders[1]", 0,
			func(d *domain.Details) {
				d.CourtInvolved, d.Risk.Injunction = true, false
				d.CourtOrders = []domain.CourtOrder{{Kind: referralv1.CourtOrderKind_COURT_ORDER_KIND_CHILD_ARRANGEMENTS},
					{Kind: referralv1.CourtOrderKind_COURT_ORDER_KIND_OCCUPATION}}
			}},
		// Review 45: an injunction is a court's order, whether or not the referral lists it.
		{"an injunction answered yes with no court involved and no order listed", "details.court_involved",
			"must be true: the referral answers that an injunction is in force (details.risk.injunction)", 0,
			func(d *domain.Details) { d.Risk.Injunction = true }},
		{"Cafcass among the agencies with no Cafcass involved", "details.cafcass_involved", "Cafcass is among the other agencies", 0,
			func(d *domain.Details) { d.Agencies = []referralv1.Agency{referralv1.Agency_AGENCY_CAFCASS} }},
		{"the same child twice", "details.children[1]", "is the same child as details.children[0] (the same name and date of birth)", 0,
			func(d *domain.Details) {
				// as possible duplicates are matched: case, accents and spacing aside
				d.Children = append(d.Children, domain.Child{Name: "  zoe   CHILD ", DateOfBirth: d.Children[0].DateOfBirth})
			}},
		{"the non-resident parent again as a relative, with their phone", "details.adults[3]",
			"is the same person as details.adults[1] (the same name and phone number)", 0,
			func(d *domain.Details) { d.Adults = append(d.Adults, relative("BOB visiting", "+44 7700 900002", "")) }},
		{"a relative twice, with their email", "details.adults[3]", "is the same person as details.adults[2] (the same name and email address)", 0,
			func(d *domain.Details) {
				d.Adults[2].Contact.Email = "gran@example.org"
				d.Adults = append(d.Adults, relative("Gran Visiting", "", "GRAN@example.org"))
			}},
		{"an order about a child made 18 years ago", "details.court_orders[0].made_on", "must be less than 18 years ago", 0,
			func(d *domain.Details) {
				d.CourtOrders = []domain.CourtOrder{{Kind: referralv1.CourtOrderKind_COURT_ORDER_KIND_CHILD_ARRANGEMENTS, MadeOn: date(1901, 1, 1)}}
				d.CourtInvolved = true
			}},
	}
	for _, tc := range cases {
		t.Run("submitted: "+tc.name, func(t *testing.T) {
			s := submission(details())
			noOrders(&s)
			if tc.source != 0 {
				s.Source = tc.source
			}
			tc.edit(&s.Details)
			r, events, err := domain.Submit(s, submitted, ids())
			refused(t, err, tc.field, tc.because, "Zoë", "zoe", "Bob", "Gran", "7700", "example.org")
			require.Nil(t, r)
			require.Empty(t, events, "nothing recorded")
		})
	}
	for _, state := range []domain.State{domain.Received, domain.InContact} {
		for _, tc := range cases {
			if tc.source != 0 {
				continue // an amendment keeps the source: see TestAReferralReceivedBeforeTheRule
			}
			t.Run("amended when "+state.String()+": "+tc.name, func(t *testing.T) {
				r, _ := inState(t, state)
				version := r.Version()
				d := r.Details()
				d.CourtOrders, d.CourtInvolved, d.Agencies, d.CafcassInvolved = nil, false, nil, false
				tc.edit(&d)
				events, err := r.Amend(d, "", today, ids())
				refused(t, err, tc.field, tc.because)
				require.Empty(t, events, "nothing recorded")
				require.Equal(t, version, r.Version())
			})
		}
	}
}

// What is not a contradiction is accepted: twins, two people sharing a phone, a father and a
// grandfather of one name, an injunction older than the children, a child of a parent's name.
func TestWhatOnlyLooksLikeAContradictionIsAccepted(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*domain.Submission)
	}{
		{"twins: one date of birth, two names", func(s *domain.Submission) {
			s.Details.Children = append(s.Details.Children, domain.Child{Name: "Zak Child", DateOfBirth: s.Details.Children[0].DateOfBirth})
		}},
		{"a child's name twice, with two dates of birth", func(s *domain.Submission) {
			s.Details.Children = append(s.Details.Children, domain.Child{Name: "Zoë Child", DateOfBirth: date(2021, 6, 3)})
		}},
		{"a relative sharing the non-resident parent's phone", func(s *domain.Submission) {
			s.Details.Adults = append(s.Details.Adults, relative("Carol Visiting", "07700 900002", "bob@example.org"))
		}},
		{"a grandfather of the father's name, with his own phone", func(s *domain.Submission) {
			s.Details.Adults = append(s.Details.Adults, relative("Bob Visiting", "07700 900777", ""))
		}},
		{"two relatives of one name, without contact details", func(s *domain.Submission) {
			s.Details.Adults = append(s.Details.Adults, relative("Pat Visiting", "", ""), relative("Pat Visiting", "", ""))
		}},
		{"a child named as the non-resident parent", func(s *domain.Submission) { s.Details.Children[0].Name = "Bob Visiting" }},
		{"a non-molestation order made before the child was born", func(s *domain.Submission) {
			s.Details.CourtOrders = append(s.Details.CourtOrders, domain.CourtOrder{Kind: referralv1.CourtOrderKind_COURT_ORDER_KIND_NON_MOLESTATION,
				MadeOn: date(2005, 2, 1)})
			s.Details.Risk.Injunction = true
		}},
		{"a child arrangements order made before the younger child was born (the older's; review 49)", func(s *domain.Submission) {
			s.Details.Children = append(s.Details.Children, domain.Child{Name: "Zak Child", DateOfBirth: date(2021, 6, 3)})
			s.Details.CourtOrders[0].MadeOn = date(2020, 2, 1)
		}},
		{"an injunction answered yes, the court involved, no order listed", func(s *domain.Submission) {
			s.Details.CourtOrders, s.Details.Risk.Injunction = nil, true
		}},
		{"a Cafcass referral saying Cafcass and the court are involved", func(s *domain.Submission) {
			s.Source = commonv1.ReferralSource_REFERRAL_SOURCE_CAFCASS
		}},
		{"a court's referral saying so, with no order", func(s *domain.Submission) {
			s.Source, s.Details.CourtOrders = commonv1.ReferralSource_REFERRAL_SOURCE_COURT, nil
		}},
		{"a solicitor's referral with no court and no Cafcass", func(s *domain.Submission) {
			s.Details.CourtOrders, s.Details.CourtInvolved, s.Details.Agencies, s.Details.CafcassInvolved = nil, false, nil, false
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := submission(details())
			tc.edit(&s)
			_, _, err := domain.Submit(s, submitted, ids())
			require.NoError(t, err)
		})
	}
}

// receivedBeforeTheRule rewrites the ReferralReceived of a family's history as referral recorded
// it before decision 148: from a court, saying no court is involved, and naming the non-resident
// parent again as the relative (their name and phone, under the relative's person id).
func receivedBeforeTheRule(t *testing.T, h *history) {
	t.Helper()
	ev := proto.Clone(h.events[0]).(*referralv1.ReferralReceived)
	ev.Source = commonv1.ReferralSource_REFERRAL_SOURCE_COURT
	ev.Facts.CourtInvolved, ev.Facts.CourtOrders = false, nil
	var parent, rel referralv1.PersonDetails
	require.NoError(t, proto.Unmarshal(ev.GetFacts().GetAdults()[1].GetSealedDetails(), &parent))
	require.NoError(t, proto.Unmarshal(ev.GetFacts().GetAdults()[2].GetSealedDetails(), &rel))
	rel.FullName, rel.Phone = parent.GetFullName(), parent.GetPhone()
	b, err := proto.Marshal(&rel)
	require.NoError(t, err)
	ev.Facts.Adults[2].SealedDetails = b
	h.events[0] = ev
}

// A referral recorded before the rule is corrected by its next amendment where it says no court
// is involved (the court's referral shows it is), but keeps a person it names twice while the
// amendment keeps both by their ids: refusing the pair would refuse every amendment. Once the
// family is ready, the relative's entry may be taken off (decision 389), the parent's not.
func TestAReferralReceivedBeforeTheRule(t *testing.T) {
	r, h := inState(t, domain.InContact)
	receivedBeforeTheRule(t, h)
	r, err := domain.Rebuild(r.ID(), h.events)
	require.NoError(t, err)
	require.Equal(t, domain.InContact, r.State())
	version := r.Version()

	d := r.Details()
	d.Availability = "Sunday afternoons"
	events, err := r.Amend(d, "", today, ids())
	refused(t, err, "details.court_involved", "the referral comes from a court")
	require.Empty(t, events)
	require.Equal(t, version, r.Version())

	d.CourtInvolved = true
	events, err = r.Amend(d, "", today, ids())
	require.NoError(t, err, "the pair recorded before the rule is kept")
	require.Len(t, events, 1)
	require.True(t, events[0].(*referralv1.ReferralAmended).GetFacts().GetCourtInvolved())

	d = r.Details()
	again := d.Adults[1]
	again.ID, again.Role = uuid.Nil, referralv1.AdultRole_ADULT_ROLE_NAMED_ESCORT
	d.Adults = append(d.Adults, again)
	_, err = r.Amend(d, "", today, ids())
	refused(t, err, "details.adults[3]", "is the same person as details.adults[1]")

	d = r.Details()
	d.Adults[0].Name, d.Adults[0].Contact.Phone = d.Adults[2].Name, d.Adults[2].Contact.Phone
	_, err = r.Amend(d, "", today, ids())
	refused(t, err, "details.adults[2]", "is the same person as details.adults[0]")

	// The relative's entry may now be taken off (decision 389): announced as withdrawn, so the
	// door stops admitting that person id.
	d = r.Details()
	relative := d.Adults[2].ID
	d.Adults = d.Adults[:2]
	events, err = r.Amend(d, "named twice", today, ids())
	require.NoError(t, err, "an adult other than a parent is taken off")
	var off *referralv1.AdultKeptFromChildren
	for _, ev := range events {
		if k, ok := ev.(*referralv1.AdultKeptFromChildren); ok {
			off = k
		}
	}
	require.NotNil(t, off)
	require.Equal(t, relative.String(), off.GetPersonId())
	require.True(t, off.GetWithdrawn())
}

// A referral recorded before review 20 listing an injunction under the answer "no injunction" is
// amended without being refused for what it keeps: once the family is ready for contact its risk
// answers no longer change, and refusing the pair would refuse every amendment (safeguarding's
// screen counts the order as an injunction).
func TestAnInjunctionUnderTheAnswerNoRecordedBeforeTheRule(t *testing.T) {
	r, h := inState(t, domain.InContact)
	ev := proto.Clone(h.events[0]).(*referralv1.ReferralReceived)
	ev.Facts.CourtInvolved, ev.Facts.Risk = true, &referralv1.RiskAnswers{}
	ev.Facts.CourtOrders = append(ev.Facts.CourtOrders, &referralv1.CourtOrderRecord{Kind: referralv1.CourtOrderKind_COURT_ORDER_KIND_NON_MOLESTATION})
	h.events[0] = ev
	r, err := domain.Rebuild(r.ID(), h.events)
	require.NoError(t, err)
	require.Equal(t, domain.InContact, r.State())
	d := r.Details()
	require.False(t, d.Risk.Injunction)
	d.Availability = "Sunday afternoons"
	events, err := r.Amend(d, "", today, ids())
	require.NoError(t, err)
	require.NotEmpty(t, events)
}

// Review 45: a referral recorded before the rule answering that an injunction is in force with no
// court involved is put right by its next amendment, which must say the court is involved, even
// once the family is in contact: court involvement is not who may attend, and changes then, while
// the risk answer does not (ErrAttendeesFixed), so the rule is not waived for what it keeps.
func TestAnInjunctionWithNoCourtRecordedBeforeTheRule(t *testing.T) {
	r, h := inState(t, domain.InContact)
	ev := proto.Clone(h.events[0]).(*referralv1.ReferralReceived)
	ev.Facts.CourtInvolved, ev.Facts.CourtOrders = false, nil
	ev.Facts.Risk = &referralv1.RiskAnswers{Injunction: true, OtherConcerns: true}
	h.events[0] = ev
	r, err := domain.Rebuild(r.ID(), h.events)
	require.NoError(t, err)
	require.Equal(t, domain.InContact, r.State())
	version := r.Version()

	d := r.Details()
	d.Availability = "Sunday afternoons"
	events, err := r.Amend(d, "", today, ids())
	refused(t, err, "details.court_involved", "the referral answers that an injunction is in force")
	require.Empty(t, events)
	require.Equal(t, version, r.Version())

	d.CourtInvolved = true
	events, err = r.Amend(d, "", today, ids())
	require.NoError(t, err)
	require.Len(t, events, 1)
	require.True(t, events[0].(*referralv1.ReferralAmended).GetFacts().GetCourtInvolved())
}

// Review 45: a second parent who answers that an injunction is in force, on a self-referral whose
// first parent said no court is involved, is not refused for the first parent's answer: the
// disclosure stands (as an abduction risk they disclose does), and the referral's next amendment
// must say the court is involved.
func TestASecondParentsInjunctionStandsAndTheAmendmentSaysTheCourtIsInvolved(t *testing.T) {
	s := selfSubmission()
	s.Details.CourtOrders, s.Details.CourtInvolved = nil, false
	r, h := submit(t, s)
	a := secondParty()
	a.Risk.Injunction = true
	h.ok(r.SubmitSecondParty(a, today, ids()))
	require.True(t, r.Details().Risk.Injunction, "the second parent's answer counts")

	version := r.Version()
	d := r.Details()
	events, err := r.Amend(d, "", today, ids())
	refused(t, err, "details.court_involved", "the referral answers that an injunction is in force")
	require.Empty(t, events)
	require.Equal(t, version, r.Version())
	d.CourtInvolved = true
	h.ok(r.Amend(d, "", today, ids()))
	require.True(t, r.Details().CourtInvolved)
}
