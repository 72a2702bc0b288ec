package domain

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/google/uuid"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/inwords"
)

// Limits on what a referral may hold. They keep events and sealed values small, and a form that
// goes past them is a mistake rather than a family.
const (
	MaxNameLength     = 200  // a person's or referrer's name, in characters
	MaxTextLength     = 4000 // any free text (reason, needs, notes), in characters
	MaxChildren       = 10
	MaxNamedPersons   = 20 // adults besides the two parents
	MaxCourtOrders    = 20
	MaxAddressLines   = 6
	MaxPostcodeLength = 16
	MaxPhoneLength    = 40
	MaxEmailLength    = 254
	MaxLanguageLength = 100
	// OldestChildAge is the age up to which contact centres serve children: a child must be
	// younger than 18 when referred.
	OldestChildAge = 17
)

// ContactDetails are the ways to reach one adult. They belong to that adult alone.
type ContactDetails struct {
	AddressLines []string
	Postcode     string
	Phone        string
	Email        string
}

// Given reports whether the details hold a way to reach the adult: an address, a phone or an email.
func (c ContactDetails) Given() bool {
	return (len(c.AddressLines) > 0 && c.Postcode != "") || c.Phone != "" || c.Email != ""
}

// Adult is one adult named on a referral. ID is zero for an adult not yet on the referral; the
// service mints it.
type Adult struct {
	ID                     uuid.UUID
	Role                   referralv1.AdultRole
	Name                   string
	ParentalResponsibility bool
	MayAttend              bool
	MayBring               bool
	MayCollect             bool
	Contact                ContactDetails
	Language               string
	Relationship           string
}

// Parent reports whether the adult is the resident or the non-resident parent.
func (a Adult) Parent() bool {
	return a.Role == referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT || a.Role == referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT
}

// NeedsPreVisit reports whether the adult must have a pre-visit before contact: every parent, and
// anyone else who may attend, bring or collect.
func (a Adult) NeedsPreVisit() bool { return a.Parent() || a.MayAttend || a.MayBring || a.MayCollect }

// Child is one child a referral is for. DateOfBirth is a date (midnight UTC).
type Child struct {
	ID          uuid.UUID
	Name        string
	DateOfBirth time.Time
	Needs       string
	Language    string
}

// CourtOrder is a court order or injunction the referral records. MadeOn is zero when not known;
// ExpiresOn, the last day the order is in force, is zero when no end date is known (as on every
// order recorded before it was kept), and the order is then taken to be in force.
//
// KeepsFromChildren are the adults on the referral (by person id) whom the order forbids contact
// with the children (decision 318): while it is in force they are sent to scheduling with no
// permissions (ForContact), whatever their own answers say.
type CourtOrder struct {
	Kind              referralv1.CourtOrderKind
	MadeOn            time.Time
	Description       string
	ExpiresOn         time.Time
	KeepsFromChildren []uuid.UUID
}

// same reports whether two entries record one order as given: kind, dates and terms.
func (o CourtOrder) same(p CourtOrder) bool {
	return o.Kind == p.Kind && o.MadeOn.Equal(p.MadeOn) && o.Description == p.Description && o.ExpiresOn.Equal(p.ExpiresOn)
}

// InForce reports whether the order is in force on today, the centre's local date: not past its
// expiry (review 49: a 12-month non-molestation order had to be answered "an injunction is in
// force" a year after it ended, and the referrer could not say it had expired).
func (o CourtOrder) InForce(today time.Time) bool {
	return o.ExpiresOn.IsZero() || !today.After(o.ExpiresOn)
}

// Risk are the answers to the risk questions.
type Risk struct {
	DomesticAbuse   bool
	Injunction      bool
	SubstanceMisuse bool
	AbductionRisk   bool
	OtherConcerns   bool
}

func (r Risk) or(o Risk) Risk {
	return Risk{r.DomesticAbuse || o.DomesticAbuse, r.Injunction || o.Injunction, r.SubstanceMisuse || o.SubstanceMisuse,
		r.AbductionRisk || o.AbductionRisk, r.OtherConcerns || o.OtherConcerns}
}

// Referrer is the professional who referred the family; zero for a self-referral.
type Referrer struct {
	Name         string
	Organisation string
	Phone        string
	Email        string
}

// Details are everything a referral says about the family. An amendment replaces them whole.
type Details struct {
	Adults                 []Adult
	Children               []Child
	CourtOrders            []CourtOrder
	CourtInvolved          bool
	CafcassInvolved        bool
	Agencies               []referralv1.Agency
	AgencyNotes            string
	Reason                 string
	Availability           string
	ChildrenMayLeaveCentre bool
	Risk                   Risk
	RiskNotes              string
	ConsentGiven           bool
	Referrer               Referrer
}

