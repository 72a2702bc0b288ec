package simulate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/google/uuid"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// sim is one simulation in progress.
type sim struct {
	cfg     Config
	c       *conns
	centres []*centre
	rate    float64 // referrals a centre receives a day
	from    time.Time
	to      time.Time
	// concernRate is the share of attended sessions in which a concern is raised.
	concernRate float64
	// redirected are referrals sent to another centre during a morning; they reach it the next
	// morning, in the order of the centres that sent them (redirectedMu: centres act at once).
	redirected   []redirect
	redirectedMu sync.Mutex
}

type redirect struct {
	from int
	f    *family
}

// Result is what a simulation did and what it knows to be true.
type Result struct {
	Centres  int
	Families int
	Commands int64
	Elapsed  time.Duration
	Truth    *Truth
	// Next are the centres' next session days after To with families booked, with
	// Config.OpenAhead; nil without.
	Next []NextSession
}

// Validate says what is wrong with cfg, in the words of the command's flags; nil if nothing.
func (cfg Config) Validate() error {
	switch {
	case cfg.Centres < 1:
		return errors.New("--centres must be at least 1")
	case !(cfg.Scale > 0) || math.IsInf(cfg.Scale, 1): // NaN, which strconv reads from "NaN", too
		return errors.New("--scale must be a positive share of a national year, such as 0.1")
	case cfg.Concurrency < 1:
		return errors.New("--concurrency must be at least 1")
	case day(cfg.To).Before(day(cfg.From)):
		return errors.New("--to is before --from")
	}
	_, err := cfg.concernRate()
	return err
}

// Run simulates cfg on the platform, reporting progress to progress (a terminal line), and
// returns its ground truth. The platform's clock must be simulated (familytime dev --clock
// simulated, or seeding) and not past the day before cfg.From.
func Run(ctx context.Context, cfg Config, p Platform, progress io.Writer) (*Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	concernRate, err := cfg.concernRate()
	if err != nil {
		return nil, err
	}
	s := &sim{cfg: cfg, from: day(cfg.From), to: day(cfg.To)}
	if s.c, err = dial(p); err != nil {
		return nil, err
	}
	defer s.c.close()
	if err := s.emptyPlatform(ctx); err != nil {
		return nil, err
	}
	s.rate = referralsPerCentreYear * cfg.Scale / 365
	s.concernRate = concernRate
	start := time.Now()
	bar := newProgress(progress, s.from, s.to, &s.c.commands)
	defer bar.done()
	if err := s.setUp(ctx); err != nil {
		return nil, err
	}
	for d := s.from; !d.After(s.to); d = d.AddDate(0, 0, 1) {
		if err := s.day(ctx, d); err != nil {
			return nil, fmt.Errorf("%s: %w", d.Format(time.DateOnly), err)
		}
		bar.at(d)
	}
	// Let every effect settle (no clock move: the same instant again).
	if err := s.c.advance(ctx, at(s.to, 23, 0)); err != nil {
		return nil, err
	}
	var next []NextSession
	if cfg.OpenAhead {
		if err := s.each(ctx, func(ctx context.Context, c *centre) error { return s.bookAhead(ctx, c) }); err != nil {
			return nil, fmt.Errorf("booking ahead: %w", err)
		}
		if err := s.c.advance(ctx, at(s.to, 23, 0)); err != nil {
			return nil, err
		}
		next = s.nextSessions()
	}
	res := &Result{Centres: len(s.centres), Commands: s.c.commands.get(), Elapsed: time.Since(start), Truth: s.truth(), Next: next}
	for _, c := range s.centres {
		res.Families += len(c.families)
	}
	return res, nil
}

// emptyPlatform refuses, before anything is recorded or the clock moved, a platform that already
// holds centres: the simulation's ground truth is compared with the platform's national figures,
// which would count them too, and the demo's centres (dev --seed) bear the simulation's names
// (review 90 L2: the first registration was refused AlreadyExists, after the clock had moved).
func (s *sim) emptyPlatform(ctx context.Context) error {
	admin, err := s.c.as(ctx, "simulator", uuid.Nil, auth.RoleAdmin)
	if err != nil {
		return err
	}
	resp, err := call(admin, s.c, s.c.scheduling.ListCentres, &schedulingv1.ListCentresRequest{PageSize: 1})
	if err != nil {
		return fmt.Errorf("read the centre directory: %w", err)
	}
	if len(resp.GetCentres()) > 0 {
		return errors.New("the platform already holds centres (its data folder was used before, or it was started with --seed): " +
			"the simulation compares its own ground truth with the platform's national figures, which would count them too, " +
			"so it runs on a platform with no centres. Start one on a new data folder, without --seed " +
			"(familytime dev --clock simulated --data DIR), and simulate there; nothing was recorded here")
	}
	return nil
}

// setUp registers the centres (the day before the first), their rooms and opening patterns.
func (s *sim) setUp(ctx context.Context) error {
	eve := s.from.AddDate(0, 0, -1)
	if err := s.c.advance(ctx, at(eve, 9, 0)); err != nil {
		return err
	}
	master := rand.New(rand.NewPCG(s.cfg.Seed, 0x5eed))
	for i := range s.cfg.Centres {
		c := &centre{index: i, rng: rand.New(rand.NewPCG(s.cfg.Seed, uint64(i)+1))}
		c.region = pickRegion(master)
		switch n := master.Float64(); {
		case n < 0.60:
			c.supported = true
		case n < 0.75:
			c.supervised = true
		default:
			c.supported, c.supervised = true, true
		}
		c.name = fmt.Sprintf("Simulated Family Time Centre %03d", i+1)
		s.centres = append(s.centres, c)
	}
	return s.each(ctx, func(ctx context.Context, c *centre) error { return s.register(ctx, c, eve) })
}

func pickRegion(r *rand.Rand) commonv1.Region {
	xs := make([]weighted[commonv1.Region], len(regions))
	for i, x := range regions {
		xs[i] = weighted[commonv1.Region]{x.region, x.weight}
	}
	return pick(r, xs)
}

// capacity is a room's places at this scale: a supported centre's hall holds eight to fourteen
// families at once nationally, scaled down so that a smaller simulation's centres still fill and
// keep waiting lists (at scale 0.1 every room holds one family).
func (s *sim) capacity(c *centre) int {
	return max(1, int(math.Round(float64(8+c.rng.IntN(7))*s.cfg.Scale)))
}

