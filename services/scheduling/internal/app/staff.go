package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/problem"
	"github.com/familytime/familytime/services/platform/staff"
	"github.com/familytime/familytime/services/scheduling/internal/adapters"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// centreToday is the date now on a centre's wall clock. Staff dates are the centre's dates, in
// DefaultZone: a centre's opening patterns may name another zone, its staff register does not.
func (a *App) centreToday() time.Time {
	loc, _ := domain.Zone(domain.DefaultZone)
	return domain.LocalDate(a.now(), loc)
}

// AddStaffMember adds someone to a registered centre's staff (decisions.md 82); it returns the
// member as added and the centre's date today.
func (a *App) AddStaffMember(ctx context.Context, centre uuid.UUID, j staff.Joining, md eventstore.Metadata) (staff.Member, time.Time, *eventstore.UnitOfWork, error) {
	if _, err := a.centres.Get(ctx, centre); err != nil {
		return staff.Member{}, time.Time{}, nil, err
	}
	if err := notOwnEntry(j.Account, md); err != nil {
		return staff.Member{}, time.Time{}, nil, err
	}
	r, err := a.sessions.Staff(ctx, centre)
	if err != nil {
		return staff.Member{}, time.Time{}, nil, err
	}
	expected, today := r.Version(), a.centreToday()
	if err := keeper(r, today, md); err != nil {
		return staff.Member{}, time.Time{}, nil, err
	}
	if j.Role == schedulingv1.StaffRole_STAFF_ROLE_SAFEGUARDING_LEAD {
		if err := leadKeeper(md); err != nil {
			return staff.Member{}, time.Time{}, nil, err
		}
	}
	m, ev, err := r.Add(j, today)
	if err != nil {
		return staff.Member{}, time.Time{}, nil, err
	}
	uow := new(eventstore.UnitOfWork)
	return m, today, uow, a.append(uow, staff.Stream(centre), expected, uuid.Nil, centre, md, ev)
}

// RecordStaffCheck records a member of staff's new enhanced DBS check or safeguarding training.
func (a *App) RecordStaffCheck(ctx context.Context, centre uuid.UUID, account string, check schedulingv1.StaffCheck, on time.Time, md eventstore.Metadata) (staff.Member, time.Time, *eventstore.UnitOfWork, error) {
	if err := notOwnEntry(account, md); err != nil {
		return staff.Member{}, time.Time{}, nil, err
	}
	r, err := a.sessions.Staff(ctx, centre)
	if err != nil {
		return staff.Member{}, time.Time{}, nil, err
	}
	expected, today := r.Version(), a.centreToday()
	if err := keeper(r, today, md); err != nil {
		return staff.Member{}, time.Time{}, nil, err
	}
	m, ev, err := r.RecordCheck(account, check, on, today)
	if err != nil {
		return staff.Member{}, time.Time{}, nil, err
	}
	uow := new(eventstore.UnitOfWork)
	return m, today, uow, a.append(uow, staff.Stream(centre), expected, uuid.Nil, centre, md, ev)
}

// notOwnEntry refuses a change to the caller's own entry on the register (decisions.md 87): the
// register vouches that someone else saw the DBS certificate and the training record, so a
// coordinator who could add themselves as a contact supervisor, or record their own check, could
// clear themselves to supervise. A leaving may be one's own.
func notOwnEntry(account string, md eventstore.Metadata) error {
	if ownEntry(account, md) {
		return problem.Rule(ownEntryReason, "nobody adds themselves to a centre's staff register or records their own DBS check or training: another coordinator of the centre, or an administrator, does it")
	}
	return nil
}

// ownEntryReason is the reason of every refusal of a change someone makes to their own entry that
// only another may make.
const ownEntryReason = "OWN_REGISTER_ENTRY"

// ownEntry reports whether account is the caller's own. Case is ignored: an identity provider may
// treat "Coord-A" and "coord-a" as one account.
func ownEntry(account string, md eventstore.Metadata) bool {
	return md.Actor != "" && strings.EqualFold(account, md.Actor)
}

// leadKeeper refuses a change to who is the centre's safeguarding lead (a lead added, the lead's
// leaving recorded by another) by anyone but an administrator. The lead reads every concern,
// lifts holds and releases reports to the court: review 16 had one coordinator record the lead's
// last day and add another account as lead, with nobody else involved and the lead not told. A
// lead records their own leaving.
func leadKeeper(md eventstore.Metadata) error {
	if md.ActorRole == string(auth.RoleAdmin) {
		return nil
	}
	return problem.Rule("LEAD_CHANGED_BY_ADMIN", "who is the centre's safeguarding lead is changed by an administrator of the "+
		"national body, not by a coordinator alone: ask them to add the lead or record the lead's leaving (the lead may record their own)")
}

