package domain_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

func TestSubmit(t *testing.T) {
	s := submission(details())
	r, events, err := domain.Submit(s, submitted, ids())
	require.NoError(t, err)
	require.Equal(t, domain.Received, r.State())
	require.Equal(t, int64(1), r.Version())
	require.Len(t, events, 1)
	ev, ok := events[0].(*referralv1.ReferralReceived)
	require.True(t, ok)
	require.Equal(t, s.ReferralID.String(), ev.GetReferralId())
	require.Equal(t, s.FamilyID.String(), ev.GetFamilyId())
	require.Equal(t, int32(2026), ev.GetReceivedOn().GetYear())
	require.False(t, ev.GetAwaitingSecondParty())
	child := ev.GetFacts().GetChildren()[0]
	require.Equal(t, []int32{2019, 4}, []int32{child.GetBirthYear(), child.GetBirthMonth()}, "the birth month is readable")
	require.Equal(t, commonv1.AgeBand_AGE_BAND_5_TO_10, r.Children()[0].AgeBand(today))
	require.Equal(t, commonv1.AgeBand_AGE_BAND_11_TO_15, r.Children()[0].AgeBand(date(2030, 4, 1)), "from the birth month")
	for _, a := range r.Adults() {
		require.NotEqual(t, uuid.Nil, a.ID, "every adult gets a person id")
	}
	require.True(t, r.Complete())
	require.Equal(t, "Alice Resident", r.Details().Adults[0].Name)

	rebuilt, err := domain.Rebuild(s.ReferralID, events)
	require.NoError(t, err)
	require.Equal(t, r.Details(), rebuilt.Details())
	require.Equal(t, r.Adults(), rebuilt.Adults())
	require.Equal(t, r.Children(), rebuilt.Children())
}