func (s *sim) register(ctx context.Context, c *centre, eve time.Time) error {
	admin, err := s.c.as(ctx, "simulator", uuid.Nil, auth.RoleAdmin)
	if err != nil {
		return err
	}
	var types []commonv1.ServiceType
	if c.supported {
		types = append(types, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
	}
	if c.supervised {
		types = append(types, commonv1.ServiceType_SERVICE_TYPE_SUPERVISED)
	}
	accredited := eve.AddDate(-1-c.rng.IntN(2), -c.rng.IntN(12), 0)
	resp, err := call(admin, s.c, s.c.scheduling.RegisterCentre, &schedulingv1.RegisterCentreRequest{RequestId: uuid.NewString(),
		Details: &schedulingv1.CentreDetails{Name: c.name, Region: c.region, ServiceTypes: types,
			AccreditationStatus: commonv1.AccreditationStatus_ACCREDITATION_STATUS_ACCREDITED, AccreditationDate: pbDate(accredited)}})
	if err != nil {
		return fmt.Errorf("register %s: %w", c.name, err)
	}
	if c.id, err = uuid.Parse(resp.GetCentre().GetCentreId()); err != nil {
		return err
	}
	if err := s.registerStaff(ctx, c, eve); err != nil {
		return err
	}
	ctx, err = s.coordinator(ctx, c)
	if err != nil {
		return err
	}
	if c.supported {
		// Most supported centres open alternate Saturdays, some every Saturday; one or two rooms.
		weekly := c.rng.Float64() < 0.3
		rooms := 1 + c.rng.IntN(2)
		if err := s.timetable(ctx, c, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, weekly, schedulingv1.Weekday_WEEKDAY_SATURDAY, rooms, supportedWindow); err != nil {
			return err
		}
	}
	if c.supervised {
		// Supervised contact by appointment on weekdays: a room to itself, one family at a time.
		wd := schedulingv1.Weekday(1 + c.rng.IntN(5))
		if err := s.timetable(ctx, c, commonv1.ServiceType_SERVICE_TYPE_SUPERVISED, true, wd, 1+c.rng.IntN(maxSupervisedRooms), supervisedWindow); err != nil {
			return err
		}
	}
	return nil
}

// staff is ctx with a token of the centre's staff who runs its sessions: a volunteer, and a
// contact supervisor where the centre offers supervised contact. Each acts only in the role the
// register gives them (decision 113).
func (s *sim) staff(ctx context.Context, c *centre) (context.Context, error) {
	return s.c.as(ctx, staffAccount(c), c.id, auth.RoleVolunteer, auth.RoleSupervisor)
}

// staffAccount is the account id of the centre's staff token (staff), its subject: the member
// of its staff register who runs its sessions and completes the supervised ones as their
// supervisor.
func staffAccount(c *centre) string { return fmt.Sprintf("sim-staff-%03d", c.index+1) }

// maxSupervisedRooms is how many supervised rooms a centre offering supervised contact runs at
// once: one or two, each watched by a contact supervisor of its own (supervisorAccount).
const maxSupervisedRooms = 2

// supervisorAccount is the contact supervisor of a supervised centre's room i, in the order its
// supervised rooms were added: the centre's staff account for the first, an account of their own
// for the second. One person watches one family at a time: scheduling refuses a completion by a
// supervisor recorded supervising another family at the same hour.
func supervisorAccount(c *centre, i int) string {
	if i == 0 {
		return staffAccount(c)
	}
	return fmt.Sprintf("sim-supervisor-%03d-%d", c.index+1, i+1)
}

// supervisedRoom is room's index among the centre's supervised rooms (0 if it is none of them).
func supervisedRoom(c *centre, room uuid.UUID) int {
	i := 0
	for _, sl := range c.slots {
		if sl.service != commonv1.ServiceType_SERVICE_TYPE_SUPERVISED {
			continue
		}
		if sl.room == room {
			return i
		}
		i++
	}
	return 0
}

// supervisor is base with a token of the contact supervisor of room at the centre, and their
// account: who completes the room's supervised sessions and drafts their reports.
func (s *sim) supervisor(base context.Context, c *centre, room uuid.UUID) (context.Context, string, error) {
	account := supervisorAccount(c, supervisedRoom(c, room))
	ctx, err := s.c.as(base, account, c.id, auth.RoleVolunteer, auth.RoleSupervisor)
	return ctx, account, err
}

// coordinator is ctx with a token of the centre's coordinator, who sets it up and does its
// casework: referrals, pre-visits, bookings, cases ending.
func (s *sim) coordinator(ctx context.Context, c *centre) (context.Context, error) {
	return s.c.as(ctx, coordinatorAccount(c), c.id, auth.RoleCoordinator)
}

// coordinatorAccount is the account id of the centre's coordinator (coordinator).
func coordinatorAccount(c *centre) string { return fmt.Sprintf("sim-coordinator-%03d", c.index+1) }

// registerStaff puts the centre's staff on its staff register (decisions.md 82, registered):
// its coordinator; its door staff, a contact supervisor where the centre offers supervised
// contact (supervised sessions are completed only by a contact supervisor cleared on the day), a
// volunteer elsewhere; and its safeguarding lead, who checks and releases the observation reports
// (safeguarding clears them by the register, decision 96). Their DBS checks
// and training are well before --from, spread over a few weeks by centre; the dates come from the
// centre's index, not its random source, so a seed makes the same families as before.
func (s *sim) registerStaff(base context.Context, c *centre, eve time.Time) error {
	ctx, err := s.registrar(base, c)
	if err != nil {
		return err
	}
	dbs := eve.AddDate(-1, 0, -(c.index % 28))
	joined := dbs.AddDate(0, 0, 14)
	c.trained = eve.AddDate(0, -2, -(c.index % 28))
	for _, m := range registered(c) {
		if _, err := call(ctx, s.c, s.c.scheduling.AddStaffMember, &schedulingv1.AddStaffMemberRequest{CentreId: c.id.String(),
			AccountId: m.account, Role: m.role, JoinedOn: pbDate(joined), DbsCheckedOn: pbDate(dbs),
			TrainedOn: pbDate(c.trained), RequestId: uuid.NewString()}); err != nil {
			return fmt.Errorf("add staff member: %w", err)
		}
		c.staff = append(c.staff, staffPeriod{role: m.role, joined: joined})
	}
	return nil
}

// registration is an account registerStaff puts on a centre's staff register, in its role.
type registration struct {
	account string
	role    schedulingv1.StaffRole
}

// registered are the accounts registerStaff puts on the centre's staff register, each in the one
// role they act in (decision 113): its coordinator, the staff who run its sessions, and its
// safeguarding lead, who works on concerns and holds only while the register clears them
// (decision 109).
func registered(c *centre) []registration {
	door := schedulingv1.StaffRole_STAFF_ROLE_VOLUNTEER
	if c.supervised {
		door = schedulingv1.StaffRole_STAFF_ROLE_CONTACT_SUPERVISOR
	}
	out := []registration{{coordinatorAccount(c), schedulingv1.StaffRole_STAFF_ROLE_COORDINATOR}, {staffAccount(c), door},
		{leadAccount(c), schedulingv1.StaffRole_STAFF_ROLE_SAFEGUARDING_LEAD}}
	if c.supervised {
		for i := 1; i < maxSupervisedRooms; i++ {
			out = append(out, registration{supervisorAccount(c, i), schedulingv1.StaffRole_STAFF_ROLE_CONTACT_SUPERVISOR})
		}
	}
	return out
}

// registrar is base with the national administrator's token, which keeps the centres' staff
// registers here: nobody records their own checks (decisions.md 87), and a coordinator keeps a
// register only once on it (decisions.md 93).
func (s *sim) registrar(base context.Context, _ *centre) (context.Context, error) {
	return s.c.as(base, "simulator", uuid.Nil, auth.RoleAdmin)
}

// renewTraining records the yearly safeguarding training of everyone on the register a month
// before the last one lapses, so that a run of any length keeps its supervisor and lead cleared.
func (s *sim) renewTraining(base context.Context, c *centre, d time.Time) error {
	if d.Before(c.trained.AddDate(1, -1, 0)) {
		return nil
	}
	ctx, err := s.registrar(base, c)
	if err != nil {
		return err
	}
	for _, m := range registered(c) {
		if _, err := call(ctx, s.c, s.c.scheduling.RecordStaffCheck, &schedulingv1.RecordStaffCheckRequest{CentreId: c.id.String(),
			AccountId: m.account, Check: schedulingv1.StaffCheck_STAFF_CHECK_SAFEGUARDING_TRAINING, CheckedOn: pbDate(d),
			RequestId: uuid.NewString()}); err != nil {
			return fmt.Errorf("record safeguarding training: %w", err)
		}
	}
	c.trained = d
	return nil
}

func (s *sim) timetable(ctx context.Context, c *centre, st commonv1.ServiceType, weekly bool, wd schedulingv1.Weekday, rooms int, w window) error {
	supervised := st == commonv1.ServiceType_SERVICE_TYPE_SUPERVISED
	var ids []string
	var caps []int
	for r := range rooms {
		capacity := 1
		name := fmt.Sprintf("Supervised room %d", r+1)
		if !supervised {
			capacity = s.capacity(c)
			name = fmt.Sprintf("Family room %d", r+1)
		}
		resp, err := call(ctx, s.c, s.c.scheduling.AddRoom, &schedulingv1.AddRoomRequest{CentreId: c.id.String(), Name: name,
			Capacity: int32(capacity), SupervisedSuitable: supervised, RequestId: uuid.NewString()})
		if err != nil {
			return fmt.Errorf("add room: %w", err)
		}
		ids = append(ids, resp.GetRoom().GetRoomId())
		caps = append(caps, capacity)
	}
	rec := schedulingv1.Recurrence_RECURRENCE_FORTNIGHTLY
	if weekly {
		rec = schedulingv1.Recurrence_RECURRENCE_WEEKLY
	}
	first := s.from
	for first.Weekday() != time.Weekday(int(wd)%7) {
		first = first.AddDate(0, 0, 1)
	}
	until := s.openUntil()
	var closed []*commonv1.Date
	var closedDays []time.Time
	for y := s.from.Year(); y <= until.Year(); y++ {
		for _, d := range []time.Time{time.Date(y, 12, 26, 0, 0, 0, 0, time.UTC), time.Date(y, 12, 25, 0, 0, 0, 0, time.UTC)} {
			if !d.Before(first) && !d.After(until) && d.Weekday() == first.Weekday() {
				closed = append(closed, pbDate(d))
				closedDays = append(closedDays, d)
			}
		}
	}
	last := pbDate(s.to)
	if s.cfg.OpenAhead {
		last = nil // open until the centre changes it, as a centre's standing timetable is
	}
	resp, err := call(ctx, s.c, s.c.scheduling.DefineOpeningPattern, &schedulingv1.DefineOpeningPatternRequest{CentreId: c.id.String(),
		Recurrence: rec, Weekday: wd, StartTime: &schedulingv1.LocalTime{Hour: int32(w.startH), Minute: int32(w.startM)},
		EndTime: &schedulingv1.LocalTime{Hour: int32(w.endH), Minute: int32(w.endM)}, FirstDate: pbDate(first), LastDate: last,
		RoomIds: ids, ClosedDates: closed, TimeZone: "Europe/London", RequestId: uuid.NewString()})
	if err != nil {
		return fmt.Errorf("define opening pattern: %w", err)
	}
	pattern, err := uuid.Parse(resp.GetPattern().GetPatternId())
	if err != nil {
		return err
	}
	var openings []time.Time
	step := 14
	if weekly {
		step = 7
	}
	for d := first; !d.After(until); d = d.AddDate(0, 0, step) {
		if !slices.Contains(closedDays, d) {
			openings = append(openings, d)
		}
	}
	for i, id := range ids {
		c.slots = append(c.slots, &slot{service: st, pattern: pattern, room: uuid.MustParse(id), capacity: caps[i], weekly: weekly,
			first: first, last: until, openings: openings, window: w})
	}
	return nil
}

// bookAheadMonths is scheduling's domain.BookAhead: how far ahead a session may be booked.
const bookAheadMonths = 12

// openUntil is the last day of the centres' openings as the simulation knows them: the last day
// simulated, where the patterns end; with OpenAhead, whose patterns have no last date, as far
// as a session may be booked after it. That covers every period Compare reads (they end by the
// last day's year end), so the truth's places stay those reporting counts for an open pattern.
func (s *sim) openUntil() time.Time {
	if s.cfg.OpenAhead {
		return s.to.AddDate(0, bookAheadMonths, 0)
	}
	return s.to
}

// bookAhead books the centre's families in contact or ready for it, not suspended by a hold and
// not at their last session, into their next sessions after the last day simulated, as each
// morning's casework does (book): with OpenAhead the platform goes on from here, and a family
// whose arrangement was agreed on the last day, due to be booked the next morning, would
// otherwise have no session. Called at the last day's end, on the simulated clock.
func (s *sim) bookAhead(base context.Context, c *centre) error {
	ctx, err := s.coordinator(base, c)
	if err != nil {
		return err
	}
	for _, f := range c.families {
		if f.step != stepContact || f.hold != nil || f.attended >= f.planned {
			continue
		}
		if err := s.book(ctx, f, s.to); err != nil {
			return err
		}
	}
	return nil
}

// NextSession is a centre's first session day after the last day simulated with families booked
// (Config.OpenAhead), and who reads its day sheet.
type NextSession struct {
	Centre uuid.UUID
	Name   string
	// Date is the session day (a London date, as midnight UTC); zero if no family is booked ahead.
	Date time.Time
	// Families is how many families are booked that day.
	Families int
	// Staff is the account of the centre's staff who runs its sessions (and reads its day sheet),
	// and Role the one role they act in: a volunteer, or a contact supervisor where the centre
	// offers supervised contact.
	Staff string
	Role  auth.Role
}

// nextSessions are the centres' next session days with families booked, in the centres' order.
func (s *sim) nextSessions() []NextSession {
	var out []NextSession
	for _, c := range s.centres {
		n := NextSession{Centre: c.id, Name: c.name, Staff: staffAccount(c), Role: auth.RoleVolunteer}
		if c.supervised {
			n.Role = auth.RoleSupervisor
		}
		for _, f := range c.families {
			for _, b := range f.bookings {
				switch {
				case b.state != "booked" || !b.date.After(s.to):
				case n.Date.IsZero() || b.date.Before(n.Date):
					n.Date, n.Families = b.date, 1
				case b.date.Equal(n.Date):
					n.Families++ // a family has one session a day
				}
			}
		}
		out = append(out, n)
	}
	return out
}

// each runs f for every centre, cfg.Concurrency at a time; the first error stops the rest.
func (s *sim) each(ctx context.Context, f func(context.Context, *centre) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	work := make(chan *centre)
	var wg sync.WaitGroup
	for range min(s.cfg.Concurrency, len(s.centres)) {
		wg.Go(func() {
			for c := range work {
				if err := f(ctx, c); err != nil {
					cancel(fmt.Errorf("%s: %w", c.name, err))
				}
			}
		})
	}
	for _, c := range s.centres {
		select {
		case work <- c:
		case <-ctx.Done():
		}
	}
	close(work)
	wg.Wait()
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return ctx.Err()
}

// day runs one day: the morning's casework at 08:00, then each session time of the day.
func (s *sim) day(ctx context.Context, d time.Time) error {
	if err := s.c.advance(ctx, at(d, 8, 0)); err != nil {
		return err
	}
	// Referrals redirected yesterday arrive this morning, in a fixed order.
	if err := s.each(ctx, func(ctx context.Context, c *centre) error { return s.morning(ctx, c, d) }); err != nil {
		return err
	}
	sort.SliceStable(s.redirected, func(i, j int) bool { return s.redirected[i].from < s.redirected[j].from })
	for _, r := range s.redirected {
		r.f.centre.inbox = append(r.f.centre.inbox, r.f)
	}
	s.redirected = nil
	ticks := map[time.Time]bool{}
	for _, c := range s.centres {
		for _, f := range c.families {
			for _, b := range f.bookings {
				if b.date.Equal(d) && b.state == "booked" {
					w := b.slot.window
					// The visiting parent is checked in as they come, at the start; the children,
					// who came a stagger later (their arrival recorded at that time), are checked
					// in 20 minutes in, as a no-show is recorded: the parties' check-ins are never
					// within the door's window, so the day sheet's parents-at-the-door alert means
					// what it says (review 36), for one clock move more per session, not two
					// (each move waits for the platform to settle).
					ticks[at(d, w.startH, w.startM)] = true
					ticks[at(d, w.startH, w.startM+20)] = true
					ticks[at(d, w.startH, w.startM+2*w.stagger+w.minutes)] = true
				}
			}
		}
	}
	var times []time.Time
	for t := range ticks {
		times = append(times, t)
	}
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	for _, t := range times {
		if err := s.c.advance(ctx, t); err != nil {
			return err
		}
		if err := s.each(ctx, func(ctx context.Context, c *centre) error { return s.sessions(ctx, c, d, t) }); err != nil {
			return err
		}
	}
	return nil
}

// morning is a centre's casework: new referrals, decisions, pre-visits, bookings, cancellations,
// cases ending.
func (s *sim) morning(base context.Context, c *centre, d time.Time) error {
	if err := s.renewTraining(base, c, d); err != nil {
		return err
	}
	ctx, err := s.coordinator(base, c)
	if err != nil {
		return err
	}
	redirected := c.inbox
	c.inbox = nil
	for _, f := range redirected {
		if err := s.submit(ctx, f, d); err != nil {
			return err
		}
	}
	for range poisson(c.rng, s.rate) {
		if err := s.submit(ctx, s.newFamily(c, d), d); err != nil {
			return err
		}
	}
	for _, f := range c.families {
		for _, b := range f.bookings {
			if b.state == "booked" && (b.plan == planCancelEarly || b.plan == planCancelLate) && b.cancelOn.Equal(d) {
				by := schedulingv1.CancelledBy_CANCELLED_BY_RESIDENT_PARENT
				if c.rng.IntN(2) == 0 {
					by = schedulingv1.CancelledBy_CANCELLED_BY_VISITING_PARENT
				}
				if _, err := call(ctx, s.c, s.c.scheduling.CancelBooking, &schedulingv1.CancelBookingRequest{CentreId: c.id.String(),
					BookingId: b.id.String(), CancelledBy: by, RequestId: uuid.NewString()}); err != nil {
					return fmt.Errorf("cancel booking: %w", err)
				}
				b.state = "cancelled"
			}
		}
	}
	// The lead's casework (a hold placed now cancels bookings before anyone books), then reviews.
	if err := s.leadsMorning(base, c, d); err != nil {
		return err
	}
	if err := s.reviews(ctx, c, d); err != nil {
		return err
	}
	if err := s.offerPlaces(ctx, c, d); err != nil {
		return err
	}
	for _, f := range c.families {
		if f.hold != nil {
			continue // suspended: no bookings, and the case waits for the hold to be lifted
		}
		if f.step != stepDone && f.step != stepWaiting && !f.next.After(d) {
			if err := s.advanceFamily(ctx, f, d); err != nil {
				return err
			}
		}
	}
	return nil
}

// poisson draws how many referrals arrive in a day.
func poisson(r *rand.Rand, lambda float64) int {
	l, k, p := math.Exp(-lambda), 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// familyNumber numbers the families of a centre by their order there, not by the order in
// which centres acting at once happen to submit: names and addresses stay the same for a seed.
func familyNumber(c *centre) int {
	c.referrals++
	return (c.index+1)*100000 + c.referrals
}

// newFamily draws a referral to c received on d.
func (s *sim) newFamily(c *centre, d time.Time) *family {
	r := c.rng
	f := &family{centre: c, received: d}
	switch {
	case c.supported && c.supervised:
		f.requested = commonv1.ServiceType_SERVICE_TYPE_SUPPORTED
		if r.Float64() < 0.3 {
			f.requested = commonv1.ServiceType_SERVICE_TYPE_SUPERVISED
		}
	case c.supported:
		f.requested = commonv1.ServiceType_SERVICE_TYPE_SUPPORTED
	default:
		f.requested = commonv1.ServiceType_SERVICE_TYPE_SUPERVISED
	}
	if f.requested == commonv1.ServiceType_SERVICE_TYPE_SUPPORTED {
		f.source = pick(r, supportedSources)
		// About 18% of supported referrals are declined or never attend.
		switch n := r.Float64(); {
		case n < 0.06:
			f.abuse = true
		case n < 0.11:
			f.fate = fateDeclined
		case n < 0.14:
			f.fate = fateWithdrawn
		case n < 0.18:
			f.fate = fateNeverAttend
		}
		f.planned = 3 + r.IntN(8)
	} else {
		f.source = pick(r, supervisedSources)
		switch n := r.Float64(); {
		case n < 0.05:
			f.fate = fateDeclined
		case n < 0.08:
			f.fate = fateNeverAttend
		}
		f.planned = 3 + r.IntN(6)
	}
	f.court = f.source == commonv1.ReferralSource_REFERRAL_SOURCE_COURT || f.source == commonv1.ReferralSource_REFERRAL_SOURCE_CAFCASS ||
		r.Float64() < 0.3
	f.cafcass = f.source == commonv1.ReferralSource_REFERRAL_SOURCE_CAFCASS
	children := 1
	if n := r.Float64(); n < 0.35 {
		children = 2
	} else if n < 0.45 {
		children = 3
	}
	for range children {
		born := d.AddDate(0, 0, -(30 + r.IntN(16*365)))
		f.births = append(f.births, child{birthYear: born.Year(), birthMonth: int(born.Month())})
	}
	return f
}

func (s *sim) submit(ctx context.Context, f *family, d time.Time) error {
	c := f.centre
	f.seq, f.received = familyNumber(c), d
	self := f.source == commonv1.ReferralSource_REFERRAL_SOURCE_SELF
	details := &referralv1.ReferralDetails{
		Reason:        "Contact stopped when the parents separated; they cannot yet manage handovers themselves.",
		Availability:  "Saturdays or weekday mornings",
		Risk:          &referralv1.RiskAnswers{DomesticAbuse: f.abuse},
		ConsentGiven:  true,
		CourtInvolved: f.court, CafcassInvolved: f.cafcass,
	}
	details.Adults = append(details.Adults, adult(referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT, f.seq))
	if !self {
		details.Adults = append(details.Adults, adult(referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT, f.seq))
		details.Referrer = &referralv1.Referrer{Name: "Simulated referrer", Organisation: f.source.String()}
	}
	for i, ch := range f.births {
		// A first name of the child's own and a family name of the family's own: children are
		// matched on their first name, or their family name, and date of birth too (decision
		// 200), and the simulated children born in the same month are all born on its first.
		details.Children = append(details.Children, &referralv1.Child{FullName: fmt.Sprintf("Child%dof%d Family%d", i+1, f.seq, f.seq),
			DateOfBirth: &commonv1.Date{Year: int32(ch.birthYear), Month: int32(ch.birthMonth), Day: 1}})
	}
	resp, err := call(ctx, s.c, s.c.referral.SubmitReferral, &referralv1.SubmitReferralRequest{RequestId: uuid.NewString(),
		CentreId: c.id.String(), Source: f.source, RequestedServiceType: f.requested, Details: details})
	if err != nil {
		return fmt.Errorf("submit referral: %w", err)
	}
	f.read(resp.GetReferral())
	f.truth = &referralTruth{receivedOn: d}
	c.families = append(c.families, f)
	f.step, f.next = stepScreen, d.AddDate(0, 0, 2+c.rng.IntN(4))
	if self {
		f.step, f.next = stepSecondParty, d.AddDate(0, 0, 3+c.rng.IntN(10))
	}
	return nil
}

func adult(role referralv1.AdultRole, seq int) *referralv1.Adult {
	// ZZ is no postcode area: the postcode has the UK form referral checks, and is no one's. The
	// phone is in Ofcom's range for drama (07700 900000-900999), each parent's own: referral
	// refuses one parent's number as the other's.
	line := 2 * seq % 1000
	if role != referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT {
		line++
	}
	a := &referralv1.Adult{Role: role, ParentalResponsibility: true, Language: "English",
		Contact: &referralv1.ContactDetails{AddressLines: []string{fmt.Sprintf("%d Simulated Street", seq)}, Postcode: "ZZ1 1AA",
			Phone: fmt.Sprintf("07700 900%03d", line)}}
	if role == referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT {
		a.FullName, a.Relationship, a.MayBring, a.MayCollect = fmt.Sprintf("Resident parent %d", seq), "Mother", true, true
	} else {
		a.FullName, a.Relationship, a.MayAttend = fmt.Sprintf("Visiting parent %d", seq), "Father", true
	}
	return a
}

// read takes the ids the referral service gave.
func (f *family) read(r *referralv1.Referral) {
	f.referral, _ = uuid.Parse(r.GetReferralId())
	f.id, _ = uuid.Parse(r.GetFamilyId())
	for _, a := range r.GetAdults() {
		id, _ := uuid.Parse(a.GetPersonId())
		switch a.GetRole() {
		case referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT:
			f.resident = id
		case referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT:
			f.visiting = id
		}
	}
	if len(f.births) == len(r.GetChildren()) {
		for i, ch := range r.GetChildren() {
			f.births[i].id, _ = uuid.Parse(ch.GetPersonId())
		}
	}
}

// freeSlot is a place for a family of service st at the instant at: the first slot and parity
// with room, if any, in a room not held by a place offered to another family (slot.held): the
// coordinator gives a held room to nobody else until the family offered it is booked or the
// offer lapses (decisions.md 203), so a family that could have had its other parity waits.
func (s *sim) freeSlot(c *centre, st commonv1.ServiceType, at time.Time) (*slot, int) {
	for _, sl := range c.slots {
		if sl.service != st || sl.held(at) {
			continue
		}
		parities := 1
		if sl.weekly {
			parities = 2
		}
		for p := range parities {
			if sl.taken[p] < sl.capacity {
				return sl, p
			}
		}
	}
	return nil, 0
}

func (s *sim) advanceFamily(ctx context.Context, f *family, d time.Time) error {
	c := f.centre
	ref := func() (string, string, string) { return uuid.NewString(), f.referral.String(), c.id.String() }
	switch f.step {
	case stepSecondParty:
		id, rid, cid := ref()
		resp, err := call(ctx, s.c, s.c.referral.SubmitSecondPartyApplication, &referralv1.SubmitSecondPartyApplicationRequest{RequestId: id,
			ReferralId: rid, CentreId: cid, Parent: adult(referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT, f.seq),
			Risk: &referralv1.RiskAnswers{DomesticAbuse: f.abuse}, ConsentGiven: true})
		if err != nil {
			return fmt.Errorf("second party: %w", err)
		}
		f.read(resp.GetReferral())
		f.step, f.next = stepScreen, d.AddDate(0, 0, 2+c.rng.IntN(4))
	case stepScreen:
		rating := referralv1.RiskRating_RISK_RATING_GREEN
		if f.abuse || c.rng.Float64() < 0.3 {
			rating = referralv1.RiskRating_RISK_RATING_AMBER
		}
		id, rid, cid := ref()
		if _, err := call(ctx, s.c, s.c.referral.RecordScreening, &referralv1.RecordScreeningRequest{RequestId: id, ReferralId: rid,
			CentreId: cid, Rating: rating, DomesticAbuseFinding: f.abuse, Note: "Screened from the referral's answers."}); err != nil {
			return fmt.Errorf("screen: %w", err)
		}
		return s.decide(ctx, f, d)
	case stepPreVisitResident, stepPreVisitVisiting:
		person := f.resident
		if f.step == stepPreVisitVisiting {
			person = f.visiting
		}
		if f.fate == fateNeverAttend {
			id, rid, cid := ref()
			if _, err := call(ctx, s.c, s.c.referral.WithdrawReferral, &referralv1.WithdrawReferralRequest{RequestId: id, ReferralId: rid,
				CentreId: cid, WithdrawnBy: referralv1.WithdrawnBy_WITHDRAWN_BY_NON_RESIDENT_PARENT}); err != nil {
				return fmt.Errorf("withdraw: %w", err)
			}
			f.truth.withdrawnOn = d
			s.leave(f)
			return nil
		}
		id, rid, cid := ref()
		if _, err := call(ctx, s.c, s.c.referral.RecordPreVisit, &referralv1.RecordPreVisitRequest{RequestId: id, ReferralId: rid,
			CentreId: cid, PersonId: person.String(), VisitedOn: pbDate(d), GroundRulesSigned: true}); err != nil {
			return fmt.Errorf("pre-visit: %w", err)
		}
		f.preVisits = append(f.preVisits, d)
		if f.step == stepPreVisitResident {
			f.step, f.next = stepPreVisitVisiting, d.AddDate(0, 0, 1+c.rng.IntN(4))
			return nil
		}
		w := f.slot.window
		id, rid, cid = ref()
		if _, err := call(ctx, s.c, s.c.referral.AgreeArrangement, &referralv1.AgreeArrangementRequest{RequestId: id, ReferralId: rid,
			CentreId: cid, Arrangement: &referralv1.Arrangement{ServiceType: f.service, Frequency: referralv1.ContactFrequency_CONTACT_FREQUENCY_FORTNIGHTLY,
				SessionMinutes: int32(w.minutes), Stagger: &referralv1.Stagger{ArrivalMinutes: int32(w.stagger), DepartureMinutes: int32(w.stagger)}}}); err != nil {
			return fmt.Errorf("arrangement: %w", err)
		}
		f.step, f.next = stepContact, d.AddDate(0, 0, 1)
	case stepContact:
		return s.book(ctx, f, d)
	case stepEnd:
		id, rid, cid := ref()
		if _, err := call(ctx, s.c, s.c.referral.EndCase, &referralv1.EndCaseRequest{RequestId: id, ReferralId: rid, CentreId: cid,
			Outcome: f.outcome, Note: endingNote[f.outcome]}); err != nil {
			return fmt.Errorf("end case: %w", err)
		}
		f.truth.endedOn, f.truth.outcome = d, f.outcome
		s.leave(f)
	}
	return nil
}

// decide is the centre's decision after screening.
func (s *sim) decide(ctx context.Context, f *family, d time.Time) error {
	c := f.centre
	decline := func(reason referralv1.DeclineReason, to *centre) error {
		req := &referralv1.DeclineReferralRequest{RequestId: uuid.NewString(), ReferralId: f.referral.String(), CentreId: c.id.String(),
			Reason: reason, Note: "Decided after screening."}
		if to != nil {
			req.RedirectedToCentreId = to.id.String()
		}
		if _, err := call(ctx, s.c, s.c.referral.DeclineReferral, req); err != nil {
			return fmt.Errorf("decline: %w", err)
		}
		f.truth.declinedOn, f.truth.declineReason = d, reason
		f.step = stepDone
		return nil
	}
	f.service = f.requested
	if f.abuse && f.requested == commonv1.ServiceType_SERVICE_TYPE_SUPPORTED {
		if !c.supervised {
			// Proven domestic abuse rules out supported contact: route the family to a supervised
			// service, preferably in the same region; it is referred there tomorrow.
			to := s.supervisedCentre(c)
			if to == nil {
				return decline(referralv1.DeclineReason_DECLINE_REASON_DOMESTIC_ABUSE_SUPPORTED_ONLY, nil)
			}
			if err := decline(referralv1.DeclineReason_DECLINE_REASON_REDIRECTED, to); err != nil {
				return err
			}
			g := &family{centre: to, source: f.source, requested: commonv1.ServiceType_SERVICE_TYPE_SUPERVISED, court: f.court,
				cafcass: f.cafcass, births: slices.Clone(f.births), planned: f.planned}
			for i := range g.births {
				g.births[i].id = uuid.Nil
			}
			if g.source == commonv1.ReferralSource_REFERRAL_SOURCE_SELF {
				g.source = commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR
			}
			s.redirectedMu.Lock()
			s.redirected = append(s.redirected, redirect{from: c.index, f: g})
			s.redirectedMu.Unlock()
			return nil
		}
		f.service = commonv1.ServiceType_SERVICE_TYPE_SUPERVISED
	}
	switch f.fate {
	case fateDeclined:
		reasons := []referralv1.DeclineReason{referralv1.DeclineReason_DECLINE_REASON_CANNOT_MEET_NEEDS,
			referralv1.DeclineReason_DECLINE_REASON_RISK_TOO_HIGH, referralv1.DeclineReason_DECLINE_REASON_OUT_OF_AREA}
		return decline(reasons[c.rng.IntN(len(reasons))], nil)
	case fateWithdrawn:
		if _, err := call(ctx, s.c, s.c.referral.WithdrawReferral, &referralv1.WithdrawReferralRequest{RequestId: uuid.NewString(),
			ReferralId: f.referral.String(), CentreId: c.id.String(), WithdrawnBy: referralv1.WithdrawnBy_WITHDRAWN_BY_REFERRER}); err != nil {
			return fmt.Errorf("withdraw: %w", err)
		}
		f.truth.withdrawnOn = d
		f.step = stepDone
		return nil
	}
	sl, parity := s.freeSlot(c, f.service, at(d, 8, 0))
	if sl == nil || waits(c, f.service) {
		// The centre is full (or a family waits already for the place that freed this morning, a
		// held room among them once its family was booked: it goes first, at tomorrow's offers):
		// the referral is waitlisted, and that is all the coordinator does.
		// Scheduling's consumer of ReferralWaitlisted puts the family on the centre's waiting list
		// for its kind of contact (the kind asked for, supervised when domestic abuse rules out
		// supported: f.service) before the clock moves on (the platform settles first), so it
		// joins today; a centre's referral commands are sequential, so its list is in the order
		// of c.waiting.
		if _, err := call(ctx, s.c, s.c.referral.WaitlistReferral, &referralv1.WaitlistReferralRequest{RequestId: uuid.NewString(),
			ReferralId: f.referral.String(), CentreId: c.id.String()}); err != nil {
			return fmt.Errorf("waitlist: %w", err)
		}
		f.truth.waitlistedOn, f.truth.listJoinedOn = d, d
		f.step = stepWaiting
		c.waiting = append(c.waiting, f)
		return nil
	}
	return s.accept(ctx, f, d, sl, parity)
}

// offerPlaces gives places freed since yesterday to the waiting list, first come first served
// within each kind of contact: the coordinator offers the place in scheduling (a family the
// platform already offered a released place to has left the list, the place kept for it) and
// accepts the referral. The place offered stays held for the family until it is booked into it
// or the offer lapses (slot.held), and no other family is offered its room meanwhile.
func (s *sim) offerPlaces(ctx context.Context, c *centre, d time.Time) error {
	now := at(d, 8, 0)
	var still []*family
	for _, f := range c.waiting {
		sl, parity := f.slot, f.parity // the place released by no-shows offered to it (offeredReleased)
		if !f.offered {
			if sl, parity = s.freeSlot(c, f.service, now); sl == nil {
				still = append(still, f)
				continue
			}
			_, err := call(ctx, s.c, s.c.scheduling.OfferPlace, &schedulingv1.OfferPlaceRequest{CentreId: c.id.String(),
				PatternId: sl.pattern.String(), RoomId: sl.room.String(), FamilyId: f.id.String(), RequestId: uuid.NewString()})
			if reason := reasonOf(err); reason == "NO_PLACE" || reason == "PLACE_ON_OFFER" {
				// No session of the place still to come has room (its sessions left are booked to
				// capacity), or the room is held for offers standing: the family waits, and the
				// coordinator offers a place on another day.
				still = append(still, f)
				continue
			}
			if err != nil {
				return fmt.Errorf("offer place: %w", err)
			}
			f.offered, f.truth.listLeftOn = true, d
			sl.offer(f, now)
		}
		if err := s.accept(ctx, f, d, sl, parity); err != nil {
			return err
		}
	}
	c.waiting = still
	return nil
}

// waits reports whether a family on the centre's waiting list, and offered no place, waits for
// contact of kind st.
func waits(c *centre, st commonv1.ServiceType) bool {
	return slices.ContainsFunc(c.waiting, func(f *family) bool { return f.service == st && !f.offered })
}

// offeredReleased notes scheduling's own offer, at the instant now on the date d, of the place
// (sl, parity) released by no-shows: the first family on its waiting list for that kind of
// contact leaves the list (PlaceOffered) and is accepted into that place the next morning, which
// is kept for it from now. A room held by a place offered to another family is offered to nobody
// (PLACE_ON_OFFER, decisions.md 181 and 203): the coordinator offers the place once the hold ends.
// The model must agree with the platform on who is offered it. Scheduling offers it to nobody,
// saying why (noPlace), when no session of the place still to come has room for the family (the
// pattern's sessions left are booked to capacity, or there are none): the family stays waiting,
// as after a coordinator's offer refused for it (review 90 stopped here).
func (s *sim) offeredReleased(c *centre, sl *slot, parity int, offeredTo, noPlace string, d, now time.Time) error {
	var first *family
	for _, f := range c.waiting {
		if f.service == sl.service && !f.offered && !sl.held(now) {
			first = f
			break
		}
	}
	switch {
	case offeredTo == "" && (first == nil || noPlace != ""):
		return nil
	case first == nil:
		return fmt.Errorf("scheduling offered the released place to family %s, the simulation expected nobody", offeredTo)
	case first.id.String() != offeredTo:
		return fmt.Errorf("scheduling offered the released place to family %q, the simulation expected family %s", offeredTo, first.id)
	}
	first.offered, first.truth.listLeftOn = true, d
	sl.offer(first, now)
	first.slot, first.parity = sl, parity
	sl.taken[parity]++
	return nil
}

// supervisedCentre is where a supported-only centre redirects a family: a centre offering
// supervised contact in its region, else anywhere; the first by number, so the choice is fixed.
func (s *sim) supervisedCentre(from *centre) *centre {
	var any *centre
	for _, c := range s.centres {
		if !c.supervised {
			continue
		}
		if c.region == from.region {
			return c
		}
		if any == nil {
			any = c
		}
	}
	return any
}

func (s *sim) accept(ctx context.Context, f *family, d time.Time, sl *slot, parity int) error {
	c := f.centre
	if _, err := call(ctx, s.c, s.c.referral.AcceptReferral, &referralv1.AcceptReferralRequest{RequestId: uuid.NewString(),
		ReferralId: f.referral.String(), CentreId: c.id.String(), ServiceType: f.service}); err != nil {
		return fmt.Errorf("accept: %w", err)
	}
	f.truth.acceptedOn, f.truth.service = d, f.service
	if f.slot == nil { // else the released place offered to it, taken for it since (offeredReleased)
		f.slot, f.parity = sl, parity
		sl.taken[parity]++
	}
	f.step, f.next = stepPreVisitResident, d.AddDate(0, 0, 3+c.rng.IntN(7))
	return nil
}

// leave ends the family's part in the simulation and frees its place: a place offered to it and
// standing is closed too (its referral withdrawn or its case ended).
func (s *sim) leave(f *family) {
	if f.slot != nil {
		f.slot.closeOffer(f)
		f.slot.taken[f.parity]--
		f.slot = nil
	}
	f.step = stepDone
}

// book keeps two sessions booked ahead until the planned number is reached; the last attended
// session ends the case at the next morning.
func (s *sim) book(ctx context.Context, f *family, d time.Time) error {
	c := f.centre
	f.next = d.AddDate(0, 0, 1)
	if f.attended >= f.planned {
		f.step = stepEnd
		outcomes := supportedOutcomes
		switch {
		case f.service == commonv1.ServiceType_SERVICE_TYPE_SUPERVISED && f.abuse:
			outcomes = abuseOutcomes
		case f.service == commonv1.ServiceType_SERVICE_TYPE_SUPERVISED:
			outcomes = supervisedOutcomes
		}
		f.outcome = pick(c.rng, outcomes)
		return s.advanceFamily(ctx, f, d)
	}
	// Book after the last pre-visit and the family's bookings, and after today; bookings a hold
	// cancelled are free to book again once it is lifted.
	last := f.lastPreVisit()
	if d.After(last) {
		last = d
	}
	for _, b := range f.bookings {
		if b.date.After(last) && !b.held {
			last = b.date
		}
	}
	for f.future() < 2 && f.attended+f.future() < f.planned {
		date, ok := f.slot.next(last, f.parity)
		if !ok || !date.After(d) {
			return nil // no opening left in the simulated time
		}
		resp, err := call(ctx, s.c, s.c.scheduling.BookSession, &schedulingv1.BookSessionRequest{CentreId: c.id.String(),
			FamilyId: f.id.String(), PatternId: f.slot.pattern.String(), Date: pbDate(date), RoomId: f.slot.room.String(),
			RequestId: uuid.NewString()})
		if reasonOf(err) == "PLACE_ON_OFFER" {
			// The family's room is held for another family offered a place in it from the waiting
			// list (a place of the other fortnight's parity holds the room in every session,
			// decision 362), until that family is booked or the offer lapses: the coordinator books
			// this family once it is (review 90 M1 stopped here with the refusal). It is asked again
			// tomorrow; a session that passes meanwhile is not booked, and counted so in the truth.
			return nil
		}
		if err != nil {
			return fmt.Errorf("book %s: %w", date.Format(time.DateOnly), err)
		}
		b := &booking{date: date, slot: f.slot, state: "booked"}
		b.id, _ = uuid.Parse(resp.GetBooking().GetBookingId())
		f.slot.closeOffer(f) // booked into the place offered to it: the offer is taken (BOOKED)
		switch n := c.rng.Float64(); {
		case n < 0.06:
			b.plan = planNoShow
		case n < 0.10:
			b.plan, b.cancelOn = planCancelLate, date.AddDate(0, 0, -1)
		case n < 0.13:
			b.plan, b.cancelOn = planCancelEarly, date.AddDate(0, 0, -6)
		}
		if b.cancelOn.Before(d.AddDate(0, 0, 1)) && b.plan != planAttend && b.plan != planNoShow {
			b.plan = planAttend // too soon to cancel ahead: it goes ahead
		}
		f.bookings = append(f.bookings, b)
		last = date
	}
	return nil
}

// next is the slot's first opening after d that the family's parity takes.
func (sl *slot) next(after time.Time, parity int) (time.Time, bool) {
	for i, o := range sl.openings {
		if sl.weekly && i%2 != parity {
			continue
		}
		if o.After(after) {
			return o, true
		}
	}
	return time.Time{}, false
}

// sessions records what happens in the centre's sessions at t: arrivals and no-shows once the
// children were due (a no-show that releases the place once the visiting parent has left, the
// contact being over), departures and completion once the visiting parent has left.
func (s *sim) sessions(base context.Context, c *centre, d, t time.Time) error {
	ctx, err := s.staff(base, c)
	if err != nil {
		return err
	}
	for _, f := range c.families {
		for _, b := range f.bookings {
			if !b.date.Equal(d) || b.state != "booked" {
				continue
			}
			w := b.slot.window
			start := at(d, w.startH, w.startM)
			childrenIn := start.Add(time.Duration(w.stagger) * time.Minute)
			childrenOut := childrenIn.Add(time.Duration(w.minutes) * time.Minute)
			visitingOut := childrenOut.Add(time.Duration(w.stagger) * time.Minute)
			// The family's second unexplained no-show releases its place, so scheduling records it
			// only once the visiting parent can no longer come, when the children's contact was due
			// to end (decisions.md 188): the door records it at the session's last tick instead.
			releasing := b.plan == planNoShow && f.noShows+1 >= 2
			switch {
			case t.Equal(start) && b.plan == planAttend:
				if err := s.arrive(ctx, f, b, schedulingv1.Party_PARTY_VISITING, start); err != nil {
					return err
				}
			case t.Equal(start.Add(20*time.Minute)) && b.plan == planAttend:
				if err := s.arrive(ctx, f, b, schedulingv1.Party_PARTY_CHILDREN, childrenIn); err != nil {
					return err
				}
			case b.plan == planNoShow && (t.Equal(start.Add(20*time.Minute)) && !releasing || t.Equal(visitingOut) && releasing):
				if err := s.noShow(ctx, f, b, t); err != nil {
					return err
				}
			case t.Equal(visitingOut) && b.plan == planAttend:
				if err := s.complete(ctx, base, f, b, childrenOut, visitingOut); err != nil {
					return err
				}
				if err := s.afterSession(base, f, b, d); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// noShow records the visiting parent's no-show at the instant now.
func (s *sim) noShow(ctx context.Context, f *family, b *booking, now time.Time) error {
	c := f.centre
	resp, err := call(ctx, s.c, s.c.scheduling.RecordNoShow, &schedulingv1.RecordNoShowRequest{CentreId: c.id.String(),
		BookingId: b.id.String(), Party: schedulingv1.Party_PARTY_VISITING, RequestId: uuid.NewString()})
	if err != nil {
		return fmt.Errorf("no-show: %w", err)
	}
	b.state = "no_show"
	f.noShows++
	if resp.GetPlaceReleased() {
		// Two unexplained no-shows release the place: scheduling cancels the family's later
		// bookings there and offers the place to the first family on its waiting list for
		// that kind of contact. Referral notes it and the case stays open (decision 170): the
		// coordinator ends it the next morning, with the outcome place released.
		for _, o := range f.bookings {
			if o.state == "booked" {
				o.state = "cancelled"
			}
		}
		sl, parity := f.slot, f.parity
		s.leave(f)
		f.step, f.next, f.outcome = stepEnd, b.date.AddDate(0, 0, 1), referralv1.CaseOutcome_CASE_OUTCOME_PLACE_RELEASED
		return s.offeredReleased(c, sl, parity, resp.GetOfferedToFamilyId(), resp.GetNoPlaceToOffer(), b.date, now)
	}
	return nil
}

// arrive checks a party in (at the platform's clock) and records its arrival at at: the visiting
// parent, or the children brought by the resident parent.
func (s *sim) arrive(ctx context.Context, f *family, b *booking, party schedulingv1.Party, at time.Time) error {
	c := f.centre
	checkIn, came := []uuid.UUID{f.visiting}, []string{f.visiting.String()}
	if party == schedulingv1.Party_PARTY_CHILDREN {
		checkIn, came = childIDs(f), append([]string{f.resident.String()}, idStrings(childIDs(f))...)
	}
	for _, p := range checkIn {
		if _, err := call(ctx, s.c, s.c.scheduling.CheckIn, &schedulingv1.CheckInRequest{CentreId: c.id.String(), BookingId: b.id.String(),
			PersonId: p.String(), RequestId: uuid.NewString()}); err != nil {
			return fmt.Errorf("check in: %w", err)
		}
	}
	if _, err := call(ctx, s.c, s.c.scheduling.RecordArrival, &schedulingv1.RecordArrivalRequest{CentreId: c.id.String(), BookingId: b.id.String(),
		Party: party, Time: wall(at), PersonIds: came, RequestId: uuid.NewString()}); err != nil {
		return fmt.Errorf("arrival: %w", err)
	}
	return nil
}

// complete records the departures (ctx: the centre's staff) and completes the session: a
// supervised one by its room's supervisor (a token made from base).
func (s *sim) complete(ctx, base context.Context, f *family, b *booking, childrenOut, visitingOut time.Time) error {
	c := f.centre
	for _, x := range []struct {
		party  schedulingv1.Party
		at     time.Time
		people []string
	}{
		{schedulingv1.Party_PARTY_CHILDREN, childrenOut, append([]string{f.resident.String()}, idStrings(childIDs(f))...)},
		{schedulingv1.Party_PARTY_VISITING, visitingOut, []string{f.visiting.String()}},
	} {
		if _, err := call(ctx, s.c, s.c.scheduling.RecordDeparture, &schedulingv1.RecordDepartureRequest{CentreId: c.id.String(),
			BookingId: b.id.String(), Party: x.party, Time: wall(x.at), PersonIds: x.people, RequestId: uuid.NewString()}); err != nil {
			return fmt.Errorf("departure: %w", err)
		}
	}
	req := &schedulingv1.CompleteSessionRequest{CentreId: c.id.String(), BookingId: b.id.String(), RequestId: uuid.NewString()}
	if b.slot.service == commonv1.ServiceType_SERVICE_TYPE_SUPERVISED {
		// A supervised session is completed by its supervisor (decisions.md 82), the register's
		// contact supervisor of its room, with their own token: naming anyone else would be
		// refused (SUPERVISOR_NOT_CALLER).
		var err error
		if ctx, req.SupervisedBy, err = s.supervisor(base, c, b.slot.room); err != nil {
			return err
		}
	}
	if _, err := call(ctx, s.c, s.c.scheduling.CompleteSession, req); err != nil {
		return fmt.Errorf("complete: %w", err)
	}
	b.state = "attended"
	b.children = append(b.children, f.births...)
	f.attended++
	if f.truth.firstSession.IsZero() {
		f.truth.firstSession = b.date
	}
	return nil
}

// endingNote is why the simulation's coordinator ends a case, in words, by its outcome: an ending
// says why (decision 231).
var endingNote = map[referralv1.CaseOutcome]string{
	referralv1.CaseOutcome_CASE_OUTCOME_SELF_ARRANGED:             "The parents now arrange contact themselves.",
	referralv1.CaseOutcome_CASE_OUTCOME_MOVED_TO_HANDOVER:         "Contact goes on as handovers at the centre.",
	referralv1.CaseOutcome_CASE_OUTCOME_STEPPED_DOWN_TO_SUPPORTED: "Supervised contact went well: stepped down to supported.",
	referralv1.CaseOutcome_CASE_OUTCOME_REFERRED_BACK_TO_COURT:    "Referred back to the court.",
	referralv1.CaseOutcome_CASE_OUTCOME_WITHDRAWN:                 "The family withdrew from contact at the centre.",
	referralv1.CaseOutcome_CASE_OUTCOME_ENDED_FOR_SAFETY:          "Ended to keep the child safe.",
	referralv1.CaseOutcome_CASE_OUTCOME_PLACE_RELEASED:            "Two unexplained no-shows released the place.",
}

func childIDs(f *family) []uuid.UUID {
	out := make([]uuid.UUID, len(f.births))
	for i, ch := range f.births {
		out[i] = ch.id
	}
	return out
}

func idStrings(ids []uuid.UUID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	return out
}

func wall(t time.Time) *schedulingv1.LocalTime {
	t = t.In(london)
	return &schedulingv1.LocalTime{Hour: int32(t.Hour()), Minute: int32(t.Minute())}
}
