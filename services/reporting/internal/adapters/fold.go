package adapters

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// Fold is a rebuild's projections held in memory while the streams are replayed (decisions.md
// 67): each projection statement's effect (effects, beside its SQL in statements) is applied in
// stream order to rows kept by their primary keys, and the final rows are written once, with
// COPY, into the rebuild's empty tables (Load). The history's rows are not kept: they go to the
// database as they come (Rebuilds.CopyHistory). No envelope is held beyond the history's queue.
type Fold struct {
	p *Projections
	// history takes each history row, in stream order.
	history func(row []any) error
	// last is, per service and stream, the last version recorded in the history: a version not
	// above it is an event the stream carried twice, recorded once (the live ON CONFLICT DO
	// NOTHING).
	last map[string]map[string]int64
	err  error

	centres    map[uuid.UUID]*centreRow
	referrals  map[uuid.UUID]*referralRow
	sessions   map[uuid.UUID]*sessionRow
	attendance map[[2]uuid.UUID]*attendanceRow
	// sameChildren are the confirmations that two person ids are one child, by the two ids.
	sameChildren map[[2]uuid.UUID]sameChildRow
	// figureLinks are the links for the figures alone, by link id (decision 414).
	figureLinks map[uuid.UUID]*figureLinkRow
	rooms       map[uuid.UUID]*roomRow
	patterns    map[uuid.UUID]*patternRow
	waiting     map[[2]uuid.UUID][]*waitingRow // by (centre, family)
	concerns    map[uuid.UUID]*concernRow
	holds       map[uuid.UUID]*holdRow
	reports     map[uuid.UUID]*reportRow
	staff       map[[2]uuid.UUID][]*staffRow // by (centre, member)
}

// NewFold folds p's statements in memory; history takes each new history row (its values in
// historyColumns' order).
func NewFold(p *Projections, history func(row []any) error) *Fold {
	return &Fold{p: p, history: history, last: map[string]map[string]int64{},
		centres: map[uuid.UUID]*centreRow{}, referrals: map[uuid.UUID]*referralRow{}, sessions: map[uuid.UUID]*sessionRow{},
		attendance: map[[2]uuid.UUID]*attendanceRow{}, sameChildren: map[[2]uuid.UUID]sameChildRow{},
		figureLinks: map[uuid.UUID]*figureLinkRow{}, rooms: map[uuid.UUID]*roomRow{}, patterns: map[uuid.UUID]*patternRow{},
		waiting: map[[2]uuid.UUID][]*waitingRow{}, concerns: map[uuid.UUID]*concernRow{}, holds: map[uuid.UUID]*holdRow{},
		reports: map[uuid.UUID]*reportRow{}, staff: map[[2]uuid.UUID][]*staffRow{}}
}

// Sink applies statements to the fold.
func (f *Fold) Sink() Sink {
	return func(sql string, args ...any) {
		name, ok := f.p.names[sql]
		if !ok {
			panic("reporting: a fold takes projection statements only") // a programming error
		}
		if f.err == nil {
			effects[name](f, args)
		}
	}
}

// Err is the first error of the history's queue.
func (f *Fold) Err() error { return f.err }

// Rows is how many rows the fold holds, all tables but the history.
func (f *Fold) Rows() int {
	n := len(f.centres) + len(f.referrals) + len(f.sessions) + len(f.attendance) + len(f.sameChildren) + len(f.figureLinks) + len(f.rooms) + len(f.patterns) +
		len(f.concerns) + len(f.holds) + len(f.reports)
	for _, ws := range f.waiting {
		n += len(ws)
	}
	for _, ps := range f.staff {
		n += len(ps)
	}
	return n
}

type centreRow struct {
	name                string
	region              int32
	serviceTypes        []int32
	accreditationStatus int32
	accreditationDate   pgtype.Date
	version             int64
	updatedAt           time.Time
}

