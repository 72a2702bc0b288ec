package adapters

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/safeguarding/internal/domain"
)

// listLimit bounds every list: a centre's open concerns, holds and overdue reports are tens, not
// thousands; the limit keeps a mistake from reading a table.
const listLimit = 1000

// ProjectConcern writes a concern's row as its unit of work leaves it.
func ProjectConcern(uow *eventstore.UnitOfWork, k *domain.Concern) {
	uow.Exec(`INSERT INTO concerns (concern_id, family_id, centre_id, category, raised_on, raised_by, escalated, closed, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (concern_id) DO UPDATE SET escalated = EXCLUDED.escalated, closed = EXCLUDED.closed, version = EXCLUDED.version`,
		k.ID(), k.FamilyID(), k.CentreID(), int32(k.Category()), k.RaisedOn(), k.RaisedBy(), k.Escalated(), k.Closed(), k.Version())
}

// ProjectAlert records the lead's alert of a new concern.
func ProjectAlert(uow *eventstore.UnitOfWork, k *domain.Concern) {
	uow.Exec(`INSERT INTO lead_alerts (concern_id, family_id, centre_id, category, alerted_on) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (concern_id) DO NOTHING`, k.ID(), k.FamilyID(), k.CentreID(), int32(k.Category()), k.RaisedOn())
}

// ProjectHold writes a hold's row.
func ProjectHold(uow *eventstore.UnitOfWork, h domain.Hold) {
	uow.Exec(`INSERT INTO holds (hold_id, family_id, centre_id, concern_id, reason, placed_on, review_by, lifted_on)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (hold_id) DO UPDATE SET lifted_on = EXCLUDED.lifted_on`,
		h.ID, h.Family, h.Centre, nullable(h.Concern), int32(h.Reason), h.PlacedOn, h.ReviewBy, date(h.LiftedOn))
}

// ProjectReport writes a report's row.
func ProjectReport(uow *eventstore.UnitOfWork, r *domain.Report) {
	uow.Exec(`INSERT INTO reports (report_id, family_id, centre_id, booking_id, session_on, state, author, checker, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (report_id) DO UPDATE SET state = EXCLUDED.state, author = EXCLUDED.author,
			checker = EXCLUDED.checker, version = EXCLUDED.version`,
		r.ID(), r.FamilyID(), r.CentreID(), r.BookingID(), r.SessionOn(), int32(r.State().StateName()), r.Author(), r.Checker(), r.Version())
}

