package adapters

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
)

// History reads the families' histories.
type History struct{ pool *pgxpool.Pool }

// NewHistory reads from reporting's database.
func NewHistory(pool *pgxpool.Pool) *History { return &History{pool: pool} }

// ErrNoFamily is a family reporting has no referral for, at the centre asked about.
var ErrNoFamily = errors.New("no such family at this centre")

// CentreOf is the centre a family was referred to (decisions.md 35: one referral per family).
func (h *History) CentreOf(ctx context.Context, family uuid.UUID) (uuid.UUID, error) {
	var centre uuid.UUID
	err := h.pool.QueryRow(ctx, `SELECT centre_id FROM reporting.referrals WHERE family_id = $1 LIMIT 1`, family).Scan(&centre)
	if errors.Is(err, pgx.ErrNoRows) {
		return uuid.Nil, ErrNoFamily
	}
	if err != nil {
		return uuid.Nil, fmt.Errorf("family's centre: %w", err)
	}
	return centre, nil
}

// Step is one step of a family's history as the history shows it: every field but Service and
// Description is its event's own, read from the envelope kept (never from the columns beside it,
// which only find the family's rows and order them).
type Step struct {
	RecordedAt time.Time
	// Service is the service whose event it is: the one its type's package names
	// (ServiceOfType), or, for a type named otherwise, the service it was consumed from.
	Service string
	// Description is the event in plain words, written when it was projected (app.Describe);
	// VerifyFamilyHistory checks it against the event.
	Description string
	Centre      uuid.UUID
	Actor       string
	// ActorRole is the role the actor acted in; empty for a service reacting to an event, or an
	// event recorded before roles were.
	ActorRole string
	Type      string
	Stream    string
	Version   int64
	EventID   uuid.UUID
	// OccurredOn is the day the step took place (the centre's local date, as a domain date),
	// where its event says it: written when it was projected, with Description, and checked with
	// it; the zero time for a step whose event says none (decision 286).
	OccurredOn time.Time
	// Undescribed is an event projected before descriptions were kept (migration 0003), or one
	// whose description migration 0012 cleared to be written again with its day: its Description
	// is empty and Envelope holds its envelope, to describe it from.
	Undescribed bool
	Envelope    []byte
}

// historyOrder is the order of a family's history: as recorded, ties by service, stream and
// version. The index on (family_id, recorded_at, service, stream_id, version) gives it.
const historyOrder = `ORDER BY recorded_at, service, stream_id, version`

// before is the history's order of two steps.
func before(a, b *Step) bool {
	if !a.RecordedAt.Equal(b.RecordedAt) {
		return a.RecordedAt.Before(b.RecordedAt)
	}
	if a.Service != b.Service {
		return a.Service < b.Service
	}
	if a.Stream != b.Stream {
		return a.Stream < b.Stream
	}
	return a.Version < b.Version
}