type referralRow struct {
	family, centre                       uuid.UUID
	source, requestedServiceType         int32
	courtInvolved, cafcassInvolved       bool
	receivedOn                           pgtype.Date
	receivedAt                           pgtype.Timestamptz
	serviceType                          int32
	acceptedOn, waitlistedOn, declinedOn pgtype.Date
	declineReason                        int32
	withdrawnOn, firstSessionOn, endedOn pgtype.Date
	outcome                              int32
}

type sessionRow struct {
	family, centre uuid.UUID
	room           pgtype.UUID
	date           pgtype.Date
	serviceType    int32
	state          string
}

type attendanceRow struct {
	family, centre uuid.UUID
	date           pgtype.Date
	serviceType    int32
	ageBand        int32
}

// sameChildRow is a confirmation's day and its two referrals: the child's, and the other child's.
type sameChildRow struct {
	on              pgtype.Date
	referral, other uuid.UUID
}

type figureLinkRow struct {
	child, other            uuid.UUID
	on, withdrawnOn         pgtype.Date
	referral, otherReferral uuid.UUID
}

type roomRow struct {
	centre     uuid.UUID
	capacity   int32
	supervised bool
}

type patternRow struct {
	centre  uuid.UUID
	pattern []byte
	version int64
}

type waitingRow struct {
	joinedAt time.Time
	leftAt   pgtype.Timestamptz
	// returned: the family is back on the list when an offer it did not answer lapses
	// (waiting_offered); voided (left when it joined) if anything happened before.
	returned bool
}

// leave closes the family's rows at at, as waiting_left and waiting_offered do: an open row
// joined by then is left at at; a return after a lapse still to come is voided.
func leave(ws []*waitingRow, at time.Time) {
	for _, w := range ws {
		switch {
		case w.leftAt.Valid:
		case !w.joinedAt.After(at):
			w.leftAt = pgtype.Timestamptz{Time: at, Valid: true}
		case w.returned:
			w.leftAt = pgtype.Timestamptz{Time: w.joinedAt, Valid: true}
		}
	}
}

type concernRow struct {
	family, centre                  uuid.UUID
	category                        int32
	raisedOn, escalatedOn, closedOn pgtype.Date
	// moved: raised about this family by mistake, and moved to the one it is about (decision 404).
	moved bool
}

type holdRow struct {
	family, centre     uuid.UUID
	reason             int32
	placedOn, liftedOn pgtype.Date
}

type reportRow struct {
	family, centre        uuid.UUID
	sessionOn, releasedOn pgtype.Date
}

// staffRow is one period of a member's membership of a centre's staff.
type staffRow struct {
	role             int32
	joinedOn, leftOn pgtype.Date
}

// The statements' arguments, as app.Project gives them.
func argUUID(a any) uuid.UUID   { return a.(uuid.UUID) }
func argDate(a any) pgtype.Date { return a.(pgtype.Date) }
func argInt(a any) int32        { return a.(int32) }
func argTime(a any) time.Time   { return a.(time.Time).Truncate(time.Microsecond) } // as a timestamptz keeps it
func argNullUUID(a any) pgtype.UUID {
	switch v := a.(type) {
	case nil:
		return pgtype.UUID{}
	case uuid.UUID:
		return pgtype.UUID{Bytes: v, Valid: true}
	}
	return a.(pgtype.UUID)
}

// referral is the referral's row, made with the INSERT's defaults when it has none.
func (f *Fold) referral(a []any) *referralRow {
	id := argUUID(a[0])
	r := f.referrals[id]
	if r == nil {
		r = &referralRow{family: argUUID(a[1]), centre: argUUID(a[2])}
		f.referrals[id] = r
	}
	return r
}

func (f *Fold) hold(a []any) *holdRow {
	id := argUUID(a[0])
	h := f.holds[id]
	if h == nil {
		h = &holdRow{family: argUUID(a[1]), centre: argUUID(a[2])}
		f.holds[id] = h
	}
	return h
}