func TestSubmitRules(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*domain.Submission)
		field string
	}{
		{"no source", func(s *domain.Submission) { s.Source = 0 }, "source"},
		{"unknown service type", func(s *domain.Submission) { s.RequestedServiceType = 99 }, "requested_service_type"},
		{"resident parent missing", func(s *domain.Submission) { s.Details.Adults = s.Details.Adults[1:] }, "details.adults"},
		{"non-resident parent missing", func(s *domain.Submission) {
			s.Details.Adults = []domain.Adult{resident()}
		}, "details.adults"},
		{"two resident parents", func(s *domain.Submission) {
			s.Details.Adults = append(s.Details.Adults, resident())
		}, "details.adults"},
		{"too many named persons", func(s *domain.Submission) {
			for range domain.MaxNamedPersons {
				s.Details.Adults = append(s.Details.Adults, domain.Adult{Role: referralv1.AdultRole_ADULT_ROLE_NAMED_ESCORT,
					Name: "Escort", MayBring: true})
			}
		}, "details.adults"},
		{"named person with no part", func(s *domain.Submission) { s.Details.Adults[2].MayAttend = false }, "details.adults[2].may_attend"},
		{"adult without a role", func(s *domain.Submission) { s.Details.Adults[2].Role = 0 }, "details.adults[2].role"},
		{"blank name", func(s *domain.Submission) { s.Details.Adults[0].Name = "  " }, "details.adults[0].full_name"},
		{"long name", func(s *domain.Submission) {
			s.Details.Adults[0].Name = strings.Repeat("é", domain.MaxNameLength+1)
		}, "details.adults[0].full_name"},
		{"invalid UTF-8", func(s *domain.Submission) { s.Details.Adults[1].Name = "Bob \xff" }, "details.adults[1].full_name"},
		{"NUL in text", func(s *domain.Submission) { s.Details.Reason = "a\x00b" }, "details.reason"},
		{"not an email", func(s *domain.Submission) { s.Details.Adults[0].Contact.Email = "alice" }, "details.adults[0].contact.email"},
		{"an email with no domain", func(s *domain.Submission) { s.Details.Adults[0].Contact.Email = "alice@" }, "details.adults[0].contact.email"},
		{"an email whose domain has no dot", func(s *domain.Submission) { s.Details.Adults[0].Contact.Email = "alice@home" }, "details.adults[0].contact.email"},
		{"two emails", func(s *domain.Submission) {
			s.Details.Adults[1].Contact.Email = "bob@example.org, carol@example.org"
		}, "details.adults[1].contact.email"},
		{"a name with the email", func(s *domain.Submission) {
			s.Details.Adults[1].Contact.Email = "Bob <bob@example.org>"
		}, "details.adults[1].contact.email"},
		{"referrer's email not an email", func(s *domain.Submission) { s.Details.Referrer.Email = "solicitor at firm" }, "details.referrer.email"},
		{"too many address lines", func(s *domain.Submission) {
			s.Details.Adults[0].Contact.AddressLines = strings.Split("a b c d e f g", " ")
		}, "details.adults[0].contact.address_lines"},
		{"person id given", func(s *domain.Submission) { s.Details.Adults[0].ID = uuid.New() }, "details.adults[0].person_id"},
		{"no children", func(s *domain.Submission) { s.Details.Children = nil }, "details.children"},
		{"too many children", func(s *domain.Submission) {
			for range domain.MaxChildren {
				s.Details.Children = append(s.Details.Children, s.Details.Children[0])
			}
		}, "details.children"},
		{"child born in the future", func(s *domain.Submission) {
			s.Details.Children[0].DateOfBirth = submitted.AddDate(0, 0, 1)
		}, "details.children[0].date_of_birth"},
		{"child of 18", func(s *domain.Submission) {
			s.Details.Children[0].DateOfBirth = submitted.AddDate(-18, 0, 0)
		}, "details.children[0].date_of_birth"},
		{"child without a date of birth", func(s *domain.Submission) {
			s.Details.Children[0].DateOfBirth = time.Time{}
		}, "details.children[0].date_of_birth"},
		{"oversized needs", func(s *domain.Submission) {
			s.Details.Children[0].Needs = strings.Repeat("x", domain.MaxTextLength+1)
		}, "details.children[0].needs"},
		{"court order in the future", func(s *domain.Submission) {
			s.Details.CourtOrders[0].MadeOn = submitted.AddDate(0, 1, 0)
		}, "details.court_orders[0].made_on"},
		{"repeated agency", func(s *domain.Submission) {
			s.Details.Agencies = []referralv1.Agency{referralv1.Agency_AGENCY_POLICE, referralv1.Agency_AGENCY_POLICE}
		}, "details.other_agencies"},
		{"no reason", func(s *domain.Submission) { s.Details.Reason = "" }, "details.reason"},
		{"oversized availability", func(s *domain.Submission) {
			s.Details.Availability = strings.Repeat("x", domain.MaxTextLength+1)
		}, "details.availability"},
		{"no consent", func(s *domain.Submission) { s.Details.ConsentGiven = false }, "details.consent_given"},
		{"professional without a name", func(s *domain.Submission) { s.Details.Referrer.Name = "" }, "details.referrer.name"},
		// Control characters (decisions.md 77): none at all in a person's or their contact
		// details, none but tabs and line breaks in free text.
		{"a terminal escape code in a name", func(s *domain.Submission) {
			s.Details.Adults[0].Name = "Emma \x1b[2J\x1b[31mEVIL\x1b[0m Clarke"
		}, "details.adults[0].full_name"},
		{"a line break in a name", func(s *domain.Submission) { s.Details.Adults[1].Name = "Bob\nVisiting" }, "details.adults[1].full_name"},
		{"a C1 control in a child's name", func(s *domain.Submission) { s.Details.Children[0].Name = "Zo\u009bë" }, "details.children[0].full_name"},
		{"DEL in an address line", func(s *domain.Submission) {
			s.Details.Adults[0].Contact.AddressLines[1] = "Home\x7ftown"
		}, "details.adults[0].contact.address_lines[1]"},
		{"a tab in a relationship", func(s *domain.Submission) { s.Details.Adults[2].Relationship = "gran\tma" }, "details.adults[2].relationship"},
		{"an escape code in a language", func(s *domain.Submission) { s.Details.Children[0].Language = "\x1b]0;x\x07Polish" }, "details.children[0].language"},
		{"an escape code in the referrer's organisation", func(s *domain.Submission) {
			s.Details.Referrer.Organisation = "Law\x1b[8m & Co"
		}, "details.referrer.organisation"},
		{"an escape code in free text", func(s *domain.Submission) { s.Details.Reason = "separated\x1b[2J" }, "details.reason"},
		// Text-direction marks and invisible formatting characters (decisions.md 91): none in a
		// person's details, nor in free text.
		{"a right-to-left override in a name", func(s *domain.Submission) { s.Details.Adults[0].Name = "Daniel\u202eekralC" }, "details.adults[0].full_name"},
		{"a right-to-left isolate in a child's name", func(s *domain.Submission) { s.Details.Children[0].Name = "\u2067Zoë" }, "details.children[0].full_name"},
		{"a left-to-right mark in an address line", func(s *domain.Submission) {
			s.Details.Adults[0].Contact.AddressLines[0] = "12\u200e Primrose Lane"
		}, "details.adults[0].contact.address_lines[0]"},
		{"an Arabic letter mark in a relationship", func(s *domain.Submission) { s.Details.Adults[2].Relationship = "gran\u061c" }, "details.adults[2].relationship"},
		{"a zero-width space in the referrer's name", func(s *domain.Submission) { s.Details.Referrer.Name = "Sam\u200bSolicitor" }, "details.referrer.name"},
		{"a byte-order mark in a language", func(s *domain.Submission) { s.Details.Children[0].Language = "\ufeffPolish" }, "details.children[0].language"},
		{"a right-to-left override in free text", func(s *domain.Submission) { s.Details.Reason = "separated\u202e.tcatnoc on" }, "details.reason"},
		{"a zero-width joiner in needs", func(s *domain.Submission) { s.Details.Children[0].Needs = "none\u200d" }, "details.children[0].needs"},
		{"a phone that is not a number", func(s *domain.Submission) {
			s.Details.Adults[0].Contact.Phone = "call me maybe; DROP TABLE"
		}, "details.adults[0].contact.phone"},
		{"a phone too short", func(s *domain.Submission) { s.Details.Adults[0].Contact.Phone = "0161 496" }, "details.adults[0].contact.phone"},
		{"a phone too long", func(s *domain.Submission) { s.Details.Adults[0].Contact.Phone = "+44 7700 900123 4567" }, "details.adults[0].contact.phone"},
		{"a plus inside a phone", func(s *domain.Submission) { s.Details.Adults[0].Contact.Phone = "07700+900123" }, "details.adults[0].contact.phone"},
		{"a referrer's phone with letters", func(s *domain.Submission) { s.Details.Referrer.Phone = "0161 496 07XX" }, "details.referrer.phone"},
		{"a postcode of punctuation", func(s *domain.Submission) { s.Details.Adults[1].Contact.Postcode = "!!!!" }, "details.adults[1].contact.postcode"},
		{"a postcode without its inward code", func(s *domain.Submission) { s.Details.Adults[1].Contact.Postcode = "M1" }, "details.adults[1].contact.postcode"},
		// Each parent's own details (review 15): one parent's copied as the other's reach the
		// wrong person and show the first parent's whereabouts to the second as their own.
		{"a phone of one digit repeated", func(s *domain.Submission) { s.Details.Adults[0].Contact.Phone = "0000 000000" }, "details.adults[0].contact.phone"},
		{"the other parent's phone, written otherwise", func(s *domain.Submission) { s.Details.Adults[1].Contact.Phone = "+44 (0)7700 900001" }, "details.adults[1].contact.phone"},
		{"the other parent's email", func(s *domain.Submission) { s.Details.Adults[1].Contact.Email = "ALICE@example.org" }, "details.adults[1].contact.email"},
		{"the other parent's name", func(s *domain.Submission) { s.Details.Adults[1].Name = "alice  resident" }, "details.adults[1].full_name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := submission(details())
			tc.edit(&s)
			r, events, err := domain.Submit(s, submitted, ids())
			var invalid *domain.Invalid
			require.ErrorAs(t, err, &invalid)
			require.Equal(t, tc.field, invalid.Violations[0].Field, invalid.Error())
			require.Nil(t, r)
			require.Nil(t, events)
			require.NotContains(t, invalid.Error(), "Alice", "reasons never quote personal data")
		})
	}
}

