package ports

import (
	"context"

	"github.com/google/uuid"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/command"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/problem"
)

// KeepFamiliesApart records that two families of a centre are kept apart (decision 330).
func (s *Server) KeepFamiliesApart(ctx context.Context, req *schedulingv1.KeepFamiliesApartRequest) (*schedulingv1.KeepFamiliesApartResponse, error) {
	centre, family, other, err := apartPair(req.GetCentreId(), req.GetFamilyId(), req.GetOtherFamilyId())
	if err != nil {
		return nil, err
	}
	if req.GetReason() == schedulingv1.KeepApartReason_KEEP_APART_REASON_UNSPECIFIED {
		return nil, problem.Invalid("reason", "say why the families are kept apart: same adult, injunction, safety or other")
	}
	return command.OnceSaying(ctx, s.app.Store(), req, s.app.Now, func(ctx context.Context, md eventstore.Metadata) (*schedulingv1.KeepFamiliesApartResponse, *eventstore.UnitOfWork, error) {
		a, uow, err := s.app.KeepFamiliesApart(ctx, centre, family, other, req.GetReason(), md)
		if err != nil {
			return nil, nil, err
		}
		return &schedulingv1.KeepFamiliesApartResponse{AlreadyRecorded: a.Already, Reason: a.Reason, BookedAlongside: a.Alongside,
			AlsoKeepApart: a.Also}, uow, nil
	})
}

// EndKeepingApart ends the keeping apart of two families of a centre.
func (s *Server) EndKeepingApart(ctx context.Context, req *schedulingv1.EndKeepingApartRequest) (*schedulingv1.EndKeepingApartResponse, error) {
	centre, family, other, err := apartPair(req.GetCentreId(), req.GetFamilyId(), req.GetOtherFamilyId())
	if err != nil {
		return nil, err
	}
	return command.OnceSaying(ctx, s.app.Store(), req, s.app.Now, func(ctx context.Context, md eventstore.Metadata) (*schedulingv1.EndKeepingApartResponse, *eventstore.UnitOfWork, error) {
		was, uow, err := s.app.EndKeepingApart(ctx, centre, family, other, md)
		if err != nil {
			return nil, nil, err
		}
		return &schedulingv1.EndKeepingApartResponse{Reason: was}, uow, nil
	})
}

// apartPair reads a request's centre and two families: two, not one named twice.
func apartPair(centre, family, other string) (c, f, o uuid.UUID, err error) {
	if c, err = id("centre_id", centre); err != nil {
		return
	}
	if f, err = id("family_id", family); err != nil {
		return
	}
	if o, err = id("other_family_id", other); err != nil {
		return
	}
	if f == o {
		err = problem.Invalid("other_family_id", "is the same family as family_id: name two families")
	}
	return
}