func (f *Fold) report(a []any) *reportRow {
	id := argUUID(a[0])
	r := f.reports[id]
	if r == nil {
		r = &reportRow{family: argUUID(a[1]), centre: argUUID(a[2])}
		f.reports[id] = r
	}
	return r
}

func (f *Fold) session(a []any, state string) {
	id := argUUID(a[0])
	if s := f.sessions[id]; s != nil {
		s.state = state
		return
	}
	f.sessions[id] = &sessionRow{family: argUUID(a[1]), centre: argUUID(a[2]), room: argNullUUID(a[3]), date: argDate(a[4]),
		serviceType: argInt(a[5]), state: state}
}

// effects are the statements' effects on a fold, by name: each does to the fold's rows what its
// SQL in statements does to the tables (an upsert sets the columns its DO UPDATE sets, a DO
// NOTHING keeps the first row, an UPDATE changes only a row that exists). TestRebuildEqualsLive
// holds the two to the same rows.
var effects = map[string]func(f *Fold, a []any){
	"history": func(f *Fold, a []any) {
		service, stream, version := a[0].(string), a[1].(string), a[2].(int64)
		seen := f.last[service]
		if seen == nil {
			seen = map[string]int64{}
			f.last[service] = seen
		}
		if last, ok := seen[stream]; ok && version <= last {
			return
		}
		seen[stream] = version
		f.err = f.history(a)
	},
	"centre": func(f *Fold, a []any) {
		id, version := argUUID(a[0]), a[6].(int64)
		if c := f.centres[id]; c != nil && c.version >= version {
			return
		}
		f.centres[id] = &centreRow{name: a[1].(string), region: argInt(a[2]), serviceTypes: a[3].([]int32), accreditationStatus: argInt(a[4]),
			accreditationDate: argDate(a[5]), version: version, updatedAt: argTime(a[7])}
	},
	"referral": func(f *Fold, a []any) {
		r := f.referral(a)
		r.source, r.requestedServiceType, r.courtInvolved, r.cafcassInvolved = argInt(a[3]), argInt(a[4]), a[5].(bool), a[6].(bool)
		r.receivedOn, r.receivedAt = argDate(a[7]), pgtype.Timestamptz{Time: argTime(a[8]), Valid: true}
	},
	"involvement": func(f *Fold, a []any) {
		if r := f.referrals[argUUID(a[0])]; r != nil {
			r.courtInvolved, r.cafcassInvolved = a[1].(bool), a[2].(bool)
		}
	},
	"decision_undone": func(f *Fold, a []any) {
		if r := f.referrals[argUUID(a[0])]; r != nil {
			r.acceptedOn, r.waitlistedOn = pgtype.Date{}, pgtype.Date{}
		}
	},
	"accepted": func(f *Fold, a []any) {
		r := f.referral(a)
		r.acceptedOn, r.serviceType = argDate(a[3]), argInt(a[4])
	},
	"waitlisted": func(f *Fold, a []any) { f.referral(a).waitlistedOn = argDate(a[3]) },
	"declined": func(f *Fold, a []any) {
		r := f.referral(a)
		r.declinedOn, r.declineReason = argDate(a[3]), argInt(a[4])
	},
	"withdrawn":     func(f *Fold, a []any) { f.referral(a).withdrawnOn = argDate(a[3]) },
	"first_session": func(f *Fold, a []any) { f.referral(a).firstSessionOn = argDate(a[3]) },
	"ended": func(f *Fold, a []any) {
		r := f.referral(a)
		r.endedOn, r.outcome = argDate(a[3]), argInt(a[4])
	},
	"ending_corrected": func(f *Fold, a []any) { f.referral(a).outcome = argInt(a[3]) },
	"reopened": func(f *Fold, a []any) {
		r := f.referral(a)
		r.endedOn, r.outcome = pgtype.Date{}, 0
	},
	"booked": func(f *Fold, a []any) {
		if _, ok := f.sessions[argUUID(a[0])]; !ok {
			f.session(a, "booked")
		}
	},
	"session_state": func(f *Fold, a []any) { f.session(a, a[6].(string)) },
	"attended": func(f *Fold, a []any) {
		key := [2]uuid.UUID{argUUID(a[0]), argUUID(a[1])}
		if _, ok := f.attendance[key]; !ok {
			f.attendance[key] = &attendanceRow{family: argUUID(a[2]), centre: argUUID(a[3]), date: argDate(a[4]),
				serviceType: argInt(a[5]), ageBand: argInt(a[6])}
		}
	},
	"same_child": func(f *Fold, a []any) {
		key := [2]uuid.UUID{argUUID(a[0]), argUUID(a[1])}
		if _, ok := f.sameChildren[key]; !ok {
			f.sameChildren[key] = sameChildRow{on: argDate(a[2]), referral: argUUID(a[3]), other: argUUID(a[4])}
		}
	},
	"figure_link": func(f *Fold, a []any) {
		if id := argUUID(a[0]); f.figureLinks[id] == nil {
			f.figureLinks[id] = &figureLinkRow{child: argUUID(a[1]), other: argUUID(a[2]), on: argDate(a[3]),
				referral: argUUID(a[4]), otherReferral: argUUID(a[5])}
		}
	},
	"figure_unlinked": func(f *Fold, a []any) {
		if l := f.figureLinks[argUUID(a[0])]; l != nil {
			l.withdrawnOn = argDate(a[1])
		}
	},
	"room": func(f *Fold, a []any) {
		id := argUUID(a[0])
		if r := f.rooms[id]; r != nil {
			r.capacity, r.supervised = argInt(a[2]), a[3].(bool)
			return
		}
		f.rooms[id] = &roomRow{centre: argUUID(a[1]), capacity: argInt(a[2]), supervised: a[3].(bool)}
	},
	"pattern": func(f *Fold, a []any) {
		id, version := argUUID(a[0]), a[3].(int64)
		if p := f.patterns[id]; p != nil {
			if p.version < version {
				p.pattern, p.version = a[2].([]byte), version
			}
			return
		}
		f.patterns[id] = &patternRow{centre: argUUID(a[1]), pattern: a[2].([]byte), version: version}
	},
	"waiting_joined": func(f *Fold, a []any) {
		key, at := [2]uuid.UUID{argUUID(a[0]), argUUID(a[1])}, argTime(a[2])
		var returns []*waitingRow
		for _, w := range f.waiting[key] {
			if w.returned {
				returns = append(returns, w)
			}
		}
		leave(returns, at)
		for _, w := range f.waiting[key] {
			if w.joinedAt.Equal(at) {
				return
			}
		}
		f.waiting[key] = append(f.waiting[key], &waitingRow{joinedAt: at})
	},
	"waiting_left": func(f *Fold, a []any) {
		leave(f.waiting[[2]uuid.UUID{argUUID(a[0]), argUUID(a[1])}], argTime(a[2]))
	},
	"waiting_offered": func(f *Fold, a []any) {
		key := [2]uuid.UUID{argUUID(a[0]), argUUID(a[1])}
		leave(f.waiting[key], argTime(a[2]))
		if a[3] == nil {
			return
		}
		lapses := argTime(a[3])
		for _, w := range f.waiting[key] {
			if w.joinedAt.Equal(lapses) {
				return
			}
		}
		f.waiting[key] = append(f.waiting[key], &waitingRow{joinedAt: lapses, returned: true})
	},
	"concern": func(f *Fold, a []any) {
		id := argUUID(a[0])
		if _, ok := f.concerns[id]; !ok {
			f.concerns[id] = &concernRow{family: argUUID(a[1]), centre: argUUID(a[2]), category: argInt(a[3]), raisedOn: argDate(a[4])}
		}
	},
	"concern_escalated": func(f *Fold, a []any) {
		if c := f.concerns[argUUID(a[0])]; c != nil {
			c.escalatedOn = argDate(a[1])
		}
	},
	"concern_closed": func(f *Fold, a []any) {
		if c := f.concerns[argUUID(a[0])]; c != nil {
			c.closedOn = argDate(a[1])
		}
	},
	"concern_moved": func(f *Fold, a []any) {
		if c := f.concerns[argUUID(a[0])]; c != nil {
			c.moved = true
		}
	},
	"hold_placed": func(f *Fold, a []any) {
		h := f.hold(a)
		h.reason, h.placedOn = argInt(a[3]), argDate(a[4])
	},
	"hold_lifted":     func(f *Fold, a []any) { f.hold(a).liftedOn = argDate(a[3]) },
	"report_due":      func(f *Fold, a []any) { f.report(a).sessionOn = argDate(a[3]) },
	"report_released": func(f *Fold, a []any) { f.report(a).releasedOn = argDate(a[3]) },
	"staff_added": func(f *Fold, a []any) {
		key, joined := [2]uuid.UUID{argUUID(a[0]), argUUID(a[1])}, argDate(a[3])
		for _, p := range f.staff[key] {
			if p.joinedOn.Valid == joined.Valid && p.joinedOn.Time.Equal(joined.Time) {
				return
			}
		}
		f.staff[key] = append(f.staff[key], &staffRow{role: argInt(a[2]), joinedOn: joined})
	},
	"staff_left": func(f *Fold, a []any) {
		left := argDate(a[2])
		if !left.Valid {
			return // joined_on <= NULL holds for no row
		}
		if latest := f.latestPeriod(a, left); latest != nil {
			latest.leftOn = left
		}
	},
	"staff_stays": func(f *Fold, a []any) {
		if latest := f.latestPeriod(a, pgtype.Date{}); latest != nil {
			latest.leftOn = pgtype.Date{}
		}
	},
}

