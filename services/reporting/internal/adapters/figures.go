package adapters

import (
	"context"
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
// a supervised family has each session's room to itself).
func (f *Figures) SupervisedBookingRooms(ctx context.Context, from, to time.Time) ([]uuid.UUID, error) {
	rows, err := f.pool.Query(ctx, `SELECT room_id FROM reporting.sessions WHERE session_date BETWEEN $1 AND $2
		AND service_type = $3 AND state NOT IN ('cancelled', 'rescheduled') AND room_id IS NOT NULL`,
		from, to, int32(commonv1.ServiceType_SERVICE_TYPE_SUPERVISED))
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
