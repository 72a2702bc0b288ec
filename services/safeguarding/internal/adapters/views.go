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
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/paging"
	"github.com/familytime/familytime/services/safeguarding/internal/domain"
)

// Where a list's first page starts: before the first key going up, after the last going down.
var (
	firstUp   = time.Time{}                                   // 0001-01-01
	firstDown = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC) // after every date and instant kept
)

// pageStart reads a page token whose key is a time in layout (time.DateOnly for a date,
// time.RFC3339Nano for an instant); the empty token starts at first and firstID. A key that does
// not parse as the list's was not issued by it: paging.ErrBadToken, which callers are told is an
// invalid page_token.
func pageStart(token, layout string, first time.Time, firstID uuid.UUID) (time.Time, uuid.UUID, error) {
	if token == "" {
		return first, firstID, nil
	}
	after, err := paging.Decode(token)
	if err != nil {
		return time.Time{}, uuid.Nil, err
	}
	at, err := time.Parse(layout, after.Key)
	if err != nil {
		return time.Time{}, uuid.Nil, paging.ErrBadToken
	}
	return at, after.ID, nil
}

// dateKey is a date's page key; instantKey an instant's, to the microsecond PostgreSQL keeps.
func dateKey(t time.Time) string    { return t.Format(time.DateOnly) }
func instantKey(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// ProjectConcern writes a concern's row as its unit of work leaves it. Whether it is corrected
// since the lead read it is written by the correction's and the read's own units
// (ProjectConcernCorrected, ProjectAccess).
func ProjectConcern(uow *eventstore.UnitOfWork, k *domain.Concern) {
	uow.Exec(`INSERT INTO concerns (concern_id, family_id, centre_id, category, raised_on, raised_by, escalated, closed, version, moved)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (concern_id) DO UPDATE SET escalated = EXCLUDED.escalated, closed = EXCLUDED.closed, version = EXCLUDED.version,
			moved = EXCLUDED.moved`,
		k.ID(), k.FamilyID(), k.CentreID(), int32(k.Category()), k.RaisedOn(), k.RaisedBy(), k.Escalated(), k.Closed(), k.Version(),
		k.MovedTo() != uuid.Nil)
}

// ProjectConcernRaised notes, beside the concern's row, the instant it was raised and the booking
// it arose in (migration 0022), for EarlierConcern.
func ProjectConcernRaised(uow *eventstore.UnitOfWork, k *domain.Concern, at time.Time) {
	uow.Exec(`UPDATE concerns SET raised_at = $2, booking_id = $3 WHERE concern_id = $1`, k.ID(), at, nullable(k.BookingID()))
}

// EarlierConcern is a concern raised at the centre by raiser about the family since the instant
// since: the latest about booking if there is one (uuid.Nil: none), else the latest about the
// family. found is false when there is none.
func (r *Records) EarlierConcern(ctx context.Context, centre, family uuid.UUID, raiser string, booking uuid.UUID,
	since time.Time) (concern uuid.UUID, sameBooking bool, at time.Time, found bool, err error) {
	err = r.store.Pool().QueryRow(ctx, `SELECT concern_id, coalesce(booking_id = $4, false), raised_at FROM concerns
		WHERE centre_id = $1 AND family_id = $2 AND raised_by = $3 AND raised_at >= $5
		ORDER BY coalesce(booking_id = $4, false) DESC, raised_at DESC LIMIT 1`,
		centre, family, raiser, nullable(booking), since).Scan(&concern, &sameBooking, &at)
	if errors.Is(err, pgx.ErrNoRows) {
		return uuid.Nil, false, time.Time{}, false, nil
	}
	if err != nil {
		return uuid.Nil, false, time.Time{}, false, fmt.Errorf("earlier concern: %w", err)
	}
	return concern, sameBooking, at, true, nil
}

// ProjectConcernCorrected marks the concern corrected at the log position of its correction,
// event: its alert says CORRECTED until the lead reads it after that (migration 0012). The event
// is appended before the unit's statements run, so its position is known to them.
func ProjectConcernCorrected(uow *eventstore.UnitOfWork, concern, event uuid.UUID) {
	uow.Exec(`UPDATE concerns SET corrected_at = GREATEST(corrected_at, (SELECT position FROM events WHERE event_id = $2))
		WHERE concern_id = $1`, concern, event)
}

// ProjectAlert records the lead's alert of a new concern.
func ProjectAlert(uow *eventstore.UnitOfWork, k *domain.Concern) {
	uow.Exec(`INSERT INTO lead_alerts (concern_id, family_id, centre_id, category, alerted_on, text_not_kept) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (concern_id) DO NOTHING`, k.ID(), k.FamilyID(), k.CentreID(), int32(k.Category()), k.RaisedOn(), k.TextNotKept())
}

// ProjectHoldAlert records the lead's alert of a hold placed by someone the register does not
// have as the lead, in placedInRole (empty: not on the register).
func ProjectHoldAlert(uow *eventstore.UnitOfWork, h domain.Hold, placedInRole string) {
	uow.Exec(`INSERT INTO hold_alerts (hold_id, family_id, centre_id, concern_id, placed_in_role, alerted_on)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (hold_id) DO NOTHING`,
		h.ID, h.Family, h.Centre, nullable(h.Concern), placedInRole, h.PlacedOn)
}

// ProjectEscalationAlert records the lead's alert of escalation, an escalation of concern k by
// someone the register does not have as the lead, in escalatedInRole (empty: not on the register),
// on the date on (decision 201).
func ProjectEscalationAlert(uow *eventstore.UnitOfWork, escalation uuid.UUID, k *domain.Concern, escalatedInRole string, on time.Time) {
	uow.Exec(`INSERT INTO escalation_alerts (escalation_id, concern_id, family_id, centre_id, category, escalated_in_role, alerted_on)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (escalation_id) DO NOTHING`,
		escalation, k.ID(), k.FamilyID(), k.CentreID(), int32(k.Category()), escalatedInRole, on)
}

// ProjectDuplicateCheckAlert records the alert to the lead of a hold's centre that another
// centre's lead checked a referral there is not the family under the hold (decision 211).
func ProjectDuplicateCheckAlert(uow *eventstore.UnitOfWork, a *safeguardingv1.LeadAlertedOfDuplicateCheck) {
	uow.Exec(`INSERT INTO duplicate_check_alerts (hold_id, checked_referral_id, family_id, centre_id, checked_at_centre_id, alerted_on)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (hold_id, checked_referral_id) DO NOTHING`,
		uuid.MustParse(a.GetHoldId()), uuid.MustParse(a.GetCheckedReferralId()), uuid.MustParse(a.GetFamilyId()),
		uuid.MustParse(a.GetCentreId()), uuid.MustParse(a.GetCheckedAtCentreId()), dates.Time(a.GetAlertedOn()))
}

// ProjectFindingCheckAlert records the alert to the lead of the centre whose assessment made a
// family's domestic-abuse finding that another centre's lead checked a referral there is not that
// family (LeadAlertedOfFindingCheck, recorded as event alert): migration 0016.
func ProjectFindingCheckAlert(uow *eventstore.UnitOfWork, alert uuid.UUID, a *safeguardingv1.LeadAlertedOfFindingCheck) {
	uow.Exec(`INSERT INTO finding_check_alerts (alert_id, family_id, centre_id, finding_made_on, checked_at_centre_id,
			checked_referral_id, alerted_on)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (alert_id) DO NOTHING`,
		alert, uuid.MustParse(a.GetFamilyId()), uuid.MustParse(a.GetCentreId()), dates.Time(a.GetFindingMadeOn()),
		uuid.MustParse(a.GetCheckedAtCentreId()), uuid.MustParse(a.GetCheckedReferralId()), dates.Time(a.GetAlertedOn()))
}

// CloseFindingCheckAlerts closes the alerts that a family's domestic-abuse finding was checked
// past elsewhere, when an assessment clears the finding: it bars nothing more.
func CloseFindingCheckAlerts(uow *eventstore.UnitOfWork, family uuid.UUID) {
	uow.Exec(`UPDATE finding_check_alerts SET closed = true WHERE family_id = $1 AND NOT closed`, family)
}

// ProjectHold writes a hold's row: its current review date, its latest review and its lifting.
func ProjectHold(uow *eventstore.UnitOfWork, h domain.Hold) {
	uow.Exec(`INSERT INTO holds (hold_id, family_id, centre_id, concern_id, reason, placed_on, review_by, lifted_on, reviewed_on)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (hold_id) DO UPDATE SET review_by = EXCLUDED.review_by, lifted_on = EXCLUDED.lifted_on,
			reviewed_on = EXCLUDED.reviewed_on`,
		h.ID, h.Family, h.Centre, nullable(h.Concern), int32(h.Reason), h.PlacedOn, h.ReviewBy, date(h.LiftedOn), date(h.ReviewedOn))
}

// ProjectReport writes a report's row.
func ProjectReport(uow *eventstore.UnitOfWork, r *domain.Report) {
	uow.Exec(`INSERT INTO reports (report_id, family_id, centre_id, booking_id, session_on, state, author, checker, version, writer)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (report_id) DO UPDATE SET state = EXCLUDED.state, author = EXCLUDED.author,
			checker = EXCLUDED.checker, version = EXCLUDED.version, writer = EXCLUDED.writer`,
		r.ID(), r.FamilyID(), r.CentreID(), r.BookingID(), r.SessionOn(), int32(r.State().StateName()), r.Author(), r.Checker(), r.Version(),
		r.Writer())
}

// ProjectAccess writes an access record's row, its purpose still sealed, read at the instant at by
// the service's clock, as every other time it records (decision 307: it was the database's). A
// concern read in the centre's safeguarding lead's role is read by the lead at the read's log
// position: what was corrected before it no longer makes its alert say CORRECTED (migration 0012).
func ProjectAccess(uow *eventstore.UnitOfWork, e eventstore.Event, a *safeguardingv1.AccessRecorded, at time.Time) {
	purpose := a.GetSealedPurpose()
	if purpose == nil {
		purpose = []byte{} // an erased family's read keeps no purpose (Records.Seal)
	}
	record := uuid.MustParse(a.GetRecordId())
	uow.Exec(`INSERT INTO access_records (event_id, family_id, centre_id, subject, role, kind, record_id, sealed_purpose, accessed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, e.ID, e.FamilyID, e.CentreID, a.GetSubject(), a.GetRole(),
		int32(a.GetKind()), record, purpose, at)
	if a.GetKind() == safeguardingv1.RecordKind_RECORD_KIND_CONCERN && a.GetRole() == string(auth.RoleSafeguardingLead) {
		uow.Exec(`UPDATE concerns SET lead_read_at = GREATEST(lead_read_at, (SELECT position FROM events WHERE event_id = $2))
			WHERE concern_id = $1`, record, e.ID)
	}
}

// ProjectRefusal writes a refused read's row on the family's audit, refused at the instant at by
// the service's clock: no purpose, the reason, and whether it passed the account's daily limit.
func ProjectRefusal(uow *eventstore.UnitOfWork, e eventstore.Event, a *safeguardingv1.AccessRefused, at time.Time) {
	asked, _ := uuid.Parse(a.GetAskedCentreId())
	uow.Exec(`INSERT INTO access_records (event_id, family_id, centre_id, subject, role, kind, record_id, sealed_purpose, refused,
			asked_centre_id, accessed_at, daily_family_limit)
		VALUES ($1, $2, $3, $4, $5, $6, $7, '', $8, $9, $10, $11)`, e.ID, e.FamilyID, e.CentreID, a.GetSubject(), a.GetRole(),
		int32(a.GetKind()), uuid.MustParse(a.GetRecordId()), a.GetReason(), nullable(asked), at, int32(a.GetDailyFamilyLimit()))
}

// RecordAt is the family and centre of a record a read asks for: a concern, a report, or a
// family's whole record; found is false when this service has none.
func (r *Records) RecordAt(ctx context.Context, kind safeguardingv1.RecordKind, id uuid.UUID) (family, centre uuid.UUID, found bool, err error) {
	q := "SELECT family_id, centre_id FROM families WHERE family_id = $1"
	switch kind {
	case safeguardingv1.RecordKind_RECORD_KIND_CONCERN:
		q = "SELECT family_id, centre_id FROM concerns WHERE concern_id = $1"
	case safeguardingv1.RecordKind_RECORD_KIND_REPORT:
		q = "SELECT family_id, centre_id FROM reports WHERE report_id = $1"
	}
	err = r.store.Pool().QueryRow(ctx, q, id).Scan(&family, &centre)
	if errors.Is(err, pgx.ErrNoRows) {
		return uuid.Nil, uuid.Nil, false, nil
	}
	if err != nil {
		return uuid.Nil, uuid.Nil, false, fmt.Errorf("record's family: %w", err)
	}
	return family, centre, true, nil
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
	// ListedAt is where the open concerns list it: the instant it was raised (migration 0022),
	// or, for one raised before that was kept, midnight UTC of the day it was raised.
	ListedAt time.Time
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

// OpenConcerns returns a page of a centre's concerns not closed, oldest raised first, and the next
// page's token.
func (r *Records) OpenConcerns(ctx context.Context, centre uuid.UUID, size int, token string) ([]ConcernRow, string, error) {
	// Oldest first to the instant: by the day alone, concerns raised the same day came in the
	// order of their random ids (review 61). A concern raised before the instant was kept
	// (migration 0022) is listed at the start of its day.
	at, after, err := pageStart(token, time.RFC3339Nano, firstUp, uuid.Nil)
	if err != nil {
		return nil, "", err
	}
	rows, err := r.store.Pool().Query(ctx, `SELECT concern_id, family_id, centre_id, category, raised_on, raised_by, escalated, closed, version,
			listed_at
		FROM concerns, LATERAL (SELECT coalesce(raised_at, raised_on::timestamp AT TIME ZONE 'UTC') AS listed_at) l
		WHERE centre_id = $1 AND NOT closed AND (listed_at, concern_id) > ($2::timestamptz, $3::uuid)
		ORDER BY listed_at, concern_id LIMIT $4`, centre, at, after, size+1)
	if err != nil {
		return nil, "", fmt.Errorf("open concerns: %w", err)
	}
	page, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (ConcernRow, error) {
		var c ConcernRow
		var cat int32
		err := row.Scan(&c.ID, &c.Family, &c.Centre, &cat, &c.RaisedOn, &c.RaisedBy, &c.Escalated, &c.Closed, &c.Version, &c.ListedAt)
		c.Category = safeguardingv1.ConcernCategory(cat)
		return c, err
	})
	if err != nil {
		return nil, "", fmt.Errorf("open concerns: %w", err)
	}
	page, next := paging.Trim(page, size, func(c ConcernRow) (string, uuid.UUID) { return instantKey(c.ListedAt), c.ID })
	return page, next, nil
}

// AlertRow is an alert to a lead: of a concern, of a hold (Hold set), or of an escalation of the
// concern (Escalation set).
type AlertRow struct {
	// Concern is the concern alerted of, or the one a hold names (uuid.Nil: none).
	Concern, Family uuid.UUID
	Category        safeguardingv1.ConcernCategory
	AlertedOn       time.Time
	// Closed says the concern is closed, or the hold lifted.
	Closed bool
	// Corrected says a record of the concern was corrected since the centre's safeguarding lead
	// last read it (GetConcern in the lead's role), or ever if they never did.
	Corrected bool
	// Hold is the hold alerted of, placed in PlacedInRole; uuid.Nil for a concern's alert.
	Hold uuid.UUID
	// Escalation is the escalation of the concern alerted of (its record), made in PlacedInRole;
	// uuid.Nil for a concern's or a hold's alert.
	Escalation   uuid.UUID
	PlacedInRole string
	// CheckedAtCentre and CheckedReferral are, for the alert that another centre's lead checked
	// a referral there is not the family under Hold (decision 211), that centre and referral;
	// uuid.Nil for every other alert.
	CheckedAtCentre, CheckedReferral uuid.UUID
	// FindingMadeOn is, for the alert that another centre's lead checked a referral there
	// (CheckedAtCentre, CheckedReferral) is not the family with this centre's domestic-abuse
	// finding, the date of the assessment that made the finding (Hold is then uuid.Nil, and
	// Closed says the finding was cleared); zero for every other alert.
	FindingMadeOn time.Time
	// TextNotKept says the concern alerted of was raised after the family's key was destroyed,
	// without its description: the lead takes the account in person (review 38).
	TextNotKept bool
	// Alert is that alert's record (uuid.Nil for every other alert): its key in the list.
	Alert uuid.UUID
	// RecordedAt is when the alert was recorded: the list's order and page key.
	RecordedAt time.Time
}

// key is the alert's id in the list's page key: the concern's, the hold's, the escalation's, the
// referral checked elsewhere (one hold may have several such alerts, one per referral), or the
// record of the alert that a finding was checked past elsewhere (whose referral may be a hold's
// alert's too, recorded with it).
func (a AlertRow) key() uuid.UUID {
	switch {
	case a.Alert != uuid.Nil:
		return a.Alert
	case a.CheckedReferral != uuid.Nil:
		return a.CheckedReferral
	case a.Hold != uuid.Nil:
		return a.Hold
	case a.Escalation != uuid.Nil:
		return a.Escalation
	}
	return a.Concern
}

// Alerts returns a page of a centre's alerts, of concerns, holds, escalations and checks elsewhere
// past a hold or a finding, newest first, and the next page's token. openOnly keeps concerns
// still open (an escalation's alert is its concern's), holds still in force and findings still
// standing.
func (r *Records) Alerts(ctx context.Context, centre uuid.UUID, openOnly bool, size int, token string) ([]AlertRow, string, error) {
	at, before, err := pageStart(token, time.RFC3339Nano, firstDown, uuid.Max)
	if err != nil {
		return nil, "", err
	}
	rows, err := r.store.Pool().Query(ctx, `SELECT concern_id, family_id, category, alerted_on, closed, corrected, hold_id, escalation_id,
			placed_in_role, checked_at_centre_id, checked_referral_id, finding_made_on, text_not_kept, recorded_at, key
		FROM (
			SELECT a.concern_id, a.family_id, a.category, a.alerted_on, coalesce(c.closed, false) AS closed,
				coalesce(c.corrected, false) AS corrected, NULL::uuid AS hold_id, NULL::uuid AS escalation_id, '' AS placed_in_role,
				NULL::uuid AS checked_at_centre_id, NULL::uuid AS checked_referral_id, NULL::date AS finding_made_on, a.text_not_kept, a.recorded_at,
				a.concern_id AS key
			FROM lead_alerts a LEFT JOIN concerns c USING (concern_id)
			WHERE a.centre_id = $1
			UNION ALL
			SELECT h.concern_id, h.family_id, coalesce(c.category, 0), h.alerted_on, held.lifted_on IS NOT NULL, false,
				h.hold_id, NULL::uuid, h.placed_in_role, NULL::uuid, NULL::uuid, NULL::date, false, h.recorded_at, h.hold_id
			FROM hold_alerts h JOIN holds held USING (hold_id) LEFT JOIN concerns c ON c.concern_id = h.concern_id
			WHERE h.centre_id = $1
			UNION ALL
			SELECT e.concern_id, e.family_id, e.category, e.alerted_on, coalesce(c.closed, false), coalesce(c.corrected, false),
				NULL::uuid, e.escalation_id, e.escalated_in_role, NULL::uuid, NULL::uuid, NULL::date, false, e.recorded_at, e.escalation_id
			FROM escalation_alerts e LEFT JOIN concerns c USING (concern_id)
			WHERE e.centre_id = $1
			UNION ALL
			SELECT held.concern_id, d.family_id, coalesce(c.category, 0), d.alerted_on, held.lifted_on IS NOT NULL, false,
				d.hold_id, NULL::uuid, '', d.checked_at_centre_id, d.checked_referral_id, NULL::date, false, d.recorded_at, d.checked_referral_id
			FROM duplicate_check_alerts d JOIN holds held USING (hold_id) LEFT JOIN concerns c ON c.concern_id = held.concern_id
			WHERE d.centre_id = $1
			UNION ALL
			SELECT NULL::uuid, f.family_id, 0, f.alerted_on, f.closed, false, NULL::uuid, NULL::uuid, '', f.checked_at_centre_id,
				f.checked_referral_id, f.finding_made_on, false, f.recorded_at, f.alert_id
			FROM finding_check_alerts f
			WHERE f.centre_id = $1
		) alerts
		WHERE (NOT $2 OR NOT closed) AND (recorded_at, key) < ($3::timestamptz, $4::uuid)
		ORDER BY recorded_at DESC, key DESC LIMIT $5`, centre, openOnly, at, before, size+1)
	if err != nil {
		return nil, "", fmt.Errorf("alerts: %w", err)
	}
	page, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (AlertRow, error) {
		var a AlertRow
		var cat int32
		var concern, hold, escalation, checkedAt, checked pgtype.UUID
		var findingOn pgtype.Date
		var key uuid.UUID
		err := row.Scan(&concern, &a.Family, &cat, &a.AlertedOn, &a.Closed, &a.Corrected, &hold, &escalation, &a.PlacedInRole,
			&checkedAt, &checked, &findingOn, &a.TextNotKept, &a.RecordedAt, &key)
		if findingOn.Valid {
			a.FindingMadeOn, a.Alert = findingOn.Time, key
		}
		a.Category = safeguardingv1.ConcernCategory(cat)
		a.Concern, a.Hold, a.Escalation = concern.Bytes, hold.Bytes, escalation.Bytes
		a.CheckedAtCentre, a.CheckedReferral = checkedAt.Bytes, checked.Bytes
		return a, err
	})
	if err != nil {
		return nil, "", fmt.Errorf("alerts: %w", err)
	}
	page, next := paging.Trim(page, size, func(a AlertRow) (string, uuid.UUID) { return instantKey(a.RecordedAt), a.key() })
	return page, next, nil
}

// Holds returns a page of a centre's holds (optionally one family's, optionally with lifted ones),
// newest placed first, and the next page's token.
//
// overdueBefore, if not zero, keeps only holds in force whose review date is before it (today):
// the holds whose review is overdue.
func (r *Records) Holds(ctx context.Context, centre, family uuid.UUID, withLifted bool, overdueBefore time.Time, size int, token string) ([]domain.Hold, string, error) {
	on, before, err := pageStart(token, time.DateOnly, firstDown, uuid.Max)
	if err != nil {
		return nil, "", err
	}
	rows, err := r.store.Pool().Query(ctx, `SELECT hold_id, family_id, centre_id, concern_id, reason, placed_on, review_by, lifted_on, reviewed_on
		FROM holds WHERE centre_id = $1 AND ($2::uuid IS NULL OR family_id = $2) AND ($3 OR lifted_on IS NULL)
			AND (placed_on, hold_id) < ($4::date, $5::uuid)
			AND ($7::date IS NULL OR (lifted_on IS NULL AND review_by < $7::date))
		ORDER BY placed_on DESC, hold_id DESC LIMIT $6`, centre, nullable(family), withLifted, on, before, size+1, date(overdueBefore))
	if err != nil {
		return nil, "", fmt.Errorf("holds: %w", err)
	}
	page, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (domain.Hold, error) {
		var h domain.Hold
		var concern pgtype.UUID
		var lifted, reviewed pgtype.Date
		var reason int32
		err := row.Scan(&h.ID, &h.Family, &h.Centre, &concern, &reason, &h.PlacedOn, &h.ReviewBy, &lifted, &reviewed)
		h.Reason, h.Concern, h.LiftedOn, h.ReviewedOn = safeguardingv1.HoldReason(reason), uuid.UUID(concern.Bytes), lifted.Time, reviewed.Time
		return h, err
	})
	if err != nil {
		return nil, "", fmt.Errorf("holds: %w", err)
	}
	page, next := paging.Trim(page, size, func(h domain.Hold) (string, uuid.UUID) { return dateKey(h.PlacedOn), h.ID })
	return page, next, nil
}

// ReportRow is a report as the read model holds it.
type ReportRow struct {
	ID, Family, Centre, Booking uuid.UUID
	SessionOn                   time.Time
	State                       safeguardingv1.ReportState
	Author, Checker, Writer     string
	Version                     int64
}

// UnreleasedReportsBy returns a page of a centre's reports not yet released whose session was on
// or before sessionBy, oldest session first, and the next page's token.
func (r *Records) UnreleasedReportsBy(ctx context.Context, centre uuid.UUID, sessionBy time.Time, size int, token string) ([]ReportRow, string, error) {
	on, after, err := pageStart(token, time.DateOnly, firstUp, uuid.Nil)
	if err != nil {
		return nil, "", err
	}
	rows, err := r.store.Pool().Query(ctx, `SELECT report_id, family_id, centre_id, booking_id, session_on, state, author, checker, version, writer
		FROM reports WHERE centre_id = $1 AND state <> $2 AND session_on <= $3::date
			AND (session_on, report_id) > ($4::date, $5::uuid)
		ORDER BY session_on, report_id LIMIT $6`,
		centre, int32(safeguardingv1.ReportState_REPORT_STATE_RELEASED), sessionBy, on, after, size+1)
	if err != nil {
		return nil, "", fmt.Errorf("unreleased reports: %w", err)
	}
	page, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (ReportRow, error) {
		var x ReportRow
		var state int32
		err := row.Scan(&x.ID, &x.Family, &x.Centre, &x.Booking, &x.SessionOn, &state, &x.Author, &x.Checker, &x.Version, &x.Writer)
		x.State = safeguardingv1.ReportState(state)
		return x, err
	})
	if err != nil {
		return nil, "", fmt.Errorf("unreleased reports: %w", err)
	}
	page, next := paging.Trim(page, size, func(x ReportRow) (string, uuid.UUID) { return dateKey(x.SessionOn), x.ID })
	return page, next, nil
}

// AccessRow is an access record with its purpose still sealed.
type AccessRow struct {
	Event, Family, Centre, Record uuid.UUID
	Subject, Role                 string
	Kind                          safeguardingv1.RecordKind
	SealedPurpose                 []byte
	At                            time.Time
	// Refused is a refused read's reason code ("" for a read given), AskedCentre the centre its
	// request named (uuid.Nil when none other).
	Refused     string
	AskedCentre uuid.UUID
	// Repeats is the refusals counted on this entry (decision 307).
	Repeats RefusalCounts
}

// RefusalCounts is what a refused read's entry on the audit counts (refused_read_tallies): its
// own refusal and its repeats that day (Times, the last at Last); and, on the entry that took the
// account past its daily limit (Limit), the other families refused to it after it, not recorded
// one by one, how many times, the last at LastPast.
type RefusalCounts struct {
	Times                   int64
	Last                    time.Time
	Limit                   int
	PastFamilies, PastTimes int64
	LastPast                time.Time
}

// AccessRecordsPage returns a page of a family's access records at a centre, oldest first, and the
// next page's token: every page in turn is every read, none left out.
func (r *Records) AccessRecordsPage(ctx context.Context, centre, family uuid.UUID, size int, token string) ([]AccessRow, string, error) {
	at, after, err := pageStart(token, time.RFC3339Nano, firstUp, uuid.Nil)
	if err != nil {
		return nil, "", err
	}
	// A refused read's counts are read beside it: its own key's row, and the rows of the other
	// families counted on it past the account's limit. A refusal recorded before the counts
	// (migration 0023) has no row: it is one refusal, its repeats entries of their own.
	rows, err := r.store.Pool().Query(ctx, `SELECT a.event_id, a.family_id, a.centre_id, a.record_id, a.subject, a.role, a.kind,
			a.sealed_purpose, a.accessed_at, a.refused, a.asked_centre_id,
			coalesce(own.times, CASE WHEN a.refused <> '' THEN 1 ELSE 0 END), own.last_at, a.daily_family_limit,
			past.families, coalesce(past.times, 0), past.last_at
		FROM access_records a
		LEFT JOIN refused_read_tallies own ON a.refused <> '' AND own.event_id = a.event_id AND own.family_id = a.family_id
			AND own.reason = a.refused AND own.subject = a.subject AND own.kind IN (a.kind, 0)
		CROSS JOIN LATERAL (SELECT count(DISTINCT t.family_id) FILTER (WHERE t.family_id <> a.family_id) AS families,
				sum(t.times)::bigint AS times, max(t.last_at) AS last_at
			FROM refused_read_tallies t WHERE a.daily_family_limit > 0 AND t.event_id = a.event_id
				AND NOT (t.family_id = a.family_id AND t.reason = a.refused AND t.kind IN (a.kind, 0))) past
		WHERE a.family_id = $1 AND a.centre_id = $2 AND (a.accessed_at, a.event_id) > ($3::timestamptz, $4::uuid)
		ORDER BY a.accessed_at, a.event_id LIMIT $5`, family, centre, at, after, size+1)
	if err != nil {
		return nil, "", fmt.Errorf("access records: %w", err)
	}
	page, err := pgx.CollectRows(rows, scanAccess)
	if err != nil {
		return nil, "", fmt.Errorf("access records: %w", err)
	}
	page, next := paging.Trim(page, size, func(a AccessRow) (string, uuid.UUID) { return instantKey(a.At), a.Event })
	return page, next, nil
}

func scanAccess(row pgx.CollectableRow) (AccessRow, error) {
	var a AccessRow
	var kind int32
	var asked pgtype.UUID
	var last, lastPast pgtype.Timestamptz
	var limit int32
	err := row.Scan(&a.Event, &a.Family, &a.Centre, &a.Record, &a.Subject, &a.Role, &kind, &a.SealedPurpose, &a.At, &a.Refused, &asked,
		&a.Repeats.Times, &last, &limit, &a.Repeats.PastFamilies, &a.Repeats.PastTimes, &lastPast)
	a.Kind = safeguardingv1.RecordKind(kind)
	if asked.Valid {
		a.AskedCentre = asked.Bytes
	}
	a.Repeats.Limit = int(limit)
	if last.Valid {
		a.Repeats.Last = last.Time
	}
	if lastPast.Valid {
		a.Repeats.LastPast = lastPast.Time
	}
	return a, err
}

// ReadSince reports whether subject read the record of the family in an access recorded after the
// event since in the service's log.
func (r *Records) ReadSince(ctx context.Context, family, record uuid.UUID, subject string, since uuid.UUID) (bool, error) {
	var read bool
	err := r.store.Pool().QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM access_records a JOIN events e ON e.event_id = a.event_id
		WHERE a.family_id = $1 AND a.record_id = $2 AND a.subject = $3 AND a.refused = ''
			AND e.position > (SELECT position FROM events WHERE event_id = $4))`, family, record, subject, since).Scan(&read)
	if err != nil {
		return false, fmt.Errorf("reads of the record: %w", err)
	}
	return read, nil
}
