package domain

import (
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/google/uuid"
	"golang.org/x/text/unicode/norm"
	"google.golang.org/protobuf/proto"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/dates"
)

// duplicateKeyContext names what the key is for and its version, so a change to the normalisation
// starts a new set of keys instead of silently missing old matches.
const duplicateKeyContext = "familytime/referral/duplicate-child/v1"

// DuplicateKey is what to feed an HMAC to match a child across referrals without keeping their
// name or date of birth in clear: the child's name normalised (case, accents, spaces and
// punctuation do not matter) and their date of birth. The HMAC key is the adapter's; the domain
// only says what is hashed, so that every replica hashes the same bytes.
func DuplicateKey(name string, dob time.Time) []byte {
	var b strings.Builder
	b.WriteString(duplicateKeyContext)
	b.WriteByte(0)
	b.WriteString(NormaliseName(name))
	b.WriteByte(0)
	b.WriteString(dob.Format(time.DateOnly))
	return []byte(b.String())
}

// foldLetters are letters that decomposition does not reduce to a base letter.
var foldLetters = map[rune]string{'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'đ': "d", 'ð': "d", 'ł': "l",
	'þ': "th", 'ı': "i"}

// NormaliseName reduces a name to lower-case letters and digits without accents, words separated
// by one space: "  Zoë  O'Brien-Smith " and "zoe obrien smith" differ only in the apostrophe, which
// is dropped, while hyphens and spaces separate words.
func NormaliseName(name string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFKD.String(name) {
		r = unicode.ToLower(r)
		switch {
		case unicode.Is(unicode.Mn, r), r == '\'', r == '’', r == '.', r == '\u200c', r == '\u200d':
			// accents and marks that are part of a word, and the zero-width (non-)joiners stored
			// inside one (platform/text.Joins)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			if s, ok := foldLetters[r]; ok {
				b.WriteString(s)
			} else {
				b.WriteRune(r)
			}
		default:
			space = true
		}
	}
	return b.String()
}

// FlagPossibleDuplicate records that a child on this referral matches a child on another open
// referral at the same centre (the application finds the match on DuplicateKey's HMAC), or on one
// closed or at another centre whose hold or domestic-abuse finding stands. A person checks;
// nothing is merged. Flagging the same other referral again records nothing.
func (r *Referral) FlagPossibleDuplicate(child, other uuid.UUID, today time.Time) ([]proto.Message, error) {
	return r.flag(child, other, false, today)
}

// NoteEarlierDisclosure records that a child on this referral matches a child on another referral,
// at any centre and in any state, on which domestic abuse was disclosed and no lead's screen
// cleared it (Referral.DisclosureStands): the disclosure carries here, so this referral's screen
// without a finding is the lead's, with a note, as for its own disclosure (decision 194). Review 27
// withdrew a referral that disclosed it and referred the family again answering "no". It is a
// possible duplicate too, for a person to check. Noting the same other referral again records
// nothing.
func (r *Referral) NoteEarlierDisclosure(child, other uuid.UUID, today time.Time) ([]proto.Message, error) {
	return r.flag(child, other, true, today)
}

func (r *Referral) flag(child, other uuid.UUID, disclosed bool, today time.Time) ([]proto.Message, error) {
	if err := CheckTransition(r.state, CmdFlagPossibleDuplicate); err != nil {
		return nil, err
	}
	var v Invalid
	if !slices.ContainsFunc(r.children, func(c ChildRecord) bool { return c.ID == child }) {
		v.add("child_person_id", "is not a child on this referral")
	}
	if other == uuid.Nil || other == r.id {
		v.add("other_referral_id", "must be another referral")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if slices.Contains(r.duplicates, other) && (!disclosed || slices.Contains(r.earlierDisclosures, other)) {
		return nil, nil
	}
	return r.record(&referralv1.PossibleDuplicateFlagged{ReferralId: r.id.String(), FamilyId: r.family.String(),
		CentreId: r.centre.String(), ChildPersonId: child.String(), OtherReferralId: other.String(),
		FlaggedOn: dates.Proto(today), DomesticAbuseDisclosed: disclosed})
}

// CheckedNotTheFamilyUnderHold marks an acceptance or a waitlisting among events as decided after a
// person checked that the family is not the one a possible duplicate's safeguarding hold suspends
// (decision 128), so the record says so.
func CheckedNotTheFamilyUnderHold(events []proto.Message) {
	for _, ev := range events {
		switch e := ev.(type) {
		case *referralv1.ReferralAccepted:
			e.CheckedNotTheFamilyUnderHold = true
		case *referralv1.ReferralWaitlisted:
			e.CheckedNotTheFamilyUnderHold = true
		}
	}
}