// Family is the centre the family was referred to (ErrNoFamily if none) and its events
// recorded at or before asOf, in the order they were recorded (ties by service, stream and
// version), as the history shows them. Both are asked in one round trip.
//
// What a step shows is its envelope's, not the columns beside it (review 18): the rows are found
// by their family_id column, and a row whose envelope is not of the family is left out; the
// moment as of which the history stands, and its order, are the envelopes' recorded_at, so a
// changed recorded_at column neither hides a step nor moves it. The envelopes' fields are read
// where they lie in the row's bytes (ReadShown), without decoding the payload.
func (h *History) Family(ctx context.Context, family uuid.UUID, asOf time.Time) (uuid.UUID, []Step, error) {
	var b pgx.Batch
	var centre pgtype.UUID
	b.Queue(`SELECT centre_id FROM reporting.referrals WHERE family_id = $1 LIMIT 1`, family).QueryRow(func(row pgx.Row) error {
		if err := row.Scan(&centre); err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("family's centre: %w", err)
		}
		return nil
	})
	steps := h.steps()
	sorted := true
	// No recorded_at in the WHERE: it is the column's, and the envelope's is the one that counts.
	b.Queue(`SELECT service, envelope, description, occurred_on FROM reporting.history_events WHERE family_id = $1 `+historyOrder, family).Query(func(rows pgx.Rows) error {
		// A family's events repeat a few services, streams, types, actors and descriptions: each
		// text is made once per read, not once per event.
		texts := make(map[string]string, 64)
		text := func(b []byte) string {
			if s, ok := texts[string(b)]; ok {
				return s
			}
			s := string(b)
			texts[s] = s
			return s
		}
		// Every row is scanned into the same values, so nothing is allocated per row but its new
		// texts.
		var (
			service, envelope, description pgtype.DriverBytes
			occurred                       pgtype.Date
			shown                          Shown
			// The family's id as an envelope gives it, and the last centre read: compared as
			// bytes, an id is parsed only when it is not the one before.
			familyText = []byte(family.String())
			centreText []byte
			centreID   uuid.UUID
		)
		dest := []any{&service, &envelope, &description, &occurred}
		for rows.Next() {
			if err := rows.Scan(dest...); err != nil {
				return err
			}
			// A row whose envelope cannot be read, or is not the family's, is not shown: nothing
			// of it is what an event says of the family (VerifyFamilyHistory names it).
			if ReadShown(envelope, &shown) != nil {
				continue
			}
			if !(bytes.Equal(shown.FamilyID, familyText) || sameID(shown.FamilyID, family)) || shown.RecordedAt.After(asOf) {
				continue
			}
			id, err := uuid.ParseBytes(shown.EventID)
			if err != nil {
				continue
			}
			st := Step{RecordedAt: shown.RecordedAt, Stream: text(shown.StreamID), Version: shown.Version,
				EventID: id, Type: text(shown.EventType), Actor: text(shown.Actor), ActorRole: text(shown.ActorRole),
				Description: text(description), Undescribed: description == nil}
			if occurred.Valid && !st.Undescribed {
				st.OccurredOn = occurred.Time
			}
			if of := serviceOfType(shown.EventType); of != nil {
				st.Service = text(of)
			} else {
				st.Service = text(service)
			}
			if len(shown.CentreID) > 0 {
				if !bytes.Equal(shown.CentreID, centreText) {
					if centreID, err = uuid.ParseBytes(shown.CentreID); err != nil {
						centreText = centreText[:0]
						continue
					}
					centreText = append(centreText[:0], shown.CentreID...)
				}
				st.Centre = centreID
			}
			if st.Undescribed {
				st.Envelope = append([]byte(nil), envelope...)
			}
			if sorted && len(steps) > 0 && before(&st, &steps[len(steps)-1]) {
				sorted = false
			}
			steps = append(steps, st)
		}
		return rows.Err()
	})
	if err := h.pool.SendBatch(ctx, &b).Close(); err != nil {
		h.Release(steps)
		return uuid.Nil, nil, fmt.Errorf("family history: %w", err)
	}
	if !centre.Valid {
		h.Release(steps)
		return uuid.Nil, nil, ErrNoFamily
	}
	if !sorted { // only when the columns that order the rows disagree with the envelopes
		sort.SliceStable(steps, func(i, j int) bool { return before(&steps[i], &steps[j]) })
	}
	return centre.Bytes, steps, nil
}

// stepBuffers holds the steps of histories read and released (Release), for the next read: a
// history of a thousand events is 170 KB of steps, and growing a new slice to that size for every
// read made about three times as much garbage.
var stepBuffers sync.Pool // *[]Step, empty

// maxPooledSteps bounds the buffers kept: a rare very long history is not held for the next read.
const maxPooledSteps = 1 << 14

func (h *History) steps() []Step {
	if p, ok := stepBuffers.Get().(*[]Step); ok {
		return *p
	}
	return make([]Step, 0, 256)
}

// Release gives back the steps Family returned, once nothing reads them any more: the next read
// reuses their memory. The texts the steps held are not touched (a response may still hold them).
func (h *History) Release(steps []Step) {
	if cap(steps) == 0 || cap(steps) > maxPooledSteps {
		return
	}
	clear(steps)
	steps = steps[:0]
	stepBuffers.Put(&steps)
}

// StreamRef names one stream of one service.
type StreamRef struct {
	Service, Stream string
}

