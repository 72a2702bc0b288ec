package eventstore

import (
	"encoding/binary"
	"sync"
	"time"

	"github.com/google/uuid"
)

// Events reach the table with COPY in PostgreSQL's binary format, encoded here straight from the
// recorded events (docs/decisions.md, 21). COPY is one statement, so it keeps DESIGN.md's rule
// (all of a transaction's events in one statement, its first write); unlike INSERT ... SELECT FROM
// unnest it lets the server write a page of rows at a time and skip unpacking twelve arrays, and
// the client builds one buffer instead of encoding twelve arrays value by value. COPY returns no
// rows, so positions and the transaction id are read back in the same transaction (readBack).
const copyEvents = `COPY events (stream_id, version, event_id, event_type, schema_version, family_id,
	centre_id, payload, actor, correlation_id, causation_id, request_id, traceparent, tracestate,
	actor_role, recorded_at, previous_hash, hash, mac) FROM STDIN (FORMAT binary)`

// copyColumns is the number of columns copyEvents names.
const copyColumns = 19

// readBack returns the positions and transaction id of the events the current transaction has
// written: exactly the rows of its COPY, found through the commit-order index, in the order they
// were copied (a COPY numbers its rows one after another).
const readBack = `SELECT position, tx_id, event_id FROM events WHERE tx_id = pg_current_xact_id()
	ORDER BY position`

// copySignature is the binary COPY header: the signature, no flags, no header extension.
var copySignature = []byte("PGCOPY\n\xff\r\n\x00" + "\x00\x00\x00\x00" + "\x00\x00\x00\x00")

// postgresEpoch is where PostgreSQL's timestamps count from, in Unix microseconds.
var postgresEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()

// copyBuffers keeps COPY streams' buffers for reuse: a 100-event append fills about 60 kB, and
// allocating that afresh for every append keeps the garbage collector busy.
var copyBuffers = sync.Pool{New: func() any { return new([]byte) }}

// maxKeptCopyBuffer: a buffer grown larger than this by an unusually big append is not kept.
const maxKeptCopyBuffer = 4 << 20

// appendCopy appends rs to buf as a complete binary COPY stream.
func appendCopy(buf []byte, rs []*RecordedEvent) []byte {
	buf = append(buf, copySignature...)
	for _, r := range rs {
		buf = binary.BigEndian.AppendUint16(buf, copyColumns)
		buf = appendText(buf, r.StreamID)
		buf = binary.BigEndian.AppendUint32(buf, 8)
		buf = binary.BigEndian.AppendUint64(buf, uint64(r.Version))
		buf = appendField(buf, r.ID[:])
		buf = appendText(buf, r.Type)
		buf = binary.BigEndian.AppendUint32(buf, 4)
		buf = binary.BigEndian.AppendUint32(buf, r.SchemaVersion)
		buf = appendUUID(buf, r.FamilyID)
		buf = appendUUID(buf, r.CentreID)
		buf = appendField(buf, r.Payload)
		for _, field := range r.Metadata.values() {
			buf = appendOptionalText(buf, field)
		}
		buf = binary.BigEndian.AppendUint32(buf, 8)
		buf = binary.BigEndian.AppendUint64(buf, uint64(r.RecordedAt.UnixMicro()-postgresEpoch))
		buf = appendField(buf, r.PreviousHash)
		buf = appendField(buf, r.Hash)
		if r.MAC == nil {
			buf = binary.BigEndian.AppendUint32(buf, 0xffffffff) // NULL: a store without a key
		} else {
			buf = appendField(buf, r.MAC)
		}
	}
	return binary.BigEndian.AppendUint16(buf, 0xffff) // the trailer: a field count of -1
}

func appendField(buf, value []byte) []byte {
	buf = binary.BigEndian.AppendUint32(buf, uint32(len(value)))
	return append(buf, value...)
}

func appendText(buf []byte, value string) []byte {
	buf = binary.BigEndian.AppendUint32(buf, uint32(len(value)))
	return append(buf, value...)
}

// appendOptionalText appends an optional text: "" is NULL.
func appendOptionalText(buf []byte, value string) []byte {
	if value == "" {
		return binary.BigEndian.AppendUint32(buf, 0xffffffff) // a length of -1
	}
	return appendText(buf, value)
}

// appendUUID appends an optional id: uuid.Nil is NULL.
func appendUUID(buf []byte, id uuid.UUID) []byte {
	if id == uuid.Nil {
		return binary.BigEndian.AppendUint32(buf, 0xffffffff) // a length of -1
	}
	return appendField(buf, id[:])
}
