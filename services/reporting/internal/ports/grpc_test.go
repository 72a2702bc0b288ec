package ports

import (
	"strings"
	"testing"

	"github.com/google/uuid"
)

func TestWriteUUIDIsUUIDString(t *testing.T) {
	for _, id := range []uuid.UUID{uuid.Nil, uuid.Max, uuid.New(), uuid.New()} {
		var b strings.Builder
		writeUUID(&b, id)
		if b.String() != id.String() {
			t.Errorf("writeUUID(%s) = %q", id, b.String())
		}
	}
}
