// Package ports translates between the referral service and the outside: its gRPC API and the
// events it consumes from other services.
package ports

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/command"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/grpcx"
	"github.com/familytime/familytime/services/platform/problem"
	"github.com/familytime/familytime/services/referral/internal/adapters"
	"github.com/familytime/familytime/services/referral/internal/app"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

const service = "/familytime.referral.v1.ReferralService/"

var (
	// intake: the people who take a referral in; referrers (solicitors, Cafcass, social workers)
	// send referrals to the centres their token names.
	intake = []auth.Role{auth.RoleReferrer, auth.RoleCoordinator}
	// casework: the centre's decisions and the family's path are the coordinator's.
	casework = []auth.Role{auth.RoleCoordinator}
	// screening: a person screens the referral's risk. The lead comes first, so that a lead who is
	// also a coordinator acts as the lead, who alone clears a domestic-abuse finding (decision 97).
	screening = []auth.Role{auth.RoleSafeguardingLead, auth.RoleCoordinator}
	// leads: what only the centre's safeguarding lead records, such as that a possible duplicate
	// under a hold is another family (decision 205).
	leads = []auth.Role{auth.RoleSafeguardingLead}
	// confirmers record that a child on a referral is the child on a possible duplicate (decision
	// 260): the centre's coordinator, who keeps its casework, or its safeguarding lead, who checks
	// possible duplicates; the lead first, so a lead who is also a coordinator acts as the lead.
	confirmers = []auth.Role{auth.RoleSafeguardingLead, auth.RoleCoordinator}
	// readers see a centre's referrals without personal details.
	readers = []auth.Role{auth.RoleCoordinator, auth.RoleSafeguardingLead, auth.RoleAdmin}
	// openers may open a family's personal details (every opening is recorded).
	openers = []auth.Role{auth.RoleCoordinator, auth.RoleSafeguardingLead}
	// door: the centre's staff who run its sessions read the names of the people the door admits
	// (as they read scheduling's day sheet); each reader's read of a family for a day is recorded.
	door = []auth.Role{auth.RoleCoordinator, auth.RoleVolunteer, auth.RoleSupervisor, auth.RoleSafeguardingLead}
	// erasers order a family's erasure: the national body's administrators, who answer for the
	// retention schedule and for upholding a data subject's request, never a centre's staff.
	erasers = []auth.Role{auth.RoleAdmin}
	// referrers ask where a referral they submitted stands (decision 291); the centre's staff read
	// the referral itself.
	referrers = []auth.Role{auth.RoleReferrer}
)

// Policy says who may call each RPC. Every RPC is scoped to the centre its request names, and the
// referral it names must belong to that centre (app.load).
var Policy = auth.Policy{
	service + "SubmitReferral":               {Roles: intake, CentreScoped: true},
	service + "SubmitSecondPartyApplication": {Roles: intake, CentreScoped: true},
	service + "AmendReferral":                {Roles: casework, CentreScoped: true},
	service + "RecordScreening":              {Roles: screening, CentreScoped: true},
	service + "AcceptReferral":               {Roles: casework, CentreScoped: true},
	service + "WaitlistReferral":             {Roles: casework, CentreScoped: true},
	service + "CheckPossibleDuplicate":       {Roles: leads, CentreScoped: true},
	service + "ConfirmSameChild":             {Roles: confirmers, CentreScoped: true},
	service + "DeclineReferral":              {Roles: casework, CentreScoped: true},
	service + "WithdrawReferral":             {Roles: casework, CentreScoped: true},
	service + "RecordPreVisit":               {Roles: casework, CentreScoped: true},
	service + "AgreeArrangement":             {Roles: casework, CentreScoped: true},
	service + "ChangeArrangement":            {Roles: casework, CentreScoped: true},
	service + "RecordReview":                 {Roles: casework, CentreScoped: true},
	service + "EndCase":                      {Roles: casework, CentreScoped: true},
	service + "CorrectCaseEnding":            {Roles: casework, CentreScoped: true},
	service + "ReopenCase":                   {Roles: casework, CentreScoped: true},
	service + "GetReferral":                  {Roles: readers, CentreScoped: true},
	service + "ListReferrals":                {Roles: readers, CentreScoped: true},
	service + "ListReviewsDue":               {Roles: readers, CentreScoped: true},
	service + "GetFamily":                    {Roles: openers, CentreScoped: true},
	service + "EraseFamily":                  {Roles: erasers, CentreScoped: true},
	service + "GetDoorNames":                 {Roles: door, CentreScoped: true},
	service + "GetReferralStanding":          {Roles: referrers, CentreScoped: true},
}

// Server is the ReferralService gRPC API.
type Server struct {
	referralv1.UnimplementedReferralServiceServer
	app *app.App
}

