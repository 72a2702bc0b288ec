package eventstore

import (
	"fmt"
	"testing"
)

// The streams kept stay within the bound: the ones loaded longest ago go first, a stream loaded
// again moves to the back, and a stream too large to keep is not kept.
func TestLoadedKeepsTheRecentStreamsWithinItsBound(t *testing.T) {
	events := func(stream string, n int) []RecordedEvent {
		out := make([]RecordedEvent, n)
		for i := range out {
			out[i] = RecordedEvent{StreamID: stream, Version: int64(i + 1), Event: Event{Payload: make([]byte, 100)}}
		}
		return out
	}
	one := eventBytes(&events("s-0", 1)[0])
	l := loaded{max: 10 * one}
	for i := range 5 {
		l.put(fmt.Sprintf("s-%d", i), events(fmt.Sprintf("s-%d", i), 2)) // 10 events in all: full
	}
	l.put("s-0", events("s-0", 3)) // loaded again, grown: now the most recent; s-1 goes
	if l.get("s-1") != nil || len(l.get("s-0")) != 3 || l.get("s-2") == nil {
		t.Fatalf("kept s-0 %d, s-1 %d, s-2 %d events", len(l.get("s-0")), len(l.get("s-1")), len(l.get("s-2")))
	}
	if l.bytes > l.max || l.bytes != 9*one {
		t.Fatalf("kept %d bytes, bound %d, want %d", l.bytes, l.max, 9*one)
	}
	l.put("s-2", events("s-2", 1)) // fewer than kept: a stale load changes nothing
	if len(l.get("s-2")) != 2 {
		t.Fatalf("s-2 kept %d events, want 2", len(l.get("s-2")))
	}
	l.put("huge", events("huge", 11))
	if l.get("huge") != nil || l.get("s-0") == nil {
		t.Fatal("a stream larger than the bound is not kept, and evicts nothing")
	}
}
