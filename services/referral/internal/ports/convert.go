package ports

import (
	"time"

	"github.com/google/uuid"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/problem"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

// Conversions between the API's messages and the domain's values. Requests are already checked
// against the .proto constraints (grpcx); the domain checks the rules; what is left here is
// turning ids and dates into values, which can still fail on a date like 31 April.

// ids parses the UUIDs a request names; protovalidate has checked their form already.
func id(s string) uuid.UUID {
	v, _ := uuid.Parse(s)
	return v
}

// date turns a request's date into the domain's (midnight UTC); field names it for the error.
func date(d *commonv1.Date, field string) (time.Time, error) {
	if d == nil {
		return time.Time{}, nil
	}
	t, ok := dates.FromParts(int(d.GetYear()), int(d.GetMonth()), int(d.GetDay()))
	if !ok {
		return time.Time{}, problem.Invalid(field, "is not a real date")
	}
	return t, nil
}

func adultFrom(a *referralv1.Adult) domain.Adult {
	c := a.GetContact()
	return domain.Adult{ID: id(a.GetPersonId()), Role: a.GetRole(), Name: a.GetFullName(),
		ParentalResponsibility: a.GetParentalResponsibility(), MayAttend: a.GetMayAttend(), MayBring: a.GetMayBring(),
		MayCollect: a.GetMayCollect(), Language: a.GetLanguage(), Relationship: a.GetRelationship(),
		Contact: domain.ContactDetails{AddressLines: c.GetAddressLines(), Postcode: c.GetPostcode(), Phone: c.GetPhone(), Email: c.GetEmail()}}
}

func adultOf(a domain.Adult) *referralv1.Adult {
	out := &referralv1.Adult{PersonId: a.ID.String(), Role: a.Role, FullName: a.Name,
		ParentalResponsibility: a.ParentalResponsibility, MayAttend: a.MayAttend, MayBring: a.MayBring,
		MayCollect: a.MayCollect, Language: a.Language, Relationship: a.Relationship}
	if c := a.Contact; c.Given() || c.Postcode != "" || len(c.AddressLines) > 0 {
		out.Contact = &referralv1.ContactDetails{AddressLines: c.AddressLines, Postcode: c.Postcode, Phone: c.Phone, Email: c.Email}
	}
	return out
}

func childOf(c domain.Child) *referralv1.Child {
	return &referralv1.Child{PersonId: c.ID.String(), FullName: c.Name, DateOfBirth: dates.Proto(c.DateOfBirth),
		Needs: c.Needs, Language: c.Language}
}

func riskFrom(r *referralv1.RiskAnswers) domain.Risk {
	return domain.Risk{DomesticAbuse: r.GetDomesticAbuse(), Injunction: r.GetInjunction(), SubstanceMisuse: r.GetSubstanceMisuse(),
		AbductionRisk: r.GetAbductionRisk(), OtherConcerns: r.GetOtherConcerns()}
}

func riskOf(r domain.Risk) *referralv1.RiskAnswers {
	return &referralv1.RiskAnswers{DomesticAbuse: r.DomesticAbuse, Injunction: r.Injunction, SubstanceMisuse: r.SubstanceMisuse,
		AbductionRisk: r.AbductionRisk, OtherConcerns: r.OtherConcerns}
}

// detailsFrom turns a request's referral details into the domain's; dates that do not exist are
// reported under the field's full path.
func detailsFrom(d *referralv1.ReferralDetails) (domain.Details, error) {
	out := domain.Details{CourtInvolved: d.GetCourtInvolved(), CafcassInvolved: d.GetCafcassInvolved(),
		Agencies: d.GetOtherAgencies(), AgencyNotes: d.GetAgencyNotes(), Reason: d.GetReason(),
		Availability: d.GetAvailability(), ChildrenMayLeaveCentre: d.GetChildrenMayLeaveCentre(),
		Risk: riskFrom(d.GetRisk()), RiskNotes: d.GetRiskNotes(), ConsentGiven: d.GetConsentGiven(),
		Referrer: domain.Referrer{Name: d.GetReferrer().GetName(), Organisation: d.GetReferrer().GetOrganisation(),
			Phone: d.GetReferrer().GetPhone(), Email: d.GetReferrer().GetEmail()}}
	var bad problem.InvalidError
	for _, a := range d.GetAdults() {
		out.Adults = append(out.Adults, adultFrom(a))
	}
	out.Children = childrenFrom(d.GetChildren(), "details.children", &bad)
	for i, o := range d.GetCourtOrders() {
		made, err := date(o.GetMadeOn(), fieldf("details.court_orders[%d].made_on", i))
		if err != nil {
			bad.Violations = append(bad.Violations, err.(*problem.InvalidError).Violations...)
		}
		expires, err := date(o.GetExpiresOn(), fieldf("details.court_orders[%d].expires_on", i))
		if err != nil {
			bad.Violations = append(bad.Violations, err.(*problem.InvalidError).Violations...)
		}
		// expired is the service's answer, not the caller's: the expiry date says it.
		order := domain.CourtOrder{Kind: o.GetKind(), MadeOn: made, Description: o.GetDescription(), ExpiresOn: expires}
		for j, id := range o.GetKeepsFromChildren() {
			// decision 318: the domain says whose id it must be; here only that it is an id.
			pid, err := uuid.Parse(id)
			if err != nil {
				bad.Violations = append(bad.Violations, problem.Violation{Field: fieldf("details.court_orders[%d].keeps_from_children[%d]", i, j),
					Reason: "must be a person id (a UUID) of an adult on this referral"})
			}
			order.KeepsFromChildren = append(order.KeepsFromChildren, pid)
		}
		out.CourtOrders = append(out.CourtOrders, order)
	}
	if len(bad.Violations) > 0 {
		return out, &bad
	}
	return out, nil
}

// detailsOf is a referral's details as GetFamily shows them to staff who may open them, each
// court order said expired when its expiry has passed by today, the centre's local date.
func detailsOf(d domain.Details, today time.Time) *referralv1.ReferralDetails {
	out := &referralv1.ReferralDetails{CourtInvolved: d.CourtInvolved, CafcassInvolved: d.CafcassInvolved,
		OtherAgencies: d.Agencies, AgencyNotes: d.AgencyNotes, Reason: d.Reason, Availability: d.Availability,
		ChildrenMayLeaveCentre: d.ChildrenMayLeaveCentre, Risk: riskOf(d.Risk), RiskNotes: d.RiskNotes,
		ConsentGiven: d.ConsentGiven, Referrer: &referralv1.Referrer{Name: d.Referrer.Name, Organisation: d.Referrer.Organisation,
			Phone: d.Referrer.Phone, Email: d.Referrer.Email}}
	for _, a := range d.Adults {
		out.Adults = append(out.Adults, adultOf(a))
	}
	for _, c := range d.Children {
		out.Children = append(out.Children, childOf(c))
	}
	for _, o := range d.CourtOrders {
		co := &referralv1.CourtOrder{Kind: o.Kind, Description: o.Description, MadeOn: dates.Proto(o.MadeOn),
			ExpiresOn: dates.Proto(o.ExpiresOn), Expired: !o.InForce(today)}
		for _, id := range o.KeepsFromChildren {
			co.KeepsFromChildren = append(co.KeepsFromChildren, id.String())
		}
		out.CourtOrders = append(out.CourtOrders, co)
	}
	return out
}

func arrangementFrom(a *referralv1.Arrangement) domain.Arrangement {
	return domain.Arrangement{ServiceType: a.GetServiceType(), Frequency: a.GetFrequency(), SessionMinutes: int(a.GetSessionMinutes()),
		Stagger: domain.Stagger{ArrivalMinutes: int(a.GetStagger().GetArrivalMinutes()), DepartureMinutes: int(a.GetStagger().GetDepartureMinutes())}}
}

// childrenFrom converts children given in a request at field, adding to bad a date of birth that
// is not a real date.
func childrenFrom(cs []*referralv1.Child, field string, bad *problem.InvalidError) []domain.Child {
	var out []domain.Child
	for i, c := range cs {
		dob, err := date(c.GetDateOfBirth(), fieldf("%s[%d].date_of_birth", field, i))
		if err != nil {
			bad.Violations = append(bad.Violations, err.(*problem.InvalidError).Violations...)
		}
		out = append(out, domain.Child{ID: id(c.GetPersonId()), Name: c.GetFullName(), DateOfBirth: dob,
			Needs: c.GetNeeds(), Language: c.GetLanguage()})
	}
	return out
}