// StreamEvent is one event of a stream holding some of a family's events: its envelope and every
// column of its row that the history reads, to be compared with the envelope.
type StreamEvent struct {
	Envelope []byte
	// The row's columns.
	Service, Stream string
	Version         int64
	EventID         uuid.UUID
	// Family is the family the row names (uuid.Nil for none); Centre likewise.
	Family, Centre   uuid.UUID
	Type             string
	RecordedAt       time.Time
	Actor, ActorRole string
	// Description is what the history shows of it; nil when not described (migration 0003).
	Description *string
	// OccurredOn is the day the history shows it took place (the zero time for none), shown only
	// with its Description.
	OccurredOn time.Time
}

// Stream is every event reporting holds of one stream, in version order, and the last version
// of it that reporting's consumer of the service has handled (Handled; 0 when it keeps no cursor
// of the stream: one last handled before consumers kept them).
type Stream struct {
	StreamRef
	Events  []StreamEvent
	Handled int64
}

// ConsumerPrefix names reporting's consumer of a service's stream ("reporting-" + service,
// ports.Consumer), whose cursors (the platform's consumer_streams) say to which version it has
// handled each stream.
const ConsumerPrefix = "reporting-"

// streamColumns are the columns of a StreamEvent, of history_events e.
const streamColumns = `e.service, e.stream_id, e.version, e.event_id, e.family_id, e.centre_id, e.event_type, e.recorded_at,
	e.actor, coalesce(e.actor_role, ''), e.description, e.envelope, e.occurred_on`

// Streams are every event of each stream that holds any of the family's events, whole (a room's
// occupancy holds other families' events too: its chain verifies only whole), each in version
// order, with the consumer's cursor of it, in one statement: the history and the cursors, which
// a consumed event's transaction writes together, are read as of one moment.
func (h *History) Streams(ctx context.Context, family uuid.UUID) ([]Stream, error) {
	rows, err := h.pool.Query(ctx, `SELECT `+streamColumns+`, c.version
		FROM (SELECT DISTINCT service, stream_id FROM reporting.history_events WHERE family_id = $1) held
		JOIN reporting.history_events e ON e.service = held.service AND e.stream_id = held.stream_id
		LEFT JOIN consumer_streams c ON c.consumer = $2 || held.service AND c.stream_id = held.stream_id
		ORDER BY e.service, e.stream_id, e.version`, family, ConsumerPrefix)
	if err != nil {
		return nil, fmt.Errorf("family streams: %w", err)
	}
	return scanStreams(rows)
}

// Stream is every event reporting holds of one stream, as Streams gives it.
func (h *History) Stream(ctx context.Context, ref StreamRef) (Stream, error) {
	rows, err := h.pool.Query(ctx, `SELECT `+streamColumns+`,
		(SELECT c.version FROM consumer_streams c WHERE c.consumer = $3 || $1::text AND c.stream_id = $2)
		FROM reporting.history_events e WHERE e.service = $1 AND e.stream_id = $2 ORDER BY e.version`, ref.Service, ref.Stream, ConsumerPrefix)
	if err != nil {
		return Stream{}, fmt.Errorf("stream %s: %w", ref.Stream, err)
	}
	streams, err := scanStreams(rows)
	if err != nil || len(streams) == 0 {
		return Stream{StreamRef: ref}, err
	}
	return streams[0], nil
}

func scanStreams(rows pgx.Rows) ([]Stream, error) {
	defer rows.Close()
	var out []Stream
	for rows.Next() {
		var ev StreamEvent
		var family, centre pgtype.UUID
		var handled pgtype.Int8
		var occurred pgtype.Date
		if err := rows.Scan(&ev.Service, &ev.Stream, &ev.Version, &ev.EventID, &family, &centre, &ev.Type, &ev.RecordedAt,
			&ev.Actor, &ev.ActorRole, &ev.Description, &ev.Envelope, &occurred, &handled); err != nil {
			return nil, fmt.Errorf("family streams: %w", err)
		}
		if family.Valid {
			ev.Family = family.Bytes
		}
		if occurred.Valid {
			ev.OccurredOn = occurred.Time
		}
		if centre.Valid {
			ev.Centre = centre.Bytes
		}
		ref := StreamRef{Service: ev.Service, Stream: ev.Stream}
		if len(out) == 0 || out[len(out)-1].StreamRef != ref {
			out = append(out, Stream{StreamRef: ref, Handled: handled.Int64})
		}
		out[len(out)-1].Events = append(out[len(out)-1].Events, ev)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("family streams: %w", err)
	}
	return out, nil
}

