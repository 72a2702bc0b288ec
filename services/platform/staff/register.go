// Package staff is a centre's staff register: its staff and volunteers, their enhanced DBS checks
// and safeguarding training, and who is cleared to work, supervise contact or keep the register on
// a day. Scheduling keeps the register (the stream staff-<centre>); safeguarding reads the same
// events to know who may write and check a supervised session's report (decisions.md 96).
package staff

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/problem"
)

// Rules of a centre's staff register.
var (
	// ErrAlreadyOnStaff means the person is on the centre's staff and has not left: a second
	// period of membership starts only after the first has ended.
	ErrAlreadyOnStaff = problem.Rule("ALREADY_ON_STAFF", "the person is already on the centre's staff")
	// ErrNotOnStaff means the person is not on the centre's staff: never added, or left.
	ErrNotOnStaff = problem.Rule("NOT_ON_STAFF", "the person is not on the centre's staff")
	// ErrSupervisorNotCleared matches every refusal of a supervised session's completion whose
	// supervisor is not a contact supervisor or safeguarding lead of the centre cleared on the
	// session's date (the message says why).
	ErrSupervisorNotCleared = problem.Rule("SUPERVISOR_NOT_CLEARED", "the supervisor is not cleared to supervise contact at the centre on the session's date")
	// ErrNotCleared matches every refusal of a session's record (a check-in, an arrival, a
	// departure, a no-show, a completion) by someone not cleared to work at the centre on the
	// session's date (decisions.md 88).
	ErrNotCleared = problem.Rule("NOT_CLEARED", "you are not cleared to work at the centre on the session's date")
	// ErrNotRegisterKeeper matches every refusal of a change to the register by someone who is
	// not one of the centre's coordinators on it, cleared, that day (decisions.md 93).
	ErrNotRegisterKeeper = problem.Rule("NOT_REGISTER_KEEPER", "you keep the centre's staff register only as one of its coordinators, on it and cleared today")
	// ErrNoLeavingAhead means there is no last day recorded ahead to withdraw: the person has none
	// recorded, or it has passed (Register.Stay).
	ErrNoLeavingAhead = problem.Rule("NO_LEAVING_AHEAD", "the person has no last day recorded ahead to withdraw")
	// ErrNotTheLead matches every refusal of someone acting as the centre's safeguarding lead whom
	// its register does not have as its lead that day (Register.ActsAs).
	ErrNotTheLead = problem.Rule("NOT_THE_LEAD", "you act as the centre's safeguarding lead, but its staff register does not have you as its lead")
	// ErrNotInRole matches every refusal of someone acting at the centre as a coordinator, a
	// contact supervisor or a volunteer whom its register has in a role that does not include it
	// that day (Register.ActsAs, decision 113).
	ErrNotInRole = problem.Rule("NOT_IN_ROLE", "you act in a role the centre's staff register does not give you")
)

// acts are the roles someone may act in at the centre, by their role on its register: the lead
// does every staff role's work (they supervise contact too, CanSupervise); a coordinator and a
// contact supervisor do a volunteer's too; a volunteer only a volunteer's. Each lists the token's
// role that is the register's own first (roleWords reads it so). A token says what its holder
// claims to do; the register, kept by the centre, what they do there (decision 113).
var acts = map[schedulingv1.StaffRole][]auth.Role{
	schedulingv1.StaffRole_STAFF_ROLE_VOLUNTEER:          {auth.RoleVolunteer},
	schedulingv1.StaffRole_STAFF_ROLE_CONTACT_SUPERVISOR: {auth.RoleSupervisor, auth.RoleVolunteer},
	schedulingv1.StaffRole_STAFF_ROLE_COORDINATOR:        {auth.RoleCoordinator, auth.RoleVolunteer},
	schedulingv1.StaffRole_STAFF_ROLE_SAFEGUARDING_LEAD: {auth.RoleSafeguardingLead, auth.RoleCoordinator, auth.RoleSupervisor,
		auth.RoleVolunteer},
}

// TrainingLasts is how long safeguarding training counts: it is needed again every year.
const TrainingLasts = 1 // year

// Member is one period of someone's membership of a centre's staff or volunteers, from the
// day they joined to their last day, with every check recorded in it.
type Member struct {
	// Account is the person's account id, the subject of their sign-in token; never a name.
	Account string
	Role    schedulingv1.StaffRole
	Joined  time.Time
	// Left is their last day; zero while they are on the staff.
	Left time.Time
	// dbs and training are the dates of every check of the kind recorded in the period, in
	// order: a check is never recorded before an earlier one, so the last is the latest.
	dbs, training []time.Time
}

// DBSChecked is the date of their latest enhanced DBS check.
func (m Member) DBSChecked() time.Time { return m.dbs[len(m.dbs)-1] }

// Trained is the date of their latest safeguarding training; zero if none is recorded.
func (m Member) Trained() time.Time {
	if len(m.training) == 0 {
		return time.Time{}
	}
	return m.training[len(m.training)-1]
}

