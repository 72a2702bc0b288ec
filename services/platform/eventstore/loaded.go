package eventstore

import "sync"

// loadedBytes bounds the events a store keeps of the streams it loaded (Load): 32 MiB of
// payloads and their columns, per store.
const loadedBytes = 32 << 20

// loaded keeps the events of the streams a store loaded, so that the next Load of a stream reads
// from the database only the events appended since. It is safe because a committed event never
// changes: the runtime role may not update or delete events (decision 27), and a stream's
// versions have no gaps. Erasure does not touch events either: it destroys the family's key, so a
// kept payload stays as unreadable as the stored one. When the bound is reached the whole cache
// is emptied, as the heads cache is: the next load of each stream reads it whole once.
type loaded struct {
	mu    sync.Mutex
	max   int
	bytes int
	m     map[string][]RecordedEvent
}

// get returns the events kept of stream, in version order; the slice is shared and read-only.
func (l *loaded) get(stream string) []RecordedEvent {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.m[stream]
}

// put keeps events, a stream's events from its first version, unless more of it is kept already.
func (l *loaded) put(stream string, events []RecordedEvent) {
	size := 0
	for i := range events {
		size += eventBytes(&events[i])
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	old, ok := l.m[stream]
	if ok && len(old) >= len(events) {
		return
	}
	if l.m == nil || l.bytes+size > l.max {
		l.m, l.bytes = map[string][]RecordedEvent{}, 0
		old = nil
	}
	for i := range old {
		l.bytes -= eventBytes(&old[i])
	}
	l.m[stream] = events
	l.bytes += size
}

// eventBytes is about what a kept event holds: its payload, its strings and hashes, and the rest.
func eventBytes(e *RecordedEvent) int {
	m := &e.Metadata
	return len(e.Payload) + len(e.Type) + len(e.StreamID) + len(e.PreviousHash) + len(e.Hash) + len(m.Actor) +
		len(m.CorrelationID) + len(m.CausationID) + len(m.RequestID) + len(m.Traceparent) + len(m.Tracestate) + 200
}
