package eventstore

import (
	"bytes"
	"testing"
	"time"

	"github.com/google/uuid"
)

// A unit's event ids are RFC 9562 version 7, carry the unit's time, and sort in the unit's order,
// also past the 4,096 the sequence bits can count.
func TestEventIDsAreOrderedVersion7(t *testing.T) {
	now := time.Date(2026, 11, 26, 17, 0, 0, 0, time.UTC)
	const n = 10_000
	ids := newEventIDs(now, n)
	seen := map[uuid.UUID]bool{}
	var previous uuid.UUID
	for i := range n {
		id := ids.next()
		if id.Version() != 7 || id.Variant() != uuid.RFC4122 {
			t.Fatalf("id %d: %s is version %d, variant %v", i, id, id.Version(), id.Variant())
		}
		if seen[id] {
			t.Fatalf("id %d: %s repeats", i, id)
		}
		seen[id] = true
		if i > 0 && bytes.Compare(previous[:], id[:]) >= 0 {
			t.Fatalf("id %d: %s does not sort after %s", i, id, previous)
		}
		previous = id
		if i < 4096 {
			sec, nsec := id.Time().UnixTime()
			if got := time.Unix(sec, nsec); !got.Equal(now) {
				t.Fatalf("id %d: time %v, want %v", i, got, now)
			}
		}
	}
}
