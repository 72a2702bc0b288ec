package ports

import (
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/types/known/timestamppb"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/safeguarding/internal/app"
	"github.com/familytime/familytime/services/safeguarding/internal/domain"
)

type domainDate = time.Time

func optional(id uuid.UUID) string {
	if id == uuid.Nil {
		return ""
	}
	return id.String()
}

func riskOf(family uuid.UUID, r *domain.Risk) *safeguardingv1.Risk {
	return &safeguardingv1.Risk{FamilyId: family.String(), Rating: r.Rating(), Factors: r.Factors(), Provisional: r.Provisional(),
		DomesticAbuseFinding: r.DomesticAbuseFinding(), NextReviewOn: dates.Proto(r.NextReview()),
		DisclosureCarriedOn: dates.Proto(r.DisclosureCarriedOn()), AssessedOn: dates.Proto(r.AssessedOn()),
		ExpiredInjunctions: r.ExpiredInjunctions()}
}

// riskReview is a row of the lead's list: the risk, the day it fell due, beside a provisional
// rating what the answers suggest and the latest person's screen at referral (decision 214), and
// the protective steps taken since the risk was last assessed (decision 287).
func riskReview(r app.RiskReview) *safeguardingv1.RiskReview {
	out := &safeguardingv1.RiskReview{Risk: riskOf(r.Risk.Family(), r.Risk), Overdue: r.Overdue, DueOn: dates.Proto(r.Due),
		AnswersRating: r.Answers}
	out.StepsSinceAssessed = protectiveSteps(r.Steps)
	if s := r.Screen; s != nil {
		out.ScreenedAtReferral = &safeguardingv1.ScreenAtReferral{ReferralId: s.Referral.String(), ScreenedOn: dates.Proto(s.On),
			Rating: s.Rating, DomesticAbuseFinding: s.DomesticAbuseFinding}
	}
	return out
}

// protectiveSteps are steps taken since a family's risk was last assessed, as a list shows them.
func protectiveSteps(steps []domain.ProtectiveStep) []*safeguardingv1.ProtectiveStep {
	var out []*safeguardingv1.ProtectiveStep
	for _, x := range steps {
		out = append(out, &safeguardingv1.ProtectiveStep{Kind: x.Kind, TakenOn: dates.Proto(x.Taken.On), HoldId: optional(x.Hold),
			ConcernId: optional(x.Concern)})
	}
	return out
}

func concernSummary(k *domain.Concern) *safeguardingv1.ConcernSummary {
	return &safeguardingv1.ConcernSummary{ConcernId: k.ID().String(), FamilyId: k.FamilyID().String(), Category: k.Category(),
		RaisedOn: dates.Proto(k.RaisedOn()), RaisedBy: k.RaisedBy(), Escalated: k.Escalated(), Closed: k.Closed(), Version: k.Version()}
}

func hold(h domain.Hold) *safeguardingv1.Hold {
	return &safeguardingv1.Hold{HoldId: h.ID.String(), FamilyId: h.Family.String(), Reason: h.Reason,
		PlacedOn: dates.Proto(h.PlacedOn), ReviewBy: dates.Proto(h.ReviewBy), LiftedOn: dates.Proto(h.LiftedOn),
		ConcernId: optional(h.Concern), ReviewedOn: dates.Proto(h.ReviewedOn)}
}

// holdStillInForce is a hold a lift at centre left in force (decision 345), or one in force when
// a hold was placed at centre (decision 360): all of one of the
// centre's, as ListHolds gives it; of another centre's, its id, family, centre and the day it was
// placed alone, that centre's to say more of.
func holdStillInForce(centre uuid.UUID, h domain.Hold) *safeguardingv1.Hold {
	if h.Centre == centre {
		return hold(h)
	}
	return &safeguardingv1.Hold{HoldId: h.ID.String(), FamilyId: h.Family.String(), PlacedOn: dates.Proto(h.PlacedOn),
		CentreId: h.Centre.String()}
}

func reportSummary(r *domain.Report, workingDays int) *safeguardingv1.ReportSummary {
	return &safeguardingv1.ReportSummary{ReportId: r.ID().String(), FamilyId: r.FamilyID().String(), BookingId: r.BookingID().String(),
		SessionOn: dates.Proto(r.SessionOn()), State: r.State().StateName(), Author: r.Author(), Checker: r.Checker(),
		Version: r.Version(), WorkingDaysSinceSession: int32(workingDays), Writer: r.Writer(), Returned: r.Returned()}
}

func recipients(rs []domain.Recipient) []*safeguardingv1.Recipient {
	var out []*safeguardingv1.Recipient
	for _, r := range rs {
		x := &safeguardingv1.Recipient{Kind: r.Kind, PersonId: optional(r.Person), ActingForPersonId: optional(r.ActingFor)}
		for _, w := range r.Withheld {
			x.WithheldSections = append(x.WithheldSections, int32(w))
		}
		out = append(out, x)
	}
	return out
}

func entries(es []app.Entry) []*safeguardingv1.RecordEntry {
	var out []*safeguardingv1.RecordEntry
	for _, e := range es {
		x := &safeguardingv1.RecordEntry{RecordId: e.ID.String(), Type: e.Type, RecordedAt: timestamppb.New(e.RecordedAt),
			RecordedBy: e.RecordedBy, Text: e.Text, Reason: e.Reason, CorrectsRecordId: optional(e.Corrects), Summary: e.Summary,
			Withheld: e.Withheld, TextErased: e.TextErased, ConcernId: optional(e.Concern)}
		for _, c := range e.CorrectedBy {
			x.CorrectedByRecordIds = append(x.CorrectedByRecordIds, c.String())
		}
		out = append(out, x)
	}
	return out
}

// familyErasure says when and why the family's text was erased, once its key is destroyed; nil
// before (an erasure waiting for records in use has erased nothing yet).
// The erasure's reason is referral's number, and its day zero for one carried out before they
// were kept.
func familyErasure(done bool, reason int32, on time.Time) *safeguardingv1.FamilyErasure {
	if !done {
		return nil
	}
	return &safeguardingv1.FamilyErasure{Reason: safeguardingv1.ErasureReason(reason), ErasedOn: dates.Proto(on)}
}
