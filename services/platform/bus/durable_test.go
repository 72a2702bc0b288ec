package bus_test

import (
	"bytes"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/services/platform/testkit"
)

// lockedBuffer is a log destination the runners write to while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// tamper does what review 71 did with the nats CLI: deletes the service's durable consumer and
// makes one of the same name, with the service's filters, that starts past the stream's end, so
// its acknowledgement floor stands beyond the next event published.
func tamper(t *testing.T, js jetstream.JetStream, filters []string) {
	t.Helper()
	ctx := t.Context()
	stream, err := js.Stream(ctx, bus.StreamName(service))
	require.NoError(t, err)
	info, err := stream.Info(ctx)
	require.NoError(t, err)
	require.NoError(t, js.DeleteConsumer(ctx, bus.StreamName(service), "sink"))
	_, err = js.CreateConsumer(ctx, bus.StreamName(service), jetstream.ConsumerConfig{Durable: "sink",
		AckPolicy: jetstream.AckExplicitPolicy, DeliverPolicy: jetstream.DeliverByStartSequencePolicy,
		OptStartSeq: info.State.LastSeq + 2, FilterSubjects: filters, MaxDeliver: -1})
	require.NoError(t, err)
}

func TestADurableConsumerNotMadeByTheServiceIsDistrustedAndNothingIsPassedOver(t *testing.T) {
	logs := &lockedBuffer{}
	filters := []string{"ft." + service + ".>"}
	cfg := bus.ConsumerConfig{FilterSubjects: filters, DurableCheck: 100 * time.Millisecond,
		Logger: slog.New(slog.NewJSONHandler(logs, nil))}
	g := newRig(t, cfg, record(t))
	family := uuid.New()
	g.append(t, family, 1, 2)
	g.waitCaughtUp(t, 2)
	require.NotContains(t, logs.String(), `"level":"ERROR"`, "the service's own consumer is trusted")

	// A restart resumes from the floor of a consumer the service made: nothing delivered again.
	g.stop()
	cfg.Name, cfg.Stream, cfg.Key = "sink", bus.StreamName(service), testkit.BusKey
	restart := func() {
		var err error
		g.consumer, err = bus.NewConsumer(g.nc, g.sink, cfg, record(t))
		require.NoError(t, err)
		g.stop = run(t, g.consumer.Run)
	}
	restart()
	g.append(t, family, 3)
	g.waitCaughtUp(t, 3)
	require.NotContains(t, logs.String(), `"level":"ERROR"`)
	cons, err := g.js.Consumer(t.Context(), bus.StreamName(service), "sink")
	require.NoError(t, err)
	require.Equal(t, jetstream.DeliverByStartSequencePolicy, cons.CachedInfo().Config.DeliverPolicy, "restarted from its floor")

	// Replaced while the service is stopped: the next lead distrusts it and the event published
	// after is handled.
	g.stop()
	tamper(t, g.js, filters)
	g.append(t, family, 4)
	restart()
	g.waitCaughtUp(t, 4)
	require.Eventually(t, func() bool { return g.count(t, "SELECT count(*) FROM seen WHERE value = 4") == 1 },
		30*time.Second, 10*time.Millisecond, "the event past the forged start is handled")
	require.Contains(t, logs.String(), "durable consumer is not the one this service made")
	require.Contains(t, logs.String(), "opt_start_seq")

	// Replaced while the service runs: the lead ends with the consumer deleted, and the next one
	// distrusts what it finds (or, finding nothing, starts from the start of the stream).
	tamper(t, g.js, filters)
	g.append(t, family, 5)
	require.Eventually(t, func() bool { return g.count(t, "SELECT count(*) FROM seen WHERE value = 5") == 1 },
		30*time.Second, 10*time.Millisecond, "the event published after a live replacement is handled")

	// Changed in place while the service runs (filters narrowed to nothing of the stream): the
	// periodic check ends the lead, the next distrusts it.
	_, err = g.js.UpdateConsumer(t.Context(), bus.StreamName(service), jetstream.ConsumerConfig{Durable: "sink",
		AckPolicy: jetstream.AckExplicitPolicy, DeliverPolicy: jetstream.DeliverAllPolicy,
		FilterSubjects: []string{"ft." + service + ".nothing.>"}, MaxDeliver: -1, MaxAckPending: 256 * 4})
	if err != nil { // the runner restarted it from its floor meanwhile: a start sequence then
		cons, err := g.js.Consumer(t.Context(), bus.StreamName(service), "sink")
		require.NoError(t, err)
		have := cons.CachedInfo().Config
		have.FilterSubjects = []string{"ft." + service + ".nothing.>"}
		_, err = g.js.UpdateConsumer(t.Context(), bus.StreamName(service), have)
		require.NoError(t, err)
	}
	g.append(t, family, 6)
	require.Eventually(t, func() bool { return g.count(t, "SELECT count(*) FROM seen WHERE value = 6") == 1 },
		30*time.Second, 10*time.Millisecond, "the event the narrowed filter left out is handled")
	require.Contains(t, logs.String(), "was changed while this runner led")
	require.Contains(t, logs.String(), "filter_subjects")

	// Every event handled once: what the inbox held was not handled again.
	for v := int64(1); v <= 6; v++ {
		require.Equal(t, 1, g.count(t, "SELECT count(*) FROM seen WHERE value = $1", v), "value %d", v)
	}
	require.Equal(t, 6, g.count(t, "SELECT count(*) FROM seen"))
}
