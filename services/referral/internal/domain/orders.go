package domain

import (
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
)

// Court orders that keep an adult from the children (review 57, decision 318). A court order was
// recorded as a kind, dates and free text only: a non-molestation order against the grandmother,
// not to approach the children, linked her to nothing, and she, named to attend, was admitted at
// the door. An order now names the adults on the referral it keeps from the children
// (CourtOrder.KeepsFromChildren); while it is in force each is sent to scheduling with no
// permissions, and the door refuses them NOT_PERMITTED (decisions 308, 314).

// FamilyLawActInForce is the day Part IV of the Family Law Act 1996 came into force: no
// non-molestation or occupation order is made before it (decision 318).
var FamilyLawActInForce = time.Date(1997, time.October, 1, 0, 0, 0, 0, time.UTC)

// MaxInjunctionYears is the longest a non-molestation or occupation order is taken to run: an
// expiry further from the day it was made is a typo (review 57: 2199), not an order (decision 318).
const MaxInjunctionYears = 10

// checkKeptFromChildren refuses an order's keeps_from_children (field) unless each id is an adult
// already on the details (by person id), named once: not a child, not someone unknown. Adults have
// no id until the referral records them, so an order is linked to one by amendment. The reasons
// name paths and rules, never a detail of the family. Decision 318.
func (d Details) checkKeptFromChildren(v *Invalid, field string, o CourtOrder) {
	for j, id := range o.KeepsFromChildren {
		f := fmt.Sprintf("%s[%d]", field, j)
		switch {
		case slices.Index(o.KeepsFromChildren, id) < j:
			v.add(f, fmt.Sprintf("repeats %s[%d]: name each adult the order keeps from the children once", field,
				slices.Index(o.KeepsFromChildren, id)))
		case id != uuid.Nil && slices.ContainsFunc(d.Children, func(c Child) bool { return c.ID == id }):
			v.add(f, "is a child on the referral: an order keeps adults from the children; give the person_id of an adult it restrains")
		case id == uuid.Nil || !slices.ContainsFunc(d.Adults, func(a Adult) bool { return a.ID == id }):
			v.add(f, "is not an adult on this referral: give the person_id of an adult already on it (referral show gives each "+
				"adult's id); adults named at submission, or added by this amendment, have no id until the referral records them, "+
				"so link the order to them by an amendment after")
		}
	}
}

// checkInjunctionDates refuses a non-molestation or occupation order made before Part IV of the
// Family Law Act 1996 came into force (FamilyLawActInForce), or ending more than
// MaxInjunctionYears after it was made (after today, when made_on is not known: it was made by
// today, so that expiry is further still from the day it was made). Review 57 had one made in
// 1900 with no expiry (an injunction in force forever) and one expiring in 2199 accepted. Other
// kinds are dated as before (checkOrderDate, checkOrdersAfterBirth). kept are the orders already
// on the referral: an amendment is not refused for one it keeps unchanged, as
// checkOrdersAfterBirth. Decision 318.
func (d Details) checkInjunctionDates(v *Invalid, prefix string, kept []CourtOrder, today time.Time) {
	for i, o := range d.CourtOrders {
		if !injunction(o.Kind) || slices.ContainsFunc(kept, o.same) {
			continue
		}
		f := fmt.Sprintf("%scourt_orders[%d].", prefix, i)
		if !o.MadeOn.IsZero() && o.MadeOn.Before(FamilyLawActInForce) {
			v.add(f+"made_on", "must be on or after 1997-10-01: a non-molestation or occupation order is made under Part IV of the "+
				"Family Law Act 1996, in force from 1 October 1997 (check the date, or leave it out if it is not known)")
		}
		from, what := o.MadeOn, "made_on"
		if from.IsZero() || from.After(today) {
			from, what = today, "today (made_on not given)"
		}
		if !o.ExpiresOn.IsZero() && o.ExpiresOn.After(from.AddDate(MaxInjunctionYears, 0, 0)) {
			v.add(f+"expires_on", fmt.Sprintf("must be at most %d years after %s: a non-molestation or occupation order is made for "+
				"a set time or until further order (check the date, or leave expires_on out if the order has no end date)",
				MaxInjunctionYears, what))
		}
	}
}

// keptFromChildren are the adults (by person id) an order in force on today keeps from the
// children, each with the index of the first such order.
func (d Details) keptFromChildren(today time.Time) map[uuid.UUID]int {
	kept := map[uuid.UUID]int{}
	for i, o := range d.CourtOrders {
		if !o.InForce(today) {
			continue
		}
		for _, id := range o.KeepsFromChildren {
			if _, ok := kept[id]; !ok && id != uuid.Nil {
				kept[id] = i
			}
		}
	}
	return kept
}

// ForContact are the details' adults as scheduling is told of them on today: an adult a court
// order in force keeps from the children may neither attend, bring nor collect, whatever their own
// answers say (those stay as the referrer gave them). Decision 318.
func (d Details) ForContact(today time.Time) []Adult {
	kept := d.keptFromChildren(today)
	out := slices.Clone(d.Adults)
	for i, a := range out {
		if _, ok := kept[a.ID]; ok && a.ID != uuid.Nil {
			out[i].MayAttend, out[i].MayBring, out[i].MayCollect = false, false, false
		}
	}
	return out
}

// keptNote is what a contradiction adds when a court order keeps an adult from the children
// (decision 318): the adult's own answers may say they come, and do not count.
func (d Details) keptNote(today time.Time) string {
	const prefix = "details."
	kept := d.keptFromChildren(today)
	for i, a := range d.Adults {
		if o, ok := kept[a.ID]; ok && a.ID != uuid.Nil && (a.MayAttend || a.MayBring || a.MayCollect) {
			return fmt.Sprintf(" (%scourt_orders[%d] keeps %sadults[%d] from the children, so what they may do does not count while "+
				"it is in force)", prefix, o, prefix, i)
		}
	}
	return ""
}

// newlyKept are the adults of d (person ids, in d's order) an order in force on today keeps from
// the children whom the referral's details did not keep. Once the family is ready, each is
// announced (AdultKeptFromChildren), so scheduling takes their permissions away. Decision 323.
func (r *Referral) newlyKept(d Details, today time.Time) []uuid.UUID {
	before, now := r.Details().keptFromChildren(today), d.keptFromChildren(today)
	var out []uuid.UUID
	for _, a := range d.Adults {
		_, kept := now[a.ID]
		_, was := before[a.ID]
		if kept && !was && a.ID != uuid.Nil {
			out = append(out, a.ID)
		}
	}
	return out
}

// keptAlready are adults (records) with the permissions of those in kept taken away: who
// scheduling was told may come, as it will be once each kept adult is announced (decision 323).
func keptAlready(adults []AdultRecord, kept []uuid.UUID) []AdultRecord {
	out := slices.Clone(adults)
	for i, a := range out {
		if slices.Contains(kept, a.ID) {
			out[i].MayAttend, out[i].MayBring, out[i].MayCollect = false, false, false
		}
	}
	return out
}

// recordsForContact are adults (records, as people gives them for d) with the permissions
// scheduling is told of on today (ForContact): none for an adult an order in force keeps from the
// children. Decision 318.
func recordsForContact(d Details, adults []AdultRecord, today time.Time) []AdultRecord {
	kept := d.keptFromChildren(today)
	out := slices.Clone(adults)
	for i, a := range out {
		if _, ok := kept[a.ID]; ok && a.ID != uuid.Nil {
			out[i].MayAttend, out[i].MayBring, out[i].MayCollect = false, false, false
		}
	}
	return out
}
