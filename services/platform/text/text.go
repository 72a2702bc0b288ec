// Package text checks what people type before a service stores it and shows it to others: a
// person's name, an address line, a centre's or a room's name, a note. Stored text reaches other
// people's screens and terminals, so it must hold nothing that acts instead of showing, or that
// shows something other than what was stored: a control character (a terminal escape code, a
// bell), a mark that reverses the text after it ("Daniel\u202eekralC" shows as "DanielClarke"
// read backwards), or an invisible character that makes two different names look the same
// (decisions.md 77 and 91).
//
// The check is one for every service, so a name is clean or not the same way in referral and
// scheduling, and free text the same way in referral and safeguarding. Letters, marks and
// punctuation of every script pass: Welsh ŵ, Polish ł, Arabic and Chinese names are names.
package text

import (
	"unicode"
	"unicode/utf8"
)

// Kind is what a field holds, which decides whether it may break lines.
type Kind int

const (
	// Line is one line: a name, an address line, a phone number, a label. No control character at
	// all, not even a tab or a line break.
	Line Kind = iota
	// Prose is free text over several lines: a note, a reason, a concern's description, a report
	// section. Tabs and line breaks (\t, \n, \r) are kept; every other control character is not.
	Prose
)

// Reasons a field is refused, to follow the field's name ("details.adults[0].full_name must not
// ..."). They never quote the value: it may be personal, and it is what could not be shown.
const (
	ReasonUTF8  = "must be valid UTF-8"
	ReasonLine  = "must not contain control characters (such as terminal escape codes, tabs or line breaks), invisible formatting characters (such as text-direction marks or zero-width spaces), or spaces other than the ordinary one"
	ReasonProse = "must not contain control characters (such as terminal escape codes) other than tabs and line breaks, or invisible formatting characters (such as text-direction marks or zero-width spaces)"
)

// Check says what is wrong with s as text of kind k, or "" when nothing is: it must be valid
// UTF-8 and hold no character Refused, but a zero-width non-joiner or joiner between two letters
// (Joins). The empty string is clean; whether a field may be empty, and how long it may be, are
// the field's own rules.
func Check(s string, k Kind) string {
	if !utf8.ValidString(s) {
		return ReasonUTF8
	}
	rs := []rune(s)
	for i, r := range rs {
		if Refused(r, k) && !Joins(rs, i) {
			if k == Prose {
				return ReasonProse
			}
			return ReasonLine
		}
	}
	return ""
}

// Joins reports whether rs[i] is a zero-width non-joiner (U+200C) or joiner (U+200D) inside a
// word: after a letter or a mark and before a letter or a mark. Persian, Kurdish and many Indic
// names are spelt with them (the non-joiner keeps two letters from joining), so they are kept
// there, and only there: at the edge of a word or beside a space they show nothing and only
// disguise. Matching names for duplicates ignores them (referral's NormaliseName), so "Jo\u200dhn"
// is still "John".
func Joins(rs []rune, i int) bool {
	if (rs[i] != '\u200c' && rs[i] != '\u200d') || i == 0 || i == len(rs)-1 {
		return false
	}
	inWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsMark(r) }
	return inWord(rs[i-1]) && inWord(rs[i+1])
}

// Refused reports whether r may not be stored in text of kind k (Check keeps the joiners Joins
// allows):
//
//   - control characters (Unicode Cc: C0, DEL, C1), but tab, line feed and carriage return in
//     Prose;
//   - format characters (Cf), which are invisible and change how the text around them shows:
//     the bidirectional marks, embeddings, overrides and isolates (U+200E, U+200F, U+202A to
//     U+202E, U+2066 to U+2069, U+061C), zero-width spaces and joiners (U+200B to U+200D), the
//     word joiner and invisible operators (U+2060 to U+2064), the byte-order mark (U+FEFF), the
//     soft hyphen, interlinear annotations and tag characters;
//   - the line and paragraph separators (U+2028, U+2029), which break a line as \n does but
//     are not the line breaks Prose keeps;
//   - the other characters Unicode says are ignored when shown (Other_Default_Ignorable_Code_Point:
//     Hangul fillers, which show as blank letters, and the like), and the blank Braille pattern
//     (U+2800), which shows as a space;
//   - in a Line, every space but the plain one (U+0020): no-break, thin, ideographic spaces.
//
// Combining marks and variation selectors are not refused: they are part of how many scripts
// (and emoji) are written.
func Refused(r rune, k Kind) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return k == Line
	case unicode.IsControl(r):
		return true
	case unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp, unicode.Other_Default_Ignorable_Code_Point):
		return true
	case r == '\u2800':
		// The blank Braille pattern shows as a space but is a symbol: a name of it looks empty.
		return true
	case k == Line && r != ' ' && unicode.Is(unicode.Zs, r):
		// A no-break, thin or ideographic space in a name looks like a space and is not one:
		// "Family\u00a0room 1" would be a second room beside "Family room 1". Prose keeps them
		// (pasted text carries them, and nothing is matched on it).
		return true
	}
	return false
}
