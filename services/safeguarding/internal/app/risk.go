package app

import (
	"bytes"
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/paging"
	"github.com/familytime/familytime/services/platform/weighing"
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
	// Another centre's family is not found before anything is said of its risk (review 20: a
	// refusal to lower it would tell that it stands red).
	if err := a.familyAt(ctx, family, as.Centre); err != nil {
		return nil, nil, err
	}
	if err := a.ErasureOrdered(ctx, family, domain.RiskOnErasedFamily); err != nil {
		return nil, nil, err
	}
	expected := r.Version()
	clears := r.DomesticAbuseFinding() && !as.DomesticAbuseFinding
	lowers, raises := r.Lowers(as.Rating, as.Factors), r.Raises(as.Rating, as.Factors)
	fromRed := r.Rating() == safeguardingv1.RiskRating_RISK_RATING_RED
	msgs, err := r.Assess(c, as, a.today())
	if err != nil {
		return nil, nil, err
	}
	// Clearing a domestic-abuse finding lets supported contact go ahead: it is not protective, so
	// it is the register's lead's, cleared today (decision 109), acting as the lead there: a lead's
	// token with the coordinator's role too, for the register's coordinator, acts as the
	// coordinator, who does not clear it (review 10). Finding it never waits.
	// Rating it lower, or dropping a factor, is not protective either, nor is a confirmation,
	// which takes the family off the lead's list (reviews 20 and 21, decision 159): by staff the
	// register clears today, and lowering from red by the register's lead. Only adding to the
	// risk never waits.
	if clears || !raises {
		acting, err := a.ActingAsStaff(ctx, as.Centre, c)
		if err != nil {
			return nil, nil, err
		}
		switch {
		case clears && !acting.Lead:
			return nil, nil, domain.ErrFindingClearedByLead
		case lowers && fromRed && !acting.Lead:
			return nil, nil, domain.ErrRedLoweredByLead
		}
	}
	uow := new(eventstore.UnitOfWork)
	if _, err := a.append(ctx, uow, domain.RiskStreamID(family), expected, family, as.Centre, md, msgs); err != nil {
		return nil, nil, err
	}
	if clears {
		// A finding cleared bars nothing more: the alerts that it was checked past elsewhere close.
		adapters.CloseFindingCheckAlerts(uow, family)
	}
	return r, uow, nil
}

// FindingCheckedElsewhere alerts the lead of the centre whose assessment made family's
// domestic-abuse finding that the lead of checkingCentre checked referral, a possible duplicate
// of the family, is another family, weighing the finding (Risk.FindingCheckedElsewhere), in uow,
// the consumer's. The alert is recorded in the family's risk stream, in the finding's centre's
// name, as its lead reads it.
func (a *App) FindingCheckedElsewhere(ctx context.Context, uow *eventstore.UnitOfWork, family, checkingCentre, referral uuid.UUID,
	checkedOn time.Time, md eventstore.Metadata) error {
	r, err := a.loadRisk(ctx, family)
	if err != nil {
		return err
	}
	expected := r.Version()
	msgs, err := r.FindingCheckedElsewhere(checkingCentre, referral, checkedOn, a.today())
	if err != nil || len(msgs) == 0 {
		return err
	}
	_, centre := r.FindingMadeOn()
	events, err := a.append(ctx, uow, domain.RiskStreamID(family), expected, family, centre, md, msgs)
	if err != nil {
		return err
	}
	adapters.ProjectFindingCheckAlert(uow, events[0].ID, msgs[0].(*safeguardingv1.LeadAlertedOfFindingCheck))
	return nil
}

// ReferralAnswers are a referral's risk answers as an event of referral's gives them: at its
// receipt, in the other parent's application, or in an amendment.
type ReferralAnswers struct {
	Family, Referral, Centre string
	Answers                  *referralv1.RiskAnswers
	Orders                   []*referralv1.CourtOrderRecord
	// On is the centre's date the answers arrived; zero means today.
	On *commonv1.Date
	// Later: the answers came after the referral's receipt (Risk.Rescreen).
	Later bool
}

// ScreenReferral screens the family's risk from a referral's answers on uow (a consumer's unit of
// work): Risk.ScreenReferral at its receipt (a referral waiting for its second parent is screened
// on the first parent's answers), Risk.Rescreen for answers given later; a person confirms or
// changes the screen.
func (a *App) ScreenReferral(ctx context.Context, in ReferralAnswers, md eventstore.Metadata, uow *eventstore.UnitOfWork) error {
	return a.screen(ctx, in.Family, in.Referral, in.Centre, in.On, md, uow, func(r *domain.Risk, referral, centre uuid.UUID, today time.Time) ([]proto.Message, error) {
		if in.Later {
			return r.Rescreen(referral, centre, in.Answers, today, in.Orders...)
		}
		return r.ScreenReferral(referral, centre, in.Answers, today, in.Orders...)
	})
}

