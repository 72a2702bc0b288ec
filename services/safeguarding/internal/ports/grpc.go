package ports

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/timestamppb"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/command"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/grpcx"
	"github.com/familytime/familytime/services/platform/problem"
	"github.com/familytime/familytime/services/safeguarding/internal/app"
	"github.com/familytime/familytime/services/safeguarding/internal/domain"
)

// Server is the SafeguardingService gRPC API.
type Server struct {
	safeguardingv1.UnimplementedSafeguardingServiceServer
	app *app.App
}

// NewServer returns the API over the use cases.
func NewServer(a *app.App) *Server { return &Server{app: a} }

// id reads a UUID the request's constraints have already checked; empty reads as uuid.Nil.
func id(s string) uuid.UUID {
	v, _ := uuid.Parse(s)
	return v
}

// requestDate reads an optional date from a request: none for nil, and a date that does not
// exist refused (the request's rules keep the month to 1-12 and the day to 1-31, so 30 February
// reached the service, and was read as 2 March: decision 101).
func requestDate(field string, d *commonv1.Date) (time.Time, error) {
	if d == nil {
		return time.Time{}, nil
	}
	t, ok := dates.FromParts(int(d.GetYear()), int(d.GetMonth()), int(d.GetDay()))
	if !ok {
		return time.Time{}, problem.Invalid(field, "is not a real date")
	}
	return t, nil
}

// caller is who calls, for the domain, in the roles their token holds that the call allows (all
// of them outside a call): the lead of the request's centre acts as the lead; any other caller
// acts in the first of their roles that works with families. Roles keeps the others, in the same
// order, for ActingAsStaff: a token with several roles acts in one the register gives its holder.
func caller(ctx context.Context, centre uuid.UUID) domain.Caller {
	c, ok := auth.FromContext(ctx)
	if !ok {
		return domain.Caller{}
	}
	allows := func(auth.Role) bool { return true }
	if method, ok := grpc.Method(ctx); ok {
		allows = func(r auth.Role) bool { return slices.Contains(Policy[method].Roles, r) }
	}
	out := domain.Caller{Subject: c.Subject}
	for _, r := range []auth.Role{auth.RoleSafeguardingLead, auth.RoleSupervisor, auth.RoleCoordinator, auth.RoleVolunteer,
		auth.RoleAdmin, auth.RoleService} {
		if c.Has(r) && allows(r) && (r != auth.RoleSafeguardingLead || c.InCentre(centre)) {
			out.Roles = append(out.Roles, string(r))
		}
	}
	if len(out.Roles) > 0 {
		out.Role = out.Roles[0]
		out.Lead = out.Role == string(auth.RoleSafeguardingLead)
	}
	return out
}

// acting is the caller as the centre's staff register lets them act today, or the refusal
// (decision 109): reading and working on the centre's safeguarding records (a concern's text,
// closing it, lifting or reviewing a hold, the family's record, the alerts, the lists of holds,
// reports and reads) is the staff's while the register clears them, the lead's as its lead, each
// in the role it gives them (decision 113). Handlers decide on the caller it returns, never on
// the token's: a volunteer's token with the lead's role too read concerns and corrected records
// as the lead (review 10). Raising a concern, placing a hold and escalating are never refused for
// it: refusing a protective action leaves a child less safe. The platform's own services are not
// on any register.
func (s *Server) acting(ctx context.Context, centre string) (domain.Caller, error) {
	c := caller(ctx, id(centre))
	if c.Role == string(auth.RoleService) {
		return c, nil
	}
	return s.app.ActingAsStaff(ctx, id(centre), c)
}

// actingToRead is acting for a read of kind record: the register's refusal of someone on it
// acting in a role it does not give them is recorded on the family's audit (decision 373).
func (s *Server) actingToRead(ctx context.Context, centre string, kind safeguardingv1.RecordKind, record string) (domain.Caller, error) {
	c := caller(ctx, id(centre))
	if c.Role == string(auth.RoleService) {
		return c, nil
	}
	return s.app.ActingToRead(ctx, id(centre), c, kind, id(record))
}

// administers reports whether the caller holds the administrator's role, which no register lists.
func administers(ctx context.Context) bool {
	c, ok := auth.FromContext(ctx)
	return ok && c.Has(auth.RoleAdmin)
}

// refuse maps what the domain forbids to PermissionDenied, with its reason (review 48: these
// refusals alone had none, decisions 258 and 266); grpcx maps the rest.
func refuse(err error) error {
	var f *domain.Forbidden
	if !errors.As(err, &f) {
		return err
	}
	st, serr := status.New(codes.PermissionDenied, f.Message).WithDetails(&errdetails.ErrorInfo{Reason: f.Code, Domain: grpcx.Domain})
	if serr != nil {
		return status.Error(codes.PermissionDenied, f.Message)
	}
	return st.Err()
}

// once runs a command at most once per request id, its answer saying when it was carried out and,
// to a retry, that it is the answer recorded then (command.OnceSaying, decision 287): every
// safeguarding command runs through here.
func once[R proto.Message](ctx context.Context, s *Server, req command.Request, decide command.Decide[R]) (R, error) {
	resp, err := command.OnceSaying(ctx, s.app.Store(), req, s.app.Now, decide)
	return resp, refuse(err)
}

