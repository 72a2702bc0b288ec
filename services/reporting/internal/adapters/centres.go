// Package adapters holds reporting's projections in PostgreSQL.
package adapters

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/paging"
)

// Centres is reporting's projection of the centre directory.
type Centres struct {
	store *eventstore.Store
}

// NewCentres returns the projection on reporting's database.
func NewCentres(store *eventstore.Store) *Centres { return &Centres{store: store} }

// Centre is one centre as reporting knows it.
type Centre struct {
	ID            uuid.UUID
	Name          string
	Region        commonv1.Region
	ServiceTypes  []commonv1.ServiceType
	Accreditation commonv1.AccreditationStatus
	// AccreditedOn is zero when the centre has no accreditation date.
	AccreditedOn time.Time
	// Version is the centre stream's version this state comes from.
	Version   int64
	UpdatedAt time.Time
}

// List returns a page of centres by name, optionally in one region, and the next page's token.
func (c *Centres) List(ctx context.Context, region commonv1.Region, size int, token string) ([]Centre, string, error) {
	after, err := paging.Decode(token)
	if err != nil {
		return nil, "", err
	}
	rows, err := c.store.Pool().Query(ctx, `SELECT centre_id, name, region, service_types, accreditation_status,
			accreditation_date, version, updated_at FROM reporting.centres
		WHERE ($1 = 0 OR region = $1) AND (name, centre_id) > ($2, $3)
		ORDER BY name, centre_id LIMIT $4`, int32(region), after.Key, after.ID, size+1)
	if err != nil {
		return nil, "", fmt.Errorf("list centres: %w", err)
	}
	page, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Centre, error) {
		var v Centre
		var region, status int32
		var types []int32
		var accredited pgtype.Date
		err := row.Scan(&v.ID, &v.Name, &region, &types, &status, &accredited, &v.Version, &v.UpdatedAt)
		v.Region, v.Accreditation = commonv1.Region(region), commonv1.AccreditationStatus(status)
		for _, t := range types {
			v.ServiceTypes = append(v.ServiceTypes, commonv1.ServiceType(t))
		}
		if accredited.Valid {
			v.AccreditedOn = accredited.Time
		}
		return v, err
	})
	if err != nil {
		return nil, "", fmt.Errorf("list centres: %w", err)
	}
	page, next := paging.Trim(page, size, func(v Centre) (string, uuid.UUID) { return v.Name, v.ID })
	return page, next, nil
}