// normalise trims names and text so that stray spaces neither count against limits nor make an
// amendment look like a change.
func (d Details) normalise() Details {
	d.Adults = slices.Clone(d.Adults)
	for i := range d.Adults {
		d.Adults[i] = d.Adults[i].normalise()
	}
	d.Children = slices.Clone(d.Children)
	for i := range d.Children {
		c := &d.Children[i]
		c.Name, c.Needs, c.Language = strings.TrimSpace(c.Name), strings.TrimSpace(c.Needs), strings.TrimSpace(c.Language)
	}
	d.CourtOrders = slices.Clone(d.CourtOrders)
	for i := range d.CourtOrders {
		d.CourtOrders[i].Description = strings.TrimSpace(d.CourtOrders[i].Description)
		d.CourtOrders[i].KeepsFromChildren = slices.Clone(d.CourtOrders[i].KeepsFromChildren)
	}
	d.Agencies = slices.Clone(d.Agencies)
	slices.Sort(d.Agencies)
	d.AgencyNotes, d.Reason = strings.TrimSpace(d.AgencyNotes), strings.TrimSpace(d.Reason)
	d.Availability, d.RiskNotes = strings.TrimSpace(d.Availability), strings.TrimSpace(d.RiskNotes)
	d.Referrer = Referrer{strings.TrimSpace(d.Referrer.Name), strings.TrimSpace(d.Referrer.Organisation),
		strings.TrimSpace(d.Referrer.Phone), strings.TrimSpace(d.Referrer.Email)}
	return d
}

func (a Adult) normalise() Adult {
	a.Name, a.Language, a.Relationship = strings.TrimSpace(a.Name), strings.TrimSpace(a.Language), strings.TrimSpace(a.Relationship)
	var lines []string
	for _, l := range a.Contact.AddressLines {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	a.Contact = ContactDetails{AddressLines: lines, Postcode: strings.TrimSpace(a.Contact.Postcode),
		Phone: strings.TrimSpace(a.Contact.Phone), Email: strings.TrimSpace(a.Contact.Email)}
	return a
}

// sameAsOtherParent names what of a parent's details is the other parent's: the full name, the
// phone or the email, which one person has. Each parent's own details are needed to speak to each
// (DOMAIN.md), and one parent's copied as the other's would put the first parent's whereabouts on
// the second's record, shown to them as their own (review 15). An address is not compared:
// separated parents may still share one, and neither parent is ever shown the other's.
func sameAsOtherParent(a, other Adult) string {
	if shared := sharedWith(a, other); len(shared) > 0 {
		return shared[0]
	}
	return ""
}

// sharedWith are all the details of a that are other's, as sameAsOtherParent compares them.
func sharedWith(a, other Adult) []string {
	var out []string
	if name := NormaliseName(a.Name); name != "" && name == NormaliseName(other.Name) {
		out = append(out, "full_name")
	}
	if a.Contact.Phone != "" && phoneDigits(a.Contact.Phone) == phoneDigits(other.Contact.Phone) {
		out = append(out, "contact.phone")
	}
	if a.Contact.Email != "" && strings.EqualFold(strings.TrimSpace(a.Contact.Email), strings.TrimSpace(other.Contact.Email)) {
		out = append(out, "contact.email")
	}
	return out
}

// phoneDigits is a UK phone number's digits as dialled at home: "+44 (0)7700 900123" and
// "07700 900123" are the same number.
func phoneDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	d := b.String()
	switch {
	case strings.HasPrefix(d, "440"):
		return d[2:]
	case strings.HasPrefix(d, "44") && strings.HasPrefix(strings.TrimSpace(s), "+"):
		return "0" + d[2:]
	}
	return d
}

// parents says which parents a set of details must name: both, or (for a self-referral waiting for
// the other parent) exactly one.
type parents int

const (
	bothParents parents = iota
	oneParent
)

// validate checks details against the referral's rules; prefix is their path in the request
// ("details."), today the centre's local date, the day every child in them is referred.
func (d Details) validate(v *Invalid, prefix string, need parents, today time.Time) {
	d.validateAt(v, prefix, need, today, func(Child) time.Time { return today })
}