// AssessRisk records a person's risk assessment.
func (s *Server) AssessRisk(ctx context.Context, req *safeguardingv1.AssessRiskRequest) (*safeguardingv1.AssessRiskResponse, error) {
	centre, family := id(req.GetCentreId()), id(req.GetFamilyId())
	next, err := requestDate("next_review_on", req.GetNextReviewOn())
	if err != nil {
		return nil, err
	}
	as := domain.Assessment{Centre: centre, Rating: req.GetRating(), Factors: req.GetFactors(),
		DomesticAbuseFinding: req.GetDomesticAbuseFinding(), NextReview: next, Note: req.GetNote()}
	return once(ctx, s, req, func(ctx context.Context, md eventstore.Metadata) (*safeguardingv1.AssessRiskResponse, *eventstore.UnitOfWork, error) {
		r, uow, err := s.app.AssessRisk(ctx, caller(ctx, centre), family, as, md)
		if err != nil {
			return nil, nil, err
		}
		return &safeguardingv1.AssessRiskResponse{Risk: riskOf(family, r)}, uow, nil
	})
}

// RaiseConcern records a concern and alerts the lead. Given its booking alone, it is about the
// booking's family (review 51); the raiser is told of their own concern raised earlier that day
// about the same booking or family (repeat_warning), and nothing is refused for it.
func (s *Server) RaiseConcern(ctx context.Context, req *safeguardingv1.RaiseConcernRequest) (*safeguardingv1.RaiseConcernResponse, error) {
	centre := id(req.GetCentreId())
	n := domain.NewConcern{Family: id(req.GetFamilyId()), Centre: centre, Booking: id(req.GetBookingId()),
		Category: req.GetCategory(), Description: req.GetDescription()}
	for _, p := range req.GetPersonIds() {
		n.People = append(n.People, id(p))
	}
	// Held from before the concern is sealed until after it is committed (decision 400).
	hold := s.app.KeyHold()
	defer hold.Release()
	return once(ctx, s, req, func(ctx context.Context, md eventstore.Metadata) (*safeguardingv1.RaiseConcernResponse, *eventstore.UnitOfWork, error) {
		k, uow, err := s.app.RaiseConcern(ctx, caller(ctx, centre), n, md, hold)
		if err != nil {
			return nil, nil, err
		}
		warning, err := s.app.LeadWarning(ctx, centre)
		if err != nil {
			return nil, nil, err
		}
		out := &safeguardingv1.RaiseConcernResponse{ConcernId: k.ID().String(), LeadWarning: warning, FamilyId: k.FamilyID().String()}
		if k.TextNotKept() {
			out.TextWarning = domain.TextNotKept(k.FamilyID())
		}
		repeat, earlier, err := s.app.RaisedBefore(ctx, k)
		if err != nil {
			return nil, nil, err
		}
		out.RepeatWarning, out.EarlierConcernId = repeat, optional(earlier)
		return out, uow, nil
	})
}

// GetConcern returns a concern with its text, recording the read.
func (s *Server) GetConcern(ctx context.Context, req *safeguardingv1.GetConcernRequest) (*safeguardingv1.GetConcernResponse, error) {
	c, err := s.actingToRead(ctx, req.GetCentreId(), safeguardingv1.RecordKind_RECORD_KIND_CONCERN, req.GetConcernId())
	if err != nil {
		return nil, err
	}
	centre := id(req.GetCentreId())
	v, err := s.app.GetConcern(ctx, c, centre, id(req.GetConcernId()), req.GetPurpose())
	if err != nil {
		return nil, refuse(err)
	}
	out := &safeguardingv1.Concern{Summary: concernSummary(v.Concern), BookingId: optional(v.Concern.BookingID()),
		Records: entries(v.Records)}
	for _, p := range v.Concern.People() {
		out.PersonIds = append(out.PersonIds, p.String())
	}
	return &safeguardingv1.GetConcernResponse{Concern: out, FamilyErasure: familyErasure(v.Erasure.Done, v.Erasure.Reason, v.Erasure.On)}, nil
}

// changeConcern runs one command on a concern of the centre, decided on the caller c; alertLead
// says it is recorded for someone the staff register does not have as the centre's lead today.
// answer is the command's response, of the concern as the command leaves it (summary: its
// version counts the events the command records).
func changeConcern[R proto.Message](ctx context.Context, s *Server, req command.Request, c domain.Caller, centre, concern uuid.UUID,
	decide func(k *domain.Concern, c domain.Caller, today domainDate, alertLead bool) ([]proto.Message, error),
	answer func(k *domain.Concern, summary *safeguardingv1.ConcernSummary) R) (R, error) {
	if before, found, err := answeredBefore287[R](ctx, s, req, concern); found || err != nil {
		return before, err
	}
	return once(ctx, s, req, func(ctx context.Context, md eventstore.Metadata) (R, *eventstore.UnitOfWork, error) {
		k, uow, err := s.app.ChangeConcern(ctx, centre, concern, md, func(k *domain.Concern, today domainDate, alertLead bool) ([]proto.Message, error) {
			return decide(k, c, today, alertLead)
		})
		if err != nil {
			var zero R
			return zero, nil, err
		}
		return answer(k, concernSummary(k)), uow, nil
	})
}

