package domain

import (
	"strings"

	"github.com/google/uuid"
)

// Possibly the same adult in two families (decision 350): an adult on a referral is matched with
// the adults of the centre's other open referrals on their phone number and email address, hashed
// under the service's matching key as children are (decision 37), never in clear. A name is not
// matched: two adults called John Smith are common; the same phone number or email address on
// two referrals is the signal.

// AdultMatchKind says what of an adult a keyed hash is of.
type AdultMatchKind int16

// The kinds of an adult's match, as adult_matches.kind keeps them.
const (
	// AdultPhone is the adult's phone number, normalised (NormalisePhone).
	AdultPhone AdultMatchKind = 1
	// AdultEmail is the adult's email address, lowercased (NormaliseEmail).
	AdultEmail AdultMatchKind = 2
)

// adultKeyContext names what an adult's key is for and its version, as duplicateKeyContext does a
// child's, so that no adult's key is ever a child's, and a change to the normalisation starts a
// new set of keys instead of silently missing old matches.
const adultKeyContext = "familytime/referral/same-adult/v1"

// An AdultMatchKey is what to feed an HMAC to match one adult on a referral on one kind.
type AdultMatchKey struct {
	Person uuid.UUID
	Kind   AdultMatchKind
	Input  []byte
}

// NormalisePhone is a phone number as it is matched: its digits only, a UK number given with its
// country code (+44 7700 900123, +44 (0)7700 900123, 447700 900123) written as it is dialled in
// the UK (07700900123). "" when it holds too few digits to be a number (fewer than 10).
func NormalisePhone(s string) string {
	d := phoneDigits(s)
	if strings.HasPrefix(d, "44") && len(d) == 12 {
		// A UK number written with its country code and no +: 44 and the 10 digits after the 0.
		d = "0" + d[2:]
	}
	if len(d) < 10 {
		return ""
	}
	return d
}

// NormaliseEmail is an email address as it is matched: trimmed and lowercased. "" for one without
// an @.
func NormaliseEmail(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if !strings.Contains(s, "@") {
		return ""
	}
	return s
}

// AdultMatchKeys are the keys the adults are matched on: each adult's phone number and email
// address, normalised, as given; none for an adult without them, or whose details were erased.
// The referrer's details are not an adult's: a solicitor's office number is on many families'
// referrals.
func AdultMatchKeys(adults []AdultRecord) []AdultMatchKey {
	var out []AdultMatchKey
	key := func(a AdultRecord, kind AdultMatchKind, value string) {
		if value == "" {
			return
		}
		var b strings.Builder
		b.WriteString(adultKeyContext)
		b.WriteByte(0)
		b.WriteByte(byte('0' + kind))
		b.WriteByte(0)
		b.WriteString(value)
		out = append(out, AdultMatchKey{Person: a.ID, Kind: kind, Input: []byte(b.String())})
	}
	for _, a := range adults {
		key(a, AdultPhone, NormalisePhone(a.Contact.Phone))
		key(a, AdultEmail, NormaliseEmail(a.Contact.Email))
	}
	return out
}
