package bus_test

import (
	"slices"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
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

// The services never lower a stream's replicas, dedupe window or protections, and never touch a
// setting they do not manage: an operator's changes survive every relay and consumer that leads.
func TestStreamSettingsAreNeverLowered(t *testing.T) {
	t.Run("reconcile", func(t *testing.T) {
		want := func(opts bus.StreamOptions) jetstream.StreamConfig {
			cfg, err := bus.StreamConfig("scheduling", opts)
			require.NoError(t, err)
			return cfg
		}
		// have is the stream as the services made it, then configured further by an operator.
		have := func(change func(*jetstream.StreamConfig)) jetstream.StreamConfig {
			cfg := want(bus.StreamOptions{})
			cfg.Description = "operator's description"
			cfg.MaxAge = 90 * 24 * time.Hour
			cfg.MaxBytes = 1 << 30
			cfg.Compression = jetstream.S2Compression
			cfg.Placement = &jetstream.Placement{Cluster: "eu", Tags: []string{"ssd"}}
			cfg.Metadata = map[string]string{"owner": "platform-team"}
			change(&cfg)
			return cfg
		}
		for _, tc := range []struct {
			name    string
			have    jetstream.StreamConfig
			opts    bus.StreamOptions
			changed bool
			check   func(t *testing.T, got jetstream.StreamConfig)
		}{{
			name: "as wanted: left alone",
			have: have(func(*jetstream.StreamConfig) {}),
		}, {
			name: "existing R3, configured R1: stays R3",
			have: have(func(c *jetstream.StreamConfig) { c.Replicas = 3 }),
			opts: bus.StreamOptions{Replicas: 1},
			check: func(t *testing.T, got jetstream.StreamConfig) {
				require.Equal(t, 3, got.Replicas)
			},
		}, {
			name:    "existing R1, configured R3: raised to R3",
			have:    have(func(c *jetstream.StreamConfig) { c.Replicas = 1 }),
			opts:    bus.StreamOptions{Replicas: 3},
			changed: true,
			check: func(t *testing.T, got jetstream.StreamConfig) {
				require.Equal(t, 3, got.Replicas)
			},
		}, {
			name: "an operator's longer dedupe window is kept",
			have: have(func(c *jetstream.StreamConfig) { c.Duplicates = time.Hour }),
			opts: bus.StreamOptions{Duplicates: 20 * time.Minute},
			check: func(t *testing.T, got jetstream.StreamConfig) {
				require.Equal(t, time.Hour, got.Duplicates)
			},
		}, {
			name:    "a shorter dedupe window is raised to the configured one",
			have:    have(func(c *jetstream.StreamConfig) { c.Duplicates = 2 * time.Minute }),
			opts:    bus.StreamOptions{Duplicates: 20 * time.Minute},
			changed: true,
			check: func(t *testing.T, got jetstream.StreamConfig) {
				require.Equal(t, 20*time.Minute, got.Duplicates)
			},
		}, {
			name: "the dedupe window is raised no further than the operator's max age",
			have: have(func(c *jetstream.StreamConfig) {
				c.MaxAge, c.Duplicates = 5*time.Minute, 2*time.Minute
			}),
			changed: true,
			check: func(t *testing.T, got jetstream.StreamConfig) {
				require.Equal(t, 5*time.Minute, got.Duplicates)
			},
		}, {
			name: "protections are raised, never lowered",
			have: have(func(c *jetstream.StreamConfig) {
				c.Retention, c.DenyDelete, c.DenyPurge = jetstream.InterestPolicy, false, false
			}),
			changed: true,
			check: func(t *testing.T, got jetstream.StreamConfig) {
				require.Equal(t, jetstream.LimitsPolicy, got.Retention)
				require.True(t, got.DenyDelete && got.DenyPurge)
			},
		}, {
			name:    "the service's subject is added, an operator's extra subject kept",
			have:    have(func(c *jetstream.StreamConfig) { c.Subjects = []string{"legacy.scheduling.>"} }),
			changed: true,
			check: func(t *testing.T, got jetstream.StreamConfig) {
				require.Equal(t, []string{"legacy.scheduling.>", "ft.scheduling.>"}, got.Subjects)
			},
		}} {
			t.Run(tc.name, func(t *testing.T) {
				before := tc.have
				before.Subjects = slices.Clone(tc.have.Subjects)
				got, changed, err := bus.Reconcile(tc.have, want(tc.opts))
				require.NoError(t, err)
				require.Equal(t, tc.changed, changed)
				require.Equal(t, before, tc.have, "the existing configuration is not modified in place")
				if tc.check != nil {
					tc.check(t, got)
				}
				// Every setting bus does not manage is the operator's.
				got.Subjects, got.Retention, got.DenyDelete, got.DenyPurge, got.Duplicates, got.Replicas =
					before.Subjects, before.Retention, before.DenyDelete, before.DenyPurge, before.Duplicates, before.Replicas
				require.Equal(t, before, got)
			})
		}
	})

	t.Run("options", func(t *testing.T) {
		for _, opts := range []bus.StreamOptions{{Replicas: 6}, {Replicas: -1}, {Duplicates: -time.Second}} {
			_, err := bus.StreamConfig("scheduling", opts)
			require.Error(t, err, "%+v", opts)
		}
		cfg, err := bus.DeadLetterStreamConfig(bus.StreamOptions{Replicas: 5, Duplicates: time.Hour})
		require.NoError(t, err)
		require.Equal(t, 5, cfg.Replicas)
		require.Equal(t, time.Hour, cfg.Duplicates)
		cfg, err = bus.StreamConfig("scheduling", bus.StreamOptions{})
		require.NoError(t, err)
		require.Equal(t, 1, cfg.Replicas)
		require.Equal(t, bus.DefaultDuplicates, cfg.Duplicates)
	})

	t.Run("server", func(t *testing.T) {
		nc, js := testkit.NATS(t).Connect(t)
		updates := make(chan *nats.Msg, 10)
		sub, err := nc.ChanSubscribe("$JS.EVENT.ADVISORY.STREAM.UPDATED.*", updates)
		require.NoError(t, err)
		defer sub.Unsubscribe() //nolint:errcheck // test cleanup
		ctx := t.Context()
		noUpdate := func(t *testing.T) {
			t.Helper()
			require.NoError(t, nc.Flush())
			select {
			case m := <-updates:
				t.Fatalf("a stream already as wanted was updated: %s", m.Data)
			case <-time.After(300 * time.Millisecond):
			}
		}

		// An operator's stream with a longer window and settings of its own: left alone.
		operator := jetstream.StreamConfig{
			Name: "SCHEDULING", Subjects: []string{"ft.scheduling.>"}, Storage: jetstream.FileStorage,
			Retention: jetstream.LimitsPolicy, DenyDelete: true, DenyPurge: true, Replicas: 1,
			Duplicates: time.Hour, MaxAge: 30 * 24 * time.Hour, MaxBytes: 1 << 30, MaxMsgSize: 1 << 20,
			Compression: jetstream.S2Compression, Description: "operator's description",
			Metadata: map[string]string{"owner": "platform-team"},
		}
		_, err = js.CreateStream(ctx, operator)
		require.NoError(t, err)
		s, err := bus.EnsureStream(ctx, js, "scheduling", bus.StreamOptions{Replicas: 1, Duplicates: 10 * time.Minute})
		require.NoError(t, err)
		got := s.CachedInfo().Config
		require.Equal(t, time.Hour, got.Duplicates)
		requireOperatorSettings(t, operator, got)
		noUpdate(t)

		// A dead-letter stream made without protections and with a short window: raised in one
		// update, every other setting kept; then left alone.
		operator = jetstream.StreamConfig{
			Name: bus.DeadLetterStream, Subjects: []string{"ft.deadletter.>"}, Storage: jetstream.FileStorage,
			Duplicates: 2 * time.Minute, MaxAge: 365 * 24 * time.Hour, MaxBytes: 1 << 28, MaxMsgSize: 1 << 20,
			Compression: jetstream.S2Compression, Description: "dead letters, kept a year",
			Metadata: map[string]string{"owner": "platform-team"},
		}
		_, err = js.CreateStream(ctx, operator)
		require.NoError(t, err)
		s, err = bus.EnsureDeadLetterStream(ctx, js, bus.StreamOptions{Replicas: 1})
		require.NoError(t, err)
		got = s.CachedInfo().Config
		require.True(t, got.DenyDelete && got.DenyPurge)
		require.Equal(t, bus.DefaultDuplicates, got.Duplicates)
		requireOperatorSettings(t, operator, got)
		select {
		case <-updates:
		case <-time.After(10 * time.Second):
			t.Fatal("the raised settings were not applied by an update")
		}
		s, err = js.Stream(ctx, bus.DeadLetterStream)
		require.NoError(t, err)
		requireOperatorSettings(t, operator, s.CachedInfo().Config)
		_, err = bus.EnsureDeadLetterStream(ctx, js, bus.StreamOptions{Replicas: 1})
		require.NoError(t, err)
		noUpdate(t)

		// A stream in memory cannot be made durable in place: a clear error, no update.
		_, err = js.CreateStream(ctx, jetstream.StreamConfig{Name: "REFERRAL", Subjects: []string{"ft.referral.>"},
			Storage: jetstream.MemoryStorage})
		require.NoError(t, err)
		_, err = bus.EnsureStream(ctx, js, "referral", bus.StreamOptions{})
		require.ErrorContains(t, err, "storage")
		noUpdate(t)

		// More replicas than one server has are refused by the server, not lowered by us.
		_, err = bus.EnsureStream(ctx, js, "reporting", bus.StreamOptions{Replicas: 3})
		require.Error(t, err)
	})
}

// requireOperatorSettings checks that the settings bus does not manage are the operator's.
func requireOperatorSettings(t *testing.T, operator, got jetstream.StreamConfig) {
	t.Helper()
	require.Equal(t, operator.Subjects, got.Subjects)
	require.Equal(t, operator.Description, got.Description)
	require.Equal(t, operator.MaxAge, got.MaxAge)
	require.Equal(t, operator.MaxBytes, got.MaxBytes)
	require.Equal(t, operator.MaxMsgSize, got.MaxMsgSize)
	require.Equal(t, operator.Compression, got.Compression)
	require.Equal(t, "platform-team", got.Metadata["owner"])
}