// latestPeriod is the latest period of a (centre, member), a's first two arguments, that began by
// until (any, when until is not valid), as the staff statements pick it.
func (f *Fold) latestPeriod(a []any, until pgtype.Date) *staffRow {
	var latest *staffRow
	for _, p := range f.staff[[2]uuid.UUID{argUUID(a[0]), argUUID(a[1])}] {
		if p.joinedOn.Valid && (!until.Valid || !p.joinedOn.Time.After(until.Time)) &&
			(latest == nil || p.joinedOn.Time.After(latest.joinedOn.Time)) {
			latest = p
		}
	}
	return latest
}

func init() {
	for name := range statements {
		if effects[name] == nil {
			panic("reporting: projection statement " + name + " has no effect on a fold") // a programming error, caught by every test
		}
	}
}

// historyColumns are the history's columns in the order of the "history" statement's arguments.
var historyColumns = []string{"service", "stream_id", "version", "event_id", "family_id", "centre_id", "event_type",
	"recorded_at", "actor", "envelope", "description", "actor_role", "occurred_on"}

// table is one table's rows for COPY.
type table struct {
	name    string
	columns []string
	rows    [][]any
}

// tables are the fold's rows, table by table.
func (f *Fold) tables() []table {
	var ts []table
	add := func(name string, columns []string, n int, each func(yield func(row ...any))) {
		t := table{name: name, columns: columns, rows: make([][]any, 0, n)}
		each(func(row ...any) { t.rows = append(t.rows, row) })
		if len(t.rows) > 0 {
			ts = append(ts, t)
		}
	}
	add("centres", []string{"centre_id", "name", "region", "service_types", "accreditation_status", "accreditation_date", "version", "updated_at"},
		len(f.centres), func(yield func(...any)) {
			for id, c := range f.centres {
				yield(id, c.name, c.region, c.serviceTypes, c.accreditationStatus, c.accreditationDate, c.version, c.updatedAt)
			}
		})
	add("referrals", []string{"referral_id", "family_id", "centre_id", "source", "requested_service_type", "court_involved", "cafcass_involved",
		"received_on", "received_at", "service_type", "accepted_on", "waitlisted_on", "declined_on", "decline_reason", "withdrawn_on",
		"first_session_on", "ended_on", "outcome"}, len(f.referrals), func(yield func(...any)) {
		for id, r := range f.referrals {
			yield(id, r.family, r.centre, r.source, r.requestedServiceType, r.courtInvolved, r.cafcassInvolved, r.receivedOn, r.receivedAt,
				r.serviceType, r.acceptedOn, r.waitlistedOn, r.declinedOn, r.declineReason, r.withdrawnOn, r.firstSessionOn, r.endedOn, r.outcome)
		}
	})
	add("sessions", []string{"booking_id", "family_id", "centre_id", "room_id", "session_date", "service_type", "state"},
		len(f.sessions), func(yield func(...any)) {
			for id, s := range f.sessions {
				yield(id, s.family, s.centre, s.room, s.date, s.serviceType, s.state)
			}
		})
	add("attendance", []string{"booking_id", "child_id", "family_id", "centre_id", "session_date", "service_type", "age_band"},
		len(f.attendance), func(yield func(...any)) {
			for k, r := range f.attendance {
				yield(k[0], k[1], r.family, r.centre, r.date, r.serviceType, r.ageBand)
			}
		})
	add("same_children", []string{"child_id", "other_child_id", "confirmed_on", "referral_id", "other_referral_id"}, len(f.sameChildren),
		func(yield func(...any)) {
			for k, r := range f.sameChildren {
				yield(k[0], k[1], r.on, r.referral, r.other)
			}
		})
	add("figure_links", []string{"link_id", "child_id", "other_child_id", "matched_on", "referral_id", "other_referral_id", "withdrawn_on"},
		len(f.figureLinks), func(yield func(...any)) {
			for id, l := range f.figureLinks {
				yield(id, l.child, l.other, l.on, l.referral, l.otherReferral, l.withdrawnOn)
			}
		})
	add("rooms", []string{"room_id", "centre_id", "capacity", "supervised_suitable"}, len(f.rooms), func(yield func(...any)) {
		for id, r := range f.rooms {
			yield(id, r.centre, r.capacity, r.supervised)
		}
	})
	add("patterns", []string{"pattern_id", "centre_id", "pattern", "version"}, len(f.patterns), func(yield func(...any)) {
		for id, p := range f.patterns {
			yield(id, p.centre, p.pattern, p.version)
		}
	})
	add("waiting", []string{"centre_id", "family_id", "joined_at", "left_at", "returned"}, len(f.waiting), func(yield func(...any)) {
		for k, ws := range f.waiting {
			for _, w := range ws {
				yield(k[0], k[1], w.joinedAt, w.leftAt, w.returned)
			}
		}
	})
	add("concerns", []string{"concern_id", "family_id", "centre_id", "category", "raised_on", "escalated_on", "closed_on", "moved"},
		len(f.concerns), func(yield func(...any)) {
			for id, c := range f.concerns {
				yield(id, c.family, c.centre, c.category, c.raisedOn, c.escalatedOn, c.closedOn, c.moved)
			}
		})
	add("holds", []string{"hold_id", "family_id", "centre_id", "reason", "placed_on", "lifted_on"}, len(f.holds), func(yield func(...any)) {
		for id, h := range f.holds {
			yield(id, h.family, h.centre, h.reason, h.placedOn, h.liftedOn)
		}
	})
	add("reports", []string{"report_id", "family_id", "centre_id", "session_on", "released_on"}, len(f.reports), func(yield func(...any)) {
		for id, r := range f.reports {
			yield(id, r.family, r.centre, r.sessionOn, r.releasedOn)
		}
	})
	add("staff", []string{"centre_id", "member_id", "role", "joined_on", "left_on"}, len(f.staff), func(yield func(...any)) {
		for k, ps := range f.staff {
			for _, p := range ps {
				yield(k[0], k[1], p.role, p.joinedOn, p.leftOn)
			}
		}
	})
	return ts
}

