package app

import (
	"context"
	"fmt"
	"slices"

	"github.com/google/uuid"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"

	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/problem"
	"github.com/familytime/familytime/services/safeguarding/internal/adapters"
	"github.com/familytime/familytime/services/safeguarding/internal/domain"
)

// NotePeople records, in a consumer's unit, people a referral names for the family (ids only,
// whether each is a party: a parent or an adult with parental responsibility, and whether a
// parent), so that a concern about the family can name them and no one else, and a report's copy
// goes only to a party (decision 78), listed under the kind their role gives (review 41).
func (a *App) NotePeople(uow *eventstore.UnitOfWork, family uuid.UUID, people []uuid.UUID, party, parent []bool) {
	adapters.ProjectPeople(uow, family, people, party, parent)
}

// NoteBooking records, in a consumer's unit, a booking of the family, so that a concern about the
// family can name that session and no other family's.
func (a *App) NoteBooking(uow *eventstore.UnitOfWork, booking, family uuid.UUID) {
	adapters.ProjectBooking(uow, booking, family)
}

// Named is a person id a request gives, in the field that gives it.
type Named struct {
	Field  string
	Person uuid.UUID
}

// PeopleOfTheFamily refuses, naming each field, the people the family's referral never named
// (decision 78): a concern about them, a report section about them or a copy of a report for them
// would point at someone else's record, or withhold from the wrong person.
func (a *App) PeopleOfTheFamily(ctx context.Context, family uuid.UUID, named []Named) error {
	vs, err := a.strangers(ctx, family, named)
	if err != nil {
		return err
	}
	return invalid(vs)
}

// strangers are the violations of PeopleOfTheFamily; a nil person is skipped.
func (a *App) strangers(ctx context.Context, family uuid.UUID, named []Named) ([]problem.Violation, error) {
	people := make([]uuid.UUID, 0, len(named))
	for _, n := range named {
		if n.Person != uuid.Nil {
			people = append(people, n.Person)
		}
	}
	strangers, err := a.records.Strangers(ctx, family, people)
	if err != nil {
		return nil, err
	}
	return refuse(named, func(p uuid.UUID) bool { return p != uuid.Nil && slices.Contains(strangers, p) },
		"is not a person named on this family's referral (one added a moment ago may take a second to be known here)"), nil
}

// Listed is a report recipient's person field (Named): a party listed by person under Kind (a
// parent, or other parental responsibility), or the party a solicitor acts for (Kind solicitor).
// KindField is the field that gives the kind.
type Listed struct {
	Named
	Kind      safeguardingv1.RecipientKind
	KindField string
}

// RecipientsAreParties refuses, naming each field, a report's copy for someone who is not a party
// of the family (a parent, or an adult with parental responsibility): a child or a relative given
// a parent's copy would read what the copy keeps from the other party. A party listed by person
// under the kind their role on the referral does not give (domain.WrongKind) is refused naming the
// kind's field (review 41); one noted before roles were kept is not checked. listed are the person
// fields of parent and parental-responsibility recipients and of the party a solicitor acts for.
func (a *App) RecipientsAreParties(ctx context.Context, family uuid.UUID, listed []Listed) error {
	people := make([]uuid.UUID, 0, len(listed))
	named := make([]Named, 0, len(listed))
	for _, l := range listed {
		people, named = append(people, l.Person), append(named, l.Named)
	}
	parties, err := a.records.Parties(ctx, family, people)
	if err != nil {
		return err
	}
	vs := refuse(named, func(p uuid.UUID) bool {
		return !slices.ContainsFunc(parties, func(x adapters.Party) bool { return x.Person == p })
	}, "is not a parent or an adult with parental responsibility on this family's referral")
	for _, l := range listed {
		i := slices.IndexFunc(parties, func(x adapters.Party) bool { return x.Person == l.Person })
		if i < 0 || parties[i].Parent == nil {
			continue
		}
		if why := domain.WrongKind(l.Kind, *parties[i].Parent); why != "" {
			vs = append(vs, problem.Violation{Field: l.KindField, Reason: why})
		}
	}
	return invalid(vs)
}

// NoteBodies records, in a consumer's unit, the bodies a family's referral involves as received
// from source; NoteAmendedBodies as amended (the source unchanged).
func (a *App) NoteBodies(uow *eventstore.UnitOfWork, family uuid.UUID, source commonv1.ReferralSource, b domain.Bodies) {
	adapters.ProjectBodies(uow, family, source, b)
}

// NoteAmendedBodies: see NoteBodies.
func (a *App) NoteAmendedBodies(uow *eventstore.UnitOfWork, family uuid.UUID, b domain.Bodies) {
	adapters.ProjectAmendedBodies(uow, family, b)
}

// BodiesInvolved refuses, naming each field, a report's copy for a body (the court, Cafcass, the
// local authority) the family's referral does not involve (Bodies.NotInvolved). A family referred
// before the bodies were recorded is not checked.
func (a *App) BodiesInvolved(ctx context.Context, family uuid.UUID, recipients []domain.Recipient) error {
	b, found, err := a.records.Bodies(ctx, family)
	if err != nil || !found {
		return err
	}
	var vs []problem.Violation
	for i, r := range recipients {
		if why := b.NotInvolved(r.Kind); why != "" {
			vs = append(vs, problem.Violation{Field: fmt.Sprintf("recipients[%d].kind", i),
				Reason: why + ": a copy goes only to the bodies involved with the family; amend the referral first if it is involved"})
		}
	}
	return invalid(vs)
}

// BodiesNotSent are BODY_INVOLVED_NOT_SENT in words (domain.BodyNotSent), one for each body the
// family's referral involves that is not on the report's distribution list as it now stands
// (decision 331). A family referred before the bodies were recorded has none.
func (a *App) BodiesNotSent(ctx context.Context, r *domain.Report) ([]string, error) {
	b, found, err := a.records.Bodies(ctx, r.FamilyID())
	if err != nil || !found {
		return nil, err
	}
	var out []string
	for _, kind := range b.NotSent(r.Recipients()) {
		out = append(out, domain.BodyNotSent(r.ID(), r.CentreID(), kind))
	}
	return out, nil
}

// refuse is a violation, with reason, of each named field whose person is bad.
func refuse(named []Named, bad func(uuid.UUID) bool, reason string) []problem.Violation {
	var vs []problem.Violation
	for _, n := range named {
		if bad(n.Person) {
			vs = append(vs, problem.Violation{Field: n.Field, Reason: reason})
		}
	}
	return vs
}

// invalid is the InvalidError of vs, nil when there is none.
func invalid(vs []problem.Violation) error {
	if len(vs) == 0 {
		return nil
	}
	return &problem.InvalidError{Violations: vs}
}
