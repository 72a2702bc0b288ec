package eventstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
)

// genesis is the previous hash of every stream's first event.
var genesis [sha256.Size]byte

// chainHasher computes chain hashes: SHA-256 over the previous hash and the event's canonical
// bytes, every field that means something, length-prefixed in a fixed order, so no two different
// events hash alike and the hash never depends on how PostgreSQL happens to store jsonb. The bytes
// are built in one buffer, reused from event to event (this runs on every append), and hashed once.
type chainHasher struct{ buf []byte }

func (c *chainHasher) sum(previous []byte, r *RecordedEvent) [sha256.Size]byte {
	buf := append(c.buf[:0], previous...)
	buf = field(buf, r.StreamID)
	buf = binary.BigEndian.AppendUint64(buf, uint64(r.Version))
	buf = append(buf, r.ID[:]...)
	buf = field(buf, r.Type)
	buf = binary.BigEndian.AppendUint64(buf, uint64(r.SchemaVersion))
	buf = append(buf, r.FamilyID[:]...)
	buf = append(buf, r.CentreID[:]...)
	buf = binary.BigEndian.AppendUint64(buf, uint64(len(r.Payload)))
	buf = append(buf, r.Payload...)
	values := r.Metadata.values()
	for _, s := range values[:len(values)-1] {
		buf = field(buf, s)
	}
	// The actor's role came after the first chains (decisions.md 83): an event without one
	// hashes as every event before it did. With one, it is one more field, so the bytes still
	// read one way only (the recorded time, 8 bytes, always ends them).
	if role := values[len(values)-1]; role != "" {
		buf = field(buf, role)
	}
	buf = binary.BigEndian.AppendUint64(buf, uint64(r.RecordedAt.UnixMicro()))
	c.buf = buf
	return sha256.Sum256(buf)
}

func field(buf []byte, s string) []byte {
	buf = binary.BigEndian.AppendUint64(buf, uint64(len(s)))
	return append(buf, s...)
}

// EventKey makes and checks events' MACs: a keyed hash of each event's chain hash under the
// platform's key (bus.Key), a secret kept outside the database. The chain alone is a plain
// SHA-256 that anyone with write access to the database can extend (review 19): an event
// inserted with its hash recomputed verified, and its relay published it for every other service
// to act on. Without the key no one can make a MAC (decisions.md 157).
type EventKey interface {
	// AppendEventMAC appends the MAC of an event's chain hash, made with the newest secret.
	AppendEventMAC(dst, hash []byte) []byte
	// VerifyEventMAC reports whether mac is the MAC of hash under one of the key's secrets.
	VerifyEventMAC(hash, mac []byte) bool
}

// ErrNotAppendedByTheService: an event's hash does not follow from it, or it has no MAC, or its
// MAC does not verify under the platform's key.
var ErrNotAppendedByTheService = errors.New("not appended by the service")

// Authenticator checks events as their service appended them, for a relay: each event's hash must
// follow from its previous hash and its fields, and its MAC verify. Not safe for concurrent use.
type Authenticator struct {
	key    EventKey
	hasher chainHasher
}

// NewAuthenticator checks events under k.
func NewAuthenticator(k EventKey) *Authenticator { return &Authenticator{key: k} }

// Check returns nil when r is as its service appended it, or an error wrapping
// ErrNotAppendedByTheService saying why.
func (a *Authenticator) Check(r *RecordedEvent) error {
	if sum := a.hasher.sum(r.PreviousHash, r); !bytes.Equal(sum[:], r.Hash) {
		return fmt.Errorf("%w: the stored event does not match its hash", ErrNotAppendedByTheService)
	}
	if r.MAC == nil {
		return fmt.Errorf("%w: it has no MAC (appended before event MACs, or inserted behind the service's back)", ErrNotAppendedByTheService)
	}
	if !a.key.VerifyEventMAC(r.Hash, r.MAC) {
		return fmt.Errorf("%w: its MAC does not verify under the platform's key", ErrNotAppendedByTheService)
	}
	return nil
}

// TamperError is a stream whose stored events no longer match their hash chain: an edit, a
// deletion or an insertion made behind the service's back.
type TamperError struct {
	Stream  string
	Version int64
	Reason  string
}

func (e *TamperError) Error() string {
	return fmt.Sprintf("stream %s version %d: %s", e.Stream, e.Version, e.Reason)
}

// chain checks events of one stream in version order, continuing from prev; with a key, each
// event's MAC too. Every event must have one: an event without a MAC was inserted behind the
// service's back, or appended before event MACs, and the log cannot tell which. Where signing
// began was read from the log itself, which let an event inserted below that point pass as from
// before MACs (review 21, decision 166).
type chain struct {
	stream  string
	version int64
	hash    []byte
	hasher  chainHasher
	key     EventKey
}