// NewServer returns the API over the use cases.
func NewServer(a *app.App) *Server { return &Server{app: a} }

// commandAnswer is every command's response: the referral it answers with.
type commandAnswer interface {
	proto.Message
	GetReferral() *referralv1.Referral
}

// once runs a command at most once per request id and answers with the referral as it then stood,
// saying when (answered_at, by the service's clock; recorded with the answer). A retry is answered
// that recorded answer marked replayed: the outcome then, not the referral now. Both are
// command.OnceSaying's, in the Referral the response answers with (decision 287); the erasure's
// mask of a replayed answer is referral's own step after it.
func once[R commandAnswer](ctx context.Context, s *Server, req command.Request, answer func(*referralv1.Referral) R,
	do func(context.Context, eventstore.Metadata) (app.Decision, error)) (R, error) {
	resp, err := command.OnceSaying(ctx, s.app.Store(), req, s.app.Now, func(ctx context.Context, md eventstore.Metadata) (R, *eventstore.UnitOfWork, error) {
		var zero R
		dec, err := do(ctx, md)
		if err != nil {
			return zero, nil, err
		}
		r := adapters.AsOf(adapters.Summary(dec.Referral), s.app.Today())
		// What the answer says of its possible duplicates is as a read would say it now.
		if err := s.app.WithStanding(ctx, []*referralv1.Referral{r}); err != nil {
			return zero, nil, err
		}
		// So is an adult another family's open referral at the centre shares (decision 350).
		if err := s.app.WithSameAdult(ctx, r, &dec); err != nil {
			return zero, nil, err
		}
		return answer(r), dec.Work, nil
	})
	if r := resp.GetReferral(); err == nil && r.GetReplayed() {
		// Recorded before the family's erasure, the answer is not its personal data's way back
		// (review 47, decision 277): it is told as a read would tell it now.
		if id, perr := uuid.Parse(r.GetReferralId()); perr == nil {
			on, gerr := s.app.ErasedOn(ctx, id)
			if gerr != nil {
				var zero R
				return zero, translate(gerr)
			}
			if on != nil {
				adapters.Erased(r, on)
			}
			// Nor is another family's erased since (decision 348).
			if err := s.app.WithholdErasedMatches(ctx, r); err != nil {
				var zero R
				return zero, translate(err)
			}
		}
	}
	if r := resp.GetReferral(); err == nil && r.GetReplayed() && r.GetFamilyId() != "" && !actsAsReferrer(ctx) {
		// A retry's answer says the same adult as a read says it now: a referral closed or a
		// family erased since is not kept apart from (decision 350).
		if serr := s.app.WithSameAdult(ctx, r, nil); serr != nil {
			var zero R
			return zero, translate(serr)
		}
	}
	return resp, translate(err)
}

// SubmitReferral records a new referral.
func (s *Server) SubmitReferral(ctx context.Context, req *referralv1.SubmitReferralRequest) (*referralv1.SubmitReferralResponse, error) {
	d, err := detailsFrom(req.GetDetails())
	if err != nil {
		return nil, err
	}
	sub := domain.Submission{CentreID: id(req.GetCentreId()), Source: req.GetSource(), RequestedServiceType: req.GetRequestedServiceType(), Details: d}
	var ranOut *commonv1.Date
	referrer := actsAsReferrer(ctx)
	return once(ctx, s, req, func(r *referralv1.Referral) *referralv1.SubmitReferralResponse {
		if referrer {
			r = forReferrer(r)
		}
		// From the request, so that a retry is warned as the first answer was (decision 416).
		ofAge := domain.ComeOfAgeSoon(sub.Details.Children, s.app.Today())
		return &referralv1.SubmitReferralResponse{Referral: r, CentreAccreditationRanOutOn: ranOut,
			ChildrenComeOfAgeOn: dates.Proto(ofAge)}
	}, func(ctx context.Context, md eventstore.Metadata) (app.Decision, error) {
		dec, err := s.app.Submit(ctx, sub, md)
		ranOut = dates.Proto(dec.AccreditationRanOut)
		return dec, err
	})
}

