package eventstore

import (
	"container/list"
	"sync"
)

// loadedBytes bounds the events a store keeps of the streams it loaded (Load): 8 MiB of payloads
// and their columns, per store. Commands load the streams of today's families and sessions over
// and over; 8 MiB holds thousands of them and keeps a service well inside its memory budget.
const loadedBytes = 8 << 20

// loaded keeps the events of the streams a store loaded, so that the next Load of a stream reads
// from the database only the events appended since. It is safe because a committed event never
// changes: the runtime role may not update or delete events (decision 27), and a stream's
// versions have no gaps. Erasure does not touch events either: it destroys the family's key, so a
// kept payload stays as unreadable as the stored one. When the bound is reached the streams
// loaded longest ago are dropped first.
type loaded struct {
	mu    sync.Mutex
	max   int
	bytes int
	m     map[string]*list.Element // of *kept
	order list.List                // least recently loaded first
}

type kept struct {
	stream string
	events []RecordedEvent
	bytes  int
}

// get returns the events kept of stream, in version order; the slice is shared and read-only.
func (l *loaded) get(stream string) []RecordedEvent {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e, ok := l.m[stream]; ok {
		return e.Value.(*kept).events
	}
	return nil
}

// put keeps events, a stream's events from its first version, unless more of it is kept already.
func (l *loaded) put(stream string, events []RecordedEvent) {
	size := 0
	for i := range events {
		size += eventBytes(&events[i])
	}
	if size > l.max {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = map[string]*list.Element{}
	}
	if e, ok := l.m[stream]; ok {
		k := e.Value.(*kept)
		if len(k.events) >= len(events) {
			return
		}
		l.bytes += size - k.bytes
		k.events, k.bytes = events, size
		l.order.MoveToBack(e)
	} else {
		l.m[stream] = l.order.PushBack(&kept{stream: stream, events: events, bytes: size})
		l.bytes += size
	}
	for l.bytes > l.max {
		oldest := l.order.Front()
		k := oldest.Value.(*kept)
		l.order.Remove(oldest)
		delete(l.m, k.stream)
		l.bytes -= k.bytes
	}
}

// eventBytes is about what a kept event holds: its payload, its strings and hashes, and the rest.
func eventBytes(e *RecordedEvent) int {
	m := &e.Metadata
	return len(e.Payload) + len(e.Type) + len(e.StreamID) + len(e.PreviousHash) + len(e.Hash) + len(m.Actor) +
		len(m.CorrelationID) + len(m.CausationID) + len(m.RequestID) + len(m.Traceparent) + len(m.Tracestate) + 200
}
