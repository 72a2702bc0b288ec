package host_test

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	testingv1 "github.com/familytime/familytime/proto/gen/go/familytime/testing/v1"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/host"
	"github.com/familytime/familytime/services/platform/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// syncBuffer is a log destination the check's goroutine and the test share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// A service checks its own log on a timer: a stream changed behind its back is logged as an
// error, naming the stream and version, and nothing about the event's content.
func TestTheServiceChecksItsLogAndSaysWhatIsBroken(t *testing.T) {
	db := testkit.Postgres(t)
	db.Migrate(t, eventstore.Migrations())
	store := eventstore.New(db.Pool(t)).SignWith(testkit.BusKey.ForLog("test"))
	stream := "family-" + uuid.NewString()
	for v := range int64(3) {
		e, err := eventstore.NewEvent(&testingv1.CounterIncremented{Value: v}, uuid.Nil, uuid.Nil, eventstore.Metadata{Actor: "test"})
		require.NoError(t, err)
		_, err = store.Append(t.Context(), stream, v, e)
		require.NoError(t, err)
	}
	owner, err := db.OwnerPool(t).Acquire(t.Context())
	require.NoError(t, err)
	_, err = owner.Exec(t.Context(), `SET session_replication_role = replica`)
	require.NoError(t, err)
	_, err = owner.Exec(t.Context(), `DELETE FROM events WHERE stream_id = $1 AND version = 2`, stream)
	require.NoError(t, err)
	owner.Release()

	var logged syncBuffer
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	require.NoError(t, host.VerifyLog(ctx, store, 0, time.Hour, slog.New(slog.NewTextHandler(&logged, nil))))
	require.Eventually(t, func() bool { return bytes.Contains([]byte(logged.String()), []byte("event log checked")) },
		30*time.Second, 10*time.Millisecond)
	out := logged.String()
	require.Contains(t, out, "level=ERROR")
	require.Contains(t, out, "stream="+stream)
	require.Contains(t, out, "version=2")
	require.Contains(t, out, "version is missing")
	require.Contains(t, out, "broken_streams=1")
}
