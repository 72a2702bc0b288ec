package adapters

import (
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
)

// Live is the schema the service answers from. A rebuild writes to a schema of its own and swaps
// it in under this name (decisions.md 61).
const Live = "reporting"

// Sink takes a projection's statements: the unit of work of a consumed event (live), or a
// rebuild's batch.
type Sink func(sql string, args ...any)

// Projections writes reporting's projections in one schema. Every statement is idempotent (an
// upsert keyed by the event's subject or a stream version), so an event applied twice, by the live
// consumer and by a rebuild's catch-up, changes nothing the second time.
type Projections struct {
	schema string
	sql    map[string]string
}

// swapLock is the advisory lock a live projection holds shared for its transaction and a swap
// holds exclusively: a swap never interleaves with a live write (decisions.md 61).
const swapLock = 7_368_261_100

// NewProjections writes into schema.
func NewProjections(schema string) *Projections {
	p := &Projections{schema: schema, sql: map[string]string{}}
	for name, text := range statements {
		p.sql[name] = strings.ReplaceAll(text, "{s}", pgIdent(schema))
	}
	return p
}

// Schema is the schema written.
func (p *Projections) Schema() string { return p.schema }

func pgIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

var statements = map[string]string{
	"history": `INSERT INTO {s}.history_events (service, stream_id, version, event_id, family_id, centre_id, event_type, recorded_at, actor, envelope, description)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING`,
	"centre": `INSERT INTO {s}.centres (centre_id, name, region, service_types, accreditation_status, accreditation_date, version, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (centre_id) DO UPDATE SET name = EXCLUDED.name, region = EXCLUDED.region,
			service_types = EXCLUDED.service_types, accreditation_status = EXCLUDED.accreditation_status,
			accreditation_date = EXCLUDED.accreditation_date, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
		WHERE centres.version < EXCLUDED.version`,
	"referral": `INSERT INTO {s}.referrals (referral_id, family_id, centre_id, source, requested_service_type, court_involved, cafcass_involved, received_on, received_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (referral_id) DO UPDATE SET source = EXCLUDED.source, requested_service_type = EXCLUDED.requested_service_type,
			court_involved = EXCLUDED.court_involved, cafcass_involved = EXCLUDED.cafcass_involved,
			received_on = EXCLUDED.received_on, received_at = EXCLUDED.received_at`,
	"involvement": `UPDATE {s}.referrals SET court_involved = $2, cafcass_involved = $3 WHERE referral_id = $1`,
	"accepted": `INSERT INTO {s}.referrals (referral_id, family_id, centre_id, accepted_on, service_type) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (referral_id) DO UPDATE SET accepted_on = EXCLUDED.accepted_on, service_type = EXCLUDED.service_type`,
	"waitlisted": `INSERT INTO {s}.referrals (referral_id, family_id, centre_id, waitlisted_on) VALUES ($1, $2, $3, $4)
		ON CONFLICT (referral_id) DO UPDATE SET waitlisted_on = EXCLUDED.waitlisted_on`,
	"declined": `INSERT INTO {s}.referrals (referral_id, family_id, centre_id, declined_on, decline_reason) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (referral_id) DO UPDATE SET declined_on = EXCLUDED.declined_on, decline_reason = EXCLUDED.decline_reason`,
	"withdrawn": `INSERT INTO {s}.referrals (referral_id, family_id, centre_id, withdrawn_on) VALUES ($1, $2, $3, $4)
		ON CONFLICT (referral_id) DO UPDATE SET withdrawn_on = EXCLUDED.withdrawn_on`,
	"first_session": `INSERT INTO {s}.referrals (referral_id, family_id, centre_id, first_session_on) VALUES ($1, $2, $3, $4)
		ON CONFLICT (referral_id) DO UPDATE SET first_session_on = EXCLUDED.first_session_on`,
	"ended": `INSERT INTO {s}.referrals (referral_id, family_id, centre_id, ended_on, outcome) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (referral_id) DO UPDATE SET ended_on = EXCLUDED.ended_on, outcome = EXCLUDED.outcome`,
	"booked": `INSERT INTO {s}.sessions (booking_id, family_id, centre_id, room_id, session_date, service_type, state)
		VALUES ($1, $2, $3, $4, $5, $6, 'booked') ON CONFLICT (booking_id) DO NOTHING`,
	// A booking's end state; the booking's row may come first from here if SessionBooked is older
	// than reporting (it never is from the stream's start, but a state is never lost either way).
	"session_state": `INSERT INTO {s}.sessions (booking_id, family_id, centre_id, room_id, session_date, service_type, state)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (booking_id) DO UPDATE SET state = EXCLUDED.state`,
	"attended": `INSERT INTO {s}.attendance (booking_id, child_id, family_id, centre_id, session_date, service_type, age_band)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
	"room": `INSERT INTO {s}.rooms (room_id, centre_id, capacity, supervised_suitable) VALUES ($1, $2, $3, $4)
		ON CONFLICT (room_id) DO UPDATE SET capacity = EXCLUDED.capacity, supervised_suitable = EXCLUDED.supervised_suitable`,
	"pattern": `INSERT INTO {s}.patterns (pattern_id, centre_id, pattern, version) VALUES ($1, $2, $3, $4)
		ON CONFLICT (pattern_id) DO UPDATE SET pattern = EXCLUDED.pattern, version = EXCLUDED.version
		WHERE patterns.version < EXCLUDED.version`,
	"waiting_joined": `INSERT INTO {s}.waiting (centre_id, family_id, joined_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
	"waiting_left":   `UPDATE {s}.waiting SET left_at = $3 WHERE centre_id = $1 AND family_id = $2 AND left_at IS NULL AND joined_at <= $3`,
	"concern": `INSERT INTO {s}.concerns (concern_id, family_id, centre_id, category, raised_on) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (concern_id) DO NOTHING`,
	"concern_escalated": `UPDATE {s}.concerns SET escalated_on = $2 WHERE concern_id = $1`,
	"concern_closed":    `UPDATE {s}.concerns SET closed_on = $2 WHERE concern_id = $1`,
	"hold_placed": `INSERT INTO {s}.holds (hold_id, family_id, centre_id, reason, placed_on) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (hold_id) DO UPDATE SET reason = EXCLUDED.reason, placed_on = EXCLUDED.placed_on`,
	"hold_lifted": `INSERT INTO {s}.holds (hold_id, family_id, centre_id, lifted_on) VALUES ($1, $2, $3, $4)
		ON CONFLICT (hold_id) DO UPDATE SET lifted_on = EXCLUDED.lifted_on`,
	"report_due": `INSERT INTO {s}.reports (report_id, family_id, centre_id, session_on) VALUES ($1, $2, $3, $4)
		ON CONFLICT (report_id) DO UPDATE SET session_on = EXCLUDED.session_on`,
	"report_released": `INSERT INTO {s}.reports (report_id, family_id, centre_id, released_on) VALUES ($1, $2, $3, $4)
		ON CONFLICT (report_id) DO UPDATE SET released_on = EXCLUDED.released_on`,
}

// Stmt is one projection statement to run.
func (p *Projections) Stmt(sink Sink, name string, args ...any) {
	text, ok := p.sql[name]
	if !ok {
		panic("reporting: no projection statement " + name) // a programming error, caught by every test
	}
	sink(text, args...)
}

// SwapShared is the first statement of a live projection's transaction (see swapLock).
func SwapShared(sink Sink) { sink(`SELECT pg_advisory_xact_lock_shared($1)`, int64(swapLock)) }

// HistoryRow is one event as the history keeps it.
type HistoryRow struct {
	Service    string
	StreamID   string
	Version    int64
	EventID    uuid.UUID
	FamilyID   uuid.UUID
	CentreID   uuid.UUID
	Type       string
	RecordedAt time.Time
	Actor      string
	Envelope   []byte
	// Description is what the event means in plain words (app.Describe).
	Description string
}

// History records an event in the history.
func (p *Projections) History(sink Sink, r HistoryRow) {
	p.Stmt(sink, "history", r.Service, r.StreamID, r.Version, r.EventID, nullUUID(r.FamilyID), nullUUID(r.CentreID),
		r.Type, r.RecordedAt, r.Actor, r.Envelope, r.Description)
}

func nullUUID(id uuid.UUID) pgtype.UUID { return pgtype.UUID{Bytes: id, Valid: id != uuid.Nil} }

// Date is a calendar date for a date column; the zero time is NULL.
func Date(t time.Time) pgtype.Date { return pgtype.Date{Time: t, Valid: !t.IsZero()} }