// SubmitSecondPartyApplication records the other parent's application to a self-referral.
func (s *Server) SubmitSecondPartyApplication(ctx context.Context, req *referralv1.SubmitSecondPartyApplicationRequest) (*referralv1.SubmitSecondPartyApplicationResponse, error) {
	referrer := actsAsReferrer(ctx)
	a := domain.SecondPartyApplication{Parent: adultFrom(req.GetParent()), Risk: riskFrom(req.GetRisk()),
		RiskNotes: req.GetRiskNotes(), ConsentGiven: req.GetConsentGiven(), MustMatch: referrer}
	var bad problem.InvalidError
	// The names and dates of birth are compared (NamesTheChildren); the needs and language given
	// are kept as this parent's (decision 337); ids given are not read.
	if a.Children = childrenFrom(req.GetChildren(), "children", &bad); len(bad.Violations) > 0 {
		return nil, &bad
	}
	return once(ctx, s, req, func(r *referralv1.Referral) *referralv1.SubmitSecondPartyApplicationResponse {
		resp := &referralv1.SubmitSecondPartyApplicationResponse{}
		if open(r.GetState()) {
			// From the referral's children: a coordinator may enter a paper application without
			// them. The answer is kept, so a retry is warned as the first answer was (decision 421).
			resp.ChildrenComeOfAgeOn = dates.Proto(domain.ComeOfAgeSoon(bornIn(r.GetChildren()), s.app.Today()))
		}
		if referrer {
			// The applicant needs to know the application arrived and where the referral stands;
			// the family's person ids and the children's birth months are the centre's.
			r = forReferrer(r)
		}
		resp.Referral = r
		return resp
	}, func(ctx context.Context, md eventstore.Metadata) (app.Decision, error) {
		return s.app.SubmitSecondParty(ctx, id(req.GetReferralId()), id(req.GetCentreId()), a, md)
	})
}

// AmendReferral replaces a referral's details.
func (s *Server) AmendReferral(ctx context.Context, req *referralv1.AmendReferralRequest) (*referralv1.AmendReferralResponse, error) {
	d, err := detailsFrom(req.GetDetails())
	if err != nil {
		return nil, err
	}
	return once(ctx, s, req, func(r *referralv1.Referral) *referralv1.AmendReferralResponse {
		resp := &referralv1.AmendReferralResponse{Referral: r}
		if open(r.GetState()) {
			// A closed referral's correction takes no family into contact.
			resp.ChildrenComeOfAgeOn = dates.Proto(domain.ComeOfAgeSoon(d.Children, s.app.Today()))
		}
		return resp
	}, func(ctx context.Context, md eventstore.Metadata) (app.Decision, error) {
		return s.app.Amend(ctx, id(req.GetReferralId()), id(req.GetCentreId()), req.GetExpectedVersion(), d, req.GetCorrectionReason(), md)
	})
}

// RecordScreening records a screening of the referral's risk.
func (s *Server) RecordScreening(ctx context.Context, req *referralv1.RecordScreeningRequest) (*referralv1.RecordScreeningResponse, error) {
	sc := domain.Screening{Rating: req.GetRating(), DomesticAbuseFinding: req.GetDomesticAbuseFinding(), Note: req.GetNote(),
		ByLead: auth.ActingRoleFrom(ctx) == auth.RoleSafeguardingLead, ApplicantsChecked: req.GetApplicantsChecked()}
	return once(ctx, s, req, func(r *referralv1.Referral) *referralv1.RecordScreeningResponse {
		return &referralv1.RecordScreeningResponse{Referral: r}
	}, func(ctx context.Context, md eventstore.Metadata) (app.Decision, error) {
		return s.app.Screen(ctx, id(req.GetReferralId()), id(req.GetCentreId()), sc, md)
	})
}

// AcceptReferral accepts a referral for a kind of contact.
func (s *Server) AcceptReferral(ctx context.Context, req *referralv1.AcceptReferralRequest) (*referralv1.AcceptReferralResponse, error) {
	var ranOut *commonv1.Date
	return once(ctx, s, req, func(r *referralv1.Referral) *referralv1.AcceptReferralResponse {
		return &referralv1.AcceptReferralResponse{Referral: r, CentreAccreditationRanOutOn: ranOut}
	}, func(ctx context.Context, md eventstore.Metadata) (app.Decision, error) {
		dec, err := s.app.Accept(ctx, id(req.GetReferralId()), id(req.GetCentreId()), req.GetServiceType(), req.GetNotTheFamilyUnderHold(), req.GetNote(), md)
		ranOut = dates.Proto(dec.AccreditationRanOut)
		return dec, err
	})
}

// WaitlistReferral puts the family on the waiting list, for a kind of contact the centre offers
// and the screening allows.
func (s *Server) WaitlistReferral(ctx context.Context, req *referralv1.WaitlistReferralRequest) (*referralv1.WaitlistReferralResponse, error) {
	var ranOut *commonv1.Date
	return once(ctx, s, req, func(r *referralv1.Referral) *referralv1.WaitlistReferralResponse {
		return &referralv1.WaitlistReferralResponse{Referral: r, CentreAccreditationRanOutOn: ranOut}
	}, func(ctx context.Context, md eventstore.Metadata) (app.Decision, error) {
		dec, err := s.app.Waitlist(ctx, id(req.GetReferralId()), id(req.GetCentreId()), req.GetServiceType(), req.GetNotTheFamilyUnderHold(), md)
		ranOut = dates.Proto(dec.AccreditationRanOut)
		return dec, err
	})
}

