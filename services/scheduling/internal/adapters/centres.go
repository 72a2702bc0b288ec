// Package adapters connects the scheduling service to PostgreSQL (its event log and read
// models) and to other services.
package adapters

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/paging"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// Centres keeps centres: their event streams, and the centres read model, updated in the same
// transaction as each append.
type Centres struct {
	store *eventstore.Store
}

// NewCentres returns the centre repository on the service's event store.
func NewCentres(store *eventstore.Store) *Centres { return &Centres{store: store} }

// Store is the event store the centres live in; commands commit their units of work to it.
func (r *Centres) Store() *eventstore.Store { return r.store }

// Load rebuilds a centre from its events.
func (r *Centres) Load(ctx context.Context, id uuid.UUID) (*domain.Centre, error) {
	recorded, err := r.store.Load(ctx, domain.StreamID(id))
	if err != nil {
		return nil, err
	}
	events := make([]proto.Message, len(recorded))
	for i := range recorded {
		if events[i], err = recorded[i].Decode(); err != nil {
			return nil, err
		}
	}
	return domain.RebuildCentre(id, events)
}

// Record builds the unit of work that appends a centre's new event, expecting the stream at
// expected, and updates the read model in the same transaction. The caller commits it (package
// command, with the request's id); Refusal translates what the commit may refuse.
func (r *Centres) Record(c *domain.Centre, expected int64, ev proto.Message, md eventstore.Metadata) (*eventstore.UnitOfWork, error) {
	e, err := eventstore.NewEvent(ev, uuid.Nil, c.ID(), md)
	if err != nil {
		return nil, err
	}
	d := c.Details()
	types := make([]int32, len(d.ServiceTypes))
	for i, st := range d.ServiceTypes {
		types[i] = int32(st)
	}
	accredited := pgtype.Date{Time: d.AccreditedOn, Valid: !d.AccreditedOn.IsZero()}
	return new(eventstore.UnitOfWork).Append(domain.StreamID(c.ID()), expected, e).
		Exec(`INSERT INTO centres (centre_id, name, region, service_types, accreditation_status, accreditation_date, version, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, now())
			ON CONFLICT (centre_id) DO UPDATE SET name = EXCLUDED.name, region = EXCLUDED.region,
				service_types = EXCLUDED.service_types, accreditation_status = EXCLUDED.accreditation_status,
				accreditation_date = EXCLUDED.accreditation_date, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at`,
			c.ID(), d.Name, int32(d.Region), types, int32(d.Accreditation), accredited, c.Version()), nil
}

// Refusal turns what the database refuses in a centre's unit of work into the domain's error.
func Refusal(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.ConstraintName == "centres_unique_name" {
		return domain.ErrDuplicateCentre
	}
	return err
}

// ViewOf is the centre as its read model will hold it once its unit of work commits.
func ViewOf(c *domain.Centre) CentreView {
	return CentreView{ID: c.ID(), Details: c.Details(), Version: c.Version()}
}

// CentreView is a centre as the read model holds it.
type CentreView struct {
	ID        uuid.UUID
	Details   domain.Details
	Version   int64
	UpdatedAt time.Time
}

const selectCentre = `SELECT centre_id, name, region, service_types, accreditation_status, accreditation_date, version, updated_at FROM centres `

// Get reads one centre from the read model.
func (r *Centres) Get(ctx context.Context, id uuid.UUID) (CentreView, error) {
	rows, err := r.store.Pool().Query(ctx, selectCentre+"WHERE centre_id = $1", id)
	if err != nil {
		return CentreView{}, fmt.Errorf("get centre: %w", err)
	}
	v, err := pgx.CollectExactlyOneRow(rows, scanCentre)
	if errors.Is(err, pgx.ErrNoRows) {
		return CentreView{}, domain.ErrCentreNotFound
	}
	if err != nil {
		return CentreView{}, fmt.Errorf("get centre: %w", err)
	}
	return v, nil
}

// List returns a page of centres by name, optionally in one region, and the next page's token.
func (r *Centres) List(ctx context.Context, region commonv1.Region, size int, token string) ([]CentreView, string, error) {
	after, err := paging.Decode(token)
	if err != nil {
		return nil, "", err
	}
	rows, err := r.store.Pool().Query(ctx, selectCentre+`
		WHERE ($1 = 0 OR region = $1) AND (name, centre_id) > ($2, $3)
		ORDER BY name, centre_id LIMIT $4`, int32(region), after.Key, after.ID, size+1)
	if err != nil {
		return nil, "", fmt.Errorf("list centres: %w", err)
	}
	page, err := pgx.CollectRows(rows, scanCentre)
	if err != nil {
		return nil, "", fmt.Errorf("list centres: %w", err)
	}
	page, next := paging.Trim(page, size, func(v CentreView) (string, uuid.UUID) { return v.Details.Name, v.ID })
	return page, next, nil
}

func scanCentre(row pgx.CollectableRow) (CentreView, error) {
	var v CentreView
	var region, status int32
	var types []int32
	var accredited pgtype.Date
	if err := row.Scan(&v.ID, &v.Details.Name, &region, &types, &status, &accredited, &v.Version, &v.UpdatedAt); err != nil {
		return v, err
	}
	v.Details.Region, v.Details.Accreditation = commonv1.Region(region), commonv1.AccreditationStatus(status)
	for _, t := range types {
		v.Details.ServiceTypes = append(v.Details.ServiceTypes, commonv1.ServiceType(t))
	}
	if accredited.Valid {
		v.Details.AccreditedOn = accredited.Time
	}
	return v, nil
}
