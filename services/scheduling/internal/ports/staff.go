package ports

import (
	"context"
	"time"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/command"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/staff"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// AddStaffMember adds someone to a centre's staff.
func (s *Server) AddStaffMember(ctx context.Context, req *schedulingv1.AddStaffMemberRequest) (*schedulingv1.AddStaffMemberResponse, error) {
	centre, err := id("centre_id", req.GetCentreId())
	if err != nil {
		return nil, err
	}
	j := staff.Joining{Account: req.GetAccountId(), Role: req.GetRole()}
	if j.DBSChecked, err = domain.DateFromProto("dbs_checked_on", req.GetDbsCheckedOn()); err != nil {
		return nil, err
	}
	if req.GetJoinedOn() != nil {
		if j.Joined, err = domain.DateFromProto("joined_on", req.GetJoinedOn()); err != nil {
			return nil, err
		}
	}
	if req.GetTrainedOn() != nil {
		if j.Trained, err = domain.DateFromProto("trained_on", req.GetTrainedOn()); err != nil {
			return nil, err
		}
	}
	return command.OnceSaying(ctx, s.app.Store(), req, s.app.Now, func(ctx context.Context, md eventstore.Metadata) (*schedulingv1.AddStaffMemberResponse, *eventstore.UnitOfWork, error) {
		m, today, uow, err := s.app.AddStaffMember(ctx, centre, j, md)
		if err != nil {
			return nil, nil, err
		}
		return &schedulingv1.AddStaffMemberResponse{Member: staffMember(m, today)}, uow, nil
	})
}

// RecordStaffCheck records a member of staff's new DBS check or safeguarding training.
func (s *Server) RecordStaffCheck(ctx context.Context, req *schedulingv1.RecordStaffCheckRequest) (*schedulingv1.RecordStaffCheckResponse, error) {
	centre, err := id("centre_id", req.GetCentreId())
	if err != nil {
		return nil, err
	}
	on, err := domain.DateFromProto("checked_on", req.GetCheckedOn())
	if err != nil {
		return nil, err
	}
	return command.OnceSaying(ctx, s.app.Store(), req, s.app.Now, func(ctx context.Context, md eventstore.Metadata) (*schedulingv1.RecordStaffCheckResponse, *eventstore.UnitOfWork, error) {
		m, today, uow, err := s.app.RecordStaffCheck(ctx, centre, req.GetAccountId(), req.GetCheck(), on, md)
		if err != nil {
			return nil, nil, err
		}
		return &schedulingv1.RecordStaffCheckResponse{Member: staffMember(m, today)}, uow, nil
	})
}

// RemoveStaffMember records that someone left a centre's staff.
func (s *Server) RemoveStaffMember(ctx context.Context, req *schedulingv1.RemoveStaffMemberRequest) (*schedulingv1.RemoveStaffMemberResponse, error) {
	centre, err := id("centre_id", req.GetCentreId())
	if err != nil {
		return nil, err
	}
	var left time.Time
	if req.GetLeftOn() != nil {
		if left, err = domain.DateFromProto("left_on", req.GetLeftOn()); err != nil {
			return nil, err
		}
	}
	if err := ownLeavingOnly(ctx, req.GetAccountId()); err != nil {
		return nil, err
	}
	return command.OnceSaying(ctx, s.app.Store(), req, s.app.Now, func(ctx context.Context, md eventstore.Metadata) (*schedulingv1.RemoveStaffMemberResponse, *eventstore.UnitOfWork, error) {
		m, today, said, uow, err := s.app.RemoveStaffMember(ctx, centre, req.GetAccountId(), left, md)
		if err != nil {
			return nil, nil, err
		}
		return &schedulingv1.RemoveStaffMemberResponse{Member: staffMember(m, today), LeadWarning: said.LeadWarning,
			SupervisorsWarning: said.SupervisorsWarning}, uow, nil
	})
}

// WithdrawStaffLeaving withdraws someone's last day recorded ahead: they stay on the staff.
func (s *Server) WithdrawStaffLeaving(ctx context.Context, req *schedulingv1.WithdrawStaffLeavingRequest) (*schedulingv1.WithdrawStaffLeavingResponse, error) {
	centre, err := id("centre_id", req.GetCentreId())
	if err != nil {
		return nil, err
	}
	return command.OnceSaying(ctx, s.app.Store(), req, s.app.Now, func(ctx context.Context, md eventstore.Metadata) (*schedulingv1.WithdrawStaffLeavingResponse, *eventstore.UnitOfWork, error) {
		m, today, uow, err := s.app.WithdrawStaffLeaving(ctx, centre, req.GetAccountId(), md)
		if err != nil {
			return nil, nil, err
		}
		return &schedulingv1.WithdrawStaffLeavingResponse{Member: staffMember(m, today)}, uow, nil
	})
}

// ListStaff lists a centre's staff with whether each is cleared on a date.
func (s *Server) ListStaff(ctx context.Context, req *schedulingv1.ListStaffRequest) (*schedulingv1.ListStaffResponse, error) {
	centre, err := id("centre_id", req.GetCentreId())
	if err != nil {
		return nil, err
	}
	var on time.Time
	if req.GetOn() != nil {
		if on, err = domain.DateFromProto("on", req.GetOn()); err != nil {
			return nil, err
		}
	}
	members, on, err := s.app.ListStaff(ctx, centre, on, req.GetIncludeLeft())
	if err != nil {
		return nil, err
	}
	resp := &schedulingv1.ListStaffResponse{}
	for _, m := range members {
		resp.Members = append(resp.Members, staffMember(m, on))
	}
	return resp, nil
}

// staffMember is a member for the API as they were on date: their checks done by then, the
// training due date that followed from them, and cleared or not that day (review 39: a past
// date's list showed today's checks beside that day's verdict). A check is never recorded in the
// future, so on today the checks are the latest.
func staffMember(m staff.Member, date time.Time) *schedulingv1.StaffMember {
	cleared, because := m.Cleared(date)
	return &schedulingv1.StaffMember{AccountId: m.Account, Role: m.Role, JoinedOn: dates.Proto(m.Joined),
		DbsCheckedOn: dates.Proto(m.DBSCheckedBy(date)), TrainedOn: dates.Proto(m.TrainedBy(date)),
		TrainingDueOn: dates.Proto(m.TrainingDueBy(date)),
		LeftOn:        dates.Proto(m.Left), Cleared: cleared, NotClearedBecause: because}
}