// DisclosureCarried weighs a disclosure of domestic abuse carried to the family's referral from
// another referral of its child, flagged on the centre's date on (today when unset) and recorded
// by referral at flaggedAt (its event's recorded_at; zero when unknown), on uow (a consumer's unit
// of work): Risk.DisclosureCarried, by weighing.Weighs.
func (a *App) DisclosureCarried(ctx context.Context, family, referral, centre string, on *commonv1.Date, flaggedAt time.Time,
	md eventstore.Metadata, uow *eventstore.UnitOfWork) error {
	return a.screen(ctx, family, referral, centre, on, md, uow, func(r *domain.Risk, referral, centre uuid.UUID, today time.Time) ([]proto.Message, error) {
		return r.DisclosureCarried(referral, centre, weighing.Moment{On: today, At: flaggedAt})
	})
}

// screen loads the family's risk, decides on it on the centre's date on (today when unset), and
// appends what it decided on uow, noting the family's centre either way.
func (a *App) screen(ctx context.Context, familyID, referralID, centreID string, on *commonv1.Date, md eventstore.Metadata,
	uow *eventstore.UnitOfWork, decide func(r *domain.Risk, referral, centre uuid.UUID, today time.Time) ([]proto.Message, error)) error {
	var ids [3]uuid.UUID
	for i, s := range []string{familyID, referralID, centreID} {
		id, err := uuid.Parse(s)
		if err != nil {
			return err
		}
		ids[i] = id
	}
	family, referral, centre := ids[0], ids[1], ids[2]
	r, err := a.loadRisk(ctx, family)
	if err != nil {
		return err
	}
	expected := r.Version()
	today := dates.Time(on)
	if today.IsZero() {
		today = a.today()
	}
	msgs, err := decide(r, referral, centre, today)
	if err != nil {
		return err
	}
	adapters.ProjectFamily(uow, family, centre)
	if len(msgs) == 0 {
		return nil
	}
	_, err = a.append(ctx, uow, domain.RiskStreamID(family), expected, family, centre, md, msgs)
	return err
}

// RiskReview is a family whose risk a person must look at (RiskReviews).
type RiskReview struct {
	Risk *domain.Risk
	// Due is the day it fell due: the risk's own (Risk.Due) when that puts it on the list, or the
	// first protective step's since the risk was last assessed, whichever is earlier.
	Due time.Time
	// Overdue: the day it fell due has passed.
	Overdue bool
	// Answers and Screen are what the lead is shown beside a provisional rating (Risk.Shown): what
	// the answers suggest, and the latest person's screen at referral (nil for none).
	Answers safeguardingv1.RiskRating
	Screen  *domain.ScreenAtReferral
	// Steps are the protective steps taken since the risk was last assessed (Risk.StepsSinceAssessed),
	// oldest first: why the family is listed, when its risk alone would not be.
	Steps []domain.ProtectiveStep
}

