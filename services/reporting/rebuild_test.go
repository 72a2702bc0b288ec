package reporting_test

import (
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	reportingv1 "github.com/familytime/familytime/proto/gen/go/familytime/reporting/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// snapshot is every projection table's rows, in a fixed order, as text.
func (g *rig) snapshot(t testing.TB) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, table := range []string{"centres", "history_events", "referrals", "sessions", "attendance", "rooms", "patterns", "waiting", "concerns", "holds", "reports"} {
		rows, err := g.owner.Query(context.Background(), fmt.Sprintf(`SELECT t::text FROM reporting.%s t ORDER BY 1`, table))
		require.NoError(t, err)
		for rows.Next() {
			var s string
			require.NoError(t, rows.Scan(&s))
			out[table] = append(out[table], s)
		}
		require.NoError(t, rows.Err())
		rows.Close()
	}
	return out
}

// indexes are the definitions of the live schema's indexes, without their names.
func (g *rig) indexes(t testing.TB) []string {
	t.Helper()
	rows, err := g.owner.Query(context.Background(), `SELECT regexp_replace(indexdef, '^CREATE (UNIQUE )?INDEX \S+ ', 'CREATE \1INDEX ')
		FROM pg_indexes WHERE schemaname = 'reporting' ORDER BY 1`)
	require.NoError(t, err)
	defs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	require.NotEmpty(t, defs)
	return defs
}

// Rebuilt projections equal the live ones after the scenario; progress is reported as it goes;
// the live tables answer until the swap, and after it the service answers from the new ones.
func TestRebuildEqualsLive(t *testing.T) {
	g := newRig(t)
	s := g.play(t)
	live := g.snapshot(t)
	require.NotEmpty(t, live["attendance"])
	liveIndexes := g.indexes(t)
	admin := g.client(t, "admin-1", []auth.Role{auth.RoleAdmin})
	stream, err := admin.RebuildProjections(t.Context(), &reportingv1.RebuildProjectionsRequest{})
	require.NoError(t, err)
	var last *reportingv1.RebuildProjectionsResponse
	for {
		p, err := stream.Recv()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		last = p
	}
	require.True(t, last.GetSwapped())
	require.Equal(t, int64(g.emitted), last.GetEvents())
	require.Equal(t, int64(g.emitted), last.GetTotal())
	require.Positive(t, last.GetEventsPerSecond())
	require.Equal(t, live, g.snapshot(t), "the rebuilt projections equal the live ones")
	require.Equal(t, liveIndexes, g.indexes(t), "the rebuilt tables have the live tables' indexes")
	require.Zero(t, g.count(t, `SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'reporting\_%'`), "no schema left behind")

	// The live consumers write into the new tables after the swap.
	h, err := g.coordinator(t, s.a).GetFamilyHistory(t.Context(), &reportingv1.GetFamilyHistoryRequest{FamilyId: s.f1.String(), CentreId: s.a.String()})
	require.NoError(t, err)
	require.Len(t, h.GetEntries(), len(s.f1Steps))
	g.centre(t, 1)
	g.settle(t)

	_, err = g.coordinator(t, s.a).RebuildProjections(t.Context(), &reportingv1.RebuildProjectionsRequest{})
	if err == nil {
		_, err = func() (*reportingv1.RebuildProjectionsResponse, error) {
			st, _ := g.coordinator(t, s.a).RebuildProjections(t.Context(), &reportingv1.RebuildProjectionsRequest{})
			return st.Recv()
		}()
	}
	require.Error(t, err, "only an administrator rebuilds")
}