// DeclineReferral declines a referral with a reason.
func (s *Server) DeclineReferral(ctx context.Context, req *referralv1.DeclineReferralRequest) (*referralv1.DeclineReferralResponse, error) {
	d := domain.Decline{Reason: req.GetReason(), Note: req.GetNote(), RedirectedTo: id(req.GetRedirectedToCentreId()),
		DuplicateOf: id(req.GetDuplicateOfReferralId())}
	return once(ctx, s, req, func(r *referralv1.Referral) *referralv1.DeclineReferralResponse {
		return &referralv1.DeclineReferralResponse{Referral: r}
	}, func(ctx context.Context, md eventstore.Metadata) (app.Decision, error) {
		return s.app.Decline(ctx, id(req.GetReferralId()), id(req.GetCentreId()), d, md)
	})
}

// WithdrawReferral records that a referral was withdrawn.
func (s *Server) WithdrawReferral(ctx context.Context, req *referralv1.WithdrawReferralRequest) (*referralv1.WithdrawReferralResponse, error) {
	return once(ctx, s, req, func(r *referralv1.Referral) *referralv1.WithdrawReferralResponse {
		return &referralv1.WithdrawReferralResponse{Referral: r}
	}, func(ctx context.Context, md eventstore.Metadata) (app.Decision, error) {
		return s.app.Withdraw(ctx, id(req.GetReferralId()), id(req.GetCentreId()), req.GetWithdrawnBy(), req.GetNote(), md)
	})
}

// CheckPossibleDuplicate records the safeguarding lead's check that a possible duplicate's family
// is another family.
func (s *Server) CheckPossibleDuplicate(ctx context.Context, req *referralv1.CheckPossibleDuplicateRequest) (*referralv1.CheckPossibleDuplicateResponse, error) {
	return once(ctx, s, req, func(r *referralv1.Referral) *referralv1.CheckPossibleDuplicateResponse {
		return &referralv1.CheckPossibleDuplicateResponse{Referral: r}
	}, func(ctx context.Context, md eventstore.Metadata) (app.Decision, error) {
		return s.app.CheckPossibleDuplicate(ctx, id(req.GetReferralId()), id(req.GetCentreId()), id(req.GetOtherReferralId()), req.GetNote(), md)
	})
}

// ConfirmSameChild records that a child on the referral is the child on one of its possible
// duplicates, for the national figures to count them once (decision 260).
func (s *Server) ConfirmSameChild(ctx context.Context, req *referralv1.ConfirmSameChildRequest) (*referralv1.ConfirmSameChildResponse, error) {
	role := referralv1.ConfirmerRole_CONFIRMER_ROLE_COORDINATOR
	if auth.ActingRoleFrom(ctx) == auth.RoleSafeguardingLead {
		role = referralv1.ConfirmerRole_CONFIRMER_ROLE_SAFEGUARDING_LEAD
	}
	return once(ctx, s, req, func(r *referralv1.Referral) *referralv1.ConfirmSameChildResponse {
		return &referralv1.ConfirmSameChildResponse{Referral: r}
	}, func(ctx context.Context, md eventstore.Metadata) (app.Decision, error) {
		return s.app.ConfirmSameChild(ctx, id(req.GetReferralId()), id(req.GetCentreId()), id(req.GetChildPersonId()),
			id(req.GetOtherReferralId()), role, req.GetNote(), md)
	})
}

// RecordPreVisit records one adult's pre-visit.
func (s *Server) RecordPreVisit(ctx context.Context, req *referralv1.RecordPreVisitRequest) (*referralv1.RecordPreVisitResponse, error) {
	on, err := date(req.GetVisitedOn(), "visited_on")
	if err != nil {
		return nil, err
	}
	p := domain.PreVisit{PersonID: id(req.GetPersonId()), On: on, GroundRulesSigned: req.GetGroundRulesSigned(), Note: req.GetNote()}
	return once(ctx, s, req, func(r *referralv1.Referral) *referralv1.RecordPreVisitResponse {
		return &referralv1.RecordPreVisitResponse{Referral: r}
	}, func(ctx context.Context, md eventstore.Metadata) (app.Decision, error) {
		return s.app.RecordPreVisit(ctx, id(req.GetReferralId()), id(req.GetCentreId()), p, md)
	})
}