// validateAt is validate with each child checked against the day they were referred: born by then
// (review 24: a child born after it could not have been referred, nor have attended since) and
// under 18 on it. An amendment's details are checked months after the referral was received, and
// a closed referral's corrected years after, its children grown up since (decision 178).
func (d Details) validateAt(v *Invalid, prefix string, need parents, today time.Time, referred func(Child) time.Time) {
	var resident, nonResident, named int
	for i, a := range d.Adults {
		a.validate(v, fmt.Sprintf("%sadults[%d].", prefix, i))
		switch a.Role {
		case referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT:
			resident++
		case referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT:
			nonResident++
		default:
			named++
		}
	}
	switch {
	case resident > 1:
		v.add(prefix+"adults", "must name one resident parent, not more")
	case nonResident > 1:
		v.add(prefix+"adults", "must name one non-resident parent, not more")
	case need == oneParent && resident+nonResident != 1:
		v.add(prefix+"adults", "must name the parent referring themselves, and not the other parent: they apply separately")
	case need == bothParents && resident == 0:
		v.add(prefix+"adults", "must name the resident parent")
	case need == bothParents && nonResident == 0:
		v.add(prefix+"adults", "must name the non-resident parent")
	}
	if named > MaxNamedPersons {
		v.add(prefix+"adults", fmt.Sprintf("must name at most %d people besides the parents", MaxNamedPersons))
	}
	if resident == 1 && nonResident == 1 {
		var parents []int
		for i, a := range d.Adults {
			if a.Parent() {
				parents = append(parents, i)
			}
		}
		if field := sameAsOtherParent(d.Adults[parents[1]], d.Adults[parents[0]]); field != "" {
			v.add(fmt.Sprintf("%sadults[%d].%s", prefix, parents[1], field), "must be this parent's own, not the other parent's")
		}
	}
	switch n := len(d.Children); {
	case n == 0:
		v.add(prefix+"children", "must name at least one child")
	case n > MaxChildren:
		v.add(prefix+"children", fmt.Sprintf("must name at most %d children", MaxChildren))
	}
	for i, c := range d.Children {
		c.validate(v, fmt.Sprintf("%schildren[%d].", prefix, i), today, referred(c))
	}
	if len(d.CourtOrders) > MaxCourtOrders {
		v.add(prefix+"court_orders", fmt.Sprintf("must list at most %d orders", MaxCourtOrders))
	}
	for i, o := range d.CourtOrders {
		f := fmt.Sprintf("%scourt_orders[%d].", prefix, i)
		if !known(referralv1.CourtOrderKind_name, int32(o.Kind)) {
			v.add(f+"kind", "must be one of the kinds of order")
		}
		if o.MadeOn.After(today) {
			v.add(f+"made_on", "must not be in the future")
		}
		checkOrderDate(v, f+"made_on", o, today)
		if !o.ExpiresOn.IsZero() && !o.MadeOn.IsZero() && o.ExpiresOn.Before(o.MadeOn) {
			v.add(f+"expires_on", "must not be before made_on: an order ends after it is made (leave expires_on out if the order has no end date)")
		}
		v.text(f+"description", o.Description, MaxTextLength, false)
		d.checkKeptFromChildren(v, f+"keeps_from_children", o)
	}
	for _, a := range d.Agencies {
		if !known(referralv1.Agency_name, int32(a)) {
			v.add(prefix+"other_agencies", "must be known agencies")
			break
		}
	}
	if len(slices.Compact(slices.Clone(d.Agencies))) != len(d.Agencies) {
		v.add(prefix+"other_agencies", "must not repeat an agency")
	}
	v.text(prefix+"agency_notes", d.AgencyNotes, MaxTextLength, false)
	v.text(prefix+"reason", d.Reason, MaxTextLength, true)
	v.text(prefix+"availability", d.Availability, MaxTextLength, false)
	v.text(prefix+"risk_notes", d.RiskNotes, MaxTextLength, false)
	if !d.ConsentGiven {
		v.add(prefix+"consent_given", "must be given")
	}
	v.line(prefix+"referrer.name", d.Referrer.Name, MaxNameLength, false)
	v.line(prefix+"referrer.organisation", d.Referrer.Organisation, MaxNameLength, false)
	v.phone(prefix+"referrer.phone", d.Referrer.Phone)
	v.email(prefix+"referrer.email", d.Referrer.Email, MaxEmailLength)
}

