package domain_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

var (
	today     = time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	submitted = time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC) // the day fixtures' referrals arrive
	centreID  = uuid.MustParse("0b5f5a4e-4c1e-4f0e-9a59-0f1b9e0c2a11")
	otherCtr  = uuid.MustParse("5d0c1a7e-1d2b-4b7e-8f5f-3a9c2e4b6d80")
	holdID    = uuid.MustParse("7a1e0c9d-2b3f-4e5a-9c8d-1f2e3d4c5b6a")
	supported = commonv1.ServiceType_SERVICE_TYPE_SUPPORTED
	supervisd = commonv1.ServiceType_SERVICE_TYPE_SUPERVISED
	both      = []commonv1.ServiceType{supported, supervisd}
	// directory is the centre directory as the fixtures' commands see it: this centre and another,
	// both offering supported and supervised contact.
	directory = domain.Directory{
		centreID: {ID: centreID, Services: both, Accreditation: commonv1.AccreditationStatus_ACCREDITATION_STATUS_ACCREDITED},
		otherCtr: {ID: otherCtr, Services: both, Accreditation: commonv1.AccreditationStatus_ACCREDITATION_STATUS_ACCREDITED},
	}
)

// courtAllows is the note accepting the fixtures' court-involved family for another kind of contact
// than the supported contact it asks for needs (review 49).
const courtAllows = "The court's order allows this kind of contact"

// exact is the closest match of two children: the same name and date of birth.
const exact = referralv1.ChildMatch_CHILD_MATCH_SAME_NAME_AND_BIRTH_DATE

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// ids mints person ids as the application does: every command's new people get ids no other
// person has.
func ids() domain.NewID { return uuid.New }

func resident() domain.Adult {
	return domain.Adult{Role: referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT, Name: "Alice Resident",
		ParentalResponsibility: true, MayBring: true, MayCollect: true,
		Contact: domain.ContactDetails{AddressLines: []string{"1 Safe Street", "Hometown"}, Postcode: "AB1 2CD",
			Phone: "07700 900001", Email: "alice@example.org"}}
}

func nonResident() domain.Adult {
	return domain.Adult{Role: referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT, Name: "Bob Visiting",
		ParentalResponsibility: true, MayAttend: true,
		Contact: domain.ContactDetails{AddressLines: []string{"9 Far Road"}, Postcode: "ZZ9 9ZZ",
			Phone: "07700 900002", Email: "bob@example.org"}}
}

func details() domain.Details {
	return domain.Details{
		Adults: []domain.Adult{resident(), nonResident(), {Role: referralv1.AdultRole_ADULT_ROLE_NAMED_RELATIVE,
			Name: "Gran Visiting", MayAttend: true, Relationship: "paternal grandmother"}},
		Children:        []domain.Child{{Name: "Zoë Child", DateOfBirth: date(2019, 4, 2), Needs: "asthma inhaler"}},
		CourtOrders:     []domain.CourtOrder{{Kind: referralv1.CourtOrderKind_COURT_ORDER_KIND_CHILD_ARRANGEMENTS, MadeOn: date(2026, 9, 1), Description: "Family Court case ZX12"}},
		CourtInvolved:   true,
		CafcassInvolved: true, // Cafcass is among the agencies
		Agencies:        []referralv1.Agency{referralv1.Agency_AGENCY_CAFCASS},
		Reason:          "the parents separated and need a neutral place",
		Availability:    "Saturday mornings",
		Risk:            domain.Risk{OtherConcerns: true},
		RiskNotes:       "worry about arguments at handover",
		ConsentGiven:    true,
		Referrer:        domain.Referrer{Name: "Sam Solicitor", Organisation: "Law & Co", Email: "sam@law.example"},
	}
}

func submission(d domain.Details) domain.Submission {
	return domain.Submission{ReferralID: uuid.New(), FamilyID: uuid.New(), CentreID: centreID,
		Source: commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, RequestedServiceType: supported, Details: d}
}

func selfSubmission() domain.Submission {
	d := details()
	d.Adults = []domain.Adult{resident()}
	d.Referrer = domain.Referrer{}
	s := submission(d)
	s.Source = commonv1.ReferralSource_REFERRAL_SOURCE_SELF
	return s
}

func secondParty() domain.SecondPartyApplication {
	return domain.SecondPartyApplication{Parent: nonResident(), Risk: domain.Risk{DomesticAbuse: true}, ConsentGiven: true}
}

func arrangement(st commonv1.ServiceType) domain.Arrangement {
	return domain.Arrangement{ServiceType: st, Frequency: referralv1.ContactFrequency_CONTACT_FREQUENCY_FORTNIGHTLY,
		SessionMinutes: 120, Stagger: domain.Stagger{ArrivalMinutes: 15, DepartureMinutes: 10}}
}

// history collects every event recorded, to check that a rebuild gives the same referral.
type history struct {
	t      *testing.T
	events []proto.Message
}

func (h *history) ok(events []proto.Message, err error) []proto.Message {
	h.t.Helper()
	require.NoError(h.t, err)
	h.events = append(h.events, events...)
	return events
}

func submit(t *testing.T, s domain.Submission) (*domain.Referral, *history) {
	t.Helper()
	r, events, err := domain.Submit(s, submitted, ids())
	require.NoError(t, err)
	return r, &history{t: t, events: events}
}

// inState drives a referral through real commands to the state asked for.
func inState(t *testing.T, s domain.State) (*domain.Referral, *history) {
	t.Helper()
	if s == domain.AwaitingSecondParty {
		return submit(t, selfSubmission())
	}
	if s == domain.Suspended {
		// Suspended once contact has begun, the commonest case.
		r, h := inState(t, domain.InContact)
		h.ok(r.Suspend(holdID, today))
		return r, h
	}
	r, h := submit(t, submission(details()))
	reached := func(want domain.State) bool {
		t.Helper()
		require.Equal(t, want, r.State())
		return s == want
	}
	if reached(domain.Received) {
		return r, h
	}
	h.ok(r.Screen(domain.Screening{Rating: referralv1.RiskRating_RISK_RATING_GREEN}, today))
	if reached(domain.Screened) {
		return r, h
	}
	switch s {
	case domain.Waitlisted:
		h.ok(r.Waitlist(0, both, today))
		reached(domain.Waitlisted)
		return r, h
	case domain.Declined:
		h.ok(r.Decline(domain.Decline{Reason: referralv1.DeclineReason_DECLINE_REASON_OUT_OF_AREA}, directory, today))
		reached(domain.Declined)
		return r, h
	case domain.Withdrawn:
		h.ok(r.Withdraw(referralv1.WithdrawnBy_WITHDRAWN_BY_REFERRER, "", today))
		reached(domain.Withdrawn)
		return r, h
	}
	h.ok(r.Accept(supported, both, "", today))
	if reached(domain.Accepted) {
		return r, h
	}
	for _, a := range r.Adults() {
		h.ok(r.RecordPreVisit(domain.PreVisit{PersonID: a.ID, On: today.AddDate(0, 0, -3), GroundRulesSigned: true}, today))
	}
	h.ok(r.AgreeArrangement(arrangement(supported), today))
	if reached(domain.ReadyForContact) {
		return r, h
	}
	h.ok(r.RecordSessionAttended(today.AddDate(0, 0, -1)))
	if reached(domain.InContact) {
		return r, h
	}
	h.ok(r.EndCase(referralv1.CaseOutcome_CASE_OUTCOME_SELF_ARRANGED, "Ended for the test", today))
	reached(domain.Ended)
	return r, h
}