// TrainingDue is the last day their latest training counts, the day before its anniversary;
// zero without training.
func (m Member) TrainingDue() time.Time {
	if t := m.Trained(); !t.IsZero() {
		return lapses(t).AddDate(0, 0, -1)
	}
	return time.Time{}
}

// DBSCheckedBy is the date of their latest enhanced DBS check on or before date, as it stood that
// day; zero if none was done by then (review 39).
func (m Member) DBSCheckedBy(date time.Time) time.Time { return latest(m.dbs, date) }

// TrainedBy is the date of their latest safeguarding training on or before date; zero if none.
func (m Member) TrainedBy(date time.Time) time.Time { return latest(m.training, date) }

// TrainingDueBy is the last day the training they had on date counts (TrainedBy), as it stood
// that day; zero without training by then.
func (m Member) TrainingDueBy(date time.Time) time.Time {
	if t := m.TrainedBy(date); !t.IsZero() {
		return lapses(t).AddDate(0, 0, -1)
	}
	return time.Time{}
}

// lapses is the first day training done on trained no longer counts: its anniversary (training
// on 29 February lapses on 1 March).
func lapses(trained time.Time) time.Time { return trained.AddDate(TrainingLasts, 0, 0) }

// OnStaff reports whether the period covers date: joined on or before it, and not left before
// it. The last day counts: someone is on the staff on the day they leave.
func (m Member) OnStaff(date time.Time) bool {
	return !date.Before(m.Joined) && (m.Left.IsZero() || !date.After(m.Left))
}

// Cleared reports whether the member may work at the centre on date, and if not why, in words:
// on the staff that day, an enhanced DBS check done on or before it, and safeguarding training
// done on or before it and less than a year before (trained <= date < trained + 1 year). Every
// reason that holds is given, the most basic first.
func (m Member) Cleared(date time.Time) (bool, string) {
	var why []string
	day := dates.String(date)
	switch {
	case date.Before(m.Joined):
		why = append(why, fmt.Sprintf("not on the centre's staff on %s (joined on %s)", day, dates.String(m.Joined)))
	case !m.Left.IsZero() && date.After(m.Left):
		why = append(why, fmt.Sprintf("not on the centre's staff on %s (the last day on it was %s)", day, dates.String(m.Left)))
	}
	if latest(m.dbs, date).IsZero() {
		why = append(why, "no enhanced DBS check on or before "+day)
	}
	switch trained := latest(m.training, date); {
	case trained.IsZero():
		why = append(why, "no safeguarding training on or before "+day)
	case !date.Before(lapses(trained)):
		why = append(why, fmt.Sprintf("safeguarding training lapsed on %s (done on %s; it is needed every year)",
			dates.String(lapses(trained)), dates.String(trained)))
	}
	return len(why) == 0, strings.Join(why, "; ")
}

// latest is the last of dates (in order) on or before date; zero if none.
func latest(dates []time.Time, date time.Time) time.Time {
	i, found := slices.BinarySearchFunc(dates, date, func(d, t time.Time) int { return d.Compare(t) })
	if found {
		// Two checks of a kind may be recorded on one day; any of them is that day.
		return dates[i]
	}
	if i == 0 {
		return time.Time{}
	}
	return dates[i-1]
}

// Register is a centre's staff and volunteers with their checks: one stream,
// staff-<centre_id>. Members are people by account id; someone who leaves and comes back has a
// second period of membership, and the first is kept (a session they supervised then still
// counts as supervised by someone cleared).
type Register struct {
	centre uuid.UUID
	// periods are each account's periods of membership, in order; only the last may be open.
	periods map[string][]*Member
	// order is the accounts in the order they first joined.
	order   []string
	version int64
}

// Stream is the stream of a centre's staff register.
func Stream(centre uuid.UUID) string { return "staff-" + centre.String() }