// AgreeArrangement records the agreed arrangement.
func (s *Server) AgreeArrangement(ctx context.Context, req *referralv1.AgreeArrangementRequest) (*referralv1.AgreeArrangementResponse, error) {
	a := arrangementFrom(req.GetArrangement())
	return once(ctx, s, req, func(r *referralv1.Referral) *referralv1.AgreeArrangementResponse {
		return &referralv1.AgreeArrangementResponse{Referral: r}
	}, func(ctx context.Context, md eventstore.Metadata) (app.Decision, error) {
		return s.app.AgreeArrangement(ctx, id(req.GetReferralId()), id(req.GetCentreId()), a, md)
	})
}

// ChangeArrangement changes the agreed arrangement of a case ready for contact or in contact.
func (s *Server) ChangeArrangement(ctx context.Context, req *referralv1.ChangeArrangementRequest) (*referralv1.ChangeArrangementResponse, error) {
	a := arrangementFrom(req.GetArrangement())
	return once(ctx, s, req, func(r *referralv1.Referral) *referralv1.ChangeArrangementResponse {
		return &referralv1.ChangeArrangementResponse{Referral: r}
	}, func(ctx context.Context, md eventstore.Metadata) (app.Decision, error) {
		return s.app.ChangeArrangement(ctx, id(req.GetReferralId()), id(req.GetCentreId()), req.GetExpectedVersion(), a, md)
	})
}

// RecordReview records a review of the case.
func (s *Server) RecordReview(ctx context.Context, req *referralv1.RecordReviewRequest) (*referralv1.RecordReviewResponse, error) {
	on, err := date(req.GetHeldOn(), "held_on")
	if err != nil {
		return nil, err
	}
	return once(ctx, s, req, func(r *referralv1.Referral) *referralv1.RecordReviewResponse {
		return &referralv1.RecordReviewResponse{Referral: r}
	}, func(ctx context.Context, md eventstore.Metadata) (app.Decision, error) {
		return s.app.RecordReview(ctx, id(req.GetReferralId()), id(req.GetCentreId()), on, req.GetDecision(), req.GetNote(), md)
	})
}

// EndCase ends the case with an outcome.
func (s *Server) EndCase(ctx context.Context, req *referralv1.EndCaseRequest) (*referralv1.EndCaseResponse, error) {
	return once(ctx, s, req, func(r *referralv1.Referral) *referralv1.EndCaseResponse {
		return &referralv1.EndCaseResponse{Referral: r}
	}, func(ctx context.Context, md eventstore.Metadata) (app.Decision, error) {
		return s.app.EndCase(ctx, id(req.GetReferralId()), id(req.GetCentreId()), req.GetOutcome(), req.GetNote(), md)
	})
}

// CorrectCaseEnding corrects an ended case's outcome, by a record pointing at the ending.
func (s *Server) CorrectCaseEnding(ctx context.Context, req *referralv1.CorrectCaseEndingRequest) (*referralv1.CorrectCaseEndingResponse, error) {
	return once(ctx, s, req, func(r *referralv1.Referral) *referralv1.CorrectCaseEndingResponse {
		resp := &referralv1.CorrectCaseEndingResponse{Referral: r}
		if r.GetErasedOn() != nil {
			// The note is sealed with the family's key, which is gone (decision 395).
			resp.TextWarning = "TEXT_NOT_KEPT: the family's personal data was erased, so the outcome was corrected (the figures count " +
				"it from now on) but the note was not kept"
		}
		return resp
	}, func(ctx context.Context, md eventstore.Metadata) (app.Decision, error) {
		return s.app.CorrectCaseEnding(ctx, id(req.GetReferralId()), id(req.GetCentreId()), req.GetOutcome(), req.GetNote(), md)
	})
}

// ReopenCase reopens a case ended by mistake.
func (s *Server) ReopenCase(ctx context.Context, req *referralv1.ReopenCaseRequest) (*referralv1.ReopenCaseResponse, error) {
	return once(ctx, s, req, func(r *referralv1.Referral) *referralv1.ReopenCaseResponse {
		return &referralv1.ReopenCaseResponse{Referral: r}
	}, func(ctx context.Context, md eventstore.Metadata) (app.Decision, error) {
		return s.app.ReopenCase(ctx, id(req.GetReferralId()), id(req.GetCentreId()), req.GetNote(), md)
	})
}