// Phone numbers and postcodes are checked loosely, as people write UK ones.
func TestPhonesAndPostcodesAsWritten(t *testing.T) {
	for _, phone := range []string{"07700 900123", "07700900123", "0161 496 0732", "+44 161 496 0732", "+44 (0)161 496 0732",
		"(0161) 496-0732", "+353 1 234 5678"} {
		t.Run(phone, func(t *testing.T) {
			s := submission(details())
			s.Details.Adults[0].Contact.Phone, s.Details.Referrer.Phone = phone, phone
			_, _, err := domain.Submit(s, submitted, ids())
			require.NoError(t, err)
		})
	}
	for _, postcode := range []string{"M1 4BT", "m1 4bt", "M19 3PQ", "SK1 3BZ", "SW1A 1AA", "EC1V 9HQ", "W1A0AX", "CR2 6XH", "DN55 1PT", "GIR 0AA", " B33 8TH "} {
		t.Run(postcode, func(t *testing.T) {
			s := submission(details())
			s.Details.Adults[1].Contact.Postcode = postcode
			_, _, err := domain.Submit(s, submitted, ids())
			require.NoError(t, err)
		})
	}
	t.Run("names in any script, with accents and apostrophes", func(t *testing.T) {
		s := submission(details())
		s.Details.Adults[0].Name, s.Details.Children[0].Name = "Siobhán O'Brien-Łukasik", "أمل 李"
		_, _, err := domain.Submit(s, submitted, ids())
		require.NoError(t, err)
		// Welsh ŵ and ŷ, Polish ł, Arabic and Chinese letters, a combining accent: none is a
		// control or formatting character (decisions.md 91).
		for _, name := range []string{"Gwenllian ap Dafydd Llŵyd", "Llŷr Ŵyn", "Michał Łukasiewicz", "محمد عبد الله", "王小明",
			"Rene\u0301e Dubois"} {
			s := submission(details())
			s.Details.Adults[0].Name, s.Details.Adults[0].Contact.AddressLines[0] = name, name
			s.Details.Children[0].Name, s.Details.Reason = name, name+"\n"+name
			_, _, err := domain.Submit(s, submitted, ids())
			require.NoError(t, err, name)
		}
	})
	t.Run("free text keeps its line breaks and tabs", func(t *testing.T) {
		s := submission(details())
		s.Details.Reason, s.Details.Children[0].Needs = "Separated in May.\r\nContact stopped.", "asthma:\tinhaler"
		_, _, err := domain.Submit(s, submitted, ids())
		require.NoError(t, err)
	})
}

