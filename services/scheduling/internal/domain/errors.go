package domain

import (
	"strings"

	"github.com/familytime/familytime/services/platform/problem"
)

// ErrCentreNotFound means no centre has the given id.
var ErrCentreNotFound = problem.NotFound("centre")

// ErrDuplicateCentre means another centre in the same region already has the name.
var ErrDuplicateCentre = problem.Conflict("DUPLICATE_CENTRE", "a centre with this name is already registered in the region")

// A centre whose accreditation the national association suspended, or which the directory records
// lapsed, accepts or waitlists no family (decisions.md 77, 326): referral's codes and words for the
// same refusal, so a coordinator is told the same by either service.
var (
	// ErrCentreSuspended: the national association suspended the centre's accreditation.
	ErrCentreSuspended = problem.Rule("CENTRE_SUSPENDED",
		"the centre's accreditation is suspended: it takes no new referrals and accepts or waitlists no family until the suspension is lifted")
	// ErrCentreLapsed: the directory records that the centre's accreditation ran out and was not
	// renewed.
	ErrCentreLapsed = problem.Rule("CENTRE_ACCREDITATION_LAPSED",
		"the centre's accreditation lapsed and was not renewed: it takes no new referrals and accepts or waitlists no family until it is accredited again")
)

// Violation is one field that breaks a rule.
type Violation struct {
	Field  string
	Reason string
}

// Invalid is input that breaks the directory's rules, field by field. Fields are named as in
// CentreDetails; ports place them in their request.
type Invalid struct {
	Violations []Violation
}

func (v *Invalid) add(field, reason string) {
	v.Violations = append(v.Violations, Violation{Field: field, Reason: reason})
}

func (v *Invalid) err() error {
	if len(v.Violations) == 0 {
		return nil
	}
	return v
}

func (v *Invalid) Error() string {
	parts := make([]string, len(v.Violations))
	for i, f := range v.Violations {
		parts[i] = f.Field + " " + f.Reason
	}
	return "invalid centre details: " + strings.Join(parts, "; ")
}

// ErrFamiliesKeptApart refuses booking or moving a family into a session whose time overlaps a
// booking of a family it is kept apart from, the same day at the centre, or comes within the
// door's window of it (decisions 330 and 334): KeptApartRefusal names that booking.
var ErrFamiliesKeptApart = problem.Rule("FAMILIES_KEPT_APART",
	"the family is kept apart from a family booked at an overlapping time that day: the two are never at the centre at the same time, "+
		"and are kept apart at the door")