// EraseFamily records the erasure of a family's personal data; the keys are destroyed on the event.
func (s *Server) EraseFamily(ctx context.Context, req *referralv1.EraseFamilyRequest) (*referralv1.EraseFamilyResponse, error) {
	var others []*referralv1.DuplicateNotErased
	resp, err := once(ctx, s, req, func(r *referralv1.Referral) *referralv1.EraseFamilyResponse {
		return &referralv1.EraseFamilyResponse{Referral: r, DuplicatesNotErased: others}
	}, func(ctx context.Context, md eventstore.Metadata) (app.Decision, error) {
		dec, err := s.app.EraseFamily(ctx, id(req.GetFamilyId()), id(req.GetCentreId()), req.GetReason(), md)
		others = nil // decided again after a conflict, the answer is the last decision's
		for _, d := range dec.DuplicatesNotErased {
			others = append(others, &referralv1.DuplicateNotErased{ReferralId: d.ID.String(), FamilyId: d.Family.String(),
				CentreId: d.Centre.String(), State: d.State})
		}
		return dec, err
	})
	if gone, ok := errors.AsType[*command.AnswerErasedError](err); ok {
		// This erasure, retried with its request id (after OUTCOME_UNKNOWN, as the runbook says):
		// the answer it recorded went with the details it erased (decision 278). It is the same
		// erasure, done, and answered as a read gives the referral now: erased, and when (review
		// 90 L3 was told of "a new referral of the family"). The possible duplicates not erased
		// went with the answer: the family's referral names them to a read no more.
		r, rerr := s.app.FamilysReferral(ctx, id(req.GetFamilyId()), id(req.GetCentreId()))
		if rerr != nil || r.GetErasedOn() == nil {
			return nil, gone
		}
		r.Replayed = true
		return &referralv1.EraseFamilyResponse{Referral: r}, nil
	}
	return resp, err
}

// GetReferral reads one referral, without personal details.
func (s *Server) GetReferral(ctx context.Context, req *referralv1.GetReferralRequest) (*referralv1.GetReferralResponse, error) {
	r, err := s.app.GetReferral(ctx, id(req.GetReferralId()), id(req.GetCentreId()))
	if err != nil {
		return nil, translate(err)
	}
	return &referralv1.GetReferralResponse{Referral: r}, nil
}

// ListReferrals reads a page of a centre's referrals.
func (s *Server) ListReferrals(ctx context.Context, req *referralv1.ListReferralsRequest) (*referralv1.ListReferralsResponse, error) {
	page, next, err := s.app.ListReferrals(ctx, id(req.GetCentreId()), req.GetState(), int(req.GetPageSize()), req.GetPageToken())
	if err != nil {
		return nil, translate(err)
	}
	return &referralv1.ListReferralsResponse{Referrals: page, NextPageToken: next}, nil
}

// ListReviewsDue reads a page of a centre's cases due a review.
func (s *Server) ListReviewsDue(ctx context.Context, req *referralv1.ListReviewsDueRequest) (*referralv1.ListReviewsDueResponse, error) {
	dueBy, err := date(req.GetDueBy(), "due_by")
	if err != nil {
		return nil, err
	}
	page, next, err := s.app.ListReviewsDue(ctx, id(req.GetCentreId()), dueBy, int(req.GetPageSize()), req.GetPageToken())
	if err != nil {
		return nil, translate(err)
	}
	return &referralv1.ListReviewsDueResponse{Reviews: page, NextPageToken: next}, nil
}

// GetFamily opens a family's personal details, for the reason the caller states; the opening is
// recorded before anything is shown. With for_person_id, it answers only what that adult may be
// shown: their own contact details, never another party's.
func (s *Server) GetFamily(ctx context.Context, req *referralv1.GetFamilyRequest) (*referralv1.GetFamilyResponse, error) {
	caller, ok := auth.FromContext(ctx)
	if !ok {
		return nil, errors.New("get family: no caller") // grpcx authenticated every call
	}
	roles := make([]string, len(caller.Roles))
	for i, r := range caller.Roles {
		roles[i] = string(r)
	}
	md := command.Metadata(ctx, uuid.New())
	if req.GetForPersonId() != "" && id(req.GetForPersonId()) == uuid.Nil {
		// The nil UUID is no person: read as "no filter", it gave every party's details under
		// a view meant for one.
		return nil, problem.Invalid("for_person_id", "must name a person of the referral, not the nil UUID")
	}
	opened, err := s.app.OpenFamily(ctx, id(req.GetReferralId()), id(req.GetCentreId()), req.GetPurpose(), id(req.GetForPersonId()), roles, md)
	if err != nil {
		return nil, translate(err)
	}
	if _, err := s.app.Store().Commit(ctx, opened.Access); err != nil {
		return nil, fmt.Errorf("record the opening of a family's details: %w", err)
	}
	r := opened.Referral
	family := &referralv1.Family{FamilyId: r.FamilyID().String(), ReferralId: r.ID().String(), Version: r.Version()}
	if on, erased := r.ErasedOn(); erased {
		// Nothing of the family is left to show: the reader is told when, and why, rather than
		// shown blanks that read as details never given, or notes never recorded (review 35).
		family.ErasedOn, family.ErasureReason = dates.Proto(on), r.ErasureReason()
	}
	if v := opened.View; v != nil {
		family.Adults = append(family.Adults, adultOf(v.Viewer))
		for _, o := range v.Others {
			family.Adults = append(family.Adults, adultOf(o))
		}
		for _, c := range v.Children {
			family.Children = append(family.Children, childOf(c))
		}
		// The view holds no needs (domain.View), and says so: an empty field would read as none.
		family.ChildrensNeedsWithheld = len(family.Children) > 0
		return &referralv1.GetFamilyResponse{Family: family}, nil
	}
	d := r.Details()
	family.Details = detailsOf(d, s.app.Today())
	family.Adults, family.Children = family.Details.GetAdults(), family.Details.GetChildren()
	if first, second, ok := r.ApplicationRisk(); ok && family.GetErasedOn() == nil {
		// details.risk is both applications' answers together: whose "yes" each is (decision 338).
		family.ApplicationRiskAnswers = &referralv1.ApplicationRiskAnswers{FirstApplication: riskOf(first), SecondApplication: riskOf(second)}
	}
	for _, n := range r.Notes() {
		family.Notes = append(family.Notes, &referralv1.CaseNote{Step: n.Step, On: dates.Proto(n.On), Text: n.Text})
	}
	// The second parent's account of the children, beside the referral's, for the coordinator to
	// take in by amending (decision 337); never in a party's view (above), as the needs are not.
	for _, c := range r.SecondPartyChildren() {
		family.SecondApplicationChildren = append(family.SecondApplicationChildren, &referralv1.SecondApplicationChild{
			PersonId: c.Child.String(), Needs: c.Needs, Language: c.Language})
	}
	return &referralv1.GetFamilyResponse{Family: family}, nil
}

