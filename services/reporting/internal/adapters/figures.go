package adapters

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
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
}

// Run aggregates one measure over the period nationally, by region and by centre, each in total
// and by its breakdown, in one query (GROUPING SETS).
func (f *Figures) Run(ctx context.Context, m Measure, from, to time.Time) ([]Cell, error) {
	dim, sets := "0", "(), (c.region), (c.region, x.centre_id)"
	if m.Breakdown != "" {
		dim = "x.dim"
		sets += ", (x.dim), (c.region, x.dim), (c.region, x.centre_id, x.dim)"
	}
	count := "count(*)"
	if m.Count != "" {
		count = m.Count
	}
	q := fmt.Sprintf(`SELECT GROUPING(c.region)::int, GROUPING(x.centre_id)::int, GROUPING(%[1]s)::int,
			coalesce(c.region, 0), x.centre_id, coalesce(%[1]s, 0), coalesce((%[2]s)::float8, 0), %[3]s
		FROM (%[4]s) x LEFT JOIN reporting.centres c ON c.centre_id = x.centre_id
		GROUP BY GROUPING SETS (%[5]s)`, dim, m.Aggregate, count, m.Source, sets)
	if m.Breakdown == "" {
		q = fmt.Sprintf(`SELECT GROUPING(c.region)::int, GROUPING(x.centre_id)::int, 1,
			coalesce(c.region, 0), x.centre_id, 0, coalesce((%[1]s)::float8, 0), %[2]s
		FROM (%[3]s) x LEFT JOIN reporting.centres c ON c.centre_id = x.centre_id
		GROUP BY GROUPING SETS (%[4]s)`, m.Aggregate, count, m.Source, sets)
	}
	rows, err := f.pool.Query(ctx, q, from, to)
	if err != nil {
		return nil, fmt.Errorf("measure %s: %w", m.Name, err)
	}
	cells, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Cell, error) {
		var gRegion, gCentre, gDim int
		var centre *uuid.UUID
		var c Cell
		err := row.Scan(&gRegion, &gCentre, &gDim, &c.Region, &centre, &c.Dim, &c.Value, &c.Count)
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
func (f *Figures) Timetables(ctx context.Context) (map[uuid.UUID]Room, [][]byte, map[uuid.UUID]int32, error) {
	rooms := map[uuid.UUID]Room{}
	rows, err := f.pool.Query(ctx, `SELECT room_id, centre_id, capacity FROM reporting.rooms`)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("rooms: %w", err)
	}
	for rows.Next() {
		var id uuid.UUID
		var r Room
		if err := rows.Scan(&id, &r.Centre, &r.Capacity); err != nil {
			rows.Close()
			return nil, nil, nil, fmt.Errorf("rooms: %w", err)
		}
		rooms[id] = r
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, nil, fmt.Errorf("rooms: %w", err)
	}
	rows, err = f.pool.Query(ctx, `SELECT pattern FROM reporting.patterns`)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("patterns: %w", err)
	}
	patterns, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	if err != nil {
		return nil, nil, nil, fmt.Errorf("patterns: %w", err)
	}
	regions := map[uuid.UUID]int32{}
	rows, err = f.pool.Query(ctx, `SELECT centre_id, region FROM reporting.centres`)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("centres: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id uuid.UUID
		var region int32
		if err := rows.Scan(&id, &region); err != nil {
			return nil, nil, nil, fmt.Errorf("centres: %w", err)
		}
		regions[id] = region
	}
	return rooms, patterns, regions, rows.Err()
}
