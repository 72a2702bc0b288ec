package adapters

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
)

// keyHoldClass is the first key of the family key holds' PostgreSQL advisory locks (the second is
// the family id's hash): apart from the guards' 18004 and the one-key locks of leader election and
// the migrations.
const keyHoldClass int32 = 18006

// KeyHold holds a family's key lock: while it is held, nothing else decides whether the family's
// data key is destroyed. A concern is sealed with the key, then committed; an erasure checks the
// family's concerns on record, or its records in use, then destroys the key. Each is a read
// followed by a write in another database (the key store), so no transaction orders them: without
// the hold, a concern sealed in the moment before the erasure's check and committed after it lost
// its description with the key, and its raiser was told nothing; one sealed a moment later was
// refused, with nobody alerted (review 81, findings H1 and H2; docs/decisions.md 400). Under the
// hold, the concern is recorded before the erasure looks, and is kept, or after the key went, and
// is recorded without its text and the raiser told.
//
// The lock is a PostgreSQL session advisory lock on a connection the hold keeps until Release, so
// a process that stops frees it with its connections. A process holds at most keyHoldSlots at
// once (others wait their turn), so holds waiting for one family never take every connection of
// the pool from the work the holders need done. One family at a time: Take of another family
// releases the first.
type KeyHold struct {
	pool   *pgxpool.Pool
	slots  chan struct{}
	family uuid.UUID
	conn   *pgxpool.Conn
}

// keyHoldSlots is how many key holds a process has at once: a quarter of the default pool.
const keyHoldSlots = 4

// NewKeyHold returns a hold, holding nothing yet, on pool, sharing slots with the other holds of
// the process (nil: no limit).
func NewKeyHold(pool *pgxpool.Pool, slots chan struct{}) *KeyHold {
	return &KeyHold{pool: pool, slots: slots}
}

// KeyHold returns a hold, holding nothing yet, on the service's database.
func (r *Records) KeyHold() *KeyHold { return NewKeyHold(r.store.Pool(), r.keyHolds) }

// Take waits until family's key lock is free and holds it until Release. Taking the family held
// already does nothing (a command decided again after a conflict).
func (h *KeyHold) Take(ctx context.Context, family uuid.UUID) error {
	if h.conn != nil {
		if h.family == family {
			return nil
		}
		h.Release()
	}
	if h.slots != nil {
		select {
		case h.slots <- struct{}{}:
		case <-ctx.Done():
			return fmt.Errorf("hold the family's key: %w", ctx.Err())
		}
	}
	conn, err := h.pool.Acquire(ctx)
	if err != nil {
		h.free()
		return fmt.Errorf("hold the family's key: %w", err)
	}
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1, hashtext($2))`, keyHoldClass, family.String()); err != nil {
		// A wait cancelled leaves the session unsure: it is closed, not given back to the pool.
		_ = conn.Conn().Close(context.WithoutCancel(ctx))
		conn.Release()
		h.free()
		return fmt.Errorf("hold the family's key: %w", err)
	}
	h.conn, h.family = conn, family
	return nil
}

// Release frees the lock held, if any. It never fails: a lock that cannot be unlocked goes with
// its session, which is closed.
func (h *KeyHold) Release() {
	if h.conn == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := h.conn.Exec(ctx, `SELECT pg_advisory_unlock($1, hashtext($2))`, keyHoldClass, h.family.String()); err != nil {
		_ = h.conn.Conn().Close(ctx)
	}
	h.conn.Release()
	h.conn, h.family = nil, uuid.Nil
	h.free()
}

// free gives the hold's slot back.
func (h *KeyHold) free() {
	if h.slots != nil {
		<-h.slots
	}
}
