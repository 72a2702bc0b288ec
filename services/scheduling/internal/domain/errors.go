package domain

import (
	"strings"

	"github.com/familytime/familytime/services/platform/problem"
)

// ErrCentreNotFound means no centre has the given id.
var ErrCentreNotFound = problem.NotFound("centre")

// ErrDuplicateCentre means another centre in the same region already has the name.
var ErrDuplicateCentre = problem.Conflict("DUPLICATE_CENTRE", "a centre with this name is already registered in the region")

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