// actsAsReferrer reports whether the caller acts as a referrer (Policy.ActingRole: intake lists the
// referrer first, so someone holding both roles acts as one).
func actsAsReferrer(ctx context.Context) bool { return auth.ActingRoleFrom(ctx) == auth.RoleReferrer }

// forReferrer is the referral as a caller acting as a referrer is answered, by SubmitReferral and
// SubmitSecondPartyApplication (the only RPCs the policy lets a referrer call): its id, to quote
// to the centre and to give a second parent, and its state, that it arrived and what it waits for
// (decision 97). It is a whitelist, not the summary with some fields cleared: everything else the
// summary says is the centre's (decision 197). A possible duplicate (decision 37) said the child
// is known at a centre; a disclosure carried from an earlier referral of the child (decision 194)
// said the other parent disclosed domestic abuse there; the risk answers as combined, the day a
// disclosure was made, a second applicant's match (decision 192), the version (an event of the
// referral moves it), the family's person ids and the children's birth months are each something
// a referrer, who may be the other parent, is not told. A field added to Referral later is not
// answered until it is named here.
func forReferrer(r *referralv1.Referral) *referralv1.Referral {
	// When their own request was carried out, and whether this is its retry's answer, are about
	// the request, not the family.
	return &referralv1.Referral{ReferralId: r.GetReferralId(), State: r.GetState(), AnsweredAt: r.GetAnsweredAt(), Replayed: r.GetReplayed()}
}

// GetReferralStanding tells the referrer who submitted a referral where it stands, and nothing
// more (review 49, decision 291); any other caller is answered not found (decision 303).
func (s *Server) GetReferralStanding(ctx context.Context, req *referralv1.GetReferralStandingRequest) (*referralv1.GetReferralStandingResponse, error) {
	st, err := s.app.ReferralStanding(ctx, id(req.GetReferralId()), id(req.GetCentreId()))
	if errors.Is(err, app.ErrNotTheReferrer) {
		// Answered as an unknown id (review 52): "not yours" at the right centre and "not found"
		// at every other told the other parent which centre holds the family, which decision 217
		// keeps from them.
		return nil, translate(problem.NotFound("referral"))
	}
	if err != nil {
		return nil, translate(err)
	}
	return &referralv1.GetReferralStandingResponse{Standing: st}, nil
}

// bornIn are the children of a referral's summary with the month each was born in, which is all
// coming of age for contact counts from (domain.ChildrenComeOfAgeOn).
func bornIn(children []*referralv1.ChildSummary) []domain.Child {
	born := make([]domain.Child, len(children))
	for i, c := range children {
		if c.GetBirthYear() > 0 && c.GetBirthMonth() > 0 {
			born[i].DateOfBirth = time.Date(int(c.GetBirthYear()), time.Month(c.GetBirthMonth()), 1, 0, 0, 0, 0, time.UTC)
		}
	}
	return born
}

// open says whether a referral in state may still take the family into contact: not declined,
// withdrawn or ended. Only an open referral is warned of children coming of age (decision 416).
func open(state referralv1.ReferralState) bool {
	switch state {
	case referralv1.ReferralState_REFERRAL_STATE_DECLINED, referralv1.ReferralState_REFERRAL_STATE_WITHDRAWN,
		referralv1.ReferralState_REFERRAL_STATE_ENDED:
		return false
	}
	return true
}

