package app

import (
	"context"

	"github.com/google/uuid"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/safeguarding/internal/adapters"
	"github.com/familytime/familytime/services/safeguarding/internal/domain"
)

func (a *App) loadRisk(ctx context.Context, family uuid.UUID) (*domain.Risk, error) {
	recs, _, err := a.records.Load(ctx, domain.RiskStreamID(family))
	if err != nil {
		return nil, err
	}
	return domain.RebuildRisk(family, recs)
}

// AssessRisk records a person's assessment of a family's risk.
func (a *App) AssessRisk(ctx context.Context, c domain.Caller, family uuid.UUID, as domain.Assessment, md eventstore.Metadata) (*domain.Risk, *eventstore.UnitOfWork, error) {
	r, err := a.loadRisk(ctx, family)
	if err != nil {
		return nil, nil, err
	}
	expected := r.Version()
	clears := r.DomesticAbuseFinding() && !as.DomesticAbuseFinding
	msgs, err := r.Assess(c, as, a.today())
	if err != nil {
		return nil, nil, err
	}
	if err := a.familyAt(ctx, family, as.Centre); err != nil {
		return nil, nil, err
	}
	// Clearing a domestic-abuse finding lets supported contact go ahead: it is not protective, so
	// it is the register's lead's, cleared today (decision 109), acting as the lead there: a lead's
	// token with the coordinator's role too, for the register's coordinator, acts as the
	// coordinator, who does not clear it (review 10). Finding it never waits.
	if clears {
		acting, err := a.ActingAsStaff(ctx, as.Centre, c)
		if err != nil {
			return nil, nil, err
		}
		if !acting.Lead {
			return nil, nil, domain.ErrFindingClearedByLead
		}
	}
	uow := new(eventstore.UnitOfWork)
	if _, err := a.append(ctx, uow, domain.RiskStreamID(family), expected, family, as.Centre, md, msgs); err != nil {
		return nil, nil, err
	}
	return r, uow, nil
}

// ScreenReferral records the provisional screen of a received referral's risk answers on uow (a
// consumer's unit of work). A referral waiting for its second parent is screened on the first
// parent's answers; a person confirms or changes the screen.
func (a *App) ScreenReferral(ctx context.Context, ev *referralv1.ReferralReceived, md eventstore.Metadata, uow *eventstore.UnitOfWork) error {
	family, err := uuid.Parse(ev.GetFamilyId())
	if err != nil {
		return err
	}
	referral, err := uuid.Parse(ev.GetReferralId())
	if err != nil {
		return err
	}
	centre, err := uuid.Parse(ev.GetCentreId())
	if err != nil {
		return err
	}
	r, err := a.loadRisk(ctx, family)
	if err != nil {
		return err
	}
	expected := r.Version()
	today := dates.Time(ev.GetReceivedOn())
	if today.IsZero() {
		today = a.today()
	}
	msgs, err := r.ScreenReferral(referral, centre, ev.GetFacts().GetRisk(), today)
	if err != nil {
		return err
	}
	adapters.ProjectFamily(uow, family, centre)
	_, err = a.append(ctx, uow, domain.RiskStreamID(family), expected, family, centre, md, msgs)
	return err
}
