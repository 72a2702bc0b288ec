package benchmarks_test

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/relay"
	"github.com/familytime/familytime/services/platform/testkit"
)

// The relay against a plain JetStream async publish of the same messages. Both drain a fixed
// log of relayEvents into a fresh stream per operation, whatever b.N is; -benchtime=1x runs one
// drain.

const (
	relayEvents = 20_000
	// families the pre-filled events belong to, interleaved as many families' commands would be.
	families = 1000
	// maxInFlight is the relay's default MaxInFlight, and the baseline's max pending publishes.
	maxInFlight = 1000
)

// prefill records n events, one per family per transaction round-robin, and returns them in
// commit order: the order the relay publishes them.
func prefill(b *testing.B, store *eventstore.Store, n int) []eventstore.RecordedEvent {
	b.Helper()
	p := payload(b)
	ids := make([]uuid.UUID, families)
	for f := range ids {
		ids[f] = uuid.New()
	}
	var all []eventstore.RecordedEvent
	for round := int64(0); len(all) < n; round++ {
		uow := new(eventstore.UnitOfWork)
		for f := 0; f < families && len(all)+f < n; f++ {
			uow.Append("family-"+ids[f].String(), round, event(p, ids[f], centres[f%len(centres)]))
		}
		recorded, err := store.Commit(b.Context(), uow)
		require.NoError(b, err)
		all = append(all, recorded...)
	}
	slices.SortFunc(all, func(x, y eventstore.RecordedEvent) int {
		return cmp.Or(cmp.Compare(x.TxID, y.TxID), cmp.Compare(x.Position, y.Position))
	})
	return all
}

// message is the JetStream message the relay publishes for an event (see relay.message), less
// the Nats-Expected-Last-Msg-Id header, which is the relay's own ordering guarantee.
func message(b *testing.B, service string, e *eventstore.RecordedEvent) *nats.Msg {
	body, err := proto.Marshal(e.Envelope())
	require.NoError(b, err)
	msg := nats.NewMsg(bus.Subject(service, e.CentreID, e.Type))
	msg.Data = body
	msg.Header.Set(jetstream.MsgIDHeader, e.ID.String())
	msg.Header.Set(bus.HeaderEventID, e.ID.String())
	msg.Header.Set(bus.HeaderEventType, e.Type)
	if e.FamilyID != uuid.Nil {
		msg.Header.Set(bus.HeaderFamilyID, e.FamilyID.String())
	}
	return msg
}

// freshStream creates the stream of a service named for operation i: both benchmarks use the
// same names, so the subjects are the same.
func freshStream(b *testing.B, js jetstream.JetStream, i int) (string, jetstream.Stream) {
	b.Helper()
	service := fmt.Sprintf("bench%04d", i)
	stream, err := bus.EnsureStream(b.Context(), js, service, bus.StreamOptions{})
	require.NoError(b, err)
	return service, stream
}

// holds reports whether the stream holds n messages.
func holds(stream jetstream.Stream, n int) func(ctx context.Context) bool {
	return func(ctx context.Context) bool {
		info, err := stream.Info(ctx)
		return err == nil && info.State.Msgs >= uint64(n)
	}
}

// BenchmarkRelayPublish is (c): the relay, from Run until the stream holds every event.
func BenchmarkRelayPublish(b *testing.B) {
	_, pool := database(b)
	prefill(b, eventstore.New(pool).SignWith(testkit.BusKey.ForLog("bench")), relayEvents)
	nc, js := testkit.NATS(b).Connect(b)
	var elapsed time.Duration
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		service, stream := freshStream(b, js, i)
		// A new relay name starts from an empty checkpoint: it publishes the whole log.
		r, err := relay.New(pool, nc, relay.Config{Key: testkit.BusKey, Service: service, Log: "bench", MaxInFlight: maxInFlight})
		require.NoError(b, err)
		ctx, cancel := context.WithCancel(b.Context())
		done := make(chan struct{})
		b.StartTimer()
		start := time.Now()
		go func() {
			defer close(done)
			r.Run(ctx)
		}()
		poll(b, "relay", 2*time.Millisecond, holds(stream, relayEvents))
		elapsed += time.Since(start)
		b.StopTimer()
		cancel()
		<-done
		info, err := stream.Info(b.Context())
		require.NoError(b, err)
		require.Equal(b, uint64(relayEvents), info.State.Msgs, "every event published once")
	}
	reportRate(b, relayEvents*b.N, elapsed)
}

// BenchmarkRawPublishAsync is (c)'s baseline: the same messages, built before the clock starts,
// published with PublishMsgAsync and the relay's bound on publishes in flight.
func BenchmarkRawPublishAsync(b *testing.B) {
	_, pool := database(b)
	events := prefill(b, eventstore.New(pool).SignWith(testkit.BusKey.ForLog("bench")), relayEvents)
	nc, js := testkit.NATS(b).Connect(b)
	pub, err := jetstream.New(nc, jetstream.WithPublishAsyncMaxPending(maxInFlight))
	require.NoError(b, err)
	var elapsed time.Duration
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		service, stream := freshStream(b, js, i)
		msgs := make([]*nats.Msg, len(events))
		for j := range events {
			msgs[j] = message(b, service, &events[j])
		}
		b.StartTimer()
		start := time.Now()
		for _, m := range msgs {
			_, err := pub.PublishMsgAsync(m)
			require.NoError(b, err)
		}
		<-pub.PublishAsyncComplete()
		poll(b, "raw publish", 2*time.Millisecond, holds(stream, relayEvents))
		elapsed += time.Since(start)
		b.StopTimer()
	}
	reportRate(b, relayEvents*b.N, elapsed)
}