// answeredBefore287 is the answer to a retry of a concern command (an action, an escalation, a
// close) first carried out before decision 287, when its answer was recorded as the concern's
// bare ConcernSummary, not as the RPC's response R: read as R, its first field (the concern id, a
// string) is taken for the ConcernSummary message and fails to decode, or decodes to another
// concern, and the retry was answered Internal. Such an answer is given back as R with the
// summary recorded then, said replayed; answered_at stays unset, as the old answer had no time.
// An answer that reads as neither is refused ALREADY_CARRIED_OUT: the command was carried out,
// and is not carried out again. found is false for any other request (never answered, or answered
// in R's shape, or refused by command.Once for its own reasons), which once answers.
func answeredBefore287[R proto.Message](ctx context.Context, s *Server, req command.Request, concern uuid.UUID) (R, bool, error) {
	var zero R
	request, err := uuid.Parse(req.GetRequestId())
	if err != nil {
		return zero, false, nil
	}
	fingerprint, err := command.Fingerprint(ctx, req)
	if err != nil {
		return zero, false, err
	}
	outcome, found, err := s.app.Store().Answered(ctx, request, fingerprint)
	if err != nil || !found {
		return zero, false, nil // a request reused or erased: once says so
	}
	resp := zero.ProtoReflect().New().Interface().(R)
	field := resp.ProtoReflect().Descriptor().Fields().ByName("concern")
	concernOf := func(m proto.Message) string {
		return m.ProtoReflect().Get(field).Message().Interface().(*safeguardingv1.ConcernSummary).GetConcernId()
	}
	if proto.Unmarshal(outcome, resp) == nil && concernOf(resp) == concern.String() {
		return zero, false, nil // recorded as R: once answers it
	}
	old := &safeguardingv1.ConcernSummary{}
	if err := proto.Unmarshal(outcome, old); err != nil || old.GetConcernId() != concern.String() {
		return zero, true, problem.Rule("ALREADY_CARRIED_OUT", "this request was carried out already, and its answer recorded then "+
			"cannot be read back: it is not carried out again; read the concern for what stands now "+
			"(familytime safeguarding concern show)")
	}
	resp = zero.ProtoReflect().New().Interface().(R)
	m := resp.ProtoReflect()
	m.Set(field, protoreflect.ValueOfMessage(old.ProtoReflect()))
	m.Set(m.Descriptor().Fields().ByName("replayed"), protoreflect.ValueOfBool(true))
	return resp, true, nil
}

// AddConcernAction records the lead's action on a concern.
func (s *Server) AddConcernAction(ctx context.Context, req *safeguardingv1.AddConcernActionRequest) (*safeguardingv1.AddConcernActionResponse, error) {
	c, err := s.acting(ctx, req.GetCentreId())
	if err != nil {
		return nil, err
	}
	return changeConcern(ctx, s, req, c, id(req.GetCentreId()), id(req.GetConcernId()), func(k *domain.Concern, c domain.Caller, today domainDate, _ bool) ([]proto.Message, error) {
		return k.AddAction(c, req.GetAction(), today)
	}, func(_ *domain.Concern, summary *safeguardingv1.ConcernSummary) *safeguardingv1.AddConcernActionResponse {
		return &safeguardingv1.AddConcernActionResponse{Concern: summary}
	})
}

// EscalateConcern records an escalation, with the agency's reference or without one yet (a
// blank reference: the request's rule still asks for a character).
func (s *Server) EscalateConcern(ctx context.Context, req *safeguardingv1.EscalateConcernRequest) (*safeguardingv1.EscalateConcernResponse, error) {
	// Protective: decided on the token's caller, the register not asked; the register's lead is
	// alerted of an escalation by anyone else (decision 201).
	return changeConcern(ctx, s, req, caller(ctx, id(req.GetCentreId())), id(req.GetCentreId()), id(req.GetConcernId()), func(k *domain.Concern, c domain.Caller, today domainDate, alertLead bool) ([]proto.Message, error) {
		return k.Escalate(c, req.GetAgency(), req.GetReference(), alertLead, today)
	}, func(_ *domain.Concern, summary *safeguardingv1.ConcernSummary) *safeguardingv1.EscalateConcernResponse {
		return &safeguardingv1.EscalateConcernResponse{Concern: summary}
	})
}

// CloseConcern closes a concern with its outcome. An escalation of it whose agency has given no
// reference yet is warned of, not refused (decision 287): the reference is a correction of the
// escalation, which a closed concern still takes, and some agencies never give one.
func (s *Server) CloseConcern(ctx context.Context, req *safeguardingv1.CloseConcernRequest) (*safeguardingv1.CloseConcernResponse, error) {
	c, err := s.acting(ctx, req.GetCentreId())
	if err != nil {
		return nil, err
	}
	resp, err := changeConcern(ctx, s, req, c, id(req.GetCentreId()), id(req.GetConcernId()), func(k *domain.Concern, c domain.Caller, today domainDate, _ bool) ([]proto.Message, error) {
		return k.Close(c, req.GetOutcome(), req.GetNote(), today)
	}, func(k *domain.Concern, summary *safeguardingv1.ConcernSummary) *safeguardingv1.CloseConcernResponse {
		return &safeguardingv1.CloseConcernResponse{Concern: summary, Outcome: req.GetOutcome(),
			ReferenceWarning: domain.ReferenceNotGiven(k.FamilyID(), k.ReferencesNotGiven())}
	})
	if err != nil {
		return nil, err
	}
	warning, err := s.app.HoldWarning(ctx, id(req.GetCentreId()), id(resp.GetConcern().GetFamilyId()), id(req.GetConcernId()))
	if err != nil {
		return nil, err
	}
	resp.HoldWarning = warning
	// The note is sealed with the family's key: once the key is destroyed, nothing of it is kept.
	erasure, err := s.app.Erasure(ctx, id(resp.GetConcern().GetFamilyId()))
	if err != nil {
		return nil, err
	}
	if erasure.Done {
		resp.TextWarning = domain.NoteNotKept(id(resp.GetConcern().GetFamilyId()))
	}
	return resp, nil
}

