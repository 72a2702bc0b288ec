package app

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/google/uuid"
	"golang.org/x/sync/errgroup"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/problem"
	"github.com/familytime/familytime/services/reporting/internal/adapters"
)

// Period is a calendar year, quarter or month: its first and last days.
type Period struct{ From, To time.Time }

// Year is the calendar year p is in.
func (p Period) Year() Period {
	y, _ := NewPeriod("year", p.From.Year(), 0)
	return y
}

// Periods are a year's periods: the year, its quarters, its months (the order of Figure.period).
func (p Period) Periods() []Period {
	out := []Period{p.Year()}
	for q := 1; q <= 4; q++ {
		quarter, _ := NewPeriod("quarter", p.From.Year(), q)
		out = append(out, quarter)
	}
	for m := 1; m <= 12; m++ {
		month, _ := NewPeriod("month", p.From.Year(), m)
		out = append(out, month)
	}
	return out
}

// index is p's place in Periods.
func (p Period) index() int {
	switch months := int(p.To.Month()) - int(p.From.Month()) + 1; months {
	case 12:
		return 0
	case 3:
		return 1 + int(p.From.Month()-1)/3
	default:
		return 4 + int(p.From.Month())
	}
}

// partOf is the index in Periods of the period that period (an index in Periods) is part of, and
// whether period is its last part; -1 for the year.
func partOf(period int) (int, bool) {
	switch {
	case period == 0:
		return -1, false
	case period <= 4:
		return 0, period == 4
	default:
		month := period - 4
		return 1 + (month-1)/3, month%3 == 0
	}
}

// NewPeriod is the year (number 0), quarter (1-4) or month (1-12).
func NewPeriod(kind string, year, number int) (Period, error) {
	start := func(m int) time.Time { return time.Date(year, time.Month(m), 1, 0, 0, 0, 0, time.UTC) }
	switch {
	case kind == "year" && number == 0:
		return Period{start(1), start(1).AddDate(1, 0, -1)}, nil
	case kind == "quarter" && number >= 1 && number <= 4:
		return Period{start(3*number - 2), start(3*number-2).AddDate(0, 3, -1)}, nil
	case kind == "month" && number >= 1 && number <= 12:
		return Period{start(number), start(number).AddDate(0, 1, -1)}, nil
	}
	return Period{}, problem.Invalid("period.number", fmt.Sprintf("%d is not a %s of the year", number, kind))
}

// Progress is how far p has run on today (a date): it begins after today, today is in it, or it
// ended before today. Figures read before a period ends count only what has happened (or been
// booked) so far, which a reader must be told.
func (p Period) Progress(today time.Time) PeriodProgress {
	day := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	switch {
	case day.Before(p.From):
		return PeriodNotBegun
	case day.After(p.To):
		return PeriodEnded
	}
	return PeriodUnderWay
}

// Kind is "year", "quarter" or "month".
func (p Period) Kind() string {
	switch p.index() {
	case 0:
		return "year"
	case 1, 2, 3, 4:
		return "quarter"
	}
	return "month"
}

// Number is p's quarter (1-4) or month (1-12) in its year; 0 for a year.
func (p Period) Number() int {
	switch i := p.index(); {
	case i == 0:
		return 0
	case i <= 4:
		return i
	default:
		return i - 4
	}
}

// String names p as the return does: "2026", "2026Q4", "December 2026".
func (p Period) String() string {
	switch p.Kind() {
	case "year":
		return strconv.Itoa(p.From.Year())
	case "quarter":
		return fmt.Sprintf("%dQ%d", p.From.Year(), p.Number())
	}
	return p.From.Format("January 2006")
}

// cutoffDays is how many days after a period ends it is published: from the start (UK time) of
// the 8th day after its last month ends, a week's grace in which the centres' paper sheets for
// the month's last sessions are typed in, a bank holiday or two among them (25 and 26 December,
// 1 January). What is recorded for its days after that changes no published figure (decision 282).
const cutoffDays = 8

// PublishedFrom is the day p's figures are published from, its cutoff: the 8th day after it ends.
// A quarter's or year's is its last month's.
func (p Period) PublishedFrom() time.Time { return p.To.AddDate(0, 0, cutoffDays) }

// Published is whether p's figures are published on today (a date): its cutoff has come.
func (p Period) Published(today time.Time) bool {
	day := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	return !day.Before(p.PublishedFrom())
}

// LastPublished is the last period of p's kind published on today: the one before the period of
// that kind that the day a week ago is in (on 3 January, November and 2026Q3; on 8 January,
// December and 2026Q4).
func (p Period) LastPublished(today time.Time) Period {
	return containing(p.Kind(), containing(p.Kind(), today.AddDate(0, 0, 1-cutoffDays)).From.AddDate(0, 0, -1))
}

// containing is the year, quarter or month (kind) that day is in.
func containing(kind string, day time.Time) Period {
	number := 0
	switch kind {
	case "quarter":
		number = 1 + int(day.Month()-1)/3
	case "month":
		number = int(day.Month())
	}
	p, _ := NewPeriod(kind, day.Year(), number)
	return p
}

// NotEndedError refuses the published figures of a period before its cutoff (decisions 264 and
// 282): figures so far, read again a few days later, give by subtraction the counts of the days
// between, which no suppression protects (review 44: 5 sessions attended at a centre on 13
// February, 8 at the quarter's end, so exactly 3 families on 20 February); and a period just ended
// is still being recorded (the centres' sheets of its last sessions), so it is published a week
// after it ends, counting what was recorded by then. It unwraps to the rule the API refuses with,
// PERIOD_NOT_ENDED; the admin port's /figures reads the periods from it.
type NotEndedError struct {
	Period Period
	// LastEnded is the last period of the kind asked for that is published (its cutoff has come).
	LastEnded Period
	// MonthsEnded is the period's last month that is published, zero when none is: the months of
	// a quarter or year not yet published are published, each from its own cutoff.
	MonthsEnded Period
	Progress    PeriodProgress
	Today       time.Time
}

func (e *NotEndedError) Error() string { return e.rule().Message }

