package domain

import (
	"strings"
	"unicode/utf8"

	"github.com/familytime/familytime/services/platform/inwords"
)

// Limits on the purpose a reader states when opening a family's details, the same as for a read
// of safeguarding text.
const (
	MinPurposeLength = 3
	MaxPurposeLength = 500
)

// CheckPurpose checks the purpose stated for opening a family's details: at least 3 letters or
// digits, one of them a letter, at most 500 characters (not punctuation or a number alone)
// and no control characters (platform's inwords, which safeguarding's purposes share). The purpose is recorded with the opening, and "." records nothing
// of why (decisions.md 77).
func CheckPurpose(purpose string) error {
	var v Invalid
	p := strings.TrimSpace(purpose)
	v.line("purpose", p, MaxPurposeLength, true)
	switch {
	case len(v.Violations) > 0:
	case utf8.RuneCountInString(p) < MinPurposeLength:
		v.add("purpose", "must say why the details are opened, in at least 3 letters or digits, one a letter")
	case !inwords.Says(p):
		v.add("purpose", "must say why the details are opened, in words")
	}
	return v.err()
}
