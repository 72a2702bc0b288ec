package domain

import (
	"fmt"
	"time"

	"google.golang.org/protobuf/proto"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/dates"
)

// inClear serialises details messages for sealed_ fields, keeping the first error so that a
// builder of several fields checks once. Deterministic, so that equal details give equal bytes
// and an amendment that changes nothing is seen to change nothing.
type inClear struct{ err error }

func (c *inClear) bytes(m proto.Message) []byte {
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
	if err != nil && c.err == nil {
		c.err = fmt.Errorf("serialise %s: %w", m.ProtoReflect().Descriptor().Name(), err)
	}
	return b
}

// factsOf builds the event form of a referral's facts: readable ids, categories and flags, and
// each person's details serialised into their own sealed_ field.
func factsOf(adults []AdultRecord, children []ChildRecord, d Details) (*referralv1.ReferralFacts, error) {
	var w inClear
	f := &referralv1.ReferralFacts{CourtInvolved: d.CourtInvolved, CafcassInvolved: d.CafcassInvolved,
		OtherAgencies: d.Agencies, Risk: riskOf(d.Risk), ChildrenMayLeaveCentre: d.ChildrenMayLeaveCentre,
		ConsentGiven: d.ConsentGiven}
	for _, a := range adults {
		f.Adults = append(f.Adults, adultOf(&w, a))
	}
	for _, c := range children {
		f.Children = append(f.Children, &referralv1.ChildParty{PersonId: c.ID.String(), BirthYear: int32(c.BirthYear),
			BirthMonth: int32(c.BirthMonth), SealedDetails: w.bytes(&referralv1.ChildDetails{FullName: c.Name,
				DateOfBirth: dates.Proto(c.DateOfBirth), Needs: c.Needs, Language: c.Language})})
	}
	for _, o := range d.CourtOrders {
		rec := &referralv1.CourtOrderRecord{Kind: o.Kind, MadeOn: dates.Proto(o.MadeOn), ExpiresOn: dates.Proto(o.ExpiresOn),
			SealedDetails: w.bytes(&referralv1.CourtOrderDetails{Description: o.Description})}
		for _, id := range o.KeepsFromChildren {
			// Ids only, as Attendee carries them (decision 318).
			rec.KeptPersonIds = append(rec.KeptPersonIds, id.String())
		}
		f.CourtOrders = append(f.CourtOrders, rec)
	}
	f.SealedCaseDetails = w.bytes(&referralv1.CaseDetails{ReferrerName: d.Referrer.Name,
		ReferrerOrganisation: d.Referrer.Organisation, ReferrerPhone: d.Referrer.Phone, ReferrerEmail: d.Referrer.Email,
		Reason: d.Reason, Availability: d.Availability, AgencyNotes: d.AgencyNotes, RiskNotes: d.RiskNotes})
	return f, w.err
}

func adultOf(w *inClear, a AdultRecord) *referralv1.AdultParty {
	return &referralv1.AdultParty{PersonId: a.ID.String(), Role: a.Role, ParentalResponsibility: a.ParentalResponsibility,
		MayAttend: a.MayAttend, MayBring: a.MayBring, MayCollect: a.MayCollect, ContactDetailsGiven: a.ContactDetailsGiven,
		SealedDetails: w.bytes(&referralv1.PersonDetails{FullName: a.Name, AddressLines: a.Contact.AddressLines,
			Postcode: a.Contact.Postcode, Phone: a.Contact.Phone, Email: a.Contact.Email, Language: a.Language,
			Relationship: a.Relationship})}
}