// Load writes a fold's rows (every table but the history) into its schema's empty tables with
// COPY, in one transaction, and empties the fold.
func (r *Rebuilds) Load(ctx context.Context, f *Fold) error {
	err := pgx.BeginFunc(ctx, r.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL synchronous_commit = off`); err != nil {
			return err
		}
		for _, t := range f.tables() {
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{f.p.Schema(), t.name}, t.columns, pgx.CopyFromRows(t.rows)); err != nil {
				return fmt.Errorf("%s: %w", t.name, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("rebuild: load: %w", err)
	}
	*f = Fold{p: f.p}
	return nil
}

// HistoryCopy writes a rebuild's history rows with one COPY as they are given (Put), beside the
// replay: PostgreSQL writes while the reader decodes.
type HistoryCopy struct {
	rows   chan [][]any
	closed bool
	chunk  [][]any
	stop   chan struct{} // closed when the COPY has ended, well or not
	err    error         // how it ended, once stop is closed
	done   chan error
	abort  atomic.Bool // the rebuild failed: the COPY ends with errAbandoned
}

// historyChunk is how many rows go to the COPY at once.
const historyChunk = 256

// CopyHistory starts the COPY into schema's history_events. Put adds rows; Close ends it and
// returns how it went.
func (r *Rebuilds) CopyHistory(ctx context.Context, schema string) *HistoryCopy {
	h := &HistoryCopy{rows: make(chan [][]any, 8), stop: make(chan struct{}), done: make(chan error, 1),
		chunk: make([][]any, 0, historyChunk)}
	go func() {
		err := pgx.BeginFunc(ctx, r.pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SET LOCAL synchronous_commit = off`); err != nil {
				return err
			}
			_, err := tx.CopyFrom(ctx, pgx.Identifier{schema, "history_events"}, historyColumns, &chunks{h: h, rows: h.rows})
			return err
		})
		if err != nil {
			err = fmt.Errorf("rebuild: history: %w", err)
		}
		h.err = err
		close(h.stop)
		h.done <- err
	}()
	return h
}