// Rebuild replays a centre's staff register.
func Rebuild(centre uuid.UUID, events []proto.Message) (*Register, error) {
	r := &Register{centre: centre, periods: map[string][]*Member{}}
	for _, ev := range events {
		if err := r.apply(ev); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Version is the number of events in the register's stream.
func (r *Register) Version() int64 { return r.version }

// Member is an account's latest period of membership.
func (r *Register) Member(account string) (Member, bool) {
	ps := r.periods[account]
	if len(ps) == 0 {
		return Member{}, false
	}
	return *ps[len(ps)-1], true
}

// RoleOn is the token's role that is the register's own for account on date (a contact supervisor
// acts as a supervisor), and whether they were on the staff that day.
func (r *Register) RoleOn(account string, date time.Time) (auth.Role, bool) {
	for _, m := range r.periods[account] {
		if !date.Before(m.Joined) && (m.Left.IsZero() || !date.After(m.Left)) {
			if roles := acts[m.Role]; len(roles) > 0 {
				return roles[0], true
			}
			return "", true
		}
	}
	return "", false
}

// Members are each account's period of membership covering on, or their latest when none covers
// it, by role and account id. Someone not on the staff now is listed when their period covers on
// (they were on the staff that day), and otherwise only with includeLeft.
func (r *Register) Members(on time.Time, includeLeft bool) []Member {
	var out []Member
	for _, account := range r.order {
		ps := r.periods[account]
		m, covers := *ps[len(ps)-1], false
		for _, p := range ps {
			if p.OnStaff(on) {
				m, covers = *p, true
				break
			}
		}
		if includeLeft || covers || ps[len(ps)-1].Left.IsZero() {
			out = append(out, m)
		}
	}
	slices.SortFunc(out, func(a, b Member) int {
		if a.Role != b.Role {
			return int(a.Role) - int(b.Role)
		}
		return strings.Compare(a.Account, b.Account)
	})
	return out
}

// current is the account's period of membership that has not ended by today: open, or with its
// last day recorded ahead, today or later (decision 120).
func (r *Register) current(account string, today time.Time) (*Member, error) {
	m := r.latest(account)
	if m == nil || (!m.Left.IsZero() && m.Left.Before(today)) {
		return nil, ErrNotOnStaff
	}
	return m, nil
}

// latest is the account's latest period of membership; nil if it was never on the staff.
func (r *Register) latest(account string) *Member {
	ps := r.periods[account]
	if len(ps) == 0 {
		return nil
	}
	return ps[len(ps)-1]
}

// Joining is what a coordinator says about someone joining the centre's staff.
type Joining struct {
	Account string
	Role    schedulingv1.StaffRole
	// Joined is their first day; zero is today.
	Joined time.Time
	// DBSChecked is when their enhanced DBS check was done: needed before starting.
	DBSChecked time.Time
	// Trained is when they last completed safeguarding training; zero if not yet (they are not
	// cleared until they have).
	Trained time.Time
}

// Add adds someone to the centre's staff; today is the centre's date now. The register records
// what has happened: no date is in the future. Someone on the staff is not added twice
// (ErrAlreadyOnStaff); someone who left may be added again from a day after their last, as a new
// period of membership, which starts from the checks on record: a DBS check or training dated
// before the last of its kind recorded is refused, as RecordCheck refuses it, and training not
// given is the latest recorded (decisions.md 327).
func (r *Register) Add(j Joining, today time.Time) (Member, proto.Message, error) {
	if err := ValidAccount("account_id", j.Account); err != nil {
		return Member{}, nil, err
	}
	for _, d := range []struct {
		field string
		date  time.Time
	}{{"dbs_checked_on", j.DBSChecked}, {"trained_on", j.Trained}, {"joined_on", j.Joined}} {
		if err := sinceEarliest(d.field, d.date); err != nil {
			return Member{}, nil, err
		}
	}
	if _, ok := schedulingv1.StaffRole_name[int32(j.Role)]; !ok || j.Role == schedulingv1.StaffRole_STAFF_ROLE_UNSPECIFIED {
		return Member{}, nil, problem.Invalid("role", "must be volunteer, contact supervisor, coordinator or safeguarding lead")
	}
	if j.DBSChecked.IsZero() {
		return Member{}, nil, problem.Invalid("dbs_checked_on", "is required: staff and volunteers need an enhanced DBS check before starting")
	}
	if j.DBSChecked.After(today) {
		return Member{}, nil, problem.Invalid("dbs_checked_on", "must not be in the future (today is "+dates.String(today)+")")
	}
	if j.Trained.After(today) {
		return Member{}, nil, problem.Invalid("trained_on", "must not be in the future (today is "+dates.String(today)+"): record training once it is done")
	}
	if j.Joined.IsZero() {
		j.Joined = today
	}
	if j.Joined.After(today) {
		return Member{}, nil, problem.Invalid("joined_on", "must not be in the future (today is "+dates.String(today)+"): add them on their first day")
	}
	if j.Joined.Before(j.DBSChecked) {
		return Member{}, nil, problem.Invalid("joined_on", fmt.Sprintf("must not be before their enhanced DBS check on %s: it is needed before starting",
			dates.String(j.DBSChecked)))
	}
	for _, other := range r.order {
		// An identity provider may treat "Sup-1" and "sup-1" as one person (decisions.md 93): two
		// members differing only in case would let one person be their own second person.
		if other != j.Account && strings.EqualFold(other, j.Account) {
			return Member{}, nil, problem.Invalid("account_id", "differs only in letter case from an account already on the centre's register: "+
				"one person is one account; use the account as it is on the register (familytime staff list)")
		}
	}
	if ps := r.periods[j.Account]; len(ps) > 0 {
		last := ps[len(ps)-1]
		if last.Left.IsZero() {
			return Member{}, nil, problem.Rule(ErrAlreadyOnStaff.Reason, fmt.Sprintf("%s is already on the centre's staff (since %s, as %s): "+
				"record that they left before adding them again", j.Account, dates.String(last.Joined), RoleWords(last.Role)))
		}
		if !last.Left.Before(today) {
			return Member{}, nil, problem.Rule(ErrAlreadyOnStaff.Reason, fmt.Sprintf("%s is on the centre's staff until %s (since %s, as %s): "+
				"add them again from a day after it", j.Account, dates.String(last.Left), dates.String(last.Joined), RoleWords(last.Role)))
		}
		if !j.Joined.After(last.Left) {
			return Member{}, nil, problem.Invalid("joined_on", fmt.Sprintf("must be after %s, their last day in their previous period on the staff",
				dates.String(last.Left)))
		}
		// A new period starts from the checks on record (review 59: a DBS check six years older
		// than the one on record was taken, and the register then showed it, their training
		// dropped). An older date is refused as RecordCheck refuses it; training not given is
		// the latest on record, carried into the new period's event (decisions.md 327).
		dbs, trained := lastChecks(ps)
		if err := notBeforeLast("dbs_checked_on", schedulingv1.StaffCheck_STAFF_CHECK_ENHANCED_DBS, j.DBSChecked, dbs); err != nil {
			return Member{}, nil, err
		}
		if j.Trained.IsZero() {
			j.Trained = trained
		} else if err := notBeforeLast("trained_on", schedulingv1.StaffCheck_STAFF_CHECK_SAFEGUARDING_TRAINING, j.Trained, trained); err != nil {
			return Member{}, nil, err
		}
	}
	ev := &schedulingv1.StaffMemberAdded{CentreId: r.centre.String(), AccountId: j.Account, Role: j.Role,
		JoinedOn: dates.Proto(j.Joined), DbsCheckedOn: dates.Proto(j.DBSChecked), TrainedOn: dates.Proto(j.Trained)}
	if err := r.apply(ev); err != nil {
		return Member{}, nil, err
	}
	m, _ := r.Member(j.Account)
	return m, ev, nil
}

// RecordCheck records a member of staff's new enhanced DBS check or safeguarding training, done
// on date; today is the centre's date now. A check is recorded once it is done, and never before
// one of its kind already recorded: records are not edited, so an earlier date is refused rather
// than taken as a correction of the last.
func (r *Register) RecordCheck(account string, check schedulingv1.StaffCheck, date, today time.Time) (Member, proto.Message, error) {
	if err := ValidAccount("account_id", account); err != nil {
		return Member{}, nil, err
	}
	if err := sinceEarliest("checked_on", date); err != nil {
		return Member{}, nil, err
	}
	m, err := r.current(account, today)
	if err != nil {
		return Member{}, nil, err
	}
	var done []time.Time
	switch check {
	case schedulingv1.StaffCheck_STAFF_CHECK_ENHANCED_DBS:
		done = m.dbs
	case schedulingv1.StaffCheck_STAFF_CHECK_SAFEGUARDING_TRAINING:
		done = m.training
	default:
		return Member{}, nil, problem.Invalid("check", "must be an enhanced DBS check or safeguarding training")
	}
	if date.After(today) {
		return Member{}, nil, problem.Invalid("checked_on", "must not be in the future (today is "+dates.String(today)+"): record a check once it is done")
	}
	if len(done) > 0 {
		if err := notBeforeLast("checked_on", check, date, done[len(done)-1]); err != nil {
			return Member{}, nil, err
		}
	}
	ev := &schedulingv1.StaffCheckRecorded{CentreId: r.centre.String(), AccountId: account, Check: check, CheckedOn: dates.Proto(date)}
	if err := r.apply(ev); err != nil {
		return Member{}, nil, err
	}
	return *m, ev, nil
}

// notBeforeLast refuses, as field, a check done on date before last, the last of its kind on
// record (zero: none): records are not edited, so an earlier date is not taken as a correction.
func notBeforeLast(field string, check schedulingv1.StaffCheck, date, last time.Time) error {
	if date.Before(last) {
		return problem.Invalid(field, fmt.Sprintf("must not be before their last %s recorded, on %s: a record is not "+
			"edited, and a new check is one done on or after the last", checkWords(check), dates.String(last)))
	}
	return nil
}

// lastChecks are the latest enhanced DBS check and the latest safeguarding training on record in
// any of an account's periods (zero training when none): a period added before review 59 may
// hold an older check than the one before it.
func lastChecks(periods []*Member) (dbs, trained time.Time) {
	for _, p := range periods {
		if d := slices.MaxFunc(p.dbs, time.Time.Compare); d.After(dbs) {
			dbs = d
		}
		if len(p.training) > 0 {
			if t := slices.MaxFunc(p.training, time.Time.Compare); t.After(trained) {
				trained = t
			}
		}
	}
	return dbs, trained
}

// LeaveAhead is how far ahead a last day may be recorded: a notice period, not a plan for years.
const LeaveAhead = 3 // months

// Leave records that a member of staff leaves, their last day left (zero: today); today is the
// centre's date now. The last day may be past, today, or up to LeaveAhead months ahead: they stay
// cleared until it (decision 120). While it has not passed it may be recorded again, earlier or
// later (whether someone may move it later is the caller's to decide, MovesLastDayLater); the
// same day again records nothing (a nil event). The last day is not before they joined.
func (r *Register) Leave(account string, left, today time.Time) (Member, proto.Message, error) {
	if err := ValidAccount("account_id", account); err != nil {
		return Member{}, nil, err
	}
	if err := sinceEarliest("left_on", left); err != nil {
		return Member{}, nil, err
	}
	m, err := r.current(account, today)
	if err != nil {
		return Member{}, nil, err
	}
	if left.IsZero() {
		left = today
	}
	if ahead := today.AddDate(0, LeaveAhead, 0); left.After(ahead) {
		return Member{}, nil, problem.Invalid("left_on", fmt.Sprintf("must be at most %d months ahead (by %s at the latest; today is %s): "+
			"record a later last day once it is nearer", LeaveAhead, dates.String(ahead), dates.String(today)))
	}
	if left.Before(m.Joined) {
		return Member{}, nil, problem.Invalid("left_on", "must not be before they joined, on "+dates.String(m.Joined))
	}
	if left.Equal(m.Left) {
		return *m, nil, nil
	}
	ev := &schedulingv1.StaffMemberLeft{CentreId: r.centre.String(), AccountId: account, LeftOn: dates.Proto(left)}
	if err := r.apply(ev); err != nil {
		return Member{}, nil, err
	}
	return *m, ev, nil
}

// Stay withdraws the account's last day recorded ahead, before it has passed (today, their last
// day, it still may be): they stay on the staff in the same period, as if it had never been
// recorded, and keep the checks recorded meanwhile. Withdrawing keeps someone on the staff longer,
// so it is the register's keepers' (decision 123); today is the centre's date now.
func (r *Register) Stay(account string, today time.Time) (Member, proto.Message, error) {
	if err := ValidAccount("account_id", account); err != nil {
		return Member{}, nil, err
	}
	m, err := r.current(account, today)
	if err != nil {
		return Member{}, nil, err
	}
	if m.Left.IsZero() {
		return Member{}, nil, problem.Rule(ErrNoLeavingAhead.Reason, "no last day is recorded for "+account+": they are on the staff with no leaving to withdraw")
	}
	ev := &schedulingv1.StaffMemberLeft{CentreId: r.centre.String(), AccountId: account, WithdrawnLeftOn: dates.Proto(m.Left)}
	if err := r.apply(ev); err != nil {
		return Member{}, nil, err
	}
	return *m, ev, nil
}

// MovesLastDayLater reports whether recording left (zero: today) as the account's last day would
// keep them on the staff longer than the register has it: a first leaving never does, a last day
// recorded ahead moved later does. Someone may shorten their own membership, but only the
// register's keepers lengthen it (decision 120).
func (r *Register) MovesLastDayLater(account string, left, today time.Time) bool {
	m := r.latest(account)
	if left.IsZero() {
		left = today
	}
	return m != nil && !m.Left.IsZero() && left.After(m.Left)
}

// Supervises refuses, with ErrSupervisorNotCleared's reason and why in words, an account that may
// not supervise contact at the centre on date (CanSupervise).
func (r *Register) Supervises(account string, date time.Time) error {
	if ok, why := r.CanSupervise(account, date); !ok {
		return problem.Rule(ErrSupervisorNotCleared.Reason, fmt.Sprintf("supervised_by %s is not cleared to supervise contact at the centre on %s: %s",
			account, dates.String(date), why))
	}
	return nil
}

// CanSupervise reports whether account may supervise contact at the centre on date, and if not
// why, in words: it must be a contact supervisor or the safeguarding lead on the staff that day,
// and cleared that day (Member.Cleared).
func (r *Register) CanSupervise(account string, date time.Time) (bool, string) {
	ps := r.periods[account]
	if len(ps) == 0 {
		return false, "not on the centre's staff on " + dates.String(date) + " (add them to the staff register with their enhanced DBS check and safeguarding training)"
	}
	// The period covering date, or else the latest that began by then, or else the first: its
	// checks say best why they were not cleared.
	m := ps[0]
	for _, p := range ps {
		if !p.Joined.After(date) {
			m = p
		}
	}
	if m.OnStaff(date) && m.Role != schedulingv1.StaffRole_STAFF_ROLE_CONTACT_SUPERVISOR && m.Role != schedulingv1.StaffRole_STAFF_ROLE_SAFEGUARDING_LEAD {
		return false, fmt.Sprintf("on the staff as %s; supervised contact is supervised by a contact supervisor or the safeguarding lead", RoleWords(m.Role))
	}
	return m.Cleared(date)
}

// HasClearedSupervisor reports whether the register has someone who may supervise contact at the
// centre on date (CanSupervise: a contact supervisor or the safeguarding lead, on the staff and
// cleared that day). Without one, a supervised session that day is completed by nobody, so its
// observation report never falls due (review 22).
func (r *Register) HasClearedSupervisor(date time.Time) bool { return r.ClearedSupervisors(date) > 0 }

// ClearedSupervisors counts the people the register clears to supervise contact at the centre on
// date (CanSupervise). Each watches one family at a time (DOMAIN.md, supervised contact), so it is
// also how many supervised sessions may be under way at once that day (decision 265).
func (r *Register) ClearedSupervisors(date time.Time) int {
	n := 0
	for _, account := range r.order {
		if ok, _ := r.CanSupervise(account, date); ok {
			n++
		}
	}
	return n
}

// Centre is the centre whose register it is.
func (r *Register) Centre() uuid.UUID { return r.centre }

// NoSupervisorWarning is what whoever books a supervised session on date is told when the
// register has nobody cleared to supervise contact that day (NO_SUPERVISOR), or only one, whose
// report no second person could check (NO_SECOND_SUPERVISOR), or "" when it has two or more: the
// booking stands (the register may be put right before the day).
func (r *Register) NoSupervisorWarning(date time.Time) string {
	switch r.ClearedSupervisors(date) {
	case 0:
		return fmt.Sprintf("NO_SUPERVISOR: the centre's staff register has no contact supervisor or safeguarding lead cleared to supervise "+
			"contact on %s (on the staff that day, DBS-checked, and trained within the year), so nobody could complete this supervised "+
			"session or write its observation report: record the supervisor on the register by the day, as they start or are trained (familytime staff add, "+
			"familytime staff check; familytime staff list --centre %s --on %s says who is cleared), or book a day someone is", dates.String(date), r.centre,
			dates.String(date))
	case 1:
		// The report is checked by a second person, another supervisor or the lead, before it is
		// released: with one, it is written and never released (review 23).
		return fmt.Sprintf("NO_SECOND_SUPERVISOR: the centre's staff register clears one person only to supervise contact on %s, so "+
			"this session's observation report could be written but not checked by a second person (another contact supervisor or the "+
			"safeguarding lead, cleared) before its release to the court: record a second on the register before then (familytime staff add, "+
			"familytime staff check; familytime staff list --centre %s --on %s says who is cleared)", dates.String(date), r.centre, dates.String(date))
	}
	return ""
}

// SupervisorsShortWarning is what whoever books a supervised session on date is told when
// sessions supervised sessions of the centre are under way at once during its contact (counting
// it), when (in words, as "from 10:15 to 11:15"), and the register clears fewer people than that
// to supervise contact that day (SUPERVISORS_SHORT); "" when it clears as many or more, or nobody
// at all (NoSupervisorWarning's NO_SUPERVISOR says so). Review 44 booked two supervised families
// at 10:15 with one person cleared: one family's contact went unwatched, and its session could
// never be completed (SUPERVISOR_ELSEWHERE). It warns and does not refuse, as NO_SUPERVISOR does:
// the register may be put right before the day, and a refusal would stop the centre planning
// ahead (decision 265).
func (r *Register) SupervisorsShortWarning(date time.Time, sessions int, when string) string {
	cleared := r.ClearedSupervisors(date)
	if cleared == 0 || sessions <= cleared {
		return ""
	}
	people := fmt.Sprintf("%d people", cleared)
	if cleared == 1 {
		people = "1 person"
	}
	return fmt.Sprintf("SUPERVISORS_SHORT: %d supervised sessions of the centre are under way at once on %s %s (this one counted), but its "+
		"staff register clears %s only to supervise contact that day: a contact supervisor watches one family at a time, so a family "+
		"would be left unwatched, and its session could never be completed nor its observation report written: record another "+
		"supervisor on the register by the day (familytime staff add, familytime staff check; familytime staff list --centre %s --on %s "+
		"says who is cleared), or book the session at another time", sessions, dates.String(date), when, people, r.centre, dates.String(date))
}

// Works refuses, with ErrNotCleared's reason and why in words, an account that may not work at a
// session of the centre on date: on the staff that day in any role, and cleared that day
// (Member.Cleared). The message speaks to the caller, who is the account, and names no
// account: a token's subject may be an e-mail address.
func (r *Register) Works(account string, date time.Time) error {
	return r.WorksOn(account, date, "at the centre's sessions")
}

// WorksOn refuses, with ErrNotCleared's reason and why in words, an account that may not do the
// work on date (Cleared): work says what, as "at the centre's sessions" or "on the centre's
// referrals and families". The message speaks to the caller and names no account.
func (r *Register) WorksOn(account string, date time.Time, work string) error {
	if ok, why := r.Cleared(account, date); !ok {
		return problem.Rule(ErrNotCleared.Reason, fmt.Sprintf("you are not cleared to work %s on %s: %s. "+
			"Staff and volunteers need an enhanced DBS check before starting and safeguarding training every year; "+
			"a coordinator of the centre keeps its staff register (familytime staff), and an administrator adds its first coordinator", work, dates.String(date), why))
	}
	return nil
}

// ActsAs refuses an account, on the staff on date, acting at the centre in a role its register
// does not give them (acts): as the safeguarding lead unless the register has them as its lead
// (ErrNotTheLead, decisions 107 and 110; it sends them to an administrator, who alone records
// who the lead is, decisions 142 and 158), in another staff role unless theirs includes it
// (ErrNotInRole, decision 113). The message says why, speaks to the caller and names no account.
// Whether they are cleared that day is WorksOn's.
func (r *Register) ActsAs(account string, date time.Time, role auth.Role) error {
	m, ok := r.Member(account)
	onStaff := ok && m.OnStaff(date)
	if onStaff && slices.Contains(acts[m.Role], role) {
		return nil
	}
	why := "you are not on its staff register today"
	if onStaff {
		why = "its staff register has you as " + RoleWords(m.Role)
	}
	if role == auth.RoleSafeguardingLead {
		return problem.Rule(ErrNotTheLead.Reason, fmt.Sprintf("you act as the centre's safeguarding lead, but %s: "+
			"act in the role the register gives you, or ask an administrator of the national body to record you as the lead: "+
			"who is the centre's safeguarding lead is changed by an administrator, not a coordinator "+
			"(familytime staff add --role safeguarding-lead, with an administrator's token)", why))
	}
	return problem.Rule(ErrNotInRole.Reason, fmt.Sprintf("you act as %s, but %s: act in the role the register gives you, "+
		"or ask a coordinator to record the role you do (familytime staff)", roleWords(role), why))
}

// roleWords names a token's staff role as the refusals speak of it: as RoleWords names the
// register's role that is the same.
func roleWords(role auth.Role) string {
	for r, roles := range acts {
		if roles[0] == role {
			return RoleWords(r)
		}
	}
	return string(role)
}

// Cleared reports whether account may work at the centre on date, in any role, and if not why,
// in words spoken to them that name no account: on its register that day, with an enhanced DBS
// check and safeguarding training that count then (Member.Cleared). Of several periods of
// membership, the one covering date says, or else the latest begun by then, or else the first.
func (r *Register) Cleared(account string, date time.Time) (bool, string) {
	ps := r.periods[account]
	if len(ps) == 0 {
		return false, "you are not on its staff register"
	}
	m := ps[0]
	for _, p := range ps {
		if !p.Joined.After(date) {
			m = p
		}
	}
	return m.Cleared(date)
}

// HasClearedLead reports whether the register has a safeguarding lead cleared to work on date:
// without one, a concern raised that day alerts no lead (review 20).
func (r *Register) HasClearedLead(date time.Time) bool {
	for _, m := range r.Members(date, false) {
		if role, ok := r.RoleOn(m.Account, date); ok && role == auth.RoleSafeguardingLead {
			if cleared, _ := r.Cleared(m.Account, date); cleared {
				return true
			}
		}
	}
	return false
}

// NoLeadWarning is what the register's keeper and anyone raising a concern is told when the
// centre has no safeguarding lead cleared to work on date, or "" when it has one: a concern still
// stands, but no lead reads its alert until one is recorded.
func (r *Register) NoLeadWarning(date time.Time) string {
	if r.HasClearedLead(date) {
		return ""
	}
	return fmt.Sprintf("NO_LEAD: the centre has no safeguarding lead cleared to work on %s, so no lead reads this centre's alerts: "+
		"tell the centre's coordinator and the national body's safeguarding contact now (a child at immediate risk: call the police, "+
		"999, or the local authority); an administrator records a lead (familytime staff add --role safeguarding-lead)", date.Format(time.DateOnly))
}

// Keeps refuses, with ErrNotRegisterKeeper's reason and why in words, an account that may not
// keep the register on today: a coordinator on the staff that day, cleared (decisions.md 93). The
// message speaks to the caller and names no account.
func (r *Register) Keeps(account string, today time.Time) error {
	refuse := func(why string) error {
		return problem.Rule(ErrNotRegisterKeeper.Reason, fmt.Sprintf("you keep the centre's staff register only as one of its coordinators, on it and cleared today (%s): %s. "+
			"An administrator adds the centre's first coordinator", dates.String(today), why))
	}
	ps := r.periods[account]
	var m *Member
	for _, p := range ps {
		if p.OnStaff(today) {
			m = p
		}
	}
	switch {
	case m == nil && len(ps) > 0:
		_, why := ps[len(ps)-1].Cleared(today) // says they left, or have not joined yet
		return refuse(why)
	case m == nil:
		return refuse("you are not on its staff register today")
	case m.Role != schedulingv1.StaffRole_STAFF_ROLE_COORDINATOR:
		return refuse("you are on it as " + RoleWords(m.Role))
	}
	if ok, why := m.Cleared(today); !ok {
		return refuse(why)
	}
	return nil
}

// Event is a new, empty event of a centre's staff register by its type's full name, to decode a
// recorded one into; ok is false for any other type.
func Event(eventType string) (ev proto.Message, ok bool) {
	switch eventType {
	case "familytime.scheduling.v1.StaffMemberAdded":
		return &schedulingv1.StaffMemberAdded{}, true
	case "familytime.scheduling.v1.StaffCheckRecorded":
		return &schedulingv1.StaffCheckRecorded{}, true
	case "familytime.scheduling.v1.StaffMemberLeft":
		return &schedulingv1.StaffMemberLeft{}, true
	}
	return nil, false
}

// RoleWords is a staff role in words, with its article.
func RoleWords(role schedulingv1.StaffRole) string {
	switch role {
	case schedulingv1.StaffRole_STAFF_ROLE_VOLUNTEER:
		return "a volunteer"
	case schedulingv1.StaffRole_STAFF_ROLE_CONTACT_SUPERVISOR:
		return "a contact supervisor"
	case schedulingv1.StaffRole_STAFF_ROLE_COORDINATOR:
		return "a coordinator"
	case schedulingv1.StaffRole_STAFF_ROLE_SAFEGUARDING_LEAD:
		return "the safeguarding lead"
	}
	return "an unknown role"
}

func checkWords(check schedulingv1.StaffCheck) string {
	if check == schedulingv1.StaffCheck_STAFF_CHECK_ENHANCED_DBS {
		return "enhanced DBS check"
	}
	return "safeguarding training"
}

// accountChars are the characters of an account id besides ASCII letters and digits.
const accountChars = "._@:+-"

// ValidAccount refuses, as field, an account id that is not one a sign-in token could name: 1 to
// 200 characters of printable ASCII without spaces, letters, digits and ._@:+- only. Look-alike
// letters of other scripts, other dashes and invisible characters would make one person two
// members. Ids are compared exactly, case included, as subjects are.
func ValidAccount(field, account string) error {
	switch n := len(account); {
	case n == 0:
		return problem.Invalid(field, "is required: the person's account id, as their sign-in token names them")
	case n > 200:
		return problem.Invalid(field, "must be at most 200 characters")
	}
	for _, c := range []byte(account) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(accountChars, c) >= 0) {
			return problem.Invalid(field, "must be an account id as the sign-in token names them (never a name): printable ASCII without spaces, "+
				"letters, digits and "+accountChars+" only")
		}
	}
	return nil
}