// MoveConcern moves a concern raised about the wrong family of the centre to the family it is
// about, as a new concern there (decision 404).
func (s *Server) MoveConcern(ctx context.Context, req *safeguardingv1.MoveConcernRequest) (*safeguardingv1.MoveConcernResponse, error) {
	c, err := s.acting(ctx, req.GetCentreId())
	if err != nil {
		return nil, err
	}
	centre := id(req.GetCentreId())
	to := domain.NewConcern{Family: id(req.GetFamilyId()), Booking: id(req.GetBookingId())}
	for _, p := range req.GetPersonIds() {
		to.People = append(to.People, id(p))
	}
	// Held from before the new concern is sealed until after it is committed (decision 400).
	hold := s.app.KeyHold()
	defer hold.Release()
	return once(ctx, s, req, func(ctx context.Context, md eventstore.Metadata) (*safeguardingv1.MoveConcernResponse, *eventstore.UnitOfWork, error) {
		first, k, uow, err := s.app.MoveConcern(ctx, c, centre, id(req.GetConcernId()), to, req.GetReason(), md, hold)
		if err != nil {
			return nil, nil, err
		}
		out := &safeguardingv1.MoveConcernResponse{ConcernId: k.ID().String(), MovedFromConcernId: first.ID().String(),
			FamilyId: k.FamilyID().String()}
		if k.TextNotKept() {
			out.TextWarning = domain.MovedTextNotKept(k.FamilyID())
		}
		return out, uow, nil
	})
}

// CorrectRecord records a correction.
func (s *Server) CorrectRecord(ctx context.Context, req *safeguardingv1.CorrectRecordRequest) (*safeguardingv1.CorrectRecordResponse, error) {
	c, err := s.acting(ctx, req.GetCentreId())
	if err != nil {
		return nil, err
	}
	centre := id(req.GetCentreId())
	return once(ctx, s, req, func(ctx context.Context, md eventstore.Metadata) (*safeguardingv1.CorrectRecordResponse, *eventstore.UnitOfWork, error) {
		rec, tell, uow, err := s.app.CorrectRecord(ctx, c, centre, id(req.GetFamilyId()), id(req.GetRecordId()),
			req.GetText(), req.GetReason(), md)
		if err != nil {
			return nil, nil, err
		}
		return &safeguardingv1.CorrectRecordResponse{RecordId: rec.String(), RecipientsToTell: tell}, uow, nil
	})
}

// PlaceHold suspends a family's contact.
func (s *Server) PlaceHold(ctx context.Context, req *safeguardingv1.PlaceHoldRequest) (*safeguardingv1.PlaceHoldResponse, error) {
	reviewBy, err := requestDate("review_by", req.GetReviewBy())
	if err != nil {
		return nil, err
	}
	n := domain.NewHold{Centre: id(req.GetCentreId()), Concern: id(req.GetConcernId()), Reason: req.GetReason(),
		ReviewBy: reviewBy, Note: req.GetNote()}
	// Held from before the hold's note is sealed until after it is committed (decision 400).
	keyHold := s.app.KeyHold()
	defer keyHold.Release()
	return once(ctx, s, req, func(ctx context.Context, md eventstore.Metadata) (*safeguardingv1.PlaceHoldResponse, *eventstore.UnitOfWork, error) {
		h, others, uow, err := s.app.PlaceHold(ctx, id(req.GetFamilyId()), n, md, keyHold)
		if err != nil {
			return nil, nil, err
		}
		warning, err := s.app.LeadWarning(ctx, n.Centre)
		if err != nil {
			return nil, nil, err
		}
		// Another hold in force keeps contact suspended after this one is lifted (decision 360).
		out := &safeguardingv1.PlaceHoldResponse{Hold: hold(h), LeadWarning: warning, HoldWarning: app.AlreadyInForceWarning(n.Centre, others)}
		for _, x := range others {
			out.HoldsInForce = append(out.HoldsInForce, holdStillInForce(n.Centre, x))
		}
		return out, uow, nil
	})
}

// LiftHold lifts a hold.
func (s *Server) LiftHold(ctx context.Context, req *safeguardingv1.LiftHoldRequest) (*safeguardingv1.LiftHoldResponse, error) {
	if _, err := s.acting(ctx, req.GetCentreId()); err != nil {
		return nil, err
	}
	return once(ctx, s, req, func(ctx context.Context, md eventstore.Metadata) (*safeguardingv1.LiftHoldResponse, *eventstore.UnitOfWork, error) {
		centre := id(req.GetCentreId())
		l, uow, err := s.app.LiftHold(ctx, centre, id(req.GetFamilyId()), id(req.GetHoldId()), req.GetNote(), md)
		if err != nil {
			return nil, nil, err
		}
		out := &safeguardingv1.LiftHoldResponse{Hold: hold(l.Hold), HoldWarning: app.StillInForceWarning(centre, l.StillInForce)}
		for _, x := range l.StillInForce {
			out.HoldsStillInForce = append(out.HoldsStillInForce, holdStillInForce(centre, x))
		}
		for _, x := range l.Suspension {
			out.SuspensionHoldIds = append(out.SuspensionHoldIds, x.ID.String())
		}
		return out, uow, nil
	})
}

// ReviewHold records that a hold in force was reviewed and continues.
func (s *Server) ReviewHold(ctx context.Context, req *safeguardingv1.ReviewHoldRequest) (*safeguardingv1.ReviewHoldResponse, error) {
	if _, err := s.acting(ctx, req.GetCentreId()); err != nil {
		return nil, err
	}
	next, err := requestDate("next_review_by", req.GetNextReviewBy())
	if err != nil {
		return nil, err
	}
	return once(ctx, s, req, func(ctx context.Context, md eventstore.Metadata) (*safeguardingv1.ReviewHoldResponse, *eventstore.UnitOfWork, error) {
		h, uow, err := s.app.ReviewHold(ctx, id(req.GetCentreId()), id(req.GetFamilyId()), id(req.GetHoldId()),
			next, req.GetNote(), md)
		if err != nil {
			return nil, nil, err
		}
		return &safeguardingv1.ReviewHoldResponse{Hold: hold(h)}, uow, nil
	})
}