func (c *chain) check(r *RecordedEvent) *TamperError {
	if r.Version <= c.version {
		// Only a row copied with the unique constraint dropped repeats a version (review 23 read
		// "version 2 is missing (next stored is 1)" for one).
		return &TamperError{Stream: r.StreamID, Version: r.Version, Reason: fmt.Sprintf("version %d is stored twice: a copy inserted behind the service's back", r.Version)}
	}
	if r.Version != c.version+1 {
		return &TamperError{Stream: r.StreamID, Version: c.version + 1, Reason: fmt.Sprintf("version is missing (next stored is %d)", r.Version)}
	}
	if !bytes.Equal(r.PreviousHash, c.hash) {
		return &TamperError{Stream: r.StreamID, Version: r.Version, Reason: "previous hash does not match the event before it"}
	}
	if sum := c.hasher.sum(c.hash, r); !bytes.Equal(sum[:], r.Hash) {
		return &TamperError{Stream: r.StreamID, Version: r.Version, Reason: "stored event does not match its hash"}
	}
	if c.key != nil {
		switch {
		case r.MAC == nil:
			return &TamperError{Stream: r.StreamID, Version: r.Version, Reason: "it has no MAC: not appended by the service (inserted behind its back, or appended before event MACs; docs/runbook.md)"}
		case !c.key.VerifyEventMAC(r.Hash, r.MAC):
			return &TamperError{Stream: r.StreamID, Version: r.Version, Reason: "its MAC does not verify under the platform's key: not appended by the service"}
		}
	}
	c.version, c.hash = r.Version, r.Hash
	return nil
}

// Verify checks one stream's hash chain. It returns a *TamperError naming the first version that
// does not match, or nil.
func (s *Store) Verify(ctx context.Context, stream string) error {
	events, err := s.read(ctx, stream, 0) // the database's rows, never what Load keeps
	if err != nil {
		return err
	}
	c := chain{stream: stream, hash: genesis[:], key: s.key}
	for i := range events {
		if terr := c.check(&events[i]); terr != nil {
			return terr
		}
	}
	return nil
}

// VerifyLoaded checks the hash chains, and with a key the MACs, of whole streams already read
// from the database (LoadFamily's events: each stream's from version 1, in version order), without
// reading them again. It returns a *TamperError naming the first event that does not match, or
// nil. A service that shows what it loaded as a record (reporting's list of reads) checks it so
// first, rather than show a row someone changed behind its back as fact (review 25).
func (s *Store) VerifyLoaded(events []RecordedEvent) error {
	chains := map[string]*chain{}
	for i := range events {
		c, ok := chains[events[i].StreamID]
		if !ok {
			c = &chain{stream: events[i].StreamID, hash: genesis[:], key: s.key}
			chains[events[i].StreamID] = c
		}
		if terr := c.check(&events[i]); terr != nil {
			return terr
		}
	}
	return nil
}

// VerifyAll checks every stream, streaming the log in (stream, version) order so memory stays
// flat however large it is, and returns every stream's first broken version. progress, if not nil,
// is called with the number of events checked so far every 10,000 events.
func (s *Store) VerifyAll(ctx context.Context, progress func(checked int64)) ([]TamperError, error) {
	rows, err := s.pool.Query(ctx, selectEvents+"ORDER BY stream_id, version")
	if err != nil {
		return nil, fmt.Errorf("verify all: %w", err)
	}
	defer rows.Close()
	var found []TamperError
	var c chain
	broken := false
	var checked int64
	for rows.Next() {
		r, err := Scan(rows)
		if err != nil {
			return nil, fmt.Errorf("verify all: %w", err)
		}
		if r.StreamID != c.stream || c.hash == nil {
			c, broken = chain{stream: r.StreamID, hash: genesis[:], key: s.key}, false
		}
		if !broken {
			if terr := c.check(&r); terr != nil {
				found, broken = append(found, *terr), true
			}
		}
		if checked++; progress != nil && checked%10_000 == 0 {
			progress(checked)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("verify all: %w", err)
	}
	return found, nil
}

// Unsigned counts the log's events without a MAC: appended by a store without the key, before
// event MACs or behind the service's back (VerifyAll, with a key, names each one's stream).
func (s *Store) Unsigned(ctx context.Context) (int64, error) {
	var n int64
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM events WHERE mac IS NULL`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count unsigned events: %w", err)
	}
	return n, nil
}
