package telemetry_test

import (
	"io"
	"regexp"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	testingv1 "github.com/familytime/familytime/proto/gen/go/familytime/testing/v1"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/telemetry"
	"github.com/familytime/familytime/services/platform/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// What an operator finds on /metrics of a service that has opened its pool and appended: the Go
// runtime's figures, the process's memory, the pool's statistics and the event store's.
func TestAdminPortExportsRuntimePoolAndAppendMetrics(t *testing.T) {
	tel, err := telemetry.Setup(t.Context(), telemetry.Config{ServiceName: "metrics-test", LogOutput: io.Discard})
	require.NoError(t, err)
	t.Cleanup(func() { _ = tel.Shutdown(t.Context()) })
	db := testkit.Postgres(t)
	db.Migrate(t, eventstore.Migrations())
	store := eventstore.New(db.Pool(t)).SignWith(testkit.BusKey.ForLog("metrics-test")) // the test kit opens pools with pgpool.Open
	family := uuid.New()
	stream := "family-" + family.String()
	event := eventstore.Event{Type: "familytime.testing.v1.CounterIncremented", FamilyID: family, Payload: mustCounter(t)}
	_, err = store.Append(t.Context(), stream, eventstore.NoStream, event, event)
	require.NoError(t, err)
	_, err = store.Append(t.Context(), stream, eventstore.NoStream, event)
	require.ErrorIs(t, err, eventstore.ErrVersionConflict)

	body := get(t, "http://"+tel.AdminAddr()+"/metrics")
	for _, name := range []string{
		// Go runtime (contrib/instrumentation/runtime) and the process
		"go_memory_used_bytes", "go_goroutine_count", "go_memory_gc_goal_bytes", "go_schedule_duration_seconds_bucket",
		"process_resident_memory_bytes",
		// pgxpool statistics (pgpool)
		"ft_pgpool_connections_acquired", "ft_pgpool_connections_idle", "ft_pgpool_connections_total",
		"ft_pgpool_connections_max", "ft_pgpool_acquires_total", "ft_pgpool_acquires_waited_total",
		"ft_pgpool_acquire_duration_seconds_total", "ft_pgpool_acquire_wait_seconds_total",
		// appends (eventstore)
		"ft_eventstore_appends_total", "ft_eventstore_events_appended_total",
		"ft_eventstore_commit_duration_seconds_bucket", "ft_eventstore_group_size_bucket",
	} {
		require.Regexp(t, regexp.MustCompile(`(?m)^`+name+`[{ ]`), body, "/metrics shows %s", name)
	}
	database := regexp.QuoteMeta(db.Name)
	require.Regexp(t, `ft_eventstore_appends_total\{[^}]*outcome="ok"[^}]*pool_database="`+database+`"[^}]*\} 1\n`, body)
	require.Regexp(t, `ft_eventstore_appends_total\{[^}]*outcome="conflict"[^}]*pool_database="`+database+`"[^}]*\} 1\n`, body)
	require.Regexp(t, `ft_eventstore_events_appended_total\{[^}]*pool_database="`+database+`"[^}]*\} 2\n`, body)
	require.Regexp(t, `ft_pgpool_connections_max\{[^}]*pool_database="`+database+`",pool_user="`+testkit.RuntimeRole+`"[^}]*\} 20\n`, body)
	require.Regexp(t, `ft_pgpool_acquires_total\{[^}]*pool_database="`+database+`",pool_user="`+testkit.RuntimeRole+`"[^}]*\} [1-9]`, body)
}

func mustCounter(t *testing.T) []byte {
	t.Helper()
	p, err := proto.Marshal(&testingv1.CounterIncremented{Value: 1})
	require.NoError(t, err)
	return p
}
