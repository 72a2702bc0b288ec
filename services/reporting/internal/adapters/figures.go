package adapters

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
)

// Figures reads the national figures from the projections.
type Figures struct{ pool *pgxpool.Pool }

// NewFigures reads from reporting's database.
func NewFigures(pool *pgxpool.Pool) *Figures { return &Figures{pool: pool} }

// Measure is one figure the national body asks for, as SQL over the projections: Source selects
// rows with a centre_id and, when Breakdown is set, a column dim (an enum number); Aggregate
// counts or summarises them. $1 and $2 are the period's first and last days.
type Measure struct {
	Name      string
	Breakdown string
	Source    string
	Aggregate string
	// Count is the aggregate's base (how many rows a duration is computed over), for suppression.
	Count string
	// Dated: Source also selects d, the one date a row is counted on, between $1 and $2; a year's
	// months and quarters then come from one scan of the year (RunYear).
	Dated bool
}

// Cell is one aggregated figure: national when Region is 0 and Centre is nil, a region's when
// only Region is set, a centre's when Centre is set; within the scope, the total when HasDim is
// false.
type Cell struct {
	Region int32
	Centre uuid.UUID
	HasDim bool
	Dim    int32
	Value  float64
	Count  int64
	// Period is, from RunYear, the year (0), a quarter (1-4) or a month (4 + its number).
	Period int
}

// Run aggregates one measure over the period nationally, by region and by centre, each in total
// and by its breakdown, in one query (GROUPING SETS).
func (f *Figures) Run(ctx context.Context, m Measure, from, to time.Time) ([]Cell, error) {
	return f.run(ctx, m, from, to, false)
}

// RunYear is Run for the year from starts and for each of its quarters and months, in one query
// over the year's rows; m must be Dated.
func (f *Figures) RunYear(ctx context.Context, m Measure, from time.Time) ([]Cell, error) {
	if !m.Dated {
		return nil, fmt.Errorf("measure %s: counted on no one date, so not by the year's months", m.Name)
	}
	cells, err := f.run(ctx, m, from, from.AddDate(1, 0, -1), true)
	if err != nil {
		return nil, err
	}
	// Run gives a period without rows its national total, 0 (the empty grouping set); grouped by
	// month and quarter, a period without rows has no group at all.
	var counted [17]bool
	for _, c := range cells {
		if c.Region == 0 && c.Centre == uuid.Nil && !c.HasDim {
			counted[c.Period] = true
		}
	}
	for period, ok := range counted {
		if !ok {
			cells = append(cells, Cell{Period: period})
		}
	}
	return cells, nil
}