// Unwrap is the rule broken, which the gRPC API answers FailedPrecondition with its reason.
func (e *NotEndedError) Unwrap() error { return e.rule() }

func (e *NotEndedError) rule() *problem.RuleError {
	const day = "2 January 2006"
	published := e.Period.PublishedFrom().Format(day)
	var where string
	switch e.Progress {
	case PeriodNotBegun:
		where = fmt.Sprintf("%s has not begun (it runs %s to %s and is published from %s; today is %s)", e.Period, e.Period.From.Format(day),
			e.Period.To.Format(day), published, e.Today.Format(day))
	case PeriodEnded:
		where = fmt.Sprintf("%s ended on %s and is published from %s, its figures counting what was recorded for it by then (today is %s)",
			e.Period, e.Period.To.Format(day), published, e.Today.Format(day))
	default:
		where = fmt.Sprintf("%s is under way (it ends on %s and is published from %s; today is %s)", e.Period, e.Period.To.Format(day),
			published, e.Today.Format(day))
	}
	months := ""
	if !e.MonthsEnded.From.IsZero() {
		months = fmt.Sprintf("; of %s, the months to %s are published", e.Period, e.MonthsEnded)
	}
	return problem.Rule("PERIOD_NOT_ENDED", where+": figures are published for a period a week after it has ended, as figures so far, read "+
		"again later, would give by subtraction the counts of the days between, which are not suppressed, and the centres' records of its "+
		"last days are then in; what is recorded for its days after that changes no published figure. The last "+
		e.LastEnded.Kind()+" published is "+e.LastEnded.String()+months+". The exact figures so far are given unpublished, to the roles allowed them.")
}

// PeriodProgress is how far a period has run.
type PeriodProgress int

const (
	PeriodNotBegun PeriodProgress = iota + 1
	PeriodUnderWay
	PeriodEnded
)

// Figure is one number of the national figures.
type Figure struct {
	Measure   string
	Scope     string // national, region or centre
	Region    commonv1.Region
	Centre    uuid.UUID
	Breakdown string
	Category  string
	Value     float64
	// Count is how many rows a duration is computed over (suppression needs it); for a count,
	// the value itself.
	Count int64
	Shown string
	// Suppressed is primary ("<5") or secondary ("*"); empty when published.
	Suppressed string
	// small is a secondary that was primary: a "*" hiding a figure of 1 to 4 (Suppress).
	small bool
	// Protected figures are counts of people (families, children, referrals, staff): suppressed
	// when published. Others (places, capacity) are about rooms.
	Protected bool
	Duration  bool
	// AtEnd is a count on the period's last day (the waiting list, the staff at its end): a
	// quarter's is its last month's, a year's its last quarter's.
	AtEnd bool
	// period is where the figure's period stands in its calendar year when the year's figures
	// are suppressed together (Periods: 0 the year, 1-4 its quarters, 5-16 its months).
	period int
	// fixed: the figure's period was published before, and the figure keeps what it was first
	// shown as (FirstShown.Fix): first is "<5" or "*" where it was withheld, empty where it was
	// published as a number.
	fixed bool
	first string
	// moved: published as a number when its period was first published, and a correction since
	// moved it by 1 to 4 (firstShown.fix): withheld "*" and read as a small number is, as the
	// difference between the two publications is one (decision 366).
	moved bool
}

// measure is a figure the national body asks for (docs/return.md defines each).
type measure struct {
	adapters.Measure
	enum protoreflect.EnumDescriptor
	// closed is Source for publication where it is not Source over the closed sessions
	// (adapters.Closed); empty where it is.
	closed    string
	protected bool
	duration  bool
	atEnd     bool
}

var (
	serviceTypes = commonv1.ServiceType(0).Descriptor()
	ageBands     = commonv1.AgeBand(0).Descriptor()
	sources      = commonv1.ReferralSource(0).Descriptor()
	outcomes     = referralv1.CaseOutcome(0).Descriptor()
	declines     = referralv1.DeclineReason(0).Descriptor()
	categories   = safeguardingv1.ConcernCategory(0).Descriptor()
	holdReasons  = safeguardingv1.HoldReason(0).Descriptor()
	staffRoles   = schedulingv1.StaffRole(0).Descriptor()
)

func count(name, breakdown string, enum protoreflect.EnumDescriptor, source, aggregate string) measure {
	return measure{Measure: adapters.Measure{Name: name, Breakdown: breakdown, Source: source, Aggregate: aggregate}, enum: enum, protected: true}
}

// source is m's query: for publication (closed), over its sessions as their months closed, or
// its own query of what the closing kept (closedAs).
func (m measure) source(closed bool) adapters.Measure {
	switch {
	case closed && m.closed != "":
		c := m.Measure
		c.Source = m.closed
		return c
	case closed:
		return adapters.Closed(m.Measure)
	}
	return m.Measure
}

// closedAs gives m a query of its own for publication, over what a month's closing kept.
func closedAs(m measure, source string) measure {
	m.closed = source
	return m
}

// closeMonths closes every month of year whose cutoff has come by today and that is not closed
// yet (adapters.Figures.Close), before anything of the year is published: from then on its
// published figures count its sessions as they stood (decision 282). Closing at the first
// publication after the cutoff, rather than at the cutoff itself, changes nothing published:
// nothing of the month was published before. Only the closings still to make take the
// projections' swap lock, which holds the live consumers back while a month is kept.
func (a *App) closeMonths(ctx context.Context, year Period, today time.Time) error {
	var due []time.Time
	for _, p := range year.Periods()[5:] {
		if p.Published(today) {
			due = append(due, p.From)
		}
	}
	if len(due) == 0 {
		return nil
	}
	open, err := a.figures.Unclosed(ctx, due)
	if err != nil || len(open) == 0 {
		return err
	}
	if err := a.caughtUp(ctx, open); err != nil {
		return err
	}
	return a.figures.Close(ctx, open, a.now(), today)
}

// closeWait is how long a closing waits for the live consumers to catch up before it is refused.
const closeWait = 5 * time.Second

