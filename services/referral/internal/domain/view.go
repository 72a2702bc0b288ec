package domain

import (
	"slices"

	"github.com/google/uuid"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
)

// View is what one adult on the referral may be shown, in a letter, an export or a screen made for
// them. Each party's address and contact details are theirs: a view holds the viewer's own and
// never another adult's, because the other parent's whereabouts can be what keeps someone safe.
type View struct {
	ReferralID uuid.UUID
	FamilyID   uuid.UUID
	CentreID   uuid.UUID
	State      State
	// Viewer is the adult the view is for, with their own contact details.
	Viewer Adult
	// Others are the other adults named on the referral, by name and role, with no contact
	// details at all.
	Others []Adult
	// Children are the children, whom every adult on the referral knows, without their needs: the
	// referrer wrote those, often from one parent's side ("attends the school near mum's home"
	// reached the father, review 41), and the centre holds them.
	Children []Child
	// Arrangement is the agreed arrangement, if any. Its stagger (when the visiting parent arrives
	// and leaves) is shown only to the non-resident parent it times: to anyone else it would say
	// when that parent is at the centre.
	Arrangement *Arrangement
}

// ViewFor returns what the adult person may see of the referral: their own details and contact
// details, the others' names and roles only, the children without their needs, and the
// arrangement without another party's times. The referral's narrative (reason, risk notes,
// screening, the referrer, the children's needs) is staff's and is never in a view. ErrPersonNotFound if the person is not an adult on the referral.
func (r *Referral) ViewFor(person uuid.UUID) (View, error) {
	i := slices.IndexFunc(r.adults, func(a AdultRecord) bool { return a.ID == person })
	if i < 0 {
		return View{}, ErrPersonNotFound
	}
	v := View{ReferralID: r.id, FamilyID: r.family, CentreID: r.centre, State: r.state, Viewer: r.adults[i].Adult}
	v.Viewer.Contact.AddressLines = slices.Clone(v.Viewer.Contact.AddressLines)
	for _, a := range r.adults {
		if a.ID == person {
			continue
		}
		other := a.Adult
		// Names and roles only: a relationship in words ("mother's new partner", "the aunt she
		// lives with") can say where the other party lives, and a language is theirs (review 91
		// found both in a parent's copy).
		other.Contact, other.Relationship, other.Language = ContactDetails{}, "", ""
		v.Others = append(v.Others, other)
	}
	for _, c := range r.children {
		child := c.Child
		child.Needs = ""
		v.Children = append(v.Children, child)
	}
	if r.arrangement != nil {
		a := *r.arrangement
		if v.Viewer.Role != referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT {
			a.Stagger = Stagger{}
		}
		v.Arrangement = &a
	}
	return v, nil
}
