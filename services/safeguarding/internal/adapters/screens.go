package adapters

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/safeguarding/internal/domain"
)

// NoteScreenAtReferral records on uow the latest person's screen of the family's referral at
// referral (decision 214); a later screen replaces an earlier one.
func NoteScreenAtReferral(uow *eventstore.UnitOfWork, family, centre uuid.UUID, s domain.ScreenAtReferral) {
	uow.Exec(`INSERT INTO screens_at_referral (family_id, referral_id, centre_id, screened_on, rating, domestic_abuse_finding, answers_rating)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (family_id) DO UPDATE SET referral_id = excluded.referral_id, centre_id = excluded.centre_id,
			screened_on = excluded.screened_on, rating = excluded.rating,
			domestic_abuse_finding = excluded.domestic_abuse_finding, answers_rating = excluded.answers_rating`,
		family, s.Referral, centre, s.On, int16(s.Rating), s.DomesticAbuseFinding, int16(s.Answers))
}

// ForgetScreenAtReferral removes on uow the family's screen at referral (its erasure).
func ForgetScreenAtReferral(uow *eventstore.UnitOfWork, family uuid.UUID) {
	uow.Exec(`DELETE FROM screens_at_referral WHERE family_id = $1`, family)
}

// ScreensAtReferral are the latest person's screens at referral of the families that have one.
func (r *Records) ScreensAtReferral(ctx context.Context, families []uuid.UUID) (map[uuid.UUID]*domain.ScreenAtReferral, error) {
	out := map[uuid.UUID]*domain.ScreenAtReferral{}
	if len(families) == 0 {
		return out, nil
	}
	rows, err := r.store.Pool().Query(ctx, `SELECT family_id, referral_id, screened_on, rating, domestic_abuse_finding, answers_rating
		FROM screens_at_referral WHERE family_id = ANY($1)`, families)
	if err != nil {
		return nil, fmt.Errorf("screens at referral: %w", err)
	}
	var (
		family, referral uuid.UUID
		on               time.Time
		rating, answers  int16
		da               bool
	)
	_, err = pgx.ForEachRow(rows, []any{&family, &referral, &on, &rating, &da, &answers}, func() error {
		out[family] = &domain.ScreenAtReferral{Referral: referral, On: on, Rating: safeguardingv1.RiskRating(rating),
			DomesticAbuseFinding: da, Answers: safeguardingv1.RiskRating(answers)}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("screens at referral: %w", err)
	}
	return out, nil
}

// ScreenAtReferral is the family's latest person's screen at referral; nil for none.
func (r *Records) ScreenAtReferral(ctx context.Context, family uuid.UUID) (*domain.ScreenAtReferral, error) {
	screens, err := r.ScreensAtReferral(ctx, []uuid.UUID{family})
	if err != nil {
		return nil, err
	}
	return screens[family], nil
}
