package bus_test

import (
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/services/platform/testkit"
)

// EnsureStream creates the stream once, changes it only when a setting it manages differs, and
// otherwise leaves it alone (relays call it each time they lead).
func TestEnsureStreamUpdatesOnlyWhatDiffers(t *testing.T) {
	nc, js := testkit.NATS(t).Connect(t)
	updates := make(chan *nats.Msg, 10)
	sub, err := nc.ChanSubscribe("$JS.EVENT.ADVISORY.STREAM.UPDATED.SCHEDULING", updates)
	require.NoError(t, err)
	defer sub.Unsubscribe() //nolint:errcheck // test cleanup
	ctx := t.Context()

	s, err := bus.EnsureStream(ctx, js, "scheduling", bus.StreamOptions{})
	require.NoError(t, err)
	cfg := s.CachedInfo().Config
	require.True(t, cfg.DenyDelete && cfg.DenyPurge)
	require.Equal(t, 10*time.Minute, cfg.Duplicates)

	_, err = bus.EnsureStream(ctx, js, "scheduling", bus.StreamOptions{})
	require.NoError(t, err)
	s, err = bus.EnsureStream(ctx, js, "scheduling", bus.StreamOptions{Duplicates: 20 * time.Minute})
	require.NoError(t, err)
	require.Equal(t, 20*time.Minute, s.CachedInfo().Config.Duplicates)
	require.NoError(t, nc.Flush())

	select {
	case <-updates:
	case <-time.After(10 * time.Second):
		t.Fatal("the changed setting was not applied by an update")
	}
	select {
	case m := <-updates:
		t.Fatalf("a stream already as wanted was updated too: %s", m.Data)
	case <-time.After(300 * time.Millisecond):
	}
}