// EarliestDate is the earliest date the register takes: a DBS check, training, joining or
// leaving before it is a mistake, not a record.
var EarliestDate = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// sinceEarliest refuses, as field, a date before EarliestDate; zero (unset) passes.
func sinceEarliest(field string, date time.Time) error {
	if !date.IsZero() && date.Before(EarliestDate) {
		return problem.Invalid(field, "must not be before "+dates.String(EarliestDate)+": "+dates.String(date)+" is not a date the register takes")
	}
	return nil
}

func (r *Register) apply(ev proto.Message) error {
	switch e := ev.(type) {
	case *schedulingv1.StaffMemberAdded:
		m := &Member{Account: e.GetAccountId(), Role: e.GetRole(), Joined: dates.Time(e.GetJoinedOn()),
			dbs: []time.Time{dates.Time(e.GetDbsCheckedOn())}}
		if e.GetTrainedOn() != nil {
			m.training = []time.Time{dates.Time(e.GetTrainedOn())}
		}
		if _, ok := r.periods[m.Account]; !ok {
			r.order = append(r.order, m.Account)
		}
		r.periods[m.Account] = append(r.periods[m.Account], m)
	case *schedulingv1.StaffCheckRecorded:
		// Recorded in the latest period, open or with its last day ahead (Register.current).
		m := r.latest(e.GetAccountId())
		if m == nil {
			return fmt.Errorf("staff register %s: check of %s: %w", r.centre, e.GetAccountId(), ErrNotOnStaff)
		}
		if e.GetCheck() == schedulingv1.StaffCheck_STAFF_CHECK_ENHANCED_DBS {
			m.dbs = append(m.dbs, dates.Time(e.GetCheckedOn()))
		} else {
			m.training = append(m.training, dates.Time(e.GetCheckedOn()))
		}
	case *schedulingv1.StaffMemberLeft:
		// The latest period's last day, recorded for the first time or again (Register.Leave), or
		// withdrawn (Register.Stay).
		m := r.latest(e.GetAccountId())
		if m == nil {
			return fmt.Errorf("staff register %s: leaving of %s: %w", r.centre, e.GetAccountId(), ErrNotOnStaff)
		}
		m.Left = dates.Time(e.GetLeftOn())
	default:
		return fmt.Errorf("staff register %s: unexpected event %s", r.centre, ev.ProtoReflect().Descriptor().FullName())
	}
	r.version++
	return nil
}
