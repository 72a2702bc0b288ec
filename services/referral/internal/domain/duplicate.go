package domain

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/google/uuid"
	"golang.org/x/text/unicode/norm"
	"google.golang.org/protobuf/proto"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/inwords"
	"github.com/familytime/familytime/services/platform/problem"
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

// similarKeyContext is DuplicateKey's context for the close matches (decision 200), which end in
// the kind of match, so that no two kinds' keys can be equal.
const similarKeyContext = "familytime/referral/similar-child/v1"

// A MatchKey is what to feed an HMAC for one kind of match of a child (MatchKeys).
type MatchKey struct {
	Kind  referralv1.ChildMatch
	Input []byte
}

// MatchKeys are the keys a child is matched on (decision 200): the same name and date of birth
// (DuplicateKey, as before), the same first name and date of birth, and, for a name of two words
// or more, the same family name (the last word) and date of birth, the same name and year of
// birth, and the same name, day and month of birth. A child referred again as "Jon" for
// "Jonathan", under the other parent's surname, by a first name alone, or with the day and month
// of birth swapped or the year mistyped, is still found, for a person to check (reviews 29, 30).
// A name of one word is not matched on a year, or on a day and month: a first name alone would
// match too many children who are not this one.
func MatchKeys(name string, dob time.Time) []MatchKey {
	keys := []MatchKey{{referralv1.ChildMatch_CHILD_MATCH_SAME_NAME_AND_BIRTH_DATE, DuplicateKey(name, dob)}}
	normal := NormaliseName(name)
	words := strings.Fields(normal)
	similar := func(kind referralv1.ChildMatch, parts ...string) MatchKey {
		var b strings.Builder
		b.WriteString(similarKeyContext)
		for _, p := range append([]string{kind.String()}, parts...) {
			b.WriteByte(0)
			b.WriteString(p)
		}
		return MatchKey{kind, []byte(b.String())}
	}
	if len(words) == 0 {
		return keys
	}
	day := dob.Format(time.DateOnly)
	keys = append(keys, similar(referralv1.ChildMatch_CHILD_MATCH_SAME_FIRST_NAME_AND_BIRTH_DATE, words[0], day))
	if len(words) < 2 {
		return keys
	}
	return append(keys,
		similar(referralv1.ChildMatch_CHILD_MATCH_SAME_FAMILY_NAME_AND_BIRTH_DATE, words[len(words)-1], day),
		similar(referralv1.ChildMatch_CHILD_MATCH_SAME_NAME_AND_BIRTH_YEAR, normal, dob.Format("2006")),
		similar(referralv1.ChildMatch_CHILD_MATCH_SAME_NAME_AND_BIRTHDAY, normal, dob.Format("01-02")))
}