// ListHolds reads a page of a centre's holds.
func (s *Server) ListHolds(ctx context.Context, req *safeguardingv1.ListHoldsRequest) (*safeguardingv1.ListHoldsResponse, error) {
	if _, err := s.acting(ctx, req.GetCentreId()); err != nil {
		return nil, err
	}
	hs, next, err := s.app.Holds(ctx, id(req.GetCentreId()), id(req.GetFamilyId()), req.GetIncludeLifted(), req.GetReviewOverdue(),
		int(req.GetPageSize()), req.GetPageToken())
	if err != nil {
		return nil, err
	}
	out := &safeguardingv1.ListHoldsResponse{NextPageToken: next}
	for _, h := range hs {
		out.Holds = append(out.Holds, hold(h))
	}
	return out, nil
}

func (s *Server) changeReport(ctx context.Context, req command.Request, centre, report uuid.UUID,
	decide func(r *domain.Report, c domain.Caller, today domainDate) ([]proto.Message, error)) (*safeguardingv1.ReleaseReportResponse, error) {
	return changeReportAnswering(ctx, s, req, centre, report, decide, func(r *domain.Report) *safeguardingv1.ReleaseReportResponse {
		out := &safeguardingv1.ReleaseReportResponse{Report: reportSummary(r, 0), Recipients: recipients(r.Recipients())}
		if r.State() == domain.ReportReleased {
			out.Sections = releasedSections(r)
		}
		return out
	})
}

// changeReportAnswering is changeReport answering with the response answer makes of the report
// changed, once recorded: a retry is given that answer.
func changeReportAnswering[R proto.Message](ctx context.Context, s *Server, req command.Request, centre, report uuid.UUID,
	decide func(r *domain.Report, c domain.Caller, today domainDate) ([]proto.Message, error), answer func(r *domain.Report) R) (R, error) {
	return once(ctx, s, req, func(ctx context.Context, md eventstore.Metadata) (R, *eventstore.UnitOfWork, error) {
		var zero R
		c := caller(ctx, centre)
		r, uow, err := s.app.ChangeReport(ctx, centre, report, c, md, decide)
		if err != nil {
			return zero, nil, err
		}
		return answer(r), uow, nil
	})
}

// releasedSections are what each withheld_sections index of a released report is, and whom it is
// about: the lead is told what each copy leaves out and why (decision 226's Left).
func releasedSections(r *domain.Report) []*safeguardingv1.ReportSection {
	var out []*safeguardingv1.ReportSection
	for _, x := range r.Sections() {
		out = append(out, &safeguardingv1.ReportSection{Kind: x.Kind, AboutPersonId: optional(x.About)})
	}
	return out
}

// DraftReport writes a report's draft.
func (s *Server) DraftReport(ctx context.Context, req *safeguardingv1.DraftReportRequest) (*safeguardingv1.DraftReportResponse, error) {
	sections := make([]domain.Section, len(req.GetSections()))
	for i, x := range req.GetSections() {
		sections[i] = domain.Section{Kind: x.GetKind(), About: id(x.GetAboutPersonId()), Text: x.GetText()}
	}
	r, err := s.changeReport(ctx, req, id(req.GetCentreId()), id(req.GetReportId()), func(r *domain.Report, c domain.Caller, today domainDate) ([]proto.Message, error) {
		// A section about someone is withheld from the other party by whom it is about: it must be
		// one of the family's people.
		msgs, err := r.Draft(c, sections, today)
		if err != nil {
			return nil, err
		}
		named := make([]app.Named, len(sections))
		for i, x := range sections {
			named[i] = app.Named{Field: fmt.Sprintf("sections[%d].about_person_id", i), Person: x.About}
		}
		return msgs, s.app.PeopleOfTheFamily(ctx, r.FamilyID(), named)
	})
	if err != nil {
		return nil, err
	}
	return &safeguardingv1.DraftReportResponse{Report: r.GetReport(), AnsweredAt: r.GetAnsweredAt(), Replayed: r.GetReplayed()}, nil
}

// SubmitReportForCheck asks for the second-person check.
func (s *Server) SubmitReportForCheck(ctx context.Context, req *safeguardingv1.SubmitReportForCheckRequest) (*safeguardingv1.SubmitReportForCheckResponse, error) {
	r, err := s.changeReport(ctx, req, id(req.GetCentreId()), id(req.GetReportId()), func(r *domain.Report, c domain.Caller, today domainDate) ([]proto.Message, error) {
		return r.Submit(c, today)
	})
	if err != nil {
		return nil, err
	}
	return &safeguardingv1.SubmitReportForCheckResponse{Report: r.GetReport(), AnsweredAt: r.GetAnsweredAt(), Replayed: r.GetReplayed()}, nil
}

// CheckReport records the second-person check.
func (s *Server) CheckReport(ctx context.Context, req *safeguardingv1.CheckReportRequest) (*safeguardingv1.CheckReportResponse, error) {
	r, err := s.changeReport(ctx, req, id(req.GetCentreId()), id(req.GetReportId()), func(r *domain.Report, c domain.Caller, today domainDate) ([]proto.Message, error) {
		msgs, err := r.Check(c, req.GetApproved(), req.GetNote(), today)
		if err != nil {
			return nil, err
		}
		// Only once it is a check the caller may make: they read it since it was submitted.
		switch read, err := s.app.ReadSinceSubmitted(ctx, r, c.Subject); {
		case err != nil:
			return nil, err
		case !read:
			return nil, domain.ErrReportNotRead
		}
		return msgs, nil
	})
	if err != nil {
		return nil, err
	}
	return &safeguardingv1.CheckReportResponse{Report: r.GetReport(), AnsweredAt: r.GetAnsweredAt(), Replayed: r.GetReplayed()}, nil
}