func TestSubmitParentWithoutContactDetails(t *testing.T) {
	d := details()
	d.Adults[1].Contact = domain.ContactDetails{}
	r, _ := submit(t, submission(d))
	require.Equal(t, domain.Received, r.State(), "recorded, so nothing the referrer sent is lost")
	require.False(t, r.Complete())
	_, err := r.Screen(domain.Screening{Rating: referralv1.RiskRating_RISK_RATING_GREEN}, today)
	require.ErrorIs(t, err, domain.ErrReferralIncomplete)

	t.Run("an amendment completes it", func(t *testing.T) {
		d := r.Details()
		d.Adults[1].Contact.Phone = "07700 900003"
		_, err := r.Amend(d, "", today, ids())
		require.NoError(t, err)
		require.True(t, r.Complete())
		_, err = r.Screen(domain.Screening{Rating: referralv1.RiskRating_RISK_RATING_GREEN}, today)
		require.NoError(t, err)
	})
}

func TestSelfReferral(t *testing.T) {
	r, h := submit(t, selfSubmission())
	require.Equal(t, domain.AwaitingSecondParty, r.State())
	require.False(t, r.Complete())
	_, err := r.Screen(domain.Screening{Rating: referralv1.RiskRating_RISK_RATING_GREEN}, today)
	require.ErrorIs(t, err, domain.ErrSecondPartyOutstanding)

	t.Run("the self-referral names only the applicant", func(t *testing.T) {
		s := selfSubmission()
		s.Details.Adults = append(s.Details.Adults, nonResident())
		_, _, err := domain.Submit(s, submitted, ids())
		var invalid *domain.Invalid
		require.ErrorAs(t, err, &invalid)
		require.Equal(t, "details.adults", invalid.Violations[0].Field)
	})
	t.Run("the second application is the other parent's", func(t *testing.T) {
		a := secondParty()
		a.Parent.Role = referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT
		_, err := r.SubmitSecondParty(a, today, ids())
		var invalid *domain.Invalid
		require.ErrorAs(t, err, &invalid)
		require.Equal(t, "parent.role", invalid.Violations[0].Field)
	})
	t.Run("the second application is not the first applicant's details again", func(t *testing.T) {
		a := secondParty()
		a.Parent.Contact = resident().Contact
		_, err := r.SubmitSecondParty(a, today, ids())
		var invalid *domain.Invalid
		require.ErrorAs(t, err, &invalid)
		require.Equal(t, "parent.contact.phone", invalid.Violations[0].Field)
		require.NotContains(t, invalid.Error(), "07700", "reasons never quote personal data")
	})
	t.Run("the second parent consents", func(t *testing.T) {
		a := secondParty()
		a.ConsentGiven = false
		_, err := r.SubmitSecondParty(a, today, ids())
		var invalid *domain.Invalid
		require.ErrorAs(t, err, &invalid)
		require.Equal(t, "consent_given", invalid.Violations[0].Field)
	})

	a := secondParty()
	a.RiskNotes = "he says there was violence"
	events := h.ok(r.SubmitSecondParty(a, today, ids()))
	require.IsType(t, &referralv1.SecondPartyApplicationReceived{}, events[0])
	require.Equal(t, domain.Received, r.State())
	require.True(t, r.Complete())
	require.True(t, r.Details().Risk.DomesticAbuse, "a yes from either parent counts")
	require.True(t, r.Details().Risk.OtherConcerns, "and the first parent's answers stay")
	h.ok(r.Screen(domain.Screening{Rating: referralv1.RiskRating_RISK_RATING_AMBER, DomesticAbuseFinding: true}, today))

	rebuilt, err := domain.Rebuild(r.ID(), h.events)
	require.NoError(t, err)
	require.Equal(t, r.Adults(), rebuilt.Adults())
	require.Equal(t, domain.Screened, rebuilt.State())
	require.Equal(t, commonv1.ReferralSource_REFERRAL_SOURCE_SELF, rebuilt.Source())
}

func TestRebuildUnknownReferral(t *testing.T) {
	_, err := domain.Rebuild(uuid.New(), nil)
	require.ErrorIs(t, err, domain.ErrReferralNotFound)
}