// keeper refuses a change to the register by a caller who is not one of the centre's coordinators
// on it, cleared today (staff.Register.Keeps), unless they act as an administrator, who adds a
// centre's first coordinator (decisions.md 93). The register is read and appended at its version,
// so a keeper's own leaving recorded meanwhile makes the change be decided again.
func keeper(r *staff.Register, today time.Time, md eventstore.Metadata) error {
	if md.ActorRole == string(auth.RoleAdmin) {
		return nil
	}
	return r.Keeps(md.Actor, today)
}

// RemoveStaffMember records that a member of staff leaves, their last day left (zero: today),
// past or up to three months ahead, or records a last day not yet passed again (decision 120). Of
// the register's changes only a leaving takes clearance away, and it may be recorded after the
// last day: it takes the register's lock alone, so a supervised session's completion decided on
// the register before it (guardStaff) commits first or is decided again (decisions.md 82).
//
// A last day is not before a session the person supervised (SUPERVISED_AFTER_LEAVING), nor before
// the last day they recorded anything at the centre in scheduling's log (ACTED_AFTER_LEAVING,
// review 31): both are read under the register's lock, after the leaving's own append.
//
// It returns NO_LEAD in words when the leaving is the lead's and leaves the register with no
// safeguarding lead cleared the day after it (review 20: the lead's leaving was recorded without a
// word, and the centre's concerns then alerted no one), and SUPERVISORS_SHORT in words when it
// leaves supervised contact booked after the last day with fewer people cleared to supervise it
// than sessions at once (Leaving.SupervisorsWarning, decision 403).
func (a *App) RemoveStaffMember(ctx context.Context, centre uuid.UUID, account string, left time.Time, md eventstore.Metadata) (staff.Member, time.Time, Leaving, *eventstore.UnitOfWork, error) {
	r, err := a.sessions.Staff(ctx, centre)
	if err != nil {
		return staff.Member{}, time.Time{}, Leaving{}, nil, err
	}
	expected, today := r.Version(), a.centreToday()
	switch {
	case !ownEntry(account, md):
		// Someone may record their own leaving; anyone else's is the register's keepers', and
		// the lead's an administrator's.
		if err := keeper(r, today, md); err != nil {
			return staff.Member{}, time.Time{}, Leaving{}, nil, err
		}
		if m, ok := r.Member(account); ok && m.Role == schedulingv1.StaffRole_STAFF_ROLE_SAFEGUARDING_LEAD {
			if err := leadKeeper(md); err != nil {
				return staff.Member{}, time.Time{}, Leaving{}, nil, err
			}
		}
	case keeper(r, today, md) == nil:
		// A coordinator records their own leaving as anyone's, but does not put it off: that
		// would keep them on the staff, as adding themselves would (review 13).
		if r.MovesLastDayLater(account, left, today) {
			return staff.Member{}, time.Time{}, Leaving{}, nil, problem.Rule(ownEntryReason,
				"nobody puts off their own last day at the centre: another coordinator of the centre, or an administrator, does it (familytime staff)")
		}
	case r.MovesLastDayLater(account, left, today):
		// A last day recorded ahead, perhaps by a coordinator ending someone's time at the
		// centre, is not put off by its holder.
		return staff.Member{}, time.Time{}, Leaving{}, nil, problem.Rule(staff.ErrNotRegisterKeeper.Reason,
			"your last day at the centre is already recorded: you may record an earlier one, but a later one is for a coordinator of the centre (familytime staff)")
	case !left.IsZero() && left.Before(today):
		// A last day in the past would take back what they did since, and once passed it stands
		// (review 13): a past day is the register's keepers' to record.
		return staff.Member{}, time.Time{}, Leaving{}, nil, problem.Invalid("left_on", "must not be before today ("+today.Format(time.DateOnly)+
			") when you record your own leaving: a coordinator of the centre records a last day that has passed")
	}
	days, err := a.supervisedDays(ctx, r, account, today)
	if err != nil {
		return staff.Member{}, time.Time{}, Leaving{}, nil, err
	}
	m, ev, err := r.Leave(account, left, today)
	if err != nil || ev == nil {
		return m, today, Leaving{}, nil, err // the same last day again records nothing
	}
	uow := new(eventstore.UnitOfWork)
	uow.Project(func(ctx context.Context, tx pgx.Tx) error {
		if err := eventstore.Lock(ctx, tx, staff.Stream(centre)); err != nil {
			return err
		}
		// The register does not know sessions: a last day before a session the person
		// supervised would make the register say that session's supervisor was not on the staff.
		last, err := adapters.LastSupervised(ctx, tx, centre, account)
		if err != nil {
			return err
		}
		if last.After(m.Left) {
			day := last.Format(time.DateOnly)
			return problem.Rule("SUPERVISED_AFTER_LEAVING", fmt.Sprintf("%s supervised a session at the centre on %s: their last day cannot be "+
				"before it, or the register would say that session's supervisor was not on the staff; give that day or a later one "+
				"(familytime staff leave --on %s or later)", account, day, day))
		}
		// Nor before anything else they recorded at the centre (review 31): a coordinator's
		// bookings, a volunteer's arrivals, a change to this register would stand in the log
		// under someone the register says was not on the staff that day. The log is never
		// rewritten, so the last day gives way. Acts recorded in referral's or safeguarding's
		// logs are not known here (decision 212).
		acted, err := adapters.LastActed(ctx, tx, centre, account)
		if err != nil {
			return err
		}
		if acted.After(m.Left) {
			day := acted.Format(time.DateOnly)
			return problem.Rule("ACTED_AFTER_LEAVING", fmt.Sprintf("%s last recorded something at the centre on %s (a booking, a check-in, an arrival or "+
				"departure, a completion, a change to the staff register...): their last day cannot be before it, or the register would say "+
				"they were not on the staff when they did; give that day or a later one (familytime staff leave --on %s or later)",
				account, day, day))
		}
		return nil
	})
	var said Leaving
	if m.Role == schedulingv1.StaffRole_STAFF_ROLE_SAFEGUARDING_LEAD {
		said.LeadWarning = r.NoLeadWarning(m.Left.AddDate(0, 0, 1))
	}
	if said.SupervisorsWarning, err = a.SupervisorsShortAfterLeaving(ctx, r, account, days); err != nil {
		return staff.Member{}, time.Time{}, Leaving{}, nil, err
	}
	return m, today, said, uow, a.append(uow, staff.Stream(centre), expected, uuid.Nil, centre, md, ev)
}