// ReassignReport gives a report to another writer (decision 99).
func (s *Server) ReassignReport(ctx context.Context, req *safeguardingv1.ReassignReportRequest) (*safeguardingv1.ReassignReportResponse, error) {
	r, err := s.changeReport(ctx, req, id(req.GetCentreId()), id(req.GetReportId()), func(r *domain.Report, c domain.Caller, today domainDate) ([]proto.Message, error) {
		msgs, err := r.Reassign(c, req.GetWriter(), req.GetReason(), today)
		if err != nil {
			return nil, err
		}
		return msgs, s.app.WriterSupervises(ctx, r.CentreID(), r.Writer(), today)
	})
	if err != nil {
		return nil, err
	}
	return &safeguardingv1.ReassignReportResponse{Report: r.GetReport(), AnsweredAt: r.GetAnsweredAt(), Replayed: r.GetReplayed()}, nil
}

// ReleaseReport releases a report to its distribution list, warning of each body the family's
// referral involves left off it (decision 331). The warnings are in the answer recorded: a retry
// is given them too.
func (s *Server) ReleaseReport(ctx context.Context, req *safeguardingv1.ReleaseReportRequest) (*safeguardingv1.ReleaseReportResponse, error) {
	list := recipientInputs(req.GetRecipients())
	var warnings []string
	return changeReportAnswering(ctx, s, req, id(req.GetCentreId()), id(req.GetReportId()), func(r *domain.Report, c domain.Caller, today domainDate) ([]proto.Message, error) {
		msgs, err := r.Release(c, list, today)
		if err != nil {
			return nil, err
		}
		if err := s.listed(ctx, r, list); err != nil {
			return nil, err
		}
		warnings, err = s.app.BodiesNotSent(ctx, r)
		return msgs, err
	}, func(r *domain.Report) *safeguardingv1.ReleaseReportResponse {
		return &safeguardingv1.ReleaseReportResponse{Report: reportSummary(r, 0), Recipients: recipients(r.Recipients()),
			Sections: releasedSections(r), BodyWarnings: warnings}
	})
}

// SendReportCopies sends copies of a released report to further recipients (decision 331): the
// list added is checked as a release's is, and the answer warns of each body involved still off
// the list.
func (s *Server) SendReportCopies(ctx context.Context, req *safeguardingv1.SendReportCopiesRequest) (*safeguardingv1.SendReportCopiesResponse, error) {
	list := recipientInputs(req.GetRecipients())
	var warnings []string
	return changeReportAnswering(ctx, s, req, id(req.GetCentreId()), id(req.GetReportId()), func(r *domain.Report, c domain.Caller, today domainDate) ([]proto.Message, error) {
		msgs, err := r.SendCopies(c, list, today, req.GetDespiteCorrection())
		if err != nil {
			return nil, err
		}
		if err := s.app.NotErased(ctx, r.FamilyID()); err != nil {
			return nil, err
		}
		if err := s.listed(ctx, r, list); err != nil {
			return nil, err
		}
		warnings, err = s.app.BodiesNotSent(ctx, r)
		return msgs, err
	}, func(r *domain.Report) *safeguardingv1.SendReportCopiesResponse {
		all := r.Recipients()
		out := &safeguardingv1.SendReportCopiesResponse{Report: reportSummary(r, 0), Recipients: recipients(all),
			Sections: releasedSections(r), BodyWarnings: warnings}
		for i := len(all) - len(list); i < len(all); i++ {
			out.Sent = append(out.Sent, int32(i))
		}
		return out
	})
}

// recipientInputs are a request's recipients as the domain takes them.
func recipientInputs(in []*safeguardingv1.RecipientInput) []domain.Recipient {
	list := make([]domain.Recipient, len(in))
	for i, x := range in {
		list[i] = domain.Recipient{Kind: x.GetKind(), Person: id(x.GetPersonId()), ActingFor: id(x.GetActingForPersonId())}
	}
	return list
}

// listed refuses, naming each field of the request's list, a recipient the family's referral does
// not give a copy: a party, or a solicitor for one, who is not one of the family's people, or is
// listed under the wrong kind for their role (review 41); a body the referral does not involve
// (decision 140).
func (s *Server) listed(ctx context.Context, r *domain.Report, list []domain.Recipient) error {
	var named []app.Named
	var listed []app.Listed
	for i, x := range list {
		var n app.Named
		switch x.Kind {
		case safeguardingv1.RecipientKind_RECIPIENT_KIND_PARENT, safeguardingv1.RecipientKind_RECIPIENT_KIND_OTHER_PARENTAL_RESPONSIBILITY:
			n = app.Named{Field: fmt.Sprintf("recipients[%d].person_id", i), Person: x.Person}
		case safeguardingv1.RecipientKind_RECIPIENT_KIND_SOLICITOR:
			n = app.Named{Field: fmt.Sprintf("recipients[%d].acting_for_person_id", i), Person: x.ActingFor}
		default:
			continue
		}
		named = append(named, n)
		listed = append(listed, app.Listed{Named: n, Kind: x.Kind, KindField: fmt.Sprintf("recipients[%d].kind", i)})
	}
	if err := s.app.PeopleOfTheFamily(ctx, r.FamilyID(), named); err != nil {
		return err
	}
	if err := s.app.BodiesInvolved(ctx, r.FamilyID(), list); err != nil {
		return err
	}
	// A party, listed under the kind their role on the referral gives (review 41).
	return s.app.RecipientsAreParties(ctx, r.FamilyID(), listed)
}