func (f *Figures) run(ctx context.Context, m Measure, from, to time.Time, byPeriod bool) ([]Cell, error) {
	scopes := [][]string{{}, {"c.region"}, {"c.region", "x.centre_id"}}
	dim := "0"
	if m.Breakdown != "" {
		dim = "x.dim"
		for _, s := range scopes[:3] {
			scopes = append(scopes, append(slices.Clone(s), "x.dim"))
		}
	}
	periods := [][]string{{}}
	if byPeriod {
		periods = append(periods, []string{"x.quarter"}, []string{"x.month"})
	}
	var sets []string
	for _, s := range scopes {
		for _, p := range periods {
			sets = append(sets, "("+strings.Join(append(slices.Clone(s), p...), ", ")+")")
		}
	}
	grouping, source := "0, 0, 0, 0", m.Source
	if byPeriod {
		grouping = "GROUPING(x.quarter)::int, coalesce(x.quarter, 0), GROUPING(x.month)::int, coalesce(x.month, 0)"
		source = `SELECT s.*, extract(quarter FROM s.d)::int AS quarter, extract(month FROM s.d)::int AS month FROM (` + m.Source + `) s`
	}
	gDim := "GROUPING(" + dim + ")::int"
	if m.Breakdown == "" {
		gDim = "1"
	}
	count := "count(*)"
	if m.Count != "" {
		count = m.Count
	}
	q := fmt.Sprintf(`SELECT GROUPING(c.region)::int, GROUPING(x.centre_id)::int, %[1]s, %[2]s,
			coalesce(c.region, 0), x.centre_id, coalesce(%[3]s, 0), coalesce((%[4]s)::float8, 0), %[5]s
		FROM (%[6]s) x LEFT JOIN reporting.centres c ON c.centre_id = x.centre_id
		GROUP BY GROUPING SETS (%[7]s)`, gDim, grouping, dim, m.Aggregate, count, source, strings.Join(sets, ", "))
	rows, err := f.pool.Query(ctx, q, from, to)
	if err != nil {
		return nil, fmt.Errorf("measure %s: %w", m.Name, err)
	}
	cells, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Cell, error) {
		var gRegion, gCentre, gDim, gQuarter, quarter, gMonth, month int
		var centre *uuid.UUID
		var c Cell
		err := row.Scan(&gRegion, &gCentre, &gDim, &gQuarter, &quarter, &gMonth, &month, &c.Region, &centre, &c.Dim, &c.Value, &c.Count)
		if gRegion == 1 {
			c.Region = 0
		} else if c.Region == 0 {
			c.Region = -1 // a centre reporting has not heard of yet: kept apart from "national"
		}
		if gCentre == 0 && centre != nil {
			c.Centre = *centre
		}
		c.HasDim = gDim == 0
		if !c.HasDim {
			c.Dim = 0
		}
		switch {
		case byPeriod && gMonth == 0:
			c.Period = 4 + month
		case byPeriod && gQuarter == 0:
			c.Period = quarter
		}
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("measure %s: %w", m.Name, err)
	}
	return cells, nil
}

// Room is a room's places.
type Room struct {
	Centre   uuid.UUID
	Capacity int32
}

// Timetables are every centre's rooms and opening patterns (as recorded, protobuf bytes).
func (f *Figures) Timetables(ctx context.Context) (map[uuid.UUID]Room, [][]byte, error) {
	rooms := map[uuid.UUID]Room{}
	rows, err := f.pool.Query(ctx, `SELECT room_id, centre_id, capacity FROM reporting.rooms`)
	if err != nil {
		return nil, nil, fmt.Errorf("rooms: %w", err)
	}
	for rows.Next() {
		var id uuid.UUID
		var r Room
		if err := rows.Scan(&id, &r.Centre, &r.Capacity); err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("rooms: %w", err)
		}
		rooms[id] = r
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("rooms: %w", err)
	}
	rows, err = f.pool.Query(ctx, `SELECT pattern FROM reporting.patterns`)
	if err != nil {
		return nil, nil, fmt.Errorf("patterns: %w", err)
	}
	patterns, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	if err != nil {
		return nil, nil, fmt.Errorf("patterns: %w", err)
	}
	return rooms, patterns, nil
}