// ProjectAccess writes an access record's row, its purpose still sealed.
func ProjectAccess(uow *eventstore.UnitOfWork, e eventstore.Event, a *safeguardingv1.AccessRecorded) {
	uow.Exec(`INSERT INTO access_records (event_id, family_id, centre_id, subject, role, kind, record_id, sealed_purpose)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, e.ID, e.FamilyID, e.CentreID, a.GetSubject(), a.GetRole(),
		int32(a.GetKind()), uuid.MustParse(a.GetRecordId()), a.GetSealedPurpose())
}

func nullable(id uuid.UUID) pgtype.UUID { return pgtype.UUID{Bytes: id, Valid: id != uuid.Nil} }

func date(t time.Time) pgtype.Date { return pgtype.Date{Time: t, Valid: !t.IsZero()} }

// ConcernRow is a concern as the read model holds it.
type ConcernRow struct {
	ID, Family, Centre uuid.UUID
	Category           safeguardingv1.ConcernCategory
	RaisedOn           time.Time
	RaisedBy           string
	Escalated, Closed  bool
	Version            int64
}

// ConcernCentre is the centre of a concern; ErrConcernNotFound if there is none.
func (r *Records) ConcernCentre(ctx context.Context, id uuid.UUID) (uuid.UUID, error) {
	return r.centreOf(ctx, `SELECT centre_id FROM concerns WHERE concern_id = $1`, id, domain.ErrConcernNotFound)
}

// ReportCentre is the centre of a report; ErrReportNotFound if there is none.
func (r *Records) ReportCentre(ctx context.Context, id uuid.UUID) (uuid.UUID, error) {
	return r.centreOf(ctx, `SELECT centre_id FROM reports WHERE report_id = $1`, id, domain.ErrReportNotFound)
}

func (r *Records) centreOf(ctx context.Context, sql string, id uuid.UUID, notFound error) (uuid.UUID, error) {
	var centre uuid.UUID
	err := r.store.Pool().QueryRow(ctx, sql, id).Scan(&centre)
	if errors.Is(err, pgx.ErrNoRows) {
		return uuid.Nil, notFound
	}
	if err != nil {
		return uuid.Nil, fmt.Errorf("centre of %s: %w", id, err)
	}
	return centre, nil
}

// OpenConcerns are a centre's concerns not closed, oldest first.
func (r *Records) OpenConcerns(ctx context.Context, centre uuid.UUID) ([]ConcernRow, error) {
	rows, err := r.store.Pool().Query(ctx, `SELECT concern_id, family_id, centre_id, category, raised_on, raised_by, escalated, closed, version
		FROM concerns WHERE centre_id = $1 AND NOT closed ORDER BY raised_on, concern_id LIMIT $2`, centre, listLimit)
	if err != nil {
		return nil, fmt.Errorf("open concerns: %w", err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (ConcernRow, error) {
		var c ConcernRow
		var cat int32
		err := row.Scan(&c.ID, &c.Family, &c.Centre, &cat, &c.RaisedOn, &c.RaisedBy, &c.Escalated, &c.Closed, &c.Version)
		c.Category = safeguardingv1.ConcernCategory(cat)
		return c, err
	})
}

// AlertRow is an alert to a lead.
type AlertRow struct {
	Concern, Family uuid.UUID
	Category        safeguardingv1.ConcernCategory
	AlertedOn       time.Time
	Closed          bool
}

// Alerts are a centre's alerts, newest first.
func (r *Records) Alerts(ctx context.Context, centre uuid.UUID, openOnly bool) ([]AlertRow, error) {
	rows, err := r.store.Pool().Query(ctx, `SELECT a.concern_id, a.family_id, a.category, a.alerted_on, coalesce(c.closed, false)
		FROM lead_alerts a LEFT JOIN concerns c USING (concern_id)
		WHERE a.centre_id = $1 AND (NOT $2 OR NOT coalesce(c.closed, false))
		ORDER BY a.recorded_at DESC, a.concern_id LIMIT $3`, centre, openOnly, listLimit)
	if err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (AlertRow, error) {
		var a AlertRow
		var cat int32
		err := row.Scan(&a.Concern, &a.Family, &cat, &a.AlertedOn, &a.Closed)
		a.Category = safeguardingv1.ConcernCategory(cat)
		return a, err
	})
}

// Holds are a centre's holds (optionally one family's, optionally with lifted ones), newest first.
func (r *Records) Holds(ctx context.Context, centre, family uuid.UUID, withLifted bool) ([]domain.Hold, error) {
	rows, err := r.store.Pool().Query(ctx, `SELECT hold_id, family_id, centre_id, concern_id, reason, placed_on, review_by, lifted_on
		FROM holds WHERE centre_id = $1 AND ($2::uuid IS NULL OR family_id = $2) AND ($3 OR lifted_on IS NULL)
		ORDER BY placed_on DESC, hold_id LIMIT $4`, centre, nullable(family), withLifted, listLimit)
	if err != nil {
		return nil, fmt.Errorf("holds: %w", err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (domain.Hold, error) {
		var h domain.Hold
		var concern pgtype.UUID
		var lifted pgtype.Date
		var reason int32
		err := row.Scan(&h.ID, &h.Family, &h.Centre, &concern, &reason, &h.PlacedOn, &h.ReviewBy, &lifted)
		h.Reason, h.Concern, h.LiftedOn = safeguardingv1.HoldReason(reason), uuid.UUID(concern.Bytes), lifted.Time
		return h, err
	})
}

// ReportRow is a report as the read model holds it.
type ReportRow struct {
	ID, Family, Centre, Booking uuid.UUID
	SessionOn                   time.Time
	State                       safeguardingv1.ReportState
	Author, Checker             string
	Version                     int64
}

// UnreleasedReports are a centre's reports not yet released, oldest session first.
func (r *Records) UnreleasedReports(ctx context.Context, centre uuid.UUID) ([]ReportRow, error) {
	rows, err := r.store.Pool().Query(ctx, `SELECT report_id, family_id, centre_id, booking_id, session_on, state, author, checker, version
		FROM reports WHERE centre_id = $1 AND state <> $2 ORDER BY session_on, report_id LIMIT $3`,
		centre, int32(safeguardingv1.ReportState_REPORT_STATE_RELEASED), listLimit)
	if err != nil {
		return nil, fmt.Errorf("unreleased reports: %w", err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (ReportRow, error) {
		var x ReportRow
		var state int32
		err := row.Scan(&x.ID, &x.Family, &x.Centre, &x.Booking, &x.SessionOn, &state, &x.Author, &x.Checker, &x.Version)
		x.State = safeguardingv1.ReportState(state)
		return x, err
	})
}

// AccessRow is an access record with its purpose still sealed.
type AccessRow struct {
	Event, Family, Centre, Record uuid.UUID
	Subject, Role                 string
	Kind                          safeguardingv1.RecordKind
	SealedPurpose                 []byte
	At                            time.Time
}

// AccessRecords are the newest of a family's access records, in order.
func (r *Records) AccessRecords(ctx context.Context, family uuid.UUID) ([]AccessRow, error) {
	rows, err := r.store.Pool().Query(ctx, `SELECT * FROM (
			SELECT event_id, family_id, centre_id, record_id, subject, role, kind, sealed_purpose, accessed_at
			FROM access_records WHERE family_id = $1 ORDER BY accessed_at DESC, event_id LIMIT $2) newest
		ORDER BY accessed_at, event_id`, family, listLimit)
	if err != nil {
		return nil, fmt.Errorf("access records: %w", err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (AccessRow, error) {
		var a AccessRow
		var kind int32
		err := row.Scan(&a.Event, &a.Family, &a.Centre, &a.Record, &a.Subject, &a.Role, &kind, &a.SealedPurpose, &a.At)
		a.Kind = safeguardingv1.RecordKind(kind)
		return a, err
	})
}