// GetReport returns a report, recording the read.
func (s *Server) GetReport(ctx context.Context, req *safeguardingv1.GetReportRequest) (*safeguardingv1.GetReportResponse, error) {
	centre := id(req.GetCentreId())
	var recipient *int
	if req.RecipientIndex != nil {
		i := int(req.GetRecipientIndex())
		recipient = &i
	}
	v, err := s.app.GetReport(ctx, caller(ctx, centre), centre, id(req.GetReportId()), req.GetPurpose(), recipient)
	if err != nil {
		return nil, refuse(err)
	}
	out := &safeguardingv1.GetReportResponse{Report: reportSummary(v.Report, 0), Recipients: recipients(v.Report.Recipients()),
		Corrections: entries(v.Corrections), Checks: entries(v.Checks), ReleasedRecordId: optional(v.Released),
		CorrectRecordId: optional(v.Correct)}
	for _, on := range v.CorrectedAfterRelease {
		out.CorrectedAfterReleaseOn = append(out.CorrectedAfterReleaseOn, dates.Proto(on))
	}
	out.FamilyErasure = familyErasure(v.Erasure.Done, v.Erasure.Reason, v.Erasure.On)
	if recipient != nil {
		// A copy is what its recipient is given: it names them alone, not the rest of the
		// distribution list nor what was withheld from others (a parent would learn that sections
		// about the other exist), and not the staff's accounts, which may be e-mail addresses.
		out.Recipients = out.Recipients[*recipient : *recipient+1]
		out.Recipients[0].WithheldSections = nil
		out.Report.Author, out.Report.Checker, out.Report.Writer = "", "", "" // the writer too (review 14)
		// Nor its version, which counts its drafts and checks (one returned and drafted again
		// shows in it), nor whether it was returned (review 21).
		out.Report.Version, out.Report.Returned = 0, false
		// Nor the centre's record ids (the app gives none to a copy): a correction is the lead's,
		// who finds the record in the whole report (decision 219).
		out.ReleasedRecordId, out.CorrectRecordId = "", ""
	}
	for _, x := range v.Sections {
		out.Sections = append(out.Sections, &safeguardingv1.ReportSectionView{Index: int32(x.Index), Kind: x.Kind,
			AboutPersonId: optional(x.About), Text: x.Text})
	}
	return out, nil
}

// ListOpenConcerns reads a page of a centre's open concerns.
func (s *Server) ListOpenConcerns(ctx context.Context, req *safeguardingv1.ListOpenConcernsRequest) (*safeguardingv1.ListOpenConcernsResponse, error) {
	if _, err := s.acting(ctx, req.GetCentreId()); err != nil {
		return nil, err
	}
	rows, next, err := s.app.OpenConcerns(ctx, id(req.GetCentreId()), int(req.GetPageSize()), req.GetPageToken())
	if err != nil {
		return nil, err
	}
	out := &safeguardingv1.ListOpenConcernsResponse{NextPageToken: next}
	for _, r := range rows {
		out.Concerns = append(out.Concerns, &safeguardingv1.ConcernSummary{ConcernId: r.ID.String(), FamilyId: r.Family.String(),
			Category: r.Category, RaisedOn: dates.Proto(r.RaisedOn), RaisedBy: r.RaisedBy, Escalated: r.Escalated,
			Closed: r.Closed, Version: r.Version})
	}
	return out, nil
}

// ListOverdueReports reads a page of a centre's overdue reports.
func (s *Server) ListOverdueReports(ctx context.Context, req *safeguardingv1.ListOverdueReportsRequest) (*safeguardingv1.ListOverdueReportsResponse, error) {
	if _, err := s.acting(ctx, req.GetCentreId()); err != nil {
		return nil, err
	}
	rows, next, err := s.app.OverdueReports(ctx, id(req.GetCentreId()), int(req.GetPageSize()), req.GetPageToken())
	if err != nil {
		return nil, err
	}
	return &safeguardingv1.ListOverdueReportsResponse{Reports: reportSummaries(rows), NextPageToken: next}, nil
}

// ListOpenReports lists a page of a centre's reports not yet released.
func (s *Server) ListOpenReports(ctx context.Context, req *safeguardingv1.ListOpenReportsRequest) (*safeguardingv1.ListOpenReportsResponse, error) {
	if _, err := s.acting(ctx, req.GetCentreId()); err != nil {
		return nil, err
	}
	rows, next, err := s.app.OpenReports(ctx, id(req.GetCentreId()), int(req.GetPageSize()), req.GetPageToken())
	if err != nil {
		return nil, err
	}
	return &safeguardingv1.ListOpenReportsResponse{Reports: reportSummaries(rows), NextPageToken: next}, nil
}

func reportSummaries(rows []app.OverdueReport) []*safeguardingv1.ReportSummary {
	out := make([]*safeguardingv1.ReportSummary, 0, len(rows))
	for _, r := range rows {
		out = append(out, &safeguardingv1.ReportSummary{ReportId: r.ID.String(), FamilyId: r.Family.String(),
			BookingId: r.Booking.String(), SessionOn: dates.Proto(r.SessionOn), State: r.State, Author: r.Author,
			Checker: r.Checker, Version: r.Version, WorkingDaysSinceSession: int32(r.WorkingDays), Writer: r.Writer, Returned: r.Returned})
	}
	return out
}