// SupervisedBookingRooms are the rooms of the bookings of supervised contact for sessions between
// from and to (dates), not cancelled or moved: one per booking (a room may open twice a day, and
// a supervised family has each session's room to itself). closed reads the bookings as their
// months closed (Closed), for published figures.
func (f *Figures) SupervisedBookingRooms(ctx context.Context, from, to time.Time, closed bool) ([]uuid.UUID, error) {
	q := `SELECT room_id FROM reporting.sessions WHERE session_date BETWEEN $1 AND $2
		AND service_type = $3 AND state NOT IN ('cancelled', 'rescheduled') AND room_id IS NOT NULL`
	if closed {
		q = closedTables.Replace(q)
	}
	rows, err := f.pool.Query(ctx, q, from, to, int32(commonv1.ServiceType_SERVICE_TYPE_SUPERVISED))
	if err != nil {
		return nil, fmt.Errorf("supervised room sessions: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return nil, fmt.Errorf("supervised room sessions: %w", err)
	}
	return ids, nil
}

// Regions are the region of every centre in the directory.
func (f *Figures) Regions(ctx context.Context) (map[uuid.UUID]int32, error) {
	regions := map[uuid.UUID]int32{}
	rows, err := f.pool.Query(ctx, `SELECT centre_id, region FROM reporting.centres`)
	if err != nil {
		return nil, fmt.Errorf("centres: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id uuid.UUID
		var region int32
		if err := rows.Scan(&id, &region); err != nil {
			return nil, fmt.Errorf("centres: %w", err)
		}
		regions[id] = region
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("centres: %w", err)
	}
	return regions, nil
}

// closedTables reads a month's sessions and attendance as they stood when it closed, in place of
// the live projections' (migration 0013).
var closedTables = strings.NewReplacer(Live+".sessions", "public.closed_sessions", Live+".attendance", "public.closed_attendance")

// Closed is m counted for publication (decision 282): its sessions and attendance as each month
// stood when it closed (Close), so that a record made after a month's cutoff (a session completed,
// a no-show recorded, a booking cancelled weeks late) changes no published figure, and two
// publications cannot be subtracted to reveal it. Corrections (an ending, two children confirmed
// as one, a referral declined as a duplicate) are read live, as every other projection: they
// revise the figures, which then say so.
func Closed(m Measure) Measure {
	m.Source = closedTables.Replace(m.Source)
	return m
}

// Unclosed are the months of months (each its first day) not closed yet.
func (f *Figures) Unclosed(ctx context.Context, months []time.Time) ([]time.Time, error) {
	rows, err := f.pool.Query(ctx, `SELECT m FROM unnest($1::date[]) AS m
		WHERE NOT EXISTS (SELECT FROM public.month_closings c WHERE c.month = m) ORDER BY m`, months)
	if err != nil {
		return nil, fmt.Errorf("month closings: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[time.Time])
	if err != nil {
		return nil, fmt.Errorf("month closings: %w", err)
	}
	return out, nil
}

// Close closes months (each its first day) not closed already: it keeps each month's bookings,
// the children who attended them, its staff and the referrals its waiting times and
// referrals_never_attended read, as the live projections have them now, and records the
// closing, at (the service's time) on today. One transaction holds the projections' swap lock
// exclusively, so no live projection is half applied and no rebuild swaps the tables meanwhile;
// a month closed by another reader first is left as that one closed it.
func (f *Figures) Close(ctx context.Context, months []time.Time, at, today time.Time) error {
	err := pgx.BeginFunc(ctx, f.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(swapLock)); err != nil {
			return fmt.Errorf("swap lock: %w", err)
		}
		for _, month := range months {
			tag, err := tx.Exec(ctx, `INSERT INTO public.month_closings (month, closed_at, closed_on) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
				Date(month), at, Date(today))
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				continue
			}
			last := Date(month.AddDate(0, 1, -1))
			if _, err := tx.Exec(ctx, `INSERT INTO public.closed_sessions (booking_id, family_id, centre_id, room_id, session_date, service_type, state)
				SELECT booking_id, family_id, centre_id, room_id, session_date, service_type, state FROM `+pgIdent(Live)+`.sessions
				WHERE session_date BETWEEN $1 AND $2 ON CONFLICT DO NOTHING`, Date(month), last); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO public.closed_attendance (booking_id, child_id, family_id, centre_id, session_date, service_type, age_band)
				SELECT booking_id, child_id, family_id, centre_id, session_date, service_type, age_band FROM `+pgIdent(Live)+`.attendance
				WHERE session_date BETWEEN $1 AND $2 ON CONFLICT DO NOTHING`, Date(month), last); err != nil {
				return err
			}
			// The referrals the waiting times and referrals_never_attended read for the month, with
			// their first session as it stands (migration 0014): a first session recorded later
			// changes no published figure.
			if _, err := tx.Exec(ctx, `INSERT INTO public.closed_referrals (month, referral_id, centre_id, service_type, received_on, first_session_on)
				SELECT $1::date, referral_id, centre_id, service_type, received_on, first_session_on FROM `+pgIdent(Live)+`.referrals
				WHERE first_session_on BETWEEN $1 AND $2
					OR (accepted_on IS NOT NULL AND (ended_on BETWEEN $1 AND $2 OR withdrawn_on BETWEEN $1 AND $2))
				ON CONFLICT DO NOTHING`, Date(month), last); err != nil {
				return err
			}
			// The staff on the month's last day, as staff_at_end counts them (a member's last day
			// counts, decisions.md 82).
			if _, err := tx.Exec(ctx, `INSERT INTO public.closed_staff (month, centre_id, member_id, role)
				SELECT $1::date, centre_id, member_id, role FROM `+pgIdent(Live)+`.staff
				WHERE joined_on <= $2 AND (left_on IS NULL OR left_on >= $2) ON CONFLICT DO NOTHING`, Date(month), last); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("close months: %w", err)
	}
	return nil
}

// Published records the first publication of period (its digest, at the service's time) and
// says whether digest differs from it: the period's figures were revised since.
func (f *Figures) Published(ctx context.Context, period string, digest []byte, at time.Time) (revised bool, err error) {
	if _, err := f.pool.Exec(ctx, `INSERT INTO public.period_publications (period, digest, published_at) VALUES ($1, $2, $3)
		ON CONFLICT DO NOTHING`, period, digest, at); err != nil {
		return false, fmt.Errorf("publication of %s: %w", period, err)
	}
	var first []byte
	if err := f.pool.QueryRow(ctx, `SELECT digest FROM public.period_publications WHERE period = $1`, period).Scan(&first); err != nil {
		return false, fmt.Errorf("publication of %s: %w", period, err)
	}
	return !bytes.Equal(first, digest), nil
}

// Withholdings are what a period's published figures were first shown as (decision 304): its
// name (as period_publications names it) and, of its counts of people, those withheld, each
// figure's key with "<5" or "*", and a hash of each published one's key and number.
type Withholdings struct {
	Period    string
	Figures   []string
	Shown     []string
	Published []int64
}

// FirstWithheld reads the withholdings recorded of periods; a period not published yet has none.
func (f *Figures) FirstWithheld(ctx context.Context, periods []string) ([]Withholdings, error) {
	rows, err := f.pool.Query(ctx, `SELECT period, figures, shown, published FROM public.period_withholdings WHERE period = ANY($1)`, periods)
	if err != nil {
		return nil, fmt.Errorf("withholdings: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Withholdings])
	if err != nil {
		return nil, fmt.Errorf("withholdings: %w", err)
	}
	return out, nil
}

// RecordWithheld records the withholdings of periods published for the first time, at (the
// service's time), all or none. It says false, recording nothing, when another publication
// recorded one of them first: its caller reads them again and suppresses with them.
func (f *Figures) RecordWithheld(ctx context.Context, periods []Withholdings, at time.Time) (recorded bool, err error) {
	err = pgx.BeginFunc(ctx, f.pool, func(tx pgx.Tx) error {
		for _, p := range periods {
			tag, err := tx.Exec(ctx, `INSERT INTO public.period_withholdings (period, figures, shown, published, recorded_at)
				VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, p.Period, p.Figures, p.Shown, p.Published, at)
			if err != nil {
				return fmt.Errorf("withholdings of %s: %w", p.Period, err)
			}
			if tag.RowsAffected() == 0 {
				return errRecordedFirst
			}
		}
		recorded = true
		return nil
	})
	if errors.Is(err, errRecordedFirst) {
		return false, nil
	}
	return recorded, err
}

var errRecordedFirst = errors.New("recorded first by another publication")
