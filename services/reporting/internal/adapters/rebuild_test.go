package adapters

import (
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/stretchr/testify/require"
)

// A rebuild's batch runs statements set-wise with the effect of running them in order: a key that
// comes again starts a new segment, statements without a set-wise form run one by one.
func TestBatchPlan(t *testing.T) {
	p := NewProjections("reporting_rebuild_1")
	p.setwise(map[string]map[string]string{"sessions": {"booking_id": "uuid", "family_id": "uuid", "centre_id": "uuid",
		"room_id": "uuid", "session_date": "date", "service_type": "integer", "state": "text"}})
	require.Equal(t, `INSERT INTO "reporting_rebuild_1".sessions (booking_id, family_id, centre_id, room_id, session_date, service_type, state)`+
		` SELECT u.p1, u.p2, u.p3, u.p4, u.p5, u.p6, 'booked' FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::date[], $6::integer[])`+
		` AS u(p1, p2, p3, p4, p5, p6) ON CONFLICT (booking_id) DO NOTHING`, p.sets["booked"])
	require.NotContains(t, p.sets, "waiting_left", "an UPDATE has no set-wise form")

	b := NewBatch(p)
	sink := b.Sink()
	one, two, three := uuid.New(), uuid.New(), uuid.New()
	for _, booking := range []uuid.UUID{one, two} {
		p.Stmt(sink, "booked", booking, uuid.New(), uuid.New(), nil, pgtype.Date{}, int32(1))
	}
	p.Stmt(sink, "session_state", one, uuid.New(), uuid.New(), nil, pgtype.Date{}, int32(1), "attended") // one again: a new segment
	p.Stmt(sink, "session_state", three, uuid.New(), uuid.New(), nil, pgtype.Date{}, int32(1), "attended")
	p.Stmt(sink, "waiting_left", uuid.New(), uuid.New(), nil)
	var q pgx.Batch
	b.plan(&q, func(string) bool { return true })
	var got []string
	for _, qq := range q.QueuedQueries {
		got = append(got, qq.SQL)
	}
	require.Equal(t, []string{p.sets["booked"], p.sets["session_state"], p.sql["waiting_left"]}, got)
	require.Len(t, q.QueuedQueries[0].Arguments[0], 2, "both bookings in one statement")
}
