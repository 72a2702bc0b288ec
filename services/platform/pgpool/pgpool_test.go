package pgpool_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/services/platform/pgpool"
	"github.com/familytime/familytime/services/platform/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// google/uuid values travel as uuids, one or many, and come back equal; a pool honours the size
// asked for, or the URL's own.
func TestOpen(t *testing.T) {
	db := testkit.Postgres(t)
	ctx := t.Context()
	pool, err := pgpool.Open(ctx, db.RuntimeURL, 0)
	require.NoError(t, err)
	defer pool.Close()
	require.EqualValues(t, pgpool.DefaultMaxConns, pool.Config().MaxConns)

	id := uuid.New()
	var text string
	var back uuid.UUID
	require.NoError(t, pool.QueryRow(ctx, "SELECT $1::uuid::text, $1::uuid", id).Scan(&text, &back))
	require.Equal(t, id.String(), text)
	require.Equal(t, id, back)
	var n int
	require.NoError(t, pool.QueryRow(ctx, "SELECT cardinality($1::uuid[])", []uuid.UUID{id, uuid.New()}).Scan(&n))
	require.Equal(t, 2, n)
	var isNull bool
	require.NoError(t, pool.QueryRow(ctx, "SELECT $1::uuid IS NULL", (*uuid.UUID)(nil)).Scan(&isNull))
	require.True(t, isNull)

	small, err := pgpool.Open(ctx, db.RuntimeURL+"&pool_max_conns=3", 0)
	require.NoError(t, err)
	defer small.Close()
	require.EqualValues(t, 3, small.Config().MaxConns)

	_, err = pgpool.Open(ctx, "postgres://%zz", 0)
	require.ErrorContains(t, err, "database URL")
}