// Record is one of a family's records in reporting's projections that an event wrote: its
// table, its key, the service whose events write it, and the day it dates from (zero if none).
type Record struct {
	Table, Service string
	ID             uuid.UUID
	On             time.Time
}

// RecordTables are the projections Records reads, each with the service whose events write it:
// those with a family's rows found cheaply (referrals by its index on family_id; concerns, holds
// and reports, a few rows a family, by a scan of tables that hold safeguarding's records only).
// Bookings and attendance are not read: they have no index by family, and a scan of every
// booking in the country for each verification is not cheap.
var RecordTables = map[string]string{"referrals": "referral", "concerns": "safeguarding", "holds": "safeguarding", "reports": "safeguarding"}

// Records are the family's referrals, concerns, holds and reports in reporting's projections.
func (h *History) Records(ctx context.Context, family uuid.UUID) ([]Record, error) {
	rows, err := h.pool.Query(ctx, `SELECT 'referrals', referral_id, received_on FROM reporting.referrals WHERE family_id = $1
		UNION ALL SELECT 'concerns', concern_id, raised_on FROM reporting.concerns WHERE family_id = $1
		UNION ALL SELECT 'holds', hold_id, placed_on FROM reporting.holds WHERE family_id = $1
		UNION ALL SELECT 'reports', report_id, session_on FROM reporting.reports WHERE family_id = $1`, family)
	if err != nil {
		return nil, fmt.Errorf("family's records: %w", err)
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		var r Record
		var on pgtype.Date
		if err := rows.Scan(&r.Table, &r.ID, &on); err != nil {
			return nil, fmt.Errorf("family's records: %w", err)
		}
		r.Service, r.On = RecordTables[r.Table], on.Time
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("family's records: %w", err)
	}
	return out, nil
}

// Candidates are the streams of service whose ids hold id (a referral's stream is
// referral-<id>, a concern's concern-<id>, a report's report-<id>, a family's hold-<family>...), for
// a record the history lacks: those the history holds events of (Held; their rows may no longer
// name the family), and those reporting's consumer has handled of which the history holds none
// (Gone, with the last version handled; their rows were removed). It reads every stream id, and
// is asked only once a record has been found missing.
func (h *History) Candidates(ctx context.Context, service string, id uuid.UUID) (held []StreamRef, gone []StreamRef, handled []int64, err error) {
	rows, err := h.pool.Query(ctx, `SELECT DISTINCT stream_id FROM reporting.history_events WHERE service = $1 AND strpos(stream_id, $2) > 0
		ORDER BY stream_id`, service, id.String())
	if err != nil {
		return nil, nil, nil, fmt.Errorf("streams of %s: %w", id, err)
	}
	streams, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, nil, nil, fmt.Errorf("streams of %s: %w", id, err)
	}
	for _, s := range streams {
		held = append(held, StreamRef{Service: service, Stream: s})
	}
	rows, err = h.pool.Query(ctx, `SELECT c.stream_id, c.version FROM consumer_streams c WHERE c.consumer = $1 AND strpos(c.stream_id, $2) > 0
		AND NOT EXISTS (SELECT FROM reporting.history_events e WHERE e.service = $3 AND e.stream_id = c.stream_id)
		ORDER BY c.stream_id`, ConsumerPrefix+service, id.String(), service)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("streams of %s: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var ref StreamRef
		var version int64
		if err := rows.Scan(&ref.Stream, &version); err != nil {
			return nil, nil, nil, fmt.Errorf("streams of %s: %w", id, err)
		}
		ref.Service = service
		gone, handled = append(gone, ref), append(handled, version)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, nil, fmt.Errorf("streams of %s: %w", id, err)
	}
	return held, gone, handled, nil
}