// caughtUp holds a month's closing until the live consumers have handled every event the
// services published, none of their source streams parked: the closing keeps the month's
// sessions as the projections hold them, for good (a rebuild never changes what was published),
// so sessions recorded before it but not yet handled would never be published, and nothing would
// say so (review 90 M3, with a relay stuck on a lost stream). A healthy platform is a moment
// behind at most: the closing waits for it, up to closeWait, then is refused FIGURES_CATCHING_UP,
// changing nothing; the next read after the consumers catch up closes the month.
func (a *App) caughtUp(ctx context.Context, months []time.Time) error {
	if a.behind == nil {
		return nil
	}
	deadline := time.Now().Add(closeWait)
	for {
		b, err := a.behind(ctx)
		if err != nil {
			return fmt.Errorf("how far the consumers are behind: %w", err)
		}
		if b == (Behind{}) {
			return nil
		}
		if time.Now().After(deadline) {
			return problem.Rule(ErrFiguresCatchingUp.Reason, fmt.Sprintf("%s is published once, as it stands when its figures are "+
				"first read after its cutoff, and reporting has not yet handled everything the services recorded (%d events "+
				"still to handle, %d source streams parked at an event it could not handle): it is not published until it has, "+
				"so that nothing recorded for it is left out for good. Try again in a few minutes; if this persists, an "+
				"operator sees docs/runbook.md (\"A parked stream\", \"JetStream lost events\")",
				monthWords(months), b.Events, b.Parked))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// ErrFiguresCatchingUp refuses the first publication after a month's cutoff while the live
// consumers are behind the services' streams (caughtUp words it).
var ErrFiguresCatchingUp = problem.Rule("FIGURES_CATCHING_UP", "reporting has not yet handled everything the services recorded")

// monthWords names the months to close, first to last: "December 2026", or "each month from
// January 2026 to December 2026".
func monthWords(months []time.Time) string {
	first, last := slices.MinFunc(months, time.Time.Compare), slices.MaxFunc(months, time.Time.Compare)
	if len(months) == 1 {
		return first.Format("January 2006")
	}
	return "each month from " + first.Format("January 2006") + " to " + last.Format("January 2006")
}

// dated marks m's Source as selecting d, the date each row is counted on.
func dated(m measure) measure {
	m.Dated = true
	return m
}

// onLastDay marks m as counted on the period's last day.
func onLastDay(m measure) measure {
	m.atEnd = true
	return m
}

// canonicalChildren maps each person id a person linked to another (referral's SameChildConfirmed,
// decision 260) to its group's canonical id: every id linked to it, however indirectly (a child
// referred a third time, confirmed against the second referral), the least of them. Any id of the
// group would do, as only distinct counts read it (as text: PostgreSQL has no min of uuid, and
// the text of a uuid sorts as it does); the least is the same whatever order the
// confirmations came in, live or rebuilt. Computed as the figures are counted, from the
// confirmations kept (reporting.same_children) and the links for the figures that stand
// (reporting.figure_links, decision 414), so a confirmation changes the figures of every
// period it touches, closed quarters too (docs/return.md). Confirmations are few and groups small.
const canonicalChildren = `(WITH RECURSIVE links(a, b) AS (
		SELECT child_id, other_child_id FROM reporting.same_children UNION SELECT other_child_id, child_id FROM reporting.same_children
		UNION SELECT child_id, other_child_id FROM reporting.figure_links WHERE withdrawn_on IS NULL
		UNION SELECT other_child_id, child_id FROM reporting.figure_links WHERE withdrawn_on IS NULL),
	reach(child_id, other) AS (SELECT a, b FROM links UNION SELECT r.child_id, l.b FROM reach r JOIN links l ON l.a = r.other)
	SELECT child_id, least(child_id::text, min(other::text))::uuid AS canonical_id FROM reach GROUP BY child_id)`

// attendanceOfChildren is the attendance (a) with each child's canonical id (k), if linked.
const attendanceOfChildren = `reporting.attendance a LEFT JOIN ` + canonicalChildren + ` k ON k.child_id = a.child_id`

// canonicalFamilies maps each family that brought a child confirmed as another family's child
// (canonicalChildren) to its group's canonical id: the least of the families linked so, however
// indirectly. A family referred again has a new family id on each referral, as its children have
// new person ids; families served counts the family once, as children served counts the child
// (decision 309). Linked through the children who attended (the attendance read, live or as the
// months closed), which are the families the measure counts.
const canonicalFamilies = `(WITH RECURSIVE kids AS (
		SELECT DISTINCT a.family_id, ` + childID + ` AS child FROM ` + attendanceOfChildren + ` WHERE k.canonical_id IS NOT NULL),
	links(a, b) AS (SELECT x.family_id, y.family_id FROM kids x JOIN kids y ON x.child = y.child AND x.family_id <> y.family_id),
	reach(family_id, other) AS (SELECT a, b FROM links UNION SELECT r.family_id, l.b FROM reach r JOIN links l ON l.a = r.other)
	SELECT family_id, least(family_id::text, min(other::text))::uuid AS canonical_id FROM reach GROUP BY family_id)`

// childID is the child an attendance is counted for: the canonical id of its linked group, or
// the id their referral gave them.
const childID = `coalesce(k.canonical_id, a.child_id)`

// notDuplicate leaves out a referral declined as a duplicate of another open referral at its
// centre (DECLINE_REASON_DUPLICATE, decision 281): the same family's request made twice, which
// goes on as the other referral and is counted as that one. Counted as a referral received and
// declined, it made demand and refusals look higher than they were (review 49), so it is in
// neither; the event stays in the family's history.
var notDuplicate = ` AND decline_reason <> ` + strconv.Itoa(int(referralv1.DeclineReason_DECLINE_REASON_DUPLICATE))

// A referral's first session attended may be recorded weeks after its day (a booking completed
// late, for a referral whose first session it was), so the published waiting times and
// referrals_never_attended read it as each month's closing kept it (public.closed_referrals,
// decision 295): two publications of a closed period either side of such a record are the same.
//
// closedWaits are the waiting times' referrals as each month of the period closed: those whose
// first session was in the month, by the day received and the first session's day, as they were
// then. A month's copy also holds the referrals that ended in it with a first session in another
// month; each is counted in the month of its first session alone.
const closedWaits = `SELECT centre_id, service_type AS dim, first_session_on - received_on AS days FROM public.closed_referrals
	WHERE first_session_on BETWEEN $1 AND $2 AND received_on IS NOT NULL AND month = date_trunc('month', first_session_on)::date`

// closedNeverAttended are the accepted referrals that ended or were withdrawn in the period
// without a first session as the month of that ending or withdrawal closed. The ending itself is
// read live: a case reopened, a correction, is no longer counted, and the figures say they were
// revised (an ending or withdrawal carries the day it is recorded, so none is recorded late into
// a closed month).
const closedNeverAttended = `SELECT r.centre_id FROM reporting.referrals r
	WHERE r.accepted_on IS NOT NULL AND (r.ended_on BETWEEN $1 AND $2 OR r.withdrawn_on BETWEEN $1 AND $2)
		AND EXISTS (SELECT FROM public.closed_referrals c WHERE c.referral_id = r.referral_id AND c.first_session_on IS NULL
			AND c.month BETWEEN $1 AND $2 AND c.month IN (date_trunc('month', r.ended_on)::date, date_trunc('month', r.withdrawn_on)::date))`

// measures are computed in this order; names are the return's field names.
var measures = []measure{
	// A child is counted by the canonical id of the children a person confirmed are one (decision
	// 260), so a child referred again counts once in every scope and period.
	dated(count("children_served", "", nil, `SELECT a.centre_id, `+childID+` AS child_id, a.session_date AS d FROM `+attendanceOfChildren+` WHERE a.session_date BETWEEN $1 AND $2`, "count(DISTINCT x.child_id)")),
	dated(count("children_served", "service_type", serviceTypes, `SELECT a.centre_id, `+childID+` AS child_id, a.service_type AS dim, a.session_date AS d FROM `+attendanceOfChildren+` WHERE a.session_date BETWEEN $1 AND $2`, "count(DISTINCT x.child_id)")),
	dated(count("children_served", "age_band", ageBands, `SELECT a.centre_id, `+childID+` AS child_id, a.age_band AS dim, a.session_date AS d FROM `+attendanceOfChildren+` WHERE a.session_date BETWEEN $1 AND $2`, "count(DISTINCT x.child_id)")),
	// A family is counted by the canonical id of the families whose children were confirmed as
	// one (canonicalFamilies): a family stepped down from supervised contact and referred again
	// has a new family id, and counted twice (review 53).
	dated(count("families_served", "service_type", serviceTypes, `SELECT a.centre_id, coalesce(g.canonical_id, a.family_id) AS family_id, a.service_type AS dim, a.session_date AS d
		FROM reporting.attendance a LEFT JOIN `+canonicalFamilies+` g ON g.family_id = a.family_id WHERE a.session_date BETWEEN $1 AND $2`, "count(DISTINCT x.family_id)")),
	dated(count("sessions_booked", "service_type", serviceTypes, `SELECT centre_id, service_type AS dim, session_date AS d FROM reporting.sessions WHERE session_date BETWEEN $1 AND $2 AND state NOT IN ('cancelled', 'rescheduled')`, "count(*)")),
	dated(count("sessions_attended", "service_type", serviceTypes, `SELECT centre_id, service_type AS dim, session_date AS d FROM reporting.sessions WHERE session_date BETWEEN $1 AND $2 AND state = 'attended'`, "count(*)")),
	dated(count("sessions_no_show", "service_type", serviceTypes, `SELECT centre_id, service_type AS dim, session_date AS d FROM reporting.sessions WHERE session_date BETWEEN $1 AND $2 AND state = 'no_show'`, "count(*)")),
	dated(count("sessions_cancelled", "service_type", serviceTypes, `SELECT centre_id, service_type AS dim, session_date AS d FROM reporting.sessions WHERE session_date BETWEEN $1 AND $2 AND state = 'cancelled'`, "count(*)")),
	dated(count("referrals_received", "source", sources, `SELECT centre_id, source AS dim, received_on AS d FROM reporting.referrals WHERE received_on BETWEEN $1 AND $2`+notDuplicate, "count(*)")),
	// Involvement as safeguarding reads it (decisions 140 and 148): the referral says so, or comes
	// from a court (Cafcass). Referral refuses one that says otherwise since decision 148; one
	// received before it is counted by its source too. A court order, or Cafcass among the other
	// agencies, is not in reporting's rows: referral has required the flag with either since.
	dated(count("referrals_court_involved", "", nil, `SELECT centre_id, received_on AS d FROM reporting.referrals WHERE received_on BETWEEN $1 AND $2
		AND (court_involved OR source = `+strconv.Itoa(int(commonv1.ReferralSource_REFERRAL_SOURCE_COURT))+`)`+notDuplicate, "count(*)")),
	dated(count("referrals_cafcass_involved", "", nil, `SELECT centre_id, received_on AS d FROM reporting.referrals WHERE received_on BETWEEN $1 AND $2
		AND (cafcass_involved OR source = `+strconv.Itoa(int(commonv1.ReferralSource_REFERRAL_SOURCE_CAFCASS))+`)`+notDuplicate, "count(*)")),
	dated(count("referrals_accepted", "service_type", serviceTypes, `SELECT centre_id, service_type AS dim, accepted_on AS d FROM reporting.referrals WHERE accepted_on BETWEEN $1 AND $2`, "count(*)")),
	dated(count("referrals_declined", "reason", declines, `SELECT centre_id, decline_reason AS dim, declined_on AS d FROM reporting.referrals WHERE declined_on BETWEEN $1 AND $2`+notDuplicate, "count(*)")),
	dated(count("referrals_withdrawn", "", nil, `SELECT centre_id, withdrawn_on AS d FROM reporting.referrals WHERE withdrawn_on BETWEEN $1 AND $2`, "count(*)")),
	// Published, by the first session each referral had when the month of its ending or
	// withdrawal closed (closedNeverAttended).
	closedAs(count("referrals_never_attended", "", nil, `SELECT centre_id FROM reporting.referrals
		WHERE accepted_on IS NOT NULL AND first_session_on IS NULL AND (ended_on BETWEEN $1 AND $2 OR withdrawn_on BETWEEN $1 AND $2)`, "count(*)"),
		closedNeverAttended),
	onLastDay(count("referrals_waitlisted_at_end", "", nil, `SELECT centre_id FROM reporting.referrals WHERE $1::date <= $2 AND waitlisted_on <= $2
		AND (accepted_on IS NULL OR accepted_on > $2 OR accepted_on < waitlisted_on)
		AND (declined_on IS NULL OR declined_on > $2) AND (withdrawn_on IS NULL OR withdrawn_on > $2) AND (ended_on IS NULL OR ended_on > $2)`, "count(*)")),
	onLastDay(count("waiting_list_at_end", "", nil, `SELECT centre_id FROM reporting.waiting
		WHERE $1::date <= $2 AND (joined_at AT TIME ZONE 'Europe/London')::date <= $2 AND (left_at IS NULL OR (left_at AT TIME ZONE 'Europe/London')::date > $2)`, "count(*)")),
	// Families, not joins: a family put back on the list (after declining an offer, or taking one
	// and giving it up) joins again, and is one family that joined (review 29).
	dated(count("waiting_list_joined", "", nil, `SELECT centre_id, family_id, (joined_at AT TIME ZONE 'Europe/London')::date AS d FROM reporting.waiting WHERE (joined_at AT TIME ZONE 'Europe/London')::date BETWEEN $1 AND $2 AND NOT returned`, "count(DISTINCT x.family_id)")),
	// Published, over the referrals whose first session was in each month as the month closed
	// (closedWaits).
	{Measure: adapters.Measure{Name: "waiting_days_median", Breakdown: "service_type", Count: "count(*)",
		Source:    `SELECT centre_id, service_type AS dim, first_session_on - received_on AS days FROM reporting.referrals WHERE first_session_on BETWEEN $1 AND $2 AND received_on IS NOT NULL`,
		Aggregate: "percentile_cont(0.5) WITHIN GROUP (ORDER BY x.days)"}, enum: serviceTypes, duration: true, closed: closedWaits},
	{Measure: adapters.Measure{Name: "waiting_days_p90", Breakdown: "service_type", Count: "count(*)",
		Source:    `SELECT centre_id, service_type AS dim, first_session_on - received_on AS days FROM reporting.referrals WHERE first_session_on BETWEEN $1 AND $2 AND received_on IS NOT NULL`,
		Aggregate: "percentile_cont(0.9) WITHIN GROUP (ORDER BY x.days)"}, enum: serviceTypes, duration: true, closed: closedWaits},
	dated(count("cases_ended", "outcome", outcomes, `SELECT centre_id, outcome AS dim, ended_on AS d FROM reporting.referrals WHERE ended_on BETWEEN $1 AND $2`, "count(*)")),
	dated(count("concerns_raised", "category", categories, `SELECT centre_id, category AS dim, raised_on AS d FROM reporting.concerns WHERE raised_on BETWEEN $1 AND $2 AND NOT moved`, "count(*)")),
	dated(count("concerns_escalated", "", nil, `SELECT centre_id, escalated_on AS d FROM reporting.concerns WHERE escalated_on BETWEEN $1 AND $2 AND NOT moved`, "count(*)")),
	dated(count("holds_placed", "reason", holdReasons, `SELECT centre_id, reason AS dim, placed_on AS d FROM reporting.holds WHERE placed_on BETWEEN $1 AND $2`, "count(*)")),
	dated(count("holds_lifted", "", nil, `SELECT centre_id, lifted_on AS d FROM reporting.holds WHERE lifted_on BETWEEN $1 AND $2`, "count(*)")),
	dated(count("reports_released", "", nil, `SELECT centre_id, released_on AS d FROM reporting.reports WHERE released_on BETWEEN $1 AND $2`, "count(*)")),
	// A member's last day counts as on the staff (left_on is their last day, decisions.md 82).
	// Each row is one member of one centre, in one role: someone on two centres' staff counts at
	// each (decisions.md 84).
	//
	// Published, the staff on the period's last day as its last month closed (decision 282): a
	// last day recorded later, backdated into a closed month, changes no published figure.
	closedAs(onLastDay(count("staff_at_end", "role", staffRoles, `SELECT centre_id, role AS dim FROM reporting.staff
		WHERE $1::date <= $2 AND joined_on <= $2 AND (left_on IS NULL OR left_on >= $2)`, "count(*)")),
		`SELECT centre_id, role AS dim FROM public.closed_staff WHERE $1::date <= $2 AND month = date_trunc('month', $2::date)::date`),
}

// Figures are the period's figures nationally, by region and by centre, or one centre's only;
// suppressed for publication when publish is set (suppress.go). Figures for publication are given
// only for a period past its cutoff, a week after it ended (NotEndedError, decisions 264 and 282),
// and count each month's sessions as the month closed (closeMonths); exact figures for any, as
// the data stands.
//
// Published figures are suppressed together with every other period of the period's calendar
// year (decisions.md 81): a quarter is the sum of its months and a year of its quarters, so a
// month's "<5" published beside its quarter and the quarter's other two months would follow by
// subtraction unless one more of them is withheld, and whichever period is asked for, a figure is
// withheld the same way. One centre's published figures are the national publication's, kept to
// the centre: suppressed alone, a figure withheld nationally to protect a neighbour's "<5" came
// out whole. Only the periods of the year that are published are suppressed together: beside a
// month, quarter or year still under way, whose figures change from day to day, an ended month's
// withheld figures changed with them (a "*" one day, published the next), and two reads together
// could pin what each withheld (decision 264).
func (a *App) Figures(ctx context.Context, p Period, centre uuid.UUID, publish bool) (Publication, error) {
	figs, revised, err := a.figuresOf(ctx, p, centre, publish)
	return Publication{Figures: figs, Revised: revised}, err
}

// Publication is a period's figures, and for published ones whether they were revised: they
// differ from those the period was first published with (decision 282). A month's sessions are
// fixed when it closes, so what revises a period's figures is a correction recorded since (an
// ending corrected or reopened, two referrals' children confirmed as one, a referral declined as
// a duplicate, involvement amended), which the figures count as the data stands (docs/return.md)
// and which a reader of the first publication is then told of, rather than finding the figures
// changed without a word. The flag is the whole publication's, whichever centre is asked for: it
// says nothing of which figure changed, or by how much.
type Publication struct {
	Figures []Figure
	Revised bool
}

func (a *App) figuresOf(ctx context.Context, p Period, centre uuid.UUID, publish bool) (out []Figure, revised bool, err error) {
	// The directory's centres: their regions, which centre has a row for every count, and
	// whether a centre asked about is one reporting knows.
	regions, err := a.figures.Regions(ctx)
	if err != nil {
		return nil, false, err
	}
	if _, known := regions[centre]; centre != uuid.Nil && !known {
		return nil, false, problem.NotFound("centre " + centre.String())
	}
	var today time.Time
	if publish {
		today = a.today()
		if !p.Published(today) {
			notEnded := &NotEndedError{Period: p, LastEnded: p.LastPublished(today), Progress: p.Progress(today), Today: today}
			if lastMonth := containing("month", today).LastPublished(today); p.Kind() != "month" && !lastMonth.From.Before(p.From) {
				notEnded.MonthsEnded = lastMonth
			}
			return nil, false, notEnded
		}
		if err := a.closeMonths(ctx, p.Year(), today); err != nil {
			return nil, false, err
		}
	}
	if !publish {
		figs, err := a.periodFigures(ctx, p, regions, false, func(measure) bool { return true })
		if err != nil {
			return nil, false, err
		}
		out = figs
	} else {
		all, err := a.yearFigures(ctx, p.Year(), today)
		if err != nil {
			return nil, false, err
		}
		// The requested period's figures that are not counts of people.
		rest, err := a.periodFigures(ctx, p, regions, true, func(m measure) bool { return !m.protected })
		if err != nil {
			return nil, false, err
		}
		for i := range rest {
			rest[i].period = p.index()
		}
		all = append(all, rest...)
		// In one order whatever order the rows were read in: the suppression breaks its ties by
		// a figure's place, and a rebuild, which writes the same rows in another physical order,
		// withheld other figures of the same data (review 47, decision 275).
		slices.SortStableFunc(all, compareFigures)
		// What the period's figures count, before any is withheld: revised is whether it differs
		// from the period's first publication.
		if revised, err = a.figures.Published(ctx, p.String(), digest(all, p.index()), a.now()); err != nil {
			return nil, false, err
		}
		counted := all
		var recorded []int
		if all, recorded, err = a.suppressAsFirstShown(ctx, p.Year(), today, all); err != nil {
			return nil, false, err
		}
		if err := a.publishedWith(ctx, p, recorded, counted, regions); err != nil {
			return nil, false, err
		}
		for _, f := range all {
			if f.period == p.index() {
				out = append(out, f)
			}
		}
	}
	out = withZeros(out, regions)
	if centre != uuid.Nil {
		kept := out[:0]
		for _, f := range out {
			if f.Centre == centre {
				kept = append(kept, f)
			}
		}
		out = kept
	}
	sort.SliceStable(out, func(i, j int) bool { return less(out[i], out[j]) })
	return out, revised, nil
}

// publishedWith records the first publication (the digest behind revised, Published) of each
// period of p's year that this publication recorded the withholdings of (recorded, indexes in
// Periods) besides p itself, from what its figures count now (counted holds the year's counts of
// people, unsuppressed): a period is first published with the first publication that holds it,
// whichever period was asked for (decision 304), and its figures are held to that showing. The
// digest was taken only when the period itself was asked for: a year first published with its
// December and asked for only after a correction said it was not revised, beside the same
// corrected figures its quarter and month said were (review 70, decision 366).
func (a *App) publishedWith(ctx context.Context, p Period, recorded []int, counted []Figure, regions map[uuid.UUID]int32) error {
	periods := p.Year().Periods()
	for _, period := range recorded {
		if period == p.index() {
			continue
		}
		q := periods[period]
		figs, err := a.periodFigures(ctx, q, regions, true, func(m measure) bool { return !m.protected })
		if err != nil {
			return err
		}
		for i := range figs {
			figs[i].period = period
		}
		for _, f := range counted {
			if f.period == period {
				figs = append(figs, f)
			}
		}
		slices.SortStableFunc(figs, compareFigures)
		if _, err := a.figures.Published(ctx, q.String(), digest(figs, period), a.now()); err != nil {
			return err
		}
	}
	return nil
}

// digest is a hash of what the figures of period (an index in Periods) among figs count, in their
// order: each figure's measure, scope, region, centre, breakdown, category and exact value,
// unsuppressed. Which figures are withheld may change as later months of the year end (decision
// 264); what they count changes only when the data they count does.
func digest(figs []Figure, period int) []byte {
	h := sha256.New()
	for _, f := range figs {
		if f.period != period {
			continue
		}
		fmt.Fprintf(h, "%s|%s|%d|%s|%s|%s|%s\n", f.Measure, f.Scope, f.Region, f.Centre, f.Breakdown, f.Category,
			strconv.FormatFloat(f.Value, 'g', -1, 64))
	}
	return h.Sum(nil)
}

// withZeros adds a 0 for every count with nothing to count at a centre of the directory or its
// region: the queries give a row only where there was something, and a return without a centre's
// row for a field left the reader to guess (docs/return.md: zero is shown as 0). Breakdowns and
// durations are left as they are: a category without rows is not a figure, and a waiting time
// over no referrals is none.
func withZeros(figs []Figure, regions map[uuid.UUID]int32) []Figure {
	type at struct {
		measure string
		region  commonv1.Region
		centre  uuid.UUID
	}
	have := map[at]bool{}
	for _, f := range figs {
		if f.Breakdown == "" && f.Scope != "national" {
			have[at{f.Measure, f.Region, f.Centre}] = true
		}
	}
	names := []string{"room_sessions_available", "places_available"}
	protected, atEnd := map[string]bool{}, map[string]bool{}
	for _, m := range measures {
		if !m.duration && !slices.Contains(names, m.Name) {
			names = append(names, m.Name)
			protected[m.Name], atEnd[m.Name] = true, m.atEnd
		}
	}
	zero := func(name, scope string, region commonv1.Region, centre uuid.UUID) {
		if k := (at{name, region, centre}); !have[k] {
			have[k] = true
			figs = append(figs, Figure{Measure: name, Scope: scope, Region: region, Centre: centre, Shown: "0", Protected: protected[name],
				AtEnd: atEnd[name]})
		}
	}
	for centre, r := range regions {
		region := commonv1.Region(r)
		for _, name := range names {
			zero(name, "centre", region, centre)
			zero(name, "region", region, uuid.Nil)
		}
	}
	return figs
}

// compareFigures orders figures by what they are a figure of: period, measure, scope, region,
// centre, breakdown and category.
func compareFigures(a, b Figure) int {
	return cmp.Or(cmp.Compare(a.period, b.period), cmp.Compare(a.Measure, b.Measure), cmp.Compare(a.Scope, b.Scope),
		cmp.Compare(a.Region, b.Region), bytes.Compare(a.Centre[:], b.Centre[:]), cmp.Compare(a.Breakdown, b.Breakdown),
		cmp.Compare(a.Category, b.Category))
}

// yearFigures are the counts of people of every period of the year (Periods) that ended before
// today, unsuppressed: a measure counted on one date with one query over the year, the others
// period by period. A period not ended has no figures here: its figures change from day to day,
// and suppressing the ended periods beside them would withhold differently from one day to the
// next (decision 264). The queries run a few at a time: on PostgreSQL's cores, not one after
// another on one.
func (a *App) yearFigures(ctx context.Context, year Period, today time.Time) ([]Figure, error) {
	periods := year.Periods()
	ended := func(period int) bool { return periods[period].Published(today) }
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(yearQueries)
	var protected []measure
	for _, m := range measures {
		if m.protected {
			protected = append(protected, m)
		}
	}
	each := make([][]Figure, len(protected))
	for i, m := range protected {
		g.Go(func() error {
			if m.Dated {
				cells, err := a.figures.RunYear(ctx, m.source(true), year.From)
				kept := cells[:0]
				for _, c := range cells {
					if ended(c.Period) {
						kept = append(kept, c)
					}
				}
				each[i] = m.figures(nil, kept)
				return err
			}
			for period, q := range periods {
				if !ended(period) {
					continue
				}
				cells, err := a.figures.Run(ctx, m.source(true), q.From, q.To)
				if err != nil {
					return err
				}
				for j := range cells {
					cells[j].Period = period
				}
				each[i] = m.figures(each[i], cells)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return slices.Concat(each...), nil
}

// yearQueries is how many of a year's queries run at once.
const yearQueries = 4

// periodFigures are p's figures of the measures wanted, and its places; unsuppressed. closed
// counts p's sessions as its months closed (adapters.Closed), for publication.
func (a *App) periodFigures(ctx context.Context, p Period, regions map[uuid.UUID]int32, closed bool, wanted func(measure) bool) ([]Figure, error) {
	var out []Figure
	for _, m := range measures {
		if !wanted(m) {
			continue
		}
		cells, err := a.figures.Run(ctx, m.source(closed), p.From, p.To)
		if err != nil {
			return nil, err
		}
		out = m.figures(out, cells)
	}
	places, err := a.places(ctx, p, regions, closed)
	if err != nil {
		return nil, err
	}
	for i := range places {
		places[i].Shown = shown(places[i])
	}
	return append(out, places...), nil
}

// figures appends m's cells to out as figures.
func (m measure) figures(out []Figure, cells []adapters.Cell) []Figure {
	for _, c := range cells {
		f := Figure{Measure: m.Name, Region: commonv1.Region(c.Region), Centre: c.Centre, Value: c.Value, Count: c.Count,
			Protected: m.protected, Duration: m.duration, AtEnd: m.atEnd, period: c.Period}
		if m.duration {
			// A percentile of whole days is a sum of fractions in binary: 30.299999999999997 in the
			// JSON where the figure is 30.3 (review 53). Rounded to a billionth, the value is what it
			// means, and no figure moves by anything a reader could see.
			f.Value = math.Round(c.Value*1e9) / 1e9
		}
		switch {
		case c.Centre != uuid.Nil:
			f.Scope = "centre"
		case c.Region != 0:
			f.Scope = "region"
		default:
			f.Scope = "national"
		}
		if c.HasDim {
			f.Breakdown = m.Breakdown
			if v := m.enum.Values().ByNumber(protoreflect.EnumNumber(c.Dim)); v != nil {
				f.Category = string(v.Name())
			} else {
				f.Category = strconv.Itoa(int(c.Dim))
			}
		}
		if f.Breakdown == "" && m.Breakdown != "" && hasTotal(m.Name) {
			continue // the total without breakdown comes from the measure's own total row
		}
		if m.duration && c.Count == 0 {
			// A waiting time over no referrals is no figure (docs/return.md): the empty grouping
			// set gives a period without rows a national row of 0 over nothing, which was
			// published "*" (read as 1 to 4 referrals) and given to analysts as 0.0 days
			// (review 70, decision 366).
			continue
		}
		f.Shown = shown(f)
		out = append(out, f)
	}
	return out
}

// hasTotal: children_served's total is its own measure (a child in two bands in one period counts
// once in the total).
func hasTotal(name string) bool { return name == "children_served" }

func shown(f Figure) string {
	if f.Duration {
		return strconv.FormatFloat(f.Value, 'f', 1, 64)
	}
	return strconv.FormatFloat(f.Value, 'f', -1, 64)
}

var scopeOrder = map[string]int{"national": 0, "region": 1, "centre": 2}

func less(a, b Figure) bool {
	if a.Measure != b.Measure {
		return a.Measure < b.Measure
	}
	if a.Scope != b.Scope {
		return scopeOrder[a.Scope] < scopeOrder[b.Scope]
	}
	if a.Region != b.Region {
		return a.Region < b.Region
	}
	if a.Centre != b.Centre {
		return a.Centre.String() < b.Centre.String()
	}
	if a.Breakdown != b.Breakdown {
		return a.Breakdown < b.Breakdown
	}
	return a.Category < b.Category
}

// places are the room sessions and places the centres had open in the period, from their
// opening patterns (each opening date, minus closures, plus extra dates) and rooms' capacity, and
// the capacity used: places booked (not cancelled or moved) over places available. A supervised
// family has its room to itself (scheduling's PlaceTaken, supervised) and no other is booked
// beside it, so its booking books every place of a room for more than one family (review 26: a
// supervised family in a hall of three showed a third of it used). The places available are the
// rooms' alone: counting such a room-session as one place made them a function of the supervised
// bookings, withheld when 1 to 4 (review 27 worked the count out from published places).
func (a *App) places(ctx context.Context, p Period, regions map[uuid.UUID]int32, closed bool) ([]Figure, error) {
	rooms, patterns, err := a.figures.Timetables(ctx)
	if err != nil {
		return nil, err
	}
	type tally struct{ sessions, places float64 }
	byCentre := map[uuid.UUID]*tally{}
	for _, raw := range patterns {
		pat := &schedulingv1.OpeningPattern{}
		if err := proto.Unmarshal(raw, pat); err != nil {
			return nil, fmt.Errorf("opening pattern: %w", err)
		}
		n := openings(pat, p)
		for _, id := range pat.GetRoomIds() {
			room, ok := rooms[uuid.MustParse(id)]
			if !ok {
				continue
			}
			t := byCentre[room.Centre]
			if t == nil {
				t = &tally{}
				byCentre[room.Centre] = t
			}
			t.sessions += float64(n)
			t.places += float64(n) * float64(room.Capacity)
		}
	}
	booked := map[uuid.UUID]float64{}
	placesBooked := measure{Measure: adapters.Measure{Name: "places_booked",
		Source: `SELECT centre_id FROM reporting.sessions WHERE session_date BETWEEN $1 AND $2 AND state NOT IN ('cancelled', 'rescheduled')`, Aggregate: "count(*)"}}
	cells, err := a.figures.Run(ctx, placesBooked.source(closed), p.From, p.To)
	if err != nil {
		return nil, err
	}
	for _, c := range cells {
		if c.Centre != uuid.Nil {
			booked[c.Centre] = c.Value
		}
	}
	exclusive, err := a.figures.SupervisedBookingRooms(ctx, p.From, p.To, closed)
	if err != nil {
		return nil, err
	}
	for _, id := range exclusive {
		if room, ok := rooms[id]; ok && room.Capacity > 1 {
			booked[room.Centre] += float64(room.Capacity - 1)
		}
	}
	var out []Figure
	add := func(scope string, region commonv1.Region, centre uuid.UUID, t tally, b float64) {
		out = append(out, Figure{Measure: "room_sessions_available", Scope: scope, Region: region, Centre: centre, Value: t.sessions},
			Figure{Measure: "places_available", Scope: scope, Region: region, Centre: centre, Value: t.places})
		if t.places > 0 {
			out = append(out, Figure{Measure: "capacity_used_percent", Scope: scope, Region: region, Centre: centre,
				Value: float64(int(1000*b/t.places+0.5)) / 10})
		}
	}
	var national tally
	var nationalBooked float64
	byRegion, regionBooked := map[commonv1.Region]*tally{}, map[commonv1.Region]float64{}
	for centre, t := range byCentre {
		region := commonv1.Region(regions[centre])
		add("centre", region, centre, *t, booked[centre])
		if byRegion[region] == nil {
			byRegion[region] = &tally{}
		}
		byRegion[region].sessions += t.sessions
		byRegion[region].places += t.places
		regionBooked[region] += booked[centre]
		national.sessions += t.sessions
		national.places += t.places
		nationalBooked += booked[centre]
	}
	for region, t := range byRegion {
		add("region", region, uuid.Nil, *t, regionBooked[region])
	}
	add("national", 0, uuid.Nil, national, nationalBooked)
	return out, nil
}

// openings counts the pattern's opening dates within the period, as scheduling opens them: its
// weekday every week or every other week from its first session, up to its last date, without
// closures, with extra dates.
func openings(pat *schedulingv1.OpeningPattern, p Period) int {
	asDate := func(d *commonv1.Date) time.Time {
		if d == nil {
			return time.Time{}
		}
		return time.Date(int(d.GetYear()), time.Month(d.GetMonth()), int(d.GetDay()), 0, 0, 0, 0, time.UTC)
	}
	closed := map[time.Time]bool{}
	for _, d := range pat.GetClosedDates() {
		closed[asDate(d)] = true
	}
	extra := map[time.Time]bool{}
	for _, d := range pat.GetExtraDates() {
		extra[asDate(d)] = true
	}
	weekday := time.Weekday(int(pat.GetWeekday()) % 7) // WEEKDAY_MONDAY is 1 ... WEEKDAY_SUNDAY 7
	first := asDate(pat.GetFirstDate())
	first = first.AddDate(0, 0, (int(weekday)-int(first.Weekday())+7)%7)
	last := asDate(pat.GetLastDate())
	n := 0
	for d := p.From; !d.After(p.To); d = d.AddDate(0, 0, 1) {
		if closed[d] {
			continue
		}
		regular := d.Weekday() == weekday && !d.Before(first) && (last.IsZero() || !d.After(last)) &&
			(pat.GetRecurrence() != schedulingv1.Recurrence_RECURRENCE_FORTNIGHTLY || (int(d.Sub(first).Hours()/24)/7)%2 == 0)
		if regular || extra[d] {
			n++
		}
	}
	return n
}
