package domain

import (
	"fmt"
	"strings"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/inwords"
)

// AccessStreamID is a family's audit stream: every read of its safeguarding text, in order,
// hash-chained like every stream.
func AccessStreamID(family uuid.UUID) string { return "access-" + family.String() }

// Access is one read of safeguarding text.
type Access struct {
	Family, Centre uuid.UUID
	Kind           safeguardingv1.RecordKind
	Record         uuid.UUID
	Purpose        string
}

// RecordAccess decides the access record of a read. Nobody reads safeguarding text without
// saying why: the purpose is required, up to 500 characters with 3 letters or digits, one a letter, the rule
// referral applies to opening a family's details (platform's inwords; "..." says nothing of why).
func RecordAccess(c Caller, a Access) (proto.Message, error) {
	purpose := strings.TrimSpace(a.Purpose)
	var v violations
	v.line("purpose", purpose, 500, true)
	if len(v.Violations) == 0 && !inwords.Says(purpose) {
		v.add("purpose", fmt.Sprintf("must say why the record is read, in words (at least %d letters or digits, one a letter)", inwords.MinLength))
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	return &safeguardingv1.AccessRecorded{FamilyId: a.Family.String(), CentreId: a.Centre.String(), Subject: c.Subject,
		Role: c.Role, Kind: a.Kind, RecordId: a.Record.String(), SealedPurpose: note(purpose)}, nil
}

// RefusedFamiliesADay is how many families' records an account may be refused on one UK day with
// an entry each on the family's audit (decision 307). Nobody's work asks for twenty families'
// records they may not read in a day: an account that goes on is probing, which is a safeguarding
// signal in itself. The refusal that passes the limit is an entry that says so, and the families
// after it are counted on that entry, so a probe neither floods the audits nor goes unseen.
const RefusedFamiliesADay = 20

// RefusalKept is how the first refusal of an account about a family, for a reason, on a UK day is
// kept. Its repeats that day are counted on the same entry, whichever way it was kept.
type RefusalKept int

const (
	// RefusalOwnEntry: an AccessRefused on the family's audit, its count on it.
	RefusalOwnEntry RefusalKept = iota + 1
	// RefusalPassesLimit: an AccessRefused on the family's audit saying that the account passed
	// RefusedFamiliesADay; the refusals of other families after it are counted on it.
	RefusalPassesLimit
	// RefusalPastLimit: no entry of its own; counted on the entry that passed the limit.
	RefusalPastLimit
)

// KeepRefusal is how an account's first refusal about a family (for a reason, on a day) is kept,
// given the families it was already refused that day with entries of their own, whether this
// family is one of them, and whether an entry has passed its limit. A family with an entry gets
// one for another reason too: the reasons are a handful of codes, so that is bounded, and the
// lead sees each way the account tried.
func KeepRefusal(families int, familyRecorded, pastLimit bool) RefusalKept {
	switch {
	case familyRecorded || families < RefusedFamiliesADay:
		return RefusalOwnEntry
	case pastLimit:
		return RefusalPastLimit
	}
	return RefusalPassesLimit
}
