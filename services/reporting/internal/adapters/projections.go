package adapters

import (
	"fmt"
	"regexp"
	"strconv"
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
	names  map[string]string // statement text to name
	// sets are statements' set-wise forms, by name (setwise), for a rebuild.
	sets map[string]string
}

// swapLock is the advisory lock a live projection holds shared for its transaction and a swap
// holds exclusively: a swap never interleaves with a live write (decisions.md 61).
const swapLock = 7_368_261_100

// NewProjections writes into schema.
func NewProjections(schema string) *Projections {
	p := &Projections{schema: schema, sql: map[string]string{}, names: map[string]string{}}
	for name, text := range statements {
		if _, ok := shapes[name]; !ok {
			panic("reporting: projection statement " + name + " has no shape") // a programming error, caught by every test
		}
		p.sql[name] = strings.ReplaceAll(text, "{s}", pgIdent(schema))
		p.names[p.sql[name]] = name
	}
	return p
}

// Schema is the schema written.
func (p *Projections) Schema() string { return p.schema }

func pgIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

var statements = map[string]string{
	"history": `INSERT INTO {s}.history_events (service, stream_id, version, event_id, family_id, centre_id, event_type, recorded_at, actor, envelope, description, actor_role, occurred_on)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT DO NOTHING`,
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
	"involvement":     `UPDATE {s}.referrals SET court_involved = $2, cafcass_involved = $3 WHERE referral_id = $1`,
	"decision_undone": `UPDATE {s}.referrals SET accepted_on = NULL, waitlisted_on = NULL WHERE referral_id = $1`,
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
	// A correction of the ending's outcome (CaseEndingCorrected): the ending's day stays, so the
	// case counts in the period it ended, by the outcome as corrected.
	"ending_corrected": `INSERT INTO {s}.referrals (referral_id, family_id, centre_id, outcome) VALUES ($1, $2, $3, $4)
		ON CONFLICT (referral_id) DO UPDATE SET outcome = EXCLUDED.outcome`,
	// A case ended by mistake, reopened (CaseReopened): no longer ended.
	"reopened": `INSERT INTO {s}.referrals (referral_id, family_id, centre_id) VALUES ($1, $2, $3)
		ON CONFLICT (referral_id) DO UPDATE SET ended_on = NULL, outcome = 0`,
	"booked": `INSERT INTO {s}.sessions (booking_id, family_id, centre_id, room_id, session_date, service_type, state)
		VALUES ($1, $2, $3, $4, $5, $6, 'booked') ON CONFLICT (booking_id) DO NOTHING`,
	// A booking's end state; the booking's row may come first from here if SessionBooked is older
	// than reporting (it never is from the stream's start, but a state is never lost either way).
	"session_state": `INSERT INTO {s}.sessions (booking_id, family_id, centre_id, room_id, session_date, service_type, state)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (booking_id) DO UPDATE SET state = EXCLUDED.state`,
	"attended": `INSERT INTO {s}.attendance (booking_id, child_id, family_id, centre_id, session_date, service_type, age_band)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
	// A person confirmed that two person ids are one child (referral's SameChildConfirmed,
	// decision 260): the figures count the linked ids once (app.canonicalChildren).
	// With the two referrals, by which the other referral's family's history finds it (decision 349).
	"same_child": `INSERT INTO {s}.same_children (child_id, other_child_id, confirmed_on, referral_id, other_referral_id)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
	// A link for the figures alone (referral's ChildMatchedForFigures, decision 411), by its own
	// id, and its withdrawal (ChildUnmatchedForFigures, decision 413), which names the link only:
	// the figures count a link that stands as a confirmation (decision 414).
	"figure_link": `INSERT INTO {s}.figure_links (link_id, child_id, other_child_id, matched_on, referral_id, other_referral_id)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
	"figure_unlinked": `UPDATE {s}.figure_links SET withdrawn_on = $2 WHERE link_id = $1`,
	"room": `INSERT INTO {s}.rooms (room_id, centre_id, capacity, supervised_suitable) VALUES ($1, $2, $3, $4)
		ON CONFLICT (room_id) DO UPDATE SET capacity = EXCLUDED.capacity, supervised_suitable = EXCLUDED.supervised_suitable`,
	"pattern": `INSERT INTO {s}.patterns (pattern_id, centre_id, pattern, version) VALUES ($1, $2, $3, $4)
		ON CONFLICT (pattern_id) DO UPDATE SET pattern = EXCLUDED.pattern, version = EXCLUDED.version
		WHERE patterns.version < EXCLUDED.version`,
	// A family's waits at a centre. A row returned is the family back on the list when an offer
	// it did not answer lapses (waiting_offered, decisions.md 186): it waits again from the lapse,
	// unless it joined, left or was offered again before, which voids the return (left when it
	// joined: a wait of no time). A join closes a return that has come.
	"waiting_joined": `WITH returns AS (UPDATE {s}.waiting SET left_at = greatest(joined_at, $3)
			WHERE centre_id = $1 AND family_id = $2 AND returned AND left_at IS NULL)
		INSERT INTO {s}.waiting (centre_id, family_id, joined_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
	"waiting_left": `UPDATE {s}.waiting SET left_at = greatest(joined_at, $3)
		WHERE centre_id = $1 AND family_id = $2 AND left_at IS NULL AND (joined_at <= $3 OR returned)`,
	"waiting_offered": `WITH offered AS (UPDATE {s}.waiting SET left_at = greatest(joined_at, $3)
			WHERE centre_id = $1 AND family_id = $2 AND left_at IS NULL AND (joined_at <= $3 OR returned))
		INSERT INTO {s}.waiting (centre_id, family_id, joined_at, returned)
		SELECT $1::uuid, $2::uuid, $4::timestamptz, true WHERE $4::timestamptz IS NOT NULL ON CONFLICT DO NOTHING`,
	"concern": `INSERT INTO {s}.concerns (concern_id, family_id, centre_id, category, raised_on) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (concern_id) DO NOTHING`,
	"concern_escalated": `UPDATE {s}.concerns SET escalated_on = $2 WHERE concern_id = $1`,
	"concern_closed":    `UPDATE {s}.concerns SET closed_on = $2 WHERE concern_id = $1`,
	"concern_moved":     `UPDATE {s}.concerns SET moved = true WHERE concern_id = $1`,
	"hold_placed": `INSERT INTO {s}.holds (hold_id, family_id, centre_id, reason, placed_on) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (hold_id) DO UPDATE SET reason = EXCLUDED.reason, placed_on = EXCLUDED.placed_on`,
	"hold_lifted": `INSERT INTO {s}.holds (hold_id, family_id, centre_id, lifted_on) VALUES ($1, $2, $3, $4)
		ON CONFLICT (hold_id) DO UPDATE SET lifted_on = EXCLUDED.lifted_on`,
	"report_due": `INSERT INTO {s}.reports (report_id, family_id, centre_id, session_on) VALUES ($1, $2, $3, $4)
		ON CONFLICT (report_id) DO UPDATE SET session_on = EXCLUDED.session_on`,
	"report_released": `INSERT INTO {s}.reports (report_id, family_id, centre_id, released_on) VALUES ($1, $2, $3, $4)
		ON CONFLICT (report_id) DO UPDATE SET released_on = EXCLUDED.released_on`,
	// A period of membership of a centre's staff is keyed by the day it began: a member who left
	// may join again only from a day after their last (decisions.md 82), as a new row.
	"staff_added": `INSERT INTO {s}.staff (centre_id, member_id, role, joined_on) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
	// Sets the last day of the latest period that began by it, never a later one: a leaving
	// replayed after the member joined again leaves the new period open. A last day recorded
	// ahead may be recorded again, earlier or later, before it passes (decision 120).
	"staff_left": `UPDATE {s}.staff SET left_on = $3 WHERE centre_id = $1 AND member_id = $2
		AND joined_on = (SELECT max(joined_on) FROM {s}.staff WHERE centre_id = $1 AND member_id = $2 AND joined_on <= $3)`,
	// A last day recorded ahead, withdrawn before it passed (decision 123): the latest period is
	// open again.
	"staff_stays": `UPDATE {s}.staff SET left_on = NULL WHERE centre_id = $1 AND member_id = $2
		AND joined_on = (SELECT max(joined_on) FROM {s}.staff WHERE centre_id = $1 AND member_id = $2)`,
}

// shape is what a statement writes: one table, and there only the rows of its key, its first
// `key` arguments. A rebuild's batch relies on it (Batch.plan): statements of different tables,
// or of one table on different keys, give the same result in any order.
type shape struct {
	table string
	key   int
}

var shapes = map[string]shape{
	"history":  {"history_events", 3},
	"centre":   {"centres", 1},
	"referral": {"referrals", 1}, "involvement": {"referrals", 1}, "decision_undone": {"referrals", 1}, "accepted": {"referrals", 1},
	"waitlisted": {"referrals", 1},
	"declined":   {"referrals", 1}, "withdrawn": {"referrals", 1}, "first_session": {"referrals", 1}, "ended": {"referrals", 1},
	"ending_corrected": {"referrals", 1}, "reopened": {"referrals", 1},
	"booked": {"sessions", 1}, "session_state": {"sessions", 1},
	"attended":    {"attendance", 2},
	"same_child":  {"same_children", 2},
	"figure_link": {"figure_links", 1}, "figure_unlinked": {"figure_links", 1},
	"room":    {"rooms", 1},
	"pattern": {"patterns", 1},
	// waiting_left closes the open row of a (centre, family), whatever its joined_at.
	"waiting_joined": {"waiting", 2}, "waiting_left": {"waiting", 2}, "waiting_offered": {"waiting", 2},
	"concern": {"concerns", 1}, "concern_escalated": {"concerns", 1}, "concern_closed": {"concerns", 1}, "concern_moved": {"concerns", 1},
	"hold_placed": {"holds", 1}, "hold_lifted": {"holds", 1},
	"report_due": {"reports", 1}, "report_released": {"reports", 1},
	// staff_left closes the open row of a (centre, member), whatever its joined_on.
	"staff_added": {"staff", 2}, "staff_left": {"staff", 2}, "staff_stays": {"staff", 2},
}

// keyOf is the statement's key as a map key.
func keyOf(q queued) string {
	var b strings.Builder
	for _, a := range q.args[:shapes[q.name].key] {
		switch v := a.(type) {
		case uuid.UUID:
			b.Write(v[:])
		case pgtype.UUID:
			b.Write(v.Bytes[:])
		case string:
			b.WriteString(v)
		case int64:
			b.WriteString(strconv.FormatInt(v, 10))
		default:
			fmt.Fprint(&b, v)
		}
		b.WriteByte(0)
	}
	return b.String()
}

// insertOne is an INSERT of one row of values: its table, columns and row.
var insertOne = regexp.MustCompile(`^(INSERT INTO \S+) \(([^)]*)\)\s+VALUES \(([^)]*)\)`)

var param = regexp.MustCompile(`\$(\d+)`)

// setwise derives each INSERT's set-wise form, which inserts many rows from one array per
// parameter: INSERT INTO t (a, b, c) SELECT u.p1, u.p2, 'x' FROM unnest($1::uuid[], $2::date[])
// AS u(p1, p2) ON CONFLICT ..., with the same conflict clause. types are the schema's column
// types by table and column. A statement with a parameter outside its row, or of an array type,
// has none.
func (p *Projections) setwise(types map[string]map[string]string) {
	p.sets = map[string]string{}
	for name, text := range p.sql {
		m := insertOne.FindStringSubmatchIndex(text)
		if m == nil {
			continue
		}
		cols := strings.Split(text[m[4]:m[5]], ", ")
		row := strings.Split(text[m[6]:m[7]], ", ")
		if len(cols) != len(row) || len(param.FindAllString(text, -1)) != len(param.FindAllString(text[m[6]:m[7]], -1)) {
			continue
		}
		colTypes := types[shapes[name].table]
		var selects, arrays, names []string
		ok := true
		for i, v := range row {
			if !param.MatchString(v) {
				selects = append(selects, v)
				continue
			}
			if v != "$"+strconv.Itoa(len(arrays)+1) {
				ok = false
				break
			}
			t := colTypes[strings.TrimSpace(cols[i])]
			if t == "" || strings.HasSuffix(t, "[]") {
				ok = false
				break
			}
			n := "p" + strconv.Itoa(len(arrays)+1)
			selects = append(selects, "u."+n)
			arrays = append(arrays, v+"::"+t+"[]")
			names = append(names, n)
		}
		if !ok {
			continue
		}
		p.sets[name] = text[:m[5]+1] + " SELECT " + strings.Join(selects, ", ") + " FROM unnest(" + strings.Join(arrays, ", ") +
			") AS u(" + strings.Join(names, ", ") + ")" + text[m[1]:]
	}
}

// Stmt is one projection statement to run.
func (p *Projections) Stmt(sink Sink, name string, args ...any) {
	text, ok := p.sql[name]
	if !ok {
		panic("reporting: no projection statement " + name) // a programming error, caught by every test
	}
	sink(text, args...)
}

// Written is the table and the key of the row a statement of p writes, by the text and the
// arguments p.Stmt gave a sink, for a table keyed by one id; ok is false for any other statement.
func (p *Projections) Written(sql string, args []any) (table string, id uuid.UUID, ok bool) {
	sh, known := shapes[p.names[sql]]
	if !known || sh.key != 1 || len(args) == 0 {
		return "", uuid.Nil, false
	}
	id, ok = args[0].(uuid.UUID)
	return sh.table, id, ok
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
	// ActorRole is the role the actor acted in; empty for a service, or an event recorded
	// before roles were.
	ActorRole string
	// OccurredOn is the day the step took place, where its event says it (app.Describe's
	// occurred); the zero time for none.
	OccurredOn time.Time
}

// History records an event in the history.
func (p *Projections) History(sink Sink, r HistoryRow) {
	p.Stmt(sink, "history", r.Service, r.StreamID, r.Version, r.EventID, nullUUID(r.FamilyID), nullUUID(r.CentreID),
		r.Type, r.RecordedAt, r.Actor, r.Envelope, r.Description, nullText(r.ActorRole), Date(r.OccurredOn))
}

func nullText(s string) pgtype.Text { return pgtype.Text{String: s, Valid: s != ""} }

func nullUUID(id uuid.UUID) pgtype.UUID { return pgtype.UUID{Bytes: id, Valid: id != uuid.Nil} }

// Date is a calendar date for a date column; the zero time is NULL.
func Date(t time.Time) pgtype.Date { return pgtype.Date{Time: t, Valid: !t.IsZero()} }