// Leaving is what a leaving answers besides the member: its warnings in words, "" when none.
type Leaving struct {
	LeadWarning, SupervisorsWarning string
}

// WithdrawStaffLeaving withdraws a last day recorded ahead that has not passed (decision 123): the
// person stays on the staff. It keeps them on longer, so it is for the register's keepers alone,
// and never for one's own (as putting one's own last day off is not, decision 120). It takes nothing away, so no
// session's completion waits on it, and no act recorded can fall after a last day by it (decision 212).
func (a *App) WithdrawStaffLeaving(ctx context.Context, centre uuid.UUID, account string, md eventstore.Metadata) (staff.Member, time.Time, *eventstore.UnitOfWork, error) {
	r, err := a.sessions.Staff(ctx, centre)
	if err != nil {
		return staff.Member{}, time.Time{}, nil, err
	}
	expected, today := r.Version(), a.centreToday()
	if err := keeper(r, today, md); err != nil {
		return staff.Member{}, time.Time{}, nil, err
	}
	if ownEntry(account, md) {
		return staff.Member{}, time.Time{}, nil, problem.Rule(ownEntryReason,
			"nobody withdraws their own leaving: another coordinator of the centre, or an administrator, does it (familytime staff stay)")
	}
	m, ev, err := r.Stay(account, today)
	if err != nil {
		return staff.Member{}, time.Time{}, nil, err
	}
	uow := new(eventstore.UnitOfWork)
	return m, today, uow, a.append(uow, staff.Stream(centre), expected, uuid.Nil, centre, md, ev)
}

// ListStaff is a registered centre's staff, each in their period of membership covering the date
// their clearance is given for (or their latest when none covers it), and that date: on, or the
// centre's date today when on is zero.
func (a *App) ListStaff(ctx context.Context, centre uuid.UUID, on time.Time, includeLeft bool) ([]staff.Member, time.Time, error) {
	if _, err := a.centres.Get(ctx, centre); err != nil {
		return nil, time.Time{}, err
	}
	r, err := a.sessions.Staff(ctx, centre)
	if err != nil {
		return nil, time.Time{}, err
	}
	if on.IsZero() {
		on = a.centreToday()
	}
	return r.Members(on, includeLeft), on, nil
}

// guardStaff makes a supervised session's completion commit only if the centre's staff register
// is still at the version its supervisor was found cleared on, under the register's lock shared
// with other completions and taken alone by a leaving (RemoveStaffMember).
func guardStaff(uow *eventstore.UnitOfWork, centre uuid.UUID, version int64) {
	stream := staff.Stream(centre)
	uow.GuardShared(stream, stream, version)
}