// GetSafeguardingRecord returns a family's whole record, recording the read.
func (s *Server) GetSafeguardingRecord(ctx context.Context, req *safeguardingv1.GetSafeguardingRecordRequest) (*safeguardingv1.GetSafeguardingRecordResponse, error) {
	c, err := s.actingToRead(ctx, req.GetCentreId(), safeguardingv1.RecordKind_RECORD_KIND_SAFEGUARDING_RECORD, req.GetFamilyId())
	if err != nil {
		return nil, err
	}
	centre, family := id(req.GetCentreId()), id(req.GetFamilyId())
	v, err := s.app.SafeguardingRecord(ctx, c, centre, family, req.GetPurpose())
	if err != nil {
		return nil, refuse(err)
	}
	out := &safeguardingv1.GetSafeguardingRecordResponse{Records: entries(v.Records), FamilyErasure: familyErasure(v.Erasure.Done, v.Erasure.Reason, v.Erasure.On)}
	if v.Risk != nil && v.Risk.Known() {
		out.Risk, out.StepsSinceAssessed = riskOf(family, v.Risk), protectiveSteps(v.Steps)
		out.RiskReviewOverdue = v.ReviewOverdue
	}
	return out, nil
}

// ListRiskReviews reads a page of the families at a centre whose risk a person must look at.
func (s *Server) ListRiskReviews(ctx context.Context, req *safeguardingv1.ListRiskReviewsRequest) (*safeguardingv1.ListRiskReviewsResponse, error) {
	if _, err := s.acting(ctx, req.GetCentreId()); err != nil {
		return nil, err
	}
	dueBy, err := requestDate("due_by", req.GetDueBy())
	if err != nil {
		return nil, err
	}
	rows, next, err := s.app.RiskReviews(ctx, id(req.GetCentreId()), dueBy, int(req.GetPageSize()), req.GetPageToken())
	if err != nil {
		return nil, err
	}
	out := &safeguardingv1.ListRiskReviewsResponse{NextPageToken: next}
	for _, r := range rows {
		out.Reviews = append(out.Reviews, riskReview(r))
	}
	return out, nil
}

// ListAlerts reads a page of a centre's alerts to its lead.
func (s *Server) ListAlerts(ctx context.Context, req *safeguardingv1.ListAlertsRequest) (*safeguardingv1.ListAlertsResponse, error) {
	if _, err := s.acting(ctx, req.GetCentreId()); err != nil {
		return nil, err
	}
	rows, next, err := s.app.Alerts(ctx, id(req.GetCentreId()), req.GetOpenOnly(), int(req.GetPageSize()), req.GetPageToken())
	if err != nil {
		return nil, err
	}
	out := &safeguardingv1.ListAlertsResponse{NextPageToken: next}
	for _, r := range rows {
		out.Alerts = append(out.Alerts, &safeguardingv1.Alert{ConcernId: optional(r.Concern), FamilyId: r.Family.String(),
			Category: r.Category, AlertedOn: dates.Proto(r.AlertedOn), Closed: r.Closed, HoldId: optional(r.Hold),
			PlacedInRole: r.PlacedInRole, Corrected: r.Corrected, EscalationRecordId: optional(r.Escalation),
			DuplicateCheckedAtCentreId: optional(r.CheckedAtCentre), DuplicateCheckedReferralId: optional(r.CheckedReferral),
			DuplicateCheckedFindingMadeOn: dates.Proto(r.FindingMadeOn), TextNotKept: r.TextNotKept})
	}
	return out, nil
}

// ListAccessRecords reads a page of the reads of a family's safeguarding text at the centre: the
// register's lead, or an administrator, who is on no register and audits any centre. An
// administrator is given who read what, when and in which role, but not the purpose each gave:
// free text about the family, which a national role never reads (decision 91, review 41).
func (s *Server) ListAccessRecords(ctx context.Context, req *safeguardingv1.ListAccessRecordsRequest) (*safeguardingv1.ListAccessRecordsResponse, error) {
	withhold := false
	if _, err := s.acting(ctx, req.GetCentreId()); err != nil {
		if !administers(ctx) {
			return nil, err
		}
		withhold = true
	}
	rows, next, err := s.app.AccessRecordsPage(ctx, id(req.GetCentreId()), id(req.GetFamilyId()), int(req.GetPageSize()), req.GetPageToken(), !withhold)
	if err != nil {
		return nil, err
	}
	out := &safeguardingv1.ListAccessRecordsResponse{NextPageToken: next}
	for _, r := range rows {
		rec := &safeguardingv1.AccessRecord{AccessedAt: timestamppb.New(r.At), Subject: r.Subject,
			Role: r.Role, CentreId: r.Centre.String(), Kind: r.Kind, RecordId: r.Record.String(), Purpose: r.Purpose,
			PurposeWithheld: withhold && r.Refused == "", Refused: r.Refused, AskedCentreId: optional(r.AskedCentre)}
		if r.Refused != "" { // a refused read's counts (decision 307)
			rec.TimesRefused, rec.LastRefusedAt = uint64(r.Repeats.Times), instant(r.Repeats.Last)
			rec.DailyFamilyLimit = uint32(r.Repeats.Limit)
			rec.FamiliesPastLimit, rec.TimesPastLimit = uint64(r.Repeats.PastFamilies), uint64(r.Repeats.PastTimes)
			rec.LastPastLimitAt = instant(r.Repeats.LastPast)
		}
		out.Records = append(out.Records, rec)
	}
	return out, nil
}

// instant is t on the wire, nil for the zero time (none).
func instant(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}
