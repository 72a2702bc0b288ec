package domain

import (
	"strings"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
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
// saying why: the purpose is required (3 to 500 characters).
func RecordAccess(c Caller, a Access) (proto.Message, error) {
	purpose := strings.TrimSpace(a.Purpose)
	var v violations
	v.line("purpose", purpose, 500, true)
	if len([]rune(purpose)) < 3 && len(v.Violations) == 0 {
		v.add("purpose", "must say why the record is read (at least 3 characters)")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	return &safeguardingv1.AccessRecorded{FamilyId: a.Family.String(), CentreId: a.Centre.String(), Subject: c.Subject,
		Role: c.Role, Kind: a.Kind, RecordId: a.Record.String(), SealedPurpose: note(purpose)}, nil
}