// applyFacts replaces the referral's facts with those of an event.
func (r *Referral) applyFacts(f *referralv1.ReferralFacts) error {
	r.adults, r.children = nil, nil
	for _, p := range f.GetAdults() {
		a, err := adultFrom(p)
		if err != nil {
			return err
		}
		r.adults = append(r.adults, a)
	}
	for _, p := range f.GetChildren() {
		var cd referralv1.ChildDetails
		if err := proto.Unmarshal(p.GetSealedDetails(), &cd); err != nil {
			return err
		}
		r.children = append(r.children, ChildRecord{Child: Child{ID: parseID(p.GetPersonId()), Name: cd.GetFullName(),
			DateOfBirth: dates.Time(cd.GetDateOfBirth()), Needs: cd.GetNeeds(), Language: cd.GetLanguage()},
			BirthYear: int(p.GetBirthYear()), BirthMonth: int(p.GetBirthMonth())})
	}
	var cd referralv1.CaseDetails
	if err := proto.Unmarshal(f.GetSealedCaseDetails(), &cd); err != nil {
		return err
	}
	d := Details{CourtInvolved: f.GetCourtInvolved(), CafcassInvolved: f.GetCafcassInvolved(),
		Agencies: f.GetOtherAgencies(), AgencyNotes: cd.GetAgencyNotes(), Reason: cd.GetReason(),
		Availability: cd.GetAvailability(), ChildrenMayLeaveCentre: f.GetChildrenMayLeaveCentre(),
		Risk: riskFrom(f.GetRisk()), RiskNotes: cd.GetRiskNotes(), ConsentGiven: f.GetConsentGiven(),
		Referrer: Referrer{Name: cd.GetReferrerName(), Organisation: cd.GetReferrerOrganisation(),
			Phone: cd.GetReferrerPhone(), Email: cd.GetReferrerEmail()}}
	for _, o := range f.GetCourtOrders() {
		var od referralv1.CourtOrderDetails
		if err := proto.Unmarshal(o.GetSealedDetails(), &od); err != nil {
			return err
		}
		order := CourtOrder{Kind: o.GetKind(), MadeOn: dates.Time(o.GetMadeOn()),
			Description: od.GetDescription(), ExpiresOn: dates.Time(o.GetExpiresOn())}
		for _, id := range o.GetKeptPersonIds() {
			order.KeepsFromChildren = append(order.KeepsFromChildren, parseID(id))
		}
		d.CourtOrders = append(d.CourtOrders, order)
	}
	r.facts = d
	return nil
}

func adultFrom(p *referralv1.AdultParty) (AdultRecord, error) {
	var pd referralv1.PersonDetails
	if err := proto.Unmarshal(p.GetSealedDetails(), &pd); err != nil {
		return AdultRecord{}, err
	}
	return AdultRecord{Adult: Adult{ID: parseID(p.GetPersonId()), Role: p.GetRole(), Name: pd.GetFullName(),
		ParentalResponsibility: p.GetParentalResponsibility(), MayAttend: p.GetMayAttend(), MayBring: p.GetMayBring(),
		MayCollect: p.GetMayCollect(), Contact: ContactDetails{AddressLines: pd.GetAddressLines(),
			Postcode: pd.GetPostcode(), Phone: pd.GetPhone(), Email: pd.GetEmail()},
		Language: pd.GetLanguage(), Relationship: pd.GetRelationship()}, ContactDetailsGiven: p.GetContactDetailsGiven()}, nil
}

func riskOf(r Risk) *referralv1.RiskAnswers {
	return &referralv1.RiskAnswers{DomesticAbuse: r.DomesticAbuse, Injunction: r.Injunction,
		SubstanceMisuse: r.SubstanceMisuse, AbductionRisk: r.AbductionRisk, OtherConcerns: r.OtherConcerns}
}

func riskFrom(r *referralv1.RiskAnswers) Risk {
	return Risk{DomesticAbuse: r.GetDomesticAbuse(), Injunction: r.GetInjunction(), SubstanceMisuse: r.GetSubstanceMisuse(),
		AbductionRisk: r.GetAbductionRisk(), OtherConcerns: r.GetOtherConcerns()}
}

// noteOf serialises a free-text note for a sealed_ field; no note, no bytes.
func noteOf(text string) ([]byte, error) {
	if text == "" {
		return nil, nil
	}
	var c inClear
	b := c.bytes(&referralv1.Note{Text: text})
	return b, c.err
}

func noteFrom(b []byte) (string, error) {
	var n referralv1.Note
	err := proto.Unmarshal(b, &n)
	return n.GetText(), err
}

// Day is the calendar date of t in its own location, as a domain date (midnight UTC).
func Day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// addMonths adds months to a date, keeping to the last day of a shorter month (31 August plus six
// months is 28 or 29 February, not 3 March): a review is due within six months, never after.
func addMonths(d time.Time, months int) time.Time {
	first := time.Date(d.Year(), d.Month()+time.Month(months), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(d.Day(), last), 0, 0, 0, 0, time.UTC)
}