// checkSaid refuses the details' free text that must say something and says nothing (review 45,
// decision 270), by the platform's words rule (inwords, as a note that must say why): the reason
// for referral, which a referral needs (DOMAIN.md); availability, when given (the centre plans
// sessions around it; none given is asked at the pre-visit, as before); and the risk notes when the
// referral answers that there are other concerns, which the notes describe: without them the
// screener is given a yes with nothing to weigh. described reports whether the other concerns are
// described elsewhere on the referral: in a second parent's own risk notes, which the referral's
// do not repeat (each parent's notes are theirs).
//
// Submission and amendment check it, an amendment of a referral recorded before the rule included:
// each of these fields is amended in any state (once the family is ready the risk answers are
// fixed, ErrAttendeesFixed, not the notes). A correction of a closed referral does not: it leaves
// the reason, availability, risk answers and notes as the referrer gave them (CorrectionOnly), and
// refusing them would refuse every correction of one recorded before the rule.
func (d Details) checkSaid(v *Invalid, prefix string, described bool) {
	said(v, prefix+"reason", d.Reason, "must say why the family is referred")
	if d.Availability != "" {
		said(v, prefix+"availability", d.Availability, "must say when the family can come")
	}
	if d.Risk.OtherConcerns && !described {
		describesConcerns(v, prefix+"risk_notes", d.RiskNotes, "must describe the other concerns: the referral answers that there are other "+
			"concerns ("+prefix+"risk.other_concerns), which the risk notes describe for the screen to weigh")
	}
}

// describesConcerns refuses risk notes that say nothing of the other concerns the answers say
// there are: no words (said), or words that deny them ("none", "n/a"; review 46: "none" was taken
// as the description of a yes).
func describesConcerns(v *Invalid, field, s, what string) {
	said(v, field, s, what)
	if slices.ContainsFunc(v.Violations, func(f Violation) bool { return f.Field == field }) {
		return
	}
	plain := strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '/'
	}), " ")
	if slices.Contains(noConcerns, plain) {
		v.add(field, fmt.Sprintf("%s: %q says there are none, while the answer says there are (answer other_concerns no if there "+
			"are none)", what, s))
	}
}

// noConcerns are notes that deny the concerns they should describe, as describesConcerns reads them.
var noConcerns = []string{"none", "no", "nothing", "n/a", "na", "nil", "not applicable", "no concerns", "none known",
	"no other concerns", "nothing to add", "nothing else", "none at all"}

// said refuses s at field unless it says something in words (inwords), with what it must say; a
// field already refused (empty, too long, a control character) is not refused twice.
func said(v *Invalid, field, s, what string) {
	if slices.ContainsFunc(v.Violations, func(f Violation) bool { return f.Field == field }) || inwords.Says(s) {
		return
	}
	v.add(field, fmt.Sprintf("%s, in words (at least %d letters or digits, one a letter)", what, MinWordsLength))
}

func (a Adult) validate(v *Invalid, f string) {
	if !known(referralv1.AdultRole_name, int32(a.Role)) {
		v.add(f+"role", "must be one of the roles")
	}
	v.line(f+"full_name", a.Name, MaxNameLength, true)
	if !a.Parent() && !a.ParentalResponsibility && !a.MayAttend && !a.MayBring && !a.MayCollect {
		v.add(f+"may_attend", "must be named to attend, bring or collect, or have parental responsibility")
	}
	if len(a.Contact.AddressLines) > MaxAddressLines {
		v.add(f+"contact.address_lines", fmt.Sprintf("must be at most %d lines", MaxAddressLines))
	}
	for i, l := range a.Contact.AddressLines {
		v.line(fmt.Sprintf("%scontact.address_lines[%d]", f, i), l, MaxNameLength, false)
	}
	v.postcode(f+"contact.postcode", a.Contact.Postcode)
	v.phone(f+"contact.phone", a.Contact.Phone)
	v.email(f+"contact.email", a.Contact.Email, MaxEmailLength)
	v.line(f+"language", a.Language, MaxLanguageLength, false)
	v.line(f+"relationship", a.Relationship, MaxNameLength, false)
}

func (c Child) validate(v *Invalid, f string, today, referred time.Time) {
	v.line(f+"full_name", c.Name, MaxNameLength, true)
	switch {
	case c.DateOfBirth.IsZero():
		v.add(f+"date_of_birth", "is required")
	case c.DateOfBirth.After(today):
		v.add(f+"date_of_birth", "must not be in the future")
	case c.DateOfBirth.After(referred):
		v.add(f+"date_of_birth", fmt.Sprintf("must be on or before %s, the day the child was referred (the referral was received, "+
			"or an amendment added the child): a child is born before they are referred", referred.Format(time.DateOnly)))
	case !referred.Before(c.DateOfBirth.AddDate(OldestChildAge+1, 0, 0)):
		v.add(f+"date_of_birth", "the child must be under 18")
	}
	v.text(f+"needs", c.Needs, MaxTextLength, false)
	v.line(f+"language", c.Language, MaxLanguageLength, false)
}

// known reports whether an enum value is defined and not the unspecified zero.
func known(names map[int32]string, v int32) bool {
	_, ok := names[v]
	return ok && v != 0
}

// serviceTypeKnown reports whether a service type is a real kind of contact.
func serviceTypeKnown(st commonv1.ServiceType) bool {
	return known(commonv1.ServiceType_name, int32(st))
}