// FamilyStreams are the streams whose ids name a family, by service: safeguarding's hold-, risk-
// and access-<family>, scheduling's family-<family>. Every event of each is about the family.
var FamilyStreams = []StreamRef{{"safeguarding", "access-"}, {"safeguarding", "hold-"}, {"safeguarding", "risk-"}, {"scheduling", "family-"}}

// Unheld are the family's own streams (FamilyStreams, by their exact ids) that reporting's
// consumer of their service has handled and of which the history holds no row of the family, in
// (service, stream) order, each with the last version handled (Handled) and no events. The
// cursor and the absence are read in one statement: a consumed event writes its row and moves the
// cursor in one transaction.
func (h *History) Unheld(ctx context.Context, family uuid.UUID) ([]Stream, error) {
	services, streams := make([]string, len(FamilyStreams)), make([]string, len(FamilyStreams))
	for i, s := range FamilyStreams {
		services[i], streams[i] = s.Service, s.Stream+family.String()
	}
	rows, err := h.pool.Query(ctx, `SELECT n.service, n.stream_id, c.version
		FROM unnest($1::text[], $2::text[]) AS n(service, stream_id)
		JOIN consumer_streams c ON c.consumer = $3 || n.service AND c.stream_id = n.stream_id
		WHERE NOT EXISTS (SELECT FROM reporting.history_events e WHERE e.service = n.service AND e.stream_id = n.stream_id AND e.family_id = $4)
		ORDER BY n.service, n.stream_id`, services, streams, ConsumerPrefix, family)
	if err != nil {
		return nil, fmt.Errorf("family's streams: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Stream, error) {
		var s Stream
		err := row.Scan(&s.Service, &s.Stream, &s.Handled)
		return s, err
	})
	if err != nil {
		return nil, fmt.Errorf("family's streams: %w", err)
	}
	return out, nil
}

// sameChildConfirmed is referral's confirmation that a child referred again is the same child.
const sameChildConfirmed = "familytime.referral.v1.SameChildConfirmed"

// ReferralEvents are the envelopes the history keeps of a referral's own stream (referral's
// "referral-<id>"), whoever's family it is, in the order recorded: for what a step naming another
// referral says of it (decision 349). None when reporting has none.
func (h *History) ReferralEvents(ctx context.Context, referral uuid.UUID) ([][]byte, error) {
	rows, err := h.pool.Query(ctx, `SELECT envelope FROM reporting.history_events WHERE service = 'referral' AND stream_id = $1 `+
		`ORDER BY version`, "referral-"+referral.String())
	if err != nil {
		return nil, fmt.Errorf("referral %s's events: %w", referral, err)
	}
	envs, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	if err != nil {
		return nil, fmt.Errorf("referral %s's events: %w", referral, err)
	}
	return envs, nil
}

// ReferredAgain is the family's referrals, and the envelopes of the confirmations (referral's
// SameChildConfirmed, in another referral's stream) whose other referral the projection says is
// one of them, in the order recorded: the family was referred again (decision 349). The caller
// holds each envelope to the referrals, as the projection's row is not the event.
func (h *History) ReferredAgain(ctx context.Context, family uuid.UUID) (referrals []uuid.UUID, envs [][]byte, err error) {
	var b pgx.Batch
	b.Queue(`SELECT referral_id FROM reporting.referrals WHERE family_id = $1`, family).Query(func(rows pgx.Rows) error {
		referrals, err = pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
		return err
	})
	b.Queue(`SELECT envelope FROM reporting.history_events WHERE service = 'referral' AND event_type = $2 AND stream_id IN (
		SELECT 'referral-' || s.referral_id::text FROM reporting.same_children s JOIN reporting.referrals r ON r.referral_id = s.other_referral_id
		WHERE r.family_id = $1) `+historyOrder, family, sameChildConfirmed).Query(func(rows pgx.Rows) error {
		envs, err = pgx.CollectRows(rows, pgx.RowTo[[]byte])
		return err
	})
	if err := h.pool.SendBatch(ctx, &b).Close(); err != nil {
		return nil, nil, fmt.Errorf("family %s referred again: %w", family, err)
	}
	return referrals, envs, nil
}
