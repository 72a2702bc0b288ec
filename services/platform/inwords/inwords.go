// Package inwords checks that text a person must write says something: a purpose stated for
// reading a family's records, a note that must say why. "." or "--" records nothing of why, so such
// text is at least MinLength characters besides the spaces around it, with a letter or a digit
// (docs/decisions.md 77 and 92). Referral and safeguarding share the rule, so a purpose refused in
// one is refused in the other.
package inwords

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MinLength is the fewest characters, besides the spaces around them, of text that says something.
const MinLength = 3

// Says reports whether s says something in words: at least MinLength characters once trimmed, one
// of them a letter or a digit (in any script), not punctuation or symbols alone.
func Says(s string) bool {
	s = strings.TrimSpace(s)
	return utf8.RuneCountInString(s) >= MinLength &&
		strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
}