// translate puts the domain's invalid input in the form grpcx maps; the domain already names
// fields by their request path.
func translate(err error) error {
	var differ *domain.ChildrenDoNotMatch
	if errors.As(err, &differ) {
		return childrenDoNotMatch(differ)
	}
	var invalid *domain.Invalid
	if errors.As(err, &invalid) {
		p := &problem.InvalidError{}
		for _, v := range invalid.Violations {
			p.Violations = append(p.Violations, problem.Violation{Field: v.Field, Reason: v.Reason})
		}
		return p
	}
	return err
}

// childrenDoNotMatch is the rule's refusal (FailedPrecondition, APPLICATION_DOES_NOT_MATCH) with
// the children at fault as field violations, the first also in the message as grpcx gives an
// invalid field's: grpcx's rule refusals carry no fields, and a client switching on the reason
// must still find it (decision 342).
func childrenDoNotMatch(e *domain.ChildrenDoNotMatch) error {
	rule := domain.ErrApplicationDoesNotMatch
	msg, br := rule.Message, &errdetails.BadRequest{}
	for i, v := range e.Violations {
		br.FieldViolations = append(br.FieldViolations, &errdetails.BadRequest_FieldViolation{Field: v.Field, Description: v.Reason})
		if i == 0 {
			msg += ": " + v.Field + ": " + v.Reason
		}
	}
	st, err := status.New(codes.FailedPrecondition, msg).WithDetails(&errdetails.ErrorInfo{Reason: rule.Reason, Domain: grpcx.Domain}, br)
	if err != nil {
		return status.Error(codes.FailedPrecondition, msg)
	}
	return st.Err()
}

func fieldf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// GetDoorNames gives the door the names of the people of the day sheet's families in contact at
// the centre, with their languages and the children's needs. Each reader's first read of a family's names for the day is recorded before
// anything is shown; a later read by the same reader that day finds it recorded.
func (s *Server) GetDoorNames(ctx context.Context, req *referralv1.GetDoorNamesRequest) (*referralv1.GetDoorNamesResponse, error) {
	caller, ok := auth.FromContext(ctx)
	if !ok {
		return nil, errors.New("get door names: no caller") // grpcx authenticated every call
	}
	centre := id(req.GetCentreId())
	// The role the staff register gives the reader (the gate's acting role, decision 113), as
	// the record's reader role.
	roles := []string{string(auth.ActingRoleFrom(ctx))}
	if roles[0] == "" {
		roles = roles[:0]
		for _, r := range caller.RolesAt(centre) {
			roles = append(roles, string(r))
		}
	}
	day, err := date(req.GetDay(), "day")
	if err != nil {
		return nil, err
	}
	if day.IsZero() {
		day = s.app.Today()
	}
	families := make([]uuid.UUID, len(req.GetFamilyIds()))
	for i, f := range req.GetFamilyIds() {
		families[i] = id(f)
	}
	given, notGiven, access, err := s.app.DoorNames(ctx, centre, families, day, caller.Subject, roles, command.Metadata(ctx, uuid.New()))
	if err != nil {
		return nil, translate(err)
	}
	for _, uow := range access {
		// A conflict is this reader's read of the family's names that day, recorded already.
		if _, err := s.app.Store().Commit(ctx, uow); err != nil && !errors.Is(err, eventstore.ErrVersionConflict) {
			return nil, fmt.Errorf("record the door's read of a family's names: %w", err)
		}
	}
	resp := &referralv1.GetDoorNamesResponse{Day: dates.Proto(day)}
	for _, f := range notGiven {
		resp.NotGiven = append(resp.NotGiven, f.String())
	}
	for _, r := range given {
		d, family := r.Details(), r.FamilyID().String()
		for _, a := range d.Adults {
			resp.Names = append(resp.Names, &referralv1.DoorName{FamilyId: family, PersonId: a.ID.String(), FullName: a.Name, Role: a.Role,
				Language: a.Language})
		}
		for _, c := range d.Children {
			// The staff with the children in the room must know an allergy, a condition or the
			// language the child speaks before the session, not after (decision 325).
			// A self-referral's second parent may know what the first did not write (a condition,
			// the language spoken at their home): the room is told both accounts (decision 337).
			needs, language := r.FromOtherApplication(c)
			resp.Names = append(resp.Names, &referralv1.DoorName{FamilyId: family, PersonId: c.ID.String(), FullName: c.Name, Child: true,
				Language: c.Language, Needs: c.Needs, NeedsFromOtherApplication: needs, LanguageFromOtherApplication: language})
		}
	}
	return resp, nil
}