// Closer reports whether match a is closer than b: the same name and date of birth is closest
// (a flag recorded before decision 200, unspecified, is one), then the others in their order.
func Closer(a, b referralv1.ChildMatch) bool {
	rank := func(m referralv1.ChildMatch) referralv1.ChildMatch {
		if m == referralv1.ChildMatch_CHILD_MATCH_UNSPECIFIED {
			return referralv1.ChildMatch_CHILD_MATCH_SAME_NAME_AND_BIRTH_DATE
		}
		return m
	}
	return rank(a) < rank(b)
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
// referral at the same centre (the application finds the match on the HMACs of MatchKeys; match
// says how close it is), or on one closed or at another centre whose hold or domestic-abuse
// finding stands. A person checks; nothing is merged. Flagging the same other referral again
// records nothing, unless its match is closer than before.
func (r *Referral) FlagPossibleDuplicate(child, other uuid.UUID, match referralv1.ChildMatch, today time.Time) ([]proto.Message, error) {
	return r.flag(child, other, match, false, today)
}

// NoteEarlierDisclosure records that a child on this referral matches a child on another referral,
// at any centre and in any state, on which domestic abuse was disclosed and no lead's screen
// cleared it (Referral.DisclosureStands): the disclosure carries here, so this referral's screen
// without a finding is the lead's, with a note, as for its own disclosure (decision 194). Review 27
// withdrew a referral that disclosed it and referred the family again answering "no". It is a
// possible duplicate too, for a person to check. Noting the same other referral again records
// nothing.
func (r *Referral) NoteEarlierDisclosure(child, other uuid.UUID, match referralv1.ChildMatch, today time.Time) ([]proto.Message, error) {
	return r.flag(child, other, match, true, today)
}

// NoteFindingElsewhere records that a child on this referral matches a child on another referral
// whose screening found domestic abuse: carried here as a disclosure (NoteEarlierDisclosure), and
// again when only the other referral's disclosure was carried before, as the finding is news the
// lead's assessment of that disclosure did not weigh (review 40: a finding after the disclosure
// was dropped, and the child stayed in supported contact). Noting the same finding again records
// nothing.
func (r *Referral) NoteFindingElsewhere(child, other uuid.UUID, match referralv1.ChildMatch, today time.Time) ([]proto.Message, error) {
	return r.flagNews(child, other, match, true, true, today)
}

func (r *Referral) flag(child, other uuid.UUID, match referralv1.ChildMatch, disclosed bool, today time.Time) ([]proto.Message, error) {
	return r.flagNews(child, other, match, disclosed, false, today)
}

// flagNews records the possible duplicate other, with what it carries here: a disclosure of
// domestic abuse, a finding. Nothing is recorded when it brings no news: flagged as close
// already, and what it carries told before.
func (r *Referral) flagNews(child, other uuid.UUID, match referralv1.ChildMatch, disclosed, found bool, today time.Time) ([]proto.Message, error) {
	if err := r.check(CmdFlagPossibleDuplicate); err != nil {
		return nil, err
	}
	var v Invalid
	if !slices.ContainsFunc(r.children, func(c ChildRecord) bool { return c.ID == child }) {
		v.add("child_person_id", "is not a child on this referral")
	}
	if other == uuid.Nil || other == r.id {
		v.add("other_referral_id", "must be another referral")
	}
	if _, ok := referralv1.ChildMatch_name[int32(match)]; !ok || match == referralv1.ChildMatch_CHILD_MATCH_UNSPECIFIED {
		v.add("match", "must say how the children match")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	told := (!disclosed || slices.Contains(r.earlierDisclosures, other)) && (!found || slices.Contains(r.earlierFindings, other))
	if r.flaggedAsClose(other, match) && told {
		return nil, nil
	}
	return r.record(&referralv1.PossibleDuplicateFlagged{ReferralId: r.id.String(), FamilyId: r.family.String(),
		CentreId: r.centre.String(), ChildPersonId: child.String(), OtherReferralId: other.String(),
		FlaggedOn: dates.Proto(today), DomesticAbuseDisclosed: disclosed, DomesticAbuseFound: found, Match: match})
}

// CheckPossibleDuplicate records the centre's safeguarding lead's check that the family of the
// possible duplicate other, whose hold or domestic-abuse finding would bar accepting or
// waitlisting this referral, is another family (decision 205; review 29 got round another
// centre's hold with a coordinator's flag that nobody checked). The application checks that the
// caller is the lead, and that other is a possible duplicate found now (a referral at another
// centre whose hold came after this referral's flags is one too: FlagPossibleDuplicate it first).
// The note says how the lead checked, in words. otherFamily is other's family, named on the event
// for safeguarding to alert the lead of a hold on it elsewhere (decision 211); holds and finding
// are what bars it as the lead checks: the holds in force on its family and whether its
// domestic-abuse finding stands. The check clears those and nothing placed or found since
// (decision 216: review 32 had a lead check before any hold, and the hold placed next day
// barred nothing). A second check of the same referral that weighs nothing new records nothing.
func (r *Referral) CheckPossibleDuplicate(other, otherFamily uuid.UUID, holds []uuid.UUID, finding Finding, endedForSafety time.Time,
	note string, today time.Time) ([]proto.Message, error) {
	if err := r.check(CmdCheckPossibleDuplicate); err != nil {
		if errors.Is(err, ErrAlreadyAccepted) {
			return nil, r.checkPastTheDecision()
		}
		return nil, err
	}
	var v Invalid
	if !slices.ContainsFunc(r.duplicates, func(d PossibleDuplicate) bool { return d.Other == other }) {
		v.add("other_referral_id", "is not a possible duplicate of this referral")
	}
	if !inwords.Says(note) {
		v.add("note", "must say how you checked that it is another family, in words")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if c, ok := r.confirmedSameChild(other); ok && !weighsEndingOnly(holds, finding.Stands, endedForSafety) {
		// A person confirmed that a child here is a child there (decision 260): the lead's check
		// would record the opposite. A case ended for safety with nothing else standing is
		// weighed by the lead all the same: that it is the same family is what they weigh
		// (decision 347).
		return nil, problem.Rule(ErrConfirmedSameChild.Reason, fmt.Sprintf("a child on this referral was confirmed on %s as a child on "+
			"referral %s, so its family is not another family: the hold or finding stands for this referral too", c.On.Format(time.DateOnly), other))
	}
	if r.CheckCovers(other, holds, finding, endedForSafety) {
		return nil, nil
	}
	sealed, err := noteOf(note)
	if err != nil {
		return nil, fmt.Errorf("check possible duplicate: %w", err)
	}
	return r.record(&referralv1.PossibleDuplicateChecked{ReferralId: r.id.String(), FamilyId: r.family.String(),
		CentreId: r.centre.String(), OtherReferralId: other.String(), CheckedOn: dates.Proto(today), SealedNote: sealed,
		OtherFamilyId: idOrEmpty(otherFamily), HoldIds: idStrings(holds), DomesticAbuseFinding: finding.Stands,
		FindingsMade: int32(finding.Made), EndedForSafetyOn: dates.Proto(endedForSafety)})
}

// checkPastTheDecision is the refusal of the lead's check of a possible duplicate once the
// referral is accepted (ALREADY_ACCEPTED): the check clears a decision to accept or waitlist, and
// none is left to make. The way on is the lead's risk assessment of the family, which weighs the
// match as it weighs a disclosure carried to the case (decisions 217 and 225); review 37 was told
// "already accepted" and nothing of what to do.
func (r *Referral) checkPastTheDecision() error {
	return problem.Rule(ErrAlreadyAccepted.Reason, fmt.Sprintf("the referral is already accepted: the lead's check of a possible "+
		"duplicate is for the decision to accept or waitlist it, which is made; past the decision, the safeguarding lead weighs "+
		"whether the match is this family by a risk assessment of the family (familytime safeguarding risk --family %s)", r.family))
}

// Finding is a possible duplicate's domestic-abuse finding as a check weighs it: whether one
// stands (and bars the decision), and which (the other referral's FindingsMade: a finding
// cleared and made again is another, review 33).
type Finding struct {
	Stands bool
	Made   int
}

// DuplicateCheck is the lead's latest check that a possible duplicate's family is another: the
// day, and what barred it then (the holds in force on its family, its domestic-abuse finding).
type DuplicateCheck struct {
	On      time.Time
	Holds   []uuid.UUID
	Finding bool
	// FindingsMade is which finding it weighed: the other referral's FindingsMade then.
	FindingsMade int
	// EndedForSafetyOn is the day the other referral's case ended for safety, when it had as the
	// lead checked (decision 347); zero when it had not.
	EndedForSafetyOn time.Time
}

// EndingOnly reports whether the check weighed only the other case's ending for safety, with no
// hold or finding: it then says the lead weighed that ending, not that the family is another
// (the note says which).
func (c DuplicateCheck) EndingOnly() bool {
	return weighsEndingOnly(c.Holds, c.Finding, c.EndedForSafetyOn)
}

// weighsEndingOnly reports whether a check of holds, a finding and an ending for safety (zero:
// none) weighs an ending for safety and nothing else.
func weighsEndingOnly(holds []uuid.UUID, finding bool, endedForSafety time.Time) bool {
	return len(holds) == 0 && !finding && !endedForSafety.IsZero()
}

// ErrDuplicateEndedForSafety matches every refusal to accept or waitlist a referral a child of
// which may be a child of a referral whose case ended for safety, until the centre's safeguarding
// lead weighs it (review 63 finding 2, decision 347): ending a case for safety and referring the
// family again, here or at another centre, would get round it.
var ErrDuplicateEndedForSafety = problem.Rule("DUPLICATE_ENDED_FOR_SAFETY",
	"a child on this referral may be a child of a family whose case ended for safety, which the centre's safeguarding lead has not weighed")

// EndedForSafety is the day the case ended for safety (CASE_OUTCOME_ENDED_FOR_SAFETY, or
// corrected to it) while it stays ended; false otherwise (decision 347).
func (r *Referral) EndedForSafety() (time.Time, bool) {
	if r.state != Ended || r.outcome != referralv1.CaseOutcome_CASE_OUTCOME_ENDED_FOR_SAFETY {
		return time.Time{}, false
	}
	return r.endedOn, true
}

// CheckedNotTheFamily reports whether the lead checked that other's family is not this one, and
// on what date (the latest check).
func (r *Referral) CheckedNotTheFamily(other uuid.UUID) (time.Time, bool) {
	c, ok := r.checkedNotTheFamily[other]
	return c.On, ok
}

// LatestCheck is the lead's latest check of the possible duplicate other, and whether there is
// one: what it weighed (decisions 216 and 347).
func (r *Referral) LatestCheck(other uuid.UUID) (DuplicateCheck, bool) {
	c, ok := r.checkedNotTheFamily[other]
	return c, ok
}

// CheckCovers reports whether the lead's check of other weighed what bars it now: every hold in
// force on its family (holds) was in force when they checked, a finding that bars it (finding)
// stood then, and its case's ending for safety (endedForSafety, zero for none) is the one it
// weighed (decision 347). A hold placed, a finding made, or a case ended for safety since the
// check is one the lead has not weighed (decision 216); a check recorded before checks named
// what they weighed covers none of them.
func (r *Referral) CheckCovers(other uuid.UUID, holds []uuid.UUID, finding Finding, endedForSafety time.Time) bool {
	c, ok := r.checkedNotTheFamily[other]
	if !ok || (finding.Stands && (!c.Finding || c.FindingsMade != finding.Made)) {
		return false
	}
	if !endedForSafety.IsZero() && !c.EndedForSafetyOn.Equal(endedForSafety) {
		return false
	}
	for _, h := range holds {
		if !slices.Contains(c.Holds, h) {
			return false
		}
	}
	return true
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

// idOrEmpty is id as an event's field gives it: empty for none.
func idOrEmpty(id uuid.UUID) string {
	if id == uuid.Nil {
		return ""
	}
	return id.String()
}

// idStrings are ids as an event's repeated field gives them.
func idStrings(ids []uuid.UUID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	return out
}