// RiskReviews reads a page of the families at the centre whose risk a person must look at by
// dueBy (zero: the centre's date today): an amber or red provisional screen no person has assessed,
// an assessment whose review date is dueBy or earlier, or a risk a hold placed or a concern
// escalated since its last assessment puts before a person again, due the day of the step (review
// 48); by the day each fell due, the earliest first, and the next page's token. Families whose case
// closed at referral, or whose data was erased, are left out. Each open family's risk stream is
// read and folded, and its protective steps read with the others' in one query: a centre has tens
// of open families, not thousands, and the fold is the one place risk is decided (decision 126).
func (a *App) RiskReviews(ctx context.Context, centre uuid.UUID, dueBy time.Time, size int, token string) ([]RiskReview, string, error) {
	after, err := paging.Decode(token)
	if err != nil {
		return nil, "", err
	}
	today := a.today()
	if dueBy.IsZero() {
		dueBy = today
	}
	families, err := a.records.OpenFamilies(ctx, centre)
	if err != nil {
		return nil, "", err
	}
	steps, err := a.records.ProtectiveSteps(ctx, families)
	if err != nil {
		return nil, "", err
	}
	var due []RiskReview
	for _, family := range families {
		r, err := a.loadRisk(ctx, family)
		if err != nil {
			return nil, "", err
		}
		if !r.Known() || r.CentreID() != centre {
			continue
		}
		x := RiskReview{Risk: r, Steps: r.StepsSinceAssessed(steps[family])}
		switch {
		case r.Provisional() && r.Rating() == safeguardingv1.RiskRating_RISK_RATING_GREEN:
			// A green screen of the referral's answers names no risk, and the coordinator's
			// screening in referral looks at it: every family of a demo centre was listed as
			// unconfirmed. The lead is asked to assess the amber and red ones.
		case !r.Provisional() && r.Due().After(dueBy):
		default:
			x.Due = r.Due()
		}
		if len(x.Steps) > 0 && (x.Due.IsZero() || x.Steps[0].Taken.On.Before(x.Due)) {
			x.Due = x.Steps[0].Taken.On
		}
		if x.Due.IsZero() {
			continue
		}
		// Due the day it fell due and overdue from the next, a step as a provisional screen
		// (decision 214): the lead who placed a hold or escalated has weighed the family that day.
		x.Overdue = x.Due.Before(today)
		due = append(due, x)
	}
	key := func(x RiskReview) (string, uuid.UUID) { return x.Due.Format(time.DateOnly), x.Risk.Family() }
	// order compares by the page key, as paging.Trim's tokens name a place in the list.
	order := func(x RiskReview, k string, id uuid.UUID) int {
		xk, xid := key(x)
		return cmp.Or(strings.Compare(xk, k), bytes.Compare(xid[:], id[:]))
	}
	slices.SortFunc(due, func(x, y RiskReview) int {
		k, id := key(y)
		return order(x, k, id)
	})
	due = slices.DeleteFunc(due, func(x RiskReview) bool { return after != (paging.After{}) && order(x, after.Key, after.ID) <= 0 })
	size = pageSize(size)
	page, next := paging.Trim(due[:min(len(due), size+1)], size, key)
	// Beside a provisional rating, what the answers suggest and what a person screened at
	// referral: review 31 found the list saying amber where the coordinator had screened green.
	ids := make([]uuid.UUID, 0, len(page))
	for _, x := range page {
		ids = append(ids, x.Risk.Family())
	}
	screens, err := a.records.ScreensAtReferral(ctx, ids)
	if err != nil {
		return nil, "", err
	}
	for i := range page {
		page[i].Answers, page[i].Screen = page[i].Risk.Shown(screens[page[i].Risk.Family()])
	}
	return page, next, nil
}

// CaseClosed notes on uow (a consumer's) that the family's case closed at referral on the centre's
// date on, or its data was erased: its risk is no longer due for review (RiskReviews).
func (a *App) CaseClosed(uow *eventstore.UnitOfWork, family uuid.UUID, on time.Time) {
	adapters.CloseCase(uow, family, on)
}

// CaseReopened notes on uow (a consumer's) that the family's case, ended by mistake, was reopened
// (referral's CaseReopened, decision 231): its risk is due for review again.
func (a *App) CaseReopened(uow *eventstore.UnitOfWork, family uuid.UUID) {
	adapters.ReopenCase(uow, family)
}

// ScreenedAtReferral weighs a person's screen of a referral at referral (Risk.ScreenedAtReferral) on
// uow, a consumer's unit of work.
func (a *App) ScreenedAtReferral(ctx context.Context, ev *referralv1.ScreeningRecorded, md eventstore.Metadata, uow *eventstore.UnitOfWork) error {
	// The two services name the same three ratings.
	rating := safeguardingv1.RiskRating(safeguardingv1.RiskRating_value[ev.GetRating().String()])
	return a.screen(ctx, ev.GetFamilyId(), ev.GetReferralId(), ev.GetCentreId(), ev.GetScreenedOn(), md, uow,
		func(r *domain.Risk, referral, centre uuid.UUID, today time.Time) ([]proto.Message, error) {
			// The screen is noted whatever it rated, for the lead's list (decision 214): one
			// below the risk appends nothing to it, and the lead is shown it beside the rating.
			if rating != safeguardingv1.RiskRating_RISK_RATING_UNSPECIFIED {
				before, err := a.records.ScreenAtReferral(ctx, r.Family())
				if err != nil {
					return nil, err
				}
				answers, _ := r.Shown(before)
				adapters.NoteScreenAtReferral(uow, r.Family(), centre, domain.ScreenAtReferral{Referral: referral, On: today,
					Rating: rating, DomesticAbuseFinding: ev.GetDomesticAbuseFinding(), Answers: answers})
			}
			return r.ScreenedAtReferral(referral, centre, rating, ev.GetDomesticAbuseFinding(), today)
		})
}
