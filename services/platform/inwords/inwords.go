// Package inwords checks that text a person must write says something: a purpose stated for
// reading a family's records, a note that must say why. "." or "--" records nothing of why, and
// nor do "123", "a.b" or "a b" (a review cleared a domestic-abuse finding with "a.b"), so such
// text has at least MinLength letters or digits, one of them a letter, in any script
// (docs/decisions.md 77, 92 and 98). Referral and safeguarding share the rule, so a purpose
// refused in one is refused in the other.
package inwords

import "unicode"

// MinLength is the fewest letters or digits of text that says something.
const MinLength = 3

// Says reports whether s says something in words: at least MinLength letters or digits (in any
// script), at least one of them a letter; spaces, punctuation and symbols do not count.
func Says(s string) bool {
	var n int
	letter := false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			n, letter = n+1, true
		case unicode.IsDigit(r):
			n++
		}
	}
	return n >= MinLength && letter
}
