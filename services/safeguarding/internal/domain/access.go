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