// errAbandoned ends the COPY of a rebuild that failed.
var errAbandoned = errors.New("rebuild abandoned")

// Put queues one history row (its values in historyColumns' order).
func (h *HistoryCopy) Put(row []any) error {
	h.chunk = append(h.chunk, row)
	if len(h.chunk) < historyChunk {
		return nil
	}
	return h.send()
}

func (h *HistoryCopy) send() error {
	if len(h.chunk) == 0 {
		return nil
	}
	select {
	case h.rows <- h.chunk:
		h.chunk = make([][]any, 0, historyChunk)
		return nil
	case <-h.stop:
		return cmp.Or(h.err, errors.New("rebuild: history: the COPY ended early"))
	}
}

// Close ends the COPY and commits it; with failed set it abandons it instead.
func (h *HistoryCopy) Close(failed bool) error {
	if h.closed {
		return nil
	}
	h.closed = true
	if failed {
		h.abort.Store(true)
	} else {
		_ = h.send()
	}
	close(h.rows)
	return <-h.done
}

// chunks is a HistoryCopy's rows as pgx's CopyFromSource.
type chunks struct {
	h     *HistoryCopy
	rows  <-chan [][]any
	chunk [][]any
	i     int
}

func (c *chunks) Next() bool {
	c.i++
	for c.i >= len(c.chunk) {
		chunk, ok := <-c.rows
		if !ok || c.h.abort.Load() {
			return false
		}
		c.chunk, c.i = chunk, 0
	}
	return true
}

func (c *chunks) Values() ([]any, error) { return c.chunk[c.i], nil }

func (c *chunks) Err() error {
	if c.h.abort.Load() {
		return errAbandoned
	}
	return nil
}
