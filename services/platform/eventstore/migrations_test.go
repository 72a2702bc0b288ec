package eventstore_test

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/migrate"
	"github.com/familytime/familytime/services/platform/testkit"
)

// upTo is the event store's migrations up to and including version, as a database met them
// before the later ones existed.
func upTo(t *testing.T, version string) migrate.Set {
	t.Helper()
	set := eventstore.Migrations()
	files, err := fs.Glob(set.FS, "*.sql")
	require.NoError(t, err)
	var later []string
	for _, f := range files {
		if f > version+"_" && !strings.HasPrefix(f, version+"_") {
			later = append(later, f) // names start with zero-padded versions, so they sort
		}
	}
	set.FS = hiding{set.FS, later}
	return set
}

// hiding is a file system without some of its files.
type hiding struct {
	fs.FS
	hidden []string
}

func (h hiding) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(h.FS, name)
	var kept []fs.DirEntry
	for _, e := range entries {
		if !slices.Contains(h.hidden, e.Name()) {
			kept = append(kept, e)
		}
	}
	return kept, err
}

// Migration 0002 replaces the events' family index with family_streams, and 0003 moves metadata
// from jsonb into columns: a database that already holds events finds every family's history
// afterwards, with each event's metadata, as before.
func TestMigrationsKeepHistoriesAndChains(t *testing.T) {
	db := testkit.Postgres(t)
	db.Migrate(t, upTo(t, "0001"))
	ctx := t.Context()
	family, other := uuid.New(), uuid.New()
	owner := db.OwnerPool(t)
	// Events as the store wrote them before 0002, hash chains and all.
	at := time.Date(2026, 11, 1, 9, 30, 0, 0, time.UTC)
	heads := map[string][]byte{}
	for i, row := range []struct {
		stream  string
		version int64
		family  uuid.UUID
	}{{"referral-1", 1, family}, {"booking-1", 1, family}, {"booking-1", 2, other}, {"centre-1", 1, uuid.Nil}, {"referral-1", 2, family}} {
		r := eventstore.RecordedEvent{
			Event: eventstore.Event{ID: uuid.New(), Type: "familytime.testing.v1.CounterIncremented", SchemaVersion: 1,
				FamilyID: row.family, Payload: []byte{0x08, byte(i)},
				Metadata: eventstore.Metadata{Actor: fmt.Sprintf("account-%d", i), CorrelationID: `corr-"1"`}},
			StreamID: row.stream, Version: row.version, RecordedAt: at, PreviousHash: make([]byte, 32),
		}
		if previous, ok := heads[row.stream]; ok {
			r.PreviousHash = previous
		}
		r.Hash = eventstore.ChainHash(r.PreviousHash, &r)
		heads[row.stream] = r.Hash
		var fam any
		if row.family != uuid.Nil {
			fam = row.family
		}
		_, err := owner.Exec(ctx, `INSERT INTO events (stream_id, version, event_id, event_type, schema_version,
			family_id, payload, metadata, recorded_at, previous_hash, hash)
			VALUES ($1, $2, $3, $4, 1, $5, $6, jsonb_build_object('actor', $7::text, 'correlation_id', $8::text,
			'request_id', ''), $9, $10, $11)`,
			r.StreamID, r.Version, r.ID, r.Type, fam, r.Payload, r.Metadata.Actor, r.Metadata.CorrelationID,
			r.RecordedAt, r.PreviousHash, r.Hash)
		require.NoError(t, err)
	}
	db.Migrate(t, eventstore.Migrations())
	store := eventstore.New(db.Pool(t))
	tampered, err := store.VerifyAll(ctx, nil)
	require.NoError(t, err)
	require.Empty(t, tampered, "every chain verifies after the migrations")
	history, err := store.LoadFamily(ctx, family)
	require.NoError(t, err)
	var got []string
	for _, e := range history {
		got = append(got, e.StreamID)
		require.Equal(t, eventstore.Metadata{Actor: fmt.Sprintf("account-%d", e.Position-1), CorrelationID: `corr-"1"`},
			e.Metadata)
	}
	require.Equal(t, []string{"referral-1", "booking-1", "referral-1"}, got)
	history, err = store.LoadFamily(ctx, other)
	require.NoError(t, err)
	require.Len(t, history, 1)

	var collation string
	require.NoError(t, owner.QueryRow(ctx, `SELECT collation_name FROM information_schema.columns
		WHERE table_name = 'events' AND column_name = 'stream_id'`).Scan(&collation))
	require.Equal(t, "C", collation)
}
