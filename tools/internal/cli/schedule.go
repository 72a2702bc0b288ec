package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/words"
)

// schedule is what every schedule subcommand shares: the connection and the centre.
type schedule struct {
	conn   connection
	centre string
}

func (s *schedule) client(cmd *cobra.Command) (schedulingv1.SchedulingServiceClient, func(), error) {
	if s.centre == "" {
		return nil, nil, fmt.Errorf("--centre is required")
	}
	cc, err := dial(&s.conn, "scheduling")
	if err != nil {
		return nil, nil, err
	}
	return schedulingv1.NewSchedulingServiceClient(cc), func() { cc.Close() }, nil
}

func newScheduleCommand() *cobra.Command {
	s := &schedule{}
	cmd := &cobra.Command{
		Use:   "schedule",
		Short: "A centre's sessions: rooms, opening patterns, bookings, the day sheet, attendance, the waiting list",
		Long: `schedule runs a centre's sessions. Every subcommand names the centre with --centre (given by a token
for one centre when not: decision 382). Times are the
centre's local time (HH:MM), dates are YYYY-MM-DD. People are ids; names stay with referral.
A session is recorded (checkin, arrive, depart, noshow, complete) only by someone on the centre's
staff register cleared on the session's date (familytime staff), or it is refused NOT_CLEARED.`,
	}
	s.conn.register(cmd)
	cmd.PersistentFlags().StringVar(&s.centre, "centre", "", "the centre's id (UUID)")
	cmd.AddCommand(s.rooms(), s.pattern(), s.patterns(), s.sessions(), s.book(), s.reschedule(), s.cancel(), s.daysheet(), s.bookings(),
		s.checkin(), s.movement("arrive"), s.movement("depart"), s.correct(), s.complete(), s.noshow(), s.waitlist(), s.keepApart())
	return cmd
}

func (s *schedule) rooms() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rooms",
		Short: "A centre's rooms: list them, add one",
		Long: `rooms keeps the centre's rooms: list lists them by name, add adds one. A room's name is one line
of text with no control characters or invisible formatting characters (text-direction marks,
zero-width spaces); names in any script are kept as written.`,
		Args: cobra.NoArgs,
		// Without a subcommand, say so and fail, rather than print the help and succeed.
		RunE: func(cmd *cobra.Command, _ []string) error {
			return fmt.Errorf("rooms needs a subcommand: list or add (familytime schedule rooms --help)")
		},
	}
	var (
		out        output
		request    requestID
		capacity   int32
		supervised bool
	)
	add := &cobra.Command{
		Use:     "add NAME",
		Short:   "Add a room (capacity in families; --supervised if suitable for supervised contact)",
		Example: `  familytime schedule rooms add "Garden room" --centre $CENTRE --capacity 4`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, done, err := s.client(cmd)
			if err != nil {
				return err
			}
			defer done()
			id, err := request.value()
			if err != nil {
				return err
			}
			resp, err := c.AddRoom(cmd.Context(), &schedulingv1.AddRoomRequest{CentreId: s.centre, Name: args[0], Capacity: capacity,
				SupervisedSuitable: supervised, RequestId: id})
			if err != nil {
				return s.describe(err)
			}
			r := resp.GetRoom()
			return printAnswer(cmd, &out, resp, r, [][2]string{{"room", r.GetRoomId()}, {"name", r.GetName()},
				{"capacity", fmt.Sprint(r.GetCapacity())}, {"supervised", yes(r.GetSupervisedSuitable())}})
		},
	}
	add.Flags().Int32Var(&capacity, "capacity", 0, "how many families the room takes at once (1-50)")
	add.Flags().BoolVar(&supervised, "supervised", false, "the room is suitable for supervised contact")
	_ = add.MarkFlagRequired("capacity")
	request.register(add.Flags())
	out.register(add.Flags())
	cmd.AddCommand(s.roomsList(), add)
	return cmd
}

func (s *schedule) roomsList() *cobra.Command {
	var out output
	cmd := &cobra.Command{
		Use:     "list",
		Short:   "List the centre's rooms by name, with each one's capacity and whether it suits supervised contact",
		Example: `  familytime schedule rooms list --centre $CENTRE`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, done, err := s.client(cmd)
			if err != nil {
				return err
			}
			defer done()
			resp, err := c.ListRooms(cmd.Context(), &schedulingv1.ListRoomsRequest{CentreId: s.centre})
			if err != nil {
				return s.describe(err)
			}
			return printRooms(cmd.OutOrStdout(), &out, resp.GetRooms())
		},
	}
	out.register(cmd.Flags())
	return cmd
}

// printRooms prints a centre's rooms as a table, or as a JSON list.
func printRooms(w io.Writer, out *output, rooms []*schedulingv1.Room) error {
	if len(rooms) == 0 && !out.json {
		_, err := fmt.Fprintln(w, "no rooms")
		return err
	}
	msgs := make([]proto.Message, len(rooms))
	rows := make([][]string, len(rooms))
	for i, r := range rooms {
		msgs[i] = r
		rows[i] = []string{r.GetName(), r.GetRoomId(), fmt.Sprint(r.GetCapacity()), yes(r.GetSupervisedSuitable())}
	}
	return out.table(w, msgs, []string{"NAME", "ROOM ID", "CAPACITY", "SUPERVISED"}, rows)
}

// patterns lists the centre's opening patterns as defined now, each with the command that gives it
// again: a redefinition gives a pattern whole (review 87: a closure typed in again without the
// others reopened them, and nothing showed the pattern's first date; decision 418).
func (s *schedule) patterns() *cobra.Command {
	var out output
	cmd := &cobra.Command{
		Use:   "patterns",
		Short: "List the centre's opening patterns as defined now, each with the command that redefines it as it is",
		Long: `patterns lists the centre's opening patterns (ended ones too), by first date: when each opens, from
and until when, its rooms, and its closed and extra dates. schedule pattern --pattern-id redefines a
pattern whole, every flag given again: below the table, each pattern's definition is printed as that
command, to copy and change (a closed date left out of it opens again, an extra date left out is
dropped). --json prints the patterns as the API gives them.`,
		Example: `  familytime schedule patterns --centre $CENTRE`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, done, err := s.client(cmd)
			if err != nil {
				return err
			}
			defer done()
			resp, err := c.ListOpeningPatterns(cmd.Context(), &schedulingv1.ListOpeningPatternsRequest{CentreId: s.centre})
			if err != nil {
				return s.describe(err)
			}
			patterns := resp.GetPatterns()
			if len(patterns) == 0 && !out.json {
				_, err := fmt.Fprintln(cmd.OutOrStdout(), "no opening patterns")
				return err
			}
			msgs := make([]proto.Message, len(patterns))
			rows := make([][]string, len(patterns))
			for i, p := range patterns {
				msgs[i] = p
				rows[i] = []string{p.GetPatternId(), patternWhen(p), ymd(p.GetFirstDate()), ymd(p.GetLastDate()),
					strings.Join(p.GetRoomIds(), ","), dates(p.GetClosedDates()), dates(p.GetExtraDates())}
			}
			if err := out.table(cmd.OutOrStdout(), msgs, []string{"PATTERN", "WHEN", "FROM", "UNTIL", "ROOMS", "CLOSED", "EXTRA"}, rows); err != nil || out.json {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), "\nTo redefine a pattern, give all of it again (as it is now; with your --token):")
			for _, p := range patterns {
				fmt.Fprintf(cmd.OutOrStdout(), "  %s%s\n", redefinition(s.centre, p), dataFlag(cmd))
			}
			return nil
		},
	}
	out.register(cmd.Flags())
	return cmd
}

// dataDir is the --data the command was given, empty when none was.
func dataDir(cmd *cobra.Command) string {
	if f := cmd.Flag("data"); f != nil && f.Changed {
		return f.Value.String()
	}
	return ""
}

// dataFlag is " --data D" when the command was given --data, for a command it prints to run next
// against the same dev platform (review 88: one printed without it found no platform).
func dataFlag(cmd *cobra.Command) string {
	if d := dataDir(cmd); d != "" {
		return " --data " + d
	}
	return ""
}

// patternWhen is a pattern's recurrence, weekday, times and zone, as a line.
func patternWhen(p *schedulingv1.OpeningPattern) string {
	return fmt.Sprintf("%s %s %s-%s (%s)", friendly("RECURRENCE_", p.GetRecurrence().String()),
		friendly("WEEKDAY_", p.GetWeekday().String()), hhmm(p.GetStartTime()), hhmm(p.GetEndTime()), p.GetTimeZone())
}

// redefinition is the schedule pattern command that defines p again as it is.
func redefinition(centre string, p *schedulingv1.OpeningPattern) string {
	args := []string{"familytime schedule pattern --centre", centre, "--pattern-id", p.GetPatternId(),
		"--every", friendly("RECURRENCE_", p.GetRecurrence().String()), "--weekday", friendly("WEEKDAY_", p.GetWeekday().String()),
		"--start", hhmm(p.GetStartTime()), "--end", hhmm(p.GetEndTime()), "--from", ymd(p.GetFirstDate())}
	if p.GetLastDate() != nil {
		args = append(args, "--until", ymd(p.GetLastDate()))
	}
	for _, r := range p.GetRoomIds() {
		args = append(args, "--room", r)
	}
	for _, d := range p.GetClosedDates() {
		args = append(args, "--closed", ymd(d))
	}
	for _, d := range p.GetExtraDates() {
		args = append(args, "--extra", ymd(d))
	}
	if z := p.GetTimeZone(); z != "" && z != "Europe/London" {
		args = append(args, "--zone", z)
	}
	return strings.Join(args, " ")
}

func (s *schedule) pattern() *cobra.Command {
	var (
		out                                  output
		request                              requestID
		id, every, weekday, start, end, zone string
		from, until                          string
		rooms, closed, extra                 []string
	)
	cmd := &cobra.Command{
		Use:   "pattern",
		Short: "Define when the centre opens (or redefine a pattern with --pattern-id)",
		Long: `pattern defines when the centre opens: a weekday every week or fortnight, its times, its rooms,
closures and extra dates. A room opens for one session at a time: a pattern that would open a room
at times another pattern opens it, on a date both open from today, is refused (PATTERN_OVERLAPS,
naming that pattern; end it with --until, close it that day, or choose other times or rooms).

--pattern-id redefines a pattern, all of it (give every flag again: schedule patterns prints each
pattern as this command, as it is now, to copy and change). A redefinition must keep the
pattern's bookings still to come where they were booked: their dates still open, the same start
time, an end no earlier than their last door time, and their rooms. Otherwise it is refused,
saying how many bookings stand in the way (PATTERN_HAS_BOOKINGS): reschedule or cancel them first,
or end this pattern (--until) and define the new times as a new pattern from the day after.
A place of the pattern offered to a family from the waiting list that the redefinition leaves no
session with a place for (its room taken out, its sessions ended, closed or full) is withdrawn:
the family is back at its place on the list, and is named on standard error, to be offered another
(decision 417).

The sessions before today are history: no --extra or --closed date before today is added or
dropped, and once the pattern has opened its weekday, times, rooms and --from stay as they were
(PAST_SESSIONS_FIXED) and --until moves only to yesterday or later. New times or rooms from a day
on are a new pattern from the day after this one's --until.`,
		Example: `  familytime schedule pattern --centre $CENTRE --every weekly --weekday saturday --start 10:00 --end 12:00 \
    --from 2026-01-10 --room $GARDEN --room $BLUE --closed 2026-12-26`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			req := &schedulingv1.DefineOpeningPatternRequest{CentreId: s.centre, PatternId: id, RoomIds: rooms, TimeZone: zone}
			var err error
			if req.Recurrence, err = parseEnum[schedulingv1.Recurrence]("every", every, "RECURRENCE_", schedulingv1.Recurrence_value); err != nil {
				return err
			}
			if req.Weekday, err = parseEnum[schedulingv1.Weekday]("weekday", weekday, "WEEKDAY_", schedulingv1.Weekday_value); err != nil {
				return err
			}
			if req.StartTime, err = parseClock("start", start); err != nil {
				return err
			}
			if req.EndTime, err = parseClock("end", end); err != nil {
				return err
			}
			if req.FirstDate, err = scheduleDate("from", from); err != nil {
				return err
			}
			if req.LastDate, err = optionalDate("until", until); err != nil {
				return err
			}
			for _, d := range closed {
				v, err := scheduleDate("closed", d)
				if err != nil {
					return err
				}
				req.ClosedDates = append(req.ClosedDates, v)
			}
			for _, d := range extra {
				v, err := scheduleDate("extra", d)
				if err != nil {
					return err
				}
				req.ExtraDates = append(req.ExtraDates, v)
			}
			if req.RequestId, err = request.value(); err != nil {
				return err
			}
			c, done, err := s.client(cmd)
			if err != nil {
				return err
			}
			defer done()
			resp, err := c.DefineOpeningPattern(cmd.Context(), req)
			if err != nil {
				return s.describe(err)
			}
			for _, family := range resp.GetOffersWithdrawn() {
				// Decision 417: the place offered has no session left; the family waits again. The
				// place to offer is the coordinator's to choose: schedule patterns lists them.
				fmt.Fprintf(cmd.ErrOrStderr(), "warning: family %s held an offer of a place of this pattern that it now leaves no session "+
					"with a place for: the offer is withdrawn and the family is back at its place on the waiting list; offer it "+
					"another place (familytime schedule waitlist offer --centre %s --family %s --pattern <pattern> --room <room>%s; "+
					"familytime schedule patterns --centre %s%s lists the patterns and their rooms)\n", family, s.centre, family, dataFlag(cmd),
					s.centre, dataFlag(cmd))
			}
			p := resp.GetPattern()
			return printAnswer(cmd, &out, resp, p, [][2]string{{"pattern", p.GetPatternId()},
				{"when", patternWhen(p)},
				{"from", ymd(p.GetFirstDate())}, {"until", ymd(p.GetLastDate())}, {"rooms", strings.Join(p.GetRoomIds(), ",")},
				{"closed", dates(p.GetClosedDates())}, {"extra", dates(p.GetExtraDates())}})
		},
	}
	f := cmd.Flags()
	f.StringVar(&id, "pattern-id", "", "redefine this pattern (UUID) instead of defining a new one")
	f.StringVar(&every, "every", "weekly", "weekly or fortnightly")
	f.StringVar(&weekday, "weekday", "", "the day it opens: monday ... sunday")
	f.StringVar(&start, "start", "", "opening time, HH:MM local, 07:00 or later")
	f.StringVar(&end, "end", "", "closing time, HH:MM local, 22:00 or earlier")
	f.StringVar(&from, "from", "", "first date it may open (YYYY-MM-DD)")
	f.StringVar(&until, "until", "", "last date it opens (YYYY-MM-DD); none by default")
	f.StringSliceVar(&rooms, "room", nil, "a room open in each session (repeat)")
	f.StringSliceVar(&closed, "closed", nil, "a date the centre is closed (repeat)")
	f.StringSliceVar(&extra, "extra", nil, "a one-off extra opening date (repeat)")
	f.StringVar(&zone, "zone", "", "time zone (default Europe/London): UK time only (Europe/London or GB, Europe/Belfast, "+
		"Europe/Guernsey, Europe/Jersey, Europe/Isle_of_Man); a centre's patterns share one")
	for _, r := range []string{"weekday", "start", "end", "from", "room"} {
		_ = cmd.MarkFlagRequired(r)
	}
	request.register(f)
	out.register(f)
	return cmd
}

func (s *schedule) sessions() *cobra.Command {
	var (
		out       output
		from, to  string
		noOutcome bool
	)
	cmd := &cobra.Command{
		Use:   "sessions",
		Short: "List the opening sessions between two dates, with each room's places",
		Long: `sessions lists the centre's opening sessions between two dates (default: from the centre's today,
by the platform's clock, four weeks on; at most 366 days), each room with its places booked out
of its capacity. A booking whose session has ended with no outcome recorded (still booked: not
completed, no party's no-show recorded, not called off) is counted beside them ("1 no outcome"):
read that day's day sheet (alert no-outcome-recorded) and record what happened. --no-outcome
lists only the rooms and sessions with such bookings: give --from to look back. Places held for
families offered a place of the room from the waiting list are counted beside them too, in every
session still to come ("1 on offer"): booking another family into them is refused PLACE_ON_OFFER
until the offer is taken, declined or lapses.`,
		Example: `  familytime schedule sessions --centre $CENTRE --from 2026-02-07
  familytime schedule sessions --centre $CENTRE --from 2026-01-01 --to 2026-03-31 --no-outcome`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// Left out, the days are the service's: from the centre's today by the platform's
			// clock, to four weeks on (review 36).
			fd, err := optionalDate("from", from)
			if err != nil {
				return err
			}
			td, err := optionalDate("to", to)
			if err != nil {
				return err
			}
			c, done, err := s.client(cmd)
			if err != nil {
				return err
			}
			defer done()
			resp, err := c.ListOpeningSessions(cmd.Context(), &schedulingv1.ListOpeningSessionsRequest{CentreId: s.centre, From: fd, To: td})
			if err != nil {
				return s.describe(err)
			}
			msgs, rows := sessionRows(resp.GetSessions(), noOutcome)
			if len(rows) == 0 && !out.json {
				if noOutcome {
					_, err := fmt.Fprintln(cmd.OutOrStdout(), "no session ended with a booking whose outcome is not recorded")
					return err
				}
				_, err := fmt.Fprintln(cmd.OutOrStdout(), "no sessions")
				return err
			}
			return out.table(cmd.OutOrStdout(), msgs, []string{"DATE", "TIME", "PATTERN", "ROOM", "ROOM ID", "BOOKED"}, rows)
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "first date (default: the centre's today, by the platform's clock)")
	cmd.Flags().StringVar(&to, "to", "", "last date (default four weeks on from the first)")
	cmd.Flags().BoolVar(&noOutcome, "no-outcome", false, "only the sessions ended with a booking whose outcome is not recorded")
	out.register(cmd.Flags())
	return cmd
}

// sessionRows are the sessions' table rows, a room a row, with its places booked out of its
// capacity, and the bookings ended with no outcome recorded beside them; noOutcome keeps only the
// rooms (and, for --json, the sessions) with such bookings (decision 283).
func sessionRows(sessions []*schedulingv1.OpeningSession, noOutcome bool) ([]proto.Message, [][]string) {
	var msgs []proto.Message
	var rows [][]string
	for _, ss := range sessions {
		if noOutcome && !slices.ContainsFunc(ss.GetRooms(), func(r *schedulingv1.RoomPlaces) bool { return r.GetNoOutcome() > 0 }) {
			continue
		}
		msgs = append(msgs, ss)
		for _, r := range ss.GetRooms() {
			if noOutcome && r.GetNoOutcome() == 0 {
				continue
			}
			places := fmt.Sprintf("%d/%d", r.GetBooked(), r.GetCapacity())
			if r.GetTakenBySupervised() {
				places += " (supervised)"
			}
			if n := r.GetNoOutcome(); n > 0 {
				places += fmt.Sprintf(" (%d no outcome)", n)
			}
			if n := r.GetOnOffer(); n > 0 {
				// Held for the families offered them (decision 418): not free to book.
				places += fmt.Sprintf(" (%d on offer)", n)
			}
			rows = append(rows, []string{ymd(ss.GetDate()), hhmm(ss.GetStartTime()) + "-" + hhmm(ss.GetEndTime()),
				ss.GetPatternId(), r.GetName(), r.GetRoomId(), places})
		}
	}
	return msgs, rows
}

// slotTimes reads --date and the optional --start of book and reschedule.
func slotTimes(day, start string) (*commonv1.Date, *schedulingv1.LocalTime, error) {
	date, err := scheduleDate("date", day)
	if err != nil || start == "" {
		return date, nil, err
	}
	at, err := parseClock("start", start)
	return date, at, err
}

func (s *schedule) book() *cobra.Command {
	var (
		out                               output
		request                           requestID
		family, pattern, day, room, start string
	)
	cmd := &cobra.Command{
		Use:   "book",
		Short: "Book a family into a room of an opening session; the door times follow the family's stagger",
		Long: `book books a family ready for contact into a room of an opening session not yet begun, up to a
year ahead, within the room's places. A family has one contact session a day: a second booking
the same day is refused (ALREADY_BOOKED_THAT_DAY; reschedule the first to change its time). The
door times follow the family's agreed session length and stagger; --start moves the children's
contact later in the session. Supervised contact booked on a date the centre's staff register
clears no contact supervisor or safeguarding lead to supervise is booked, with a warning on
standard error (NO_SUPERVISOR): nobody could complete the session or write its report unless the
register is put right before the day (familytime staff list --centre C --on DATE); with one only, the warning
is NO_SECOND_SUPERVISOR: its report could be written but not checked by a second person.
Supervised contact whose time overlaps more supervised sessions at once (counting it) than the
register clears people to supervise that day is booked with the warning SUPERVISORS_SHORT: a
contact supervisor watches one family at a time, so one family would be left unwatched and its
session could never be completed; record another supervisor by the day, or book another time (the
day sheet alerts those sessions supervisors-short until the register covers them).
Supported contact booked on a date after the family's review was due, with no review held since,
is booked with the warning REVIEW_OVERDUE: supported contact is reviewed at least every 6 months,
so hold the review with the family (familytime referral review); the day sheet alerts the session
review-overdue until the review is recorded.
Scheduling books sessions at the centre, into a room: a family ready for indirect or virtual
contact, which brings nobody to the centre, is refused (NOT_AT_THE_CENTRE) and nothing is booked.
A place offered from the waiting list (waitlist offer, or the release by two unexplained no-shows)
is held for the family offered it until it is booked, declines, or its case ends, or the offer
lapses: booking (or rescheduling) another family into a session of that pattern's room is refused
(PLACE_ON_OFFER) when it would leave fewer places there than the offers standing to others. The
refusal says when the first offer lapses; book another room or session, or this one once the offer
is declined or lapses, or book the family offered it (waitlist list shows it).`,
		Example: `  familytime schedule book --centre $CENTRE --family $FAMILY --pattern $PATTERN --date 2026-01-10 --room $GARDEN`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			req := &schedulingv1.BookSessionRequest{CentreId: s.centre, FamilyId: family, PatternId: pattern, RoomId: room}
			var err error
			if req.Date, req.StartTime, err = slotTimes(day, start); err != nil {
				return err
			}
			if req.RequestId, err = request.value(); err != nil {
				return err
			}
			c, done, err := s.client(cmd)
			if err != nil {
				return err
			}
			defer done()
			resp, err := c.BookSession(cmd.Context(), req)
			if err != nil {
				return s.describe(err)
			}
			warnOnStderr(cmd, resp.GetSupervisorWarning())
			warnOnStderr(cmd, resp.GetReviewWarning())
			warnOnStderr(cmd, resp.GetSupervisorsShortWarning())
			warnOnStderr(cmd, resp.GetChildWarning())
			return answerBooking(cmd, &out, resp, resp.GetBooking(), nil)
		},
	}
	f := cmd.Flags()
	f.StringVar(&family, "family", "", "the family (UUID)")
	f.StringVar(&pattern, "pattern", "", "the opening pattern (UUID)")
	f.StringVar(&day, "date", "", "the session's date (YYYY-MM-DD)")
	f.StringVar(&room, "room", "", "the room (UUID)")
	f.StringVar(&start, "start", "", "when the children's contact starts (HH:MM); default as early as the stagger allows")
	for _, r := range []string{"family", "pattern", "date", "room"} {
		_ = cmd.MarkFlagRequired(r)
	}
	request.register(f)
	out.register(f)
	return cmd
}

func (s *schedule) reschedule() *cobra.Command {
	var (
		out                           output
		request                       requestID
		pattern, day, room, start, by string
	)
	cmd := &cobra.Command{
		Use:   "reschedule BOOKING_ID",
		Short: "Move a booking to another session or room: the old one cancelled (rescheduled) and a new one booked, or neither",
		Long: `reschedule moves a booking to another session (its pattern and date) or another room, saying who
asked. --pattern and --room left out are the old booking's: to move a family to next week's
session in the same room, give only --date. The old booking is cancelled with the reason
rescheduled and a new one booked by the same rules as book, together or not at all: a refusal
(the room full, the family on hold, the old session already under way: its visiting parent due or
a party arrived) leaves the old booking as it was. The door times follow the family's stagger, as
for book, and the new booking is warned as book warns (NO_SUPERVISOR, NO_SECOND_SUPERVISOR,
SUPERVISORS_SHORT, REVIEW_OVERDUE, on standard error). The new booking's id is printed, and the
booking it replaces with the notice the move gave, counted as for cancel to the time the one who
asked was due at the door: under 48 hours' notice is late.`,
		Example: `  familytime schedule reschedule $BOOKING --centre $CENTRE --date 2026-01-17 --by visiting-parent   # same pattern and room
  familytime schedule reschedule $BOOKING --centre $CENTRE --pattern $PATTERN --date 2026-01-17 --room $GARDEN --by centre`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := uuid.Parse(args[0]); err != nil {
				return fmt.Errorf("booking id %q is not a UUID", args[0])
			}
			req := &schedulingv1.RescheduleBookingRequest{CentreId: s.centre, BookingId: args[0], PatternId: pattern, RoomId: room}
			var err error
			if req.Date, req.StartTime, err = slotTimes(day, start); err != nil {
				return err
			}
			if req.RequestedBy, err = parseRequester(by); err != nil {
				return err
			}
			if req.RequestId, err = request.value(); err != nil {
				return err
			}
			c, done, err := s.client(cmd)
			if err != nil {
				return err
			}
			defer done()
			resp, err := c.RescheduleBooking(cmd.Context(), req)
			if err != nil {
				return s.describe(err)
			}
			warnOnStderr(cmd, resp.GetSupervisorWarning())
			warnOnStderr(cmd, resp.GetReviewWarning())
			warnOnStderr(cmd, resp.GetSupervisorsShortWarning())
			warnOnStderr(cmd, resp.GetChildWarning())
			return answerBooking(cmd, &out, resp, resp.GetBooking(), rescheduledFields(resp, args[0]))
		},
	}
	f := cmd.Flags()
	f.StringVar(&pattern, "pattern", "", "the new session's opening pattern (UUID); default the old booking's")
	f.StringVar(&day, "date", "", "the new session's date (YYYY-MM-DD)")
	f.StringVar(&room, "room", "", "the new room (UUID); default the old booking's")
	f.StringVar(&start, "start", "", "when the children's contact starts (HH:MM); default as early as the stagger allows")
	f.StringVar(&by, "by", "", "who asked for the move: resident-parent, visiting-parent, centre, referrer")
	for _, r := range []string{"date", "by"} {
		_ = cmd.MarkFlagRequired(r)
	}
	request.register(f)
	out.register(f)
	return cmd
}

// printRescheduled prints a move's answer: the new booking, and the one it replaces (old), with
// the notice the move gave and whether it was late, as cancel says of a cancellation (review 44:
// a visiting parent's move under 48 hours' notice, recorded late, printed only "rescheduled").
// A platform whose answer does not carry the old booking says only that it was rescheduled.
func printRescheduled(w io.Writer, out *output, resp *schedulingv1.RescheduleBookingResponse, old string) error {
	return printBooking(w, out, resp.GetBooking(), rescheduledFields(resp, old))
}

// rescheduledFields are what a move's answer says besides the new booking (printRescheduled).
func rescheduledFields(resp *schedulingv1.RescheduleBookingResponse, old string) [][2]string {
	replaces := [][2]string{{"replaces", old + " (cancelled: rescheduled)"}}
	if was := resp.GetReplaced(); was != nil {
		replaces = [][2]string{{"replaces", old + " (cancelled: rescheduled" + lateWord(was.GetCancelledLate()) + ")"},
			{"notice", noticeWords(was.GetNoticeMinutes(), was.GetNoticeTo())}}
	}
	return replaces
}

func (s *schedule) cancel() *cobra.Command {
	var (
		out     output
		request requestID
		by      string
		reason  string
		note    string
	)
	cmd := &cobra.Command{
		Use:   "cancel BOOKING_ID",
		Short: "Cancel a booking, saying who cancelled (a parent's or the referrer's under 48 hours' notice is late); the centre calls a session off with its reason, also under way",
		Long: `cancel cancels a booking at someone's request and frees its place, saying who asked. Under 48
hours' notice from a parent or the referrer is late. The notice is counted to the time the one who
cancelled was due at the door:
the visiting parent's arrival for the visiting parent, the children's for the resident parent, and
the session's first door time (the visiting parent's) for the centre and the referrer; "notice"
says which. Once the session is under way (the visiting parent is due, or a party has
arrived) a family or the referrer cannot cancel it: a party that does not come is a no-show
(familytime schedule noshow), and a session someone came to is completed. The exceptions are the
centre's, and a session that held no contact (the children came and left without a minute with
the visiting parent in the session's time): it did not take place, and is cancelled on the day,
with no notice. A party that came too late for any contact (after the other had left) is a
no-show instead, as one that never came, unless the other party left before the late party's 15
minutes' grace ran out: then the other party cut the contact short, and the centre records it
here, saying who called it off.

The centre calls a session off with its reason (--by centre --reason): premises (a burst pipe, no
heating), staffing, weather, safeguarding, or other with --note saying why in words (kept sealed
with the family's key; --note may add a word to another reason too). It is recorded as the
centre's: never late, nobody's no-show, and the family keeps its place; the day sheet's STATUS
reads "called off by the centre: premises". The centre calls off a session before it, or under
way: with nobody of the family come yet, or with a parent checked in, or the family inside, up to
an hour after the visiting parent was due to leave (after that the session ran its time: complete
it). A session nobody of the family came to is called off later too. Whoever is inside stays IN on
the day sheet until the door records them leaving, as usual (familytime schedule depart); the
session counts as cancelled, not attended.

A session whose family the door turned away because its contact is stopped (check-in refused
ON_HOLD or DISCLOSURE_NOT_WEIGHED while contact could still be held, and nobody of the family let
in after: the day sheet alerts turned-away-at-the-door) is the centre's to call off, under way or
not: --by centre records it as cancelled by the centre, contact stopped at the door, with no late
notice against anyone (its reason is safeguarding unless --reason says another). It is nobody's
no-show; by a parent or the referrer it is refused (REFUSED_AT_THE_DOOR).`,
		Example: `  familytime schedule cancel $BOOKING --centre $CENTRE --by visiting-parent
  familytime schedule cancel $BOOKING --centre $CENTRE --by centre --reason premises
  familytime schedule cancel $BOOKING --centre $CENTRE --by centre --reason other --note "The fire alarm panel failed"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			who, err := parseRequester(by)
			if err != nil {
				return err
			}
			why, err := parseCallOffReason(reason, who)
			if err != nil {
				return err
			}
			id, err := request.value()
			if err != nil {
				return err
			}
			c, done, err := s.client(cmd)
			if err != nil {
				return err
			}
			defer done()
			resp, err := c.CancelBooking(cmd.Context(), &schedulingv1.CancelBookingRequest{CentreId: s.centre, BookingId: args[0],
				CancelledBy: who, CallOffReason: why, CallOffNote: note, RequestId: id})
			if err != nil {
				return s.describe(err)
			}
			return answerBooking(cmd, &out, resp, resp.GetBooking(), nil)
		},
	}
	cmd.Flags().StringVar(&by, "by", "", "who cancelled: resident-parent, visiting-parent, centre, referrer")
	cmd.Flags().StringVar(&reason, "reason", "", "with --by centre, why the centre calls the session off: "+
		enumNamesOf("CALL_OFF_REASON_", schedulingv1.CallOffReason_value))
	cmd.Flags().StringVar(&note, "note", "", "the centre's note saying why, in words (required with --reason other)")
	_ = cmd.MarkFlagRequired("by")
	request.register(cmd.Flags())
	out.register(cmd.Flags())
	return cmd
}

// describe explains a refusal; a permission refusal's hint, on what the caller's role does or
// the token that works, is every command's (refusalHint).
func (s *schedule) describe(err error) error {
	return describe(err)
}

// requesters are who may ask for a cancellation or a move; CANCELLED_BY_SYSTEM is the platform's
// own (a hold, a released place), which scheduling refuses from a caller.
var requesters = map[string]int32{}

func init() {
	for name, v := range schedulingv1.CancelledBy_value {
		if v != int32(schedulingv1.CancelledBy_CANCELLED_BY_SYSTEM) {
			requesters[name] = v
		}
	}
}

// parseRequester reads --by for cancel and reschedule.
func parseRequester(by string) (schedulingv1.CancelledBy, error) {
	return parseEnum[schedulingv1.CancelledBy]("by", by, "CANCELLED_BY_", requesters)
}

// parseCallOffReason reads cancel's --reason, the centre's reason for calling a session off: with
// --by centre only. Left out it is unset, and the service says whether the centre must give one
// (it must, but for a session the door stopped, which is safeguarding's; decision 284).
func parseCallOffReason(reason string, by schedulingv1.CancelledBy) (schedulingv1.CallOffReason, error) {
	if strings.TrimSpace(reason) == "" {
		return schedulingv1.CallOffReason_CALL_OFF_REASON_UNSPECIFIED, nil
	}
	if by != schedulingv1.CancelledBy_CANCELLED_BY_CENTRE {
		return 0, fmt.Errorf("--reason is the centre's reason for calling a session off: give it with --by centre only")
	}
	return parseEnum[schedulingv1.CallOffReason]("reason", reason, "CALL_OFF_REASON_", schedulingv1.CallOffReason_value)
}

// callOffWords is the centre's cancellation in words, with its reason: the centre's own cause,
// never a party's request or late notice (review 50 read "requested (late: under 48 hours'
// notice)" of a burst pipe). One recorded before the centre gave its reason says so.
func callOffWords(r schedulingv1.CallOffReason) string {
	if r == schedulingv1.CallOffReason_CALL_OFF_REASON_UNSPECIFIED {
		return "called off by the centre (reason not recorded)"
	}
	return "called off by the centre: " + friendly("CALL_OFF_REASON_", r.String())
}

// calledOffByTheCentre reports whether b is the centre's own call-off (cancel --by centre), as
// opposed to its move (rescheduled) or a session its rule stopped at the door (contact stopped).
func calledOffByTheCentre(b *schedulingv1.Booking) bool {
	return b.GetStatus() == schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED &&
		b.GetCancelledBy() == schedulingv1.CancelledBy_CANCELLED_BY_CENTRE &&
		b.GetCancellationReason() == schedulingv1.CancellationReason_CANCELLATION_REASON_REQUESTED
}

func (s *schedule) daysheet() *cobra.Command {
	var (
		out     output
		day     string
		idsOnly bool
	)
	cmd := &cobra.Command{
		Use:   "daysheet",
		Short: "The day sheet: every booking with its room, each party's door times, who is expected and alerts",
		Long: `The day sheet: every booking of the centre on a date (default: the centre's today, by the
platform's clock, not this computer's), in the order people come through the door, with its room,
each party's door times, who is expected and its alerts. IN counts who is inside now: checked in
or recorded coming, and not gone since (their party recorded leaving, or a child and whoever
collected them taken out with --others-stay); an adult who only brings or collects the children
is never in. On a booking that has ended, IN is who was never recorded leaving. CHECKED IN counts
the check-ins, which stay after people leave; a person's IN says the same of them. A cancelled
booking lists only those the door recorded at the centre (checked in, or named in an arrival or
the children's departure: a session a hold called off), and keeps them after they leave. STATUS says why
a booking was cancelled and by whom ("cancelled by system (safeguarding hold)", "cancelled by
system (case ended)", "rescheduled by centre", "called off by the centre: premises"). --json prints the whole response: the day the
sheet is of ("date") and its entries.

  on-hold                    a safeguarding hold is in force on the family: admit nobody from it (a
                             booking a hold called off keeps saying so in STATUS once it is lifted)
  check-in-refused           someone was refused at the door: named but not to come, back after their party
                             left, a hold, a disclosure waiting for the lead, or the booking cancelled
  parents-at-door-together   the two parents were at the door within 10 minutes of each other, or may
                             be: a party came or left off the plan as the other is due (keep them apart);
                             a handover's children collected within 10 minutes of being brought
  late-start                 the children, or the visiting parent, arrived a minute or more after the
                             children were due: the session is shortened, never extended
  supervised                 supervised contact: trained staff observe and a report is due
  cancelled-late             cancelled by a parent or the referrer with under 48 hours' notice (the
                             centre's call-off is the centre's: STATUS says why, and it is never late)
  no-show                    a party did not come
  children-may-leave-centre  the referral says the children may leave the centre during contact
                             (an outing, escorted contact); without it they stay in the centre
  no-cleared-supervisor      supervised contact, and the staff register clears no contact supervisor or
                             safeguarding lead that day: nobody can complete it or write its report
                             (record the supervisor's DBS check and training: familytime staff add/check)
  never-recorded-leaving     ended (completed, a no-show, or called off) with someone recorded coming and
                             not recorded leaving, shown IN (ROLE says who): a child's collection, or when
                             the visiting party left, is not on the record. On a no-show or a session
                             called off, their departure is still recorded (familytime schedule depart
                             BOOKING --party children|visiting --at HH:MM); on a completed one, find out
                             from who kept the door and tell the coordinator
  disclosure-not-weighed     domestic abuse was disclosed about the family (carried to its referral from
                             another referral of its child) and the safeguarding lead has not weighed it
                             yet: contact other than supervised waits for the lead's risk assessment.
                             Admit nobody from the family (check-in is refused DISCLOSURE_NOT_WEIGHED);
                             the coordinator asks the lead for a risk assessment (familytime safeguarding
                             risk --family). The booking stands: it goes ahead once the lead has assessed
                             the risk, unless a finding of domestic abuse cancels it
  turned-away-at-the-door    the door turned the family's people away because its contact is stopped (a
                             hold, or a disclosure waiting for the lead) while contact could still be held,
                             and let nobody of it in after: the session did not take place. It is not a
                             no-show of either party (refused REFUSED_AT_THE_DOOR): the coordinator records
                             that the centre called it off (familytime schedule cancel BOOKING --by centre),
                             which STATUS then reads "cancelled by centre (contact stopped at the door)"
  children-without-an-adult  the children were recorded inside with none of their adults: the visiting
                             party left a minute or more before them, and whoever brought them only
                             brought them (may not attend); for supervised contact, only the wait after
                             the children's time, when their supervisor's watch ends. While they are
                             inside, a volunteer stays with them (never alone in the shared room) and
                             calls the adult who is to collect them; it stays on the day's record after,
                             for the coordinator to take up with the family. A departure tapped by
                             mistake is corrected (familytime schedule correct BOOKING --departure)
  review-overdue             supported contact, and the family's review was due before this session's
                             date and has not been held: supported contact is reviewed at least every
                             6 months. Admit the family as usual (a review not yet held does not stop
                             a child's contact); tell the coordinator, who holds the review with the
                             family (familytime referral review)
  supervisors-short          supervised contact, and more supervised sessions are under way at once
                             during it (this one counted) than the staff register clears people to
                             supervise that day: a contact supervisor watches one family at a time,
                             so one family would be left unwatched, and its session could never be
                             completed. Do not start a family's contact with no supervisor free to
                             watch it (check-in cautions SUPERVISORS_SHORT); the coordinator records
                             another supervisor (familytime staff add/check) or moves a session
  no-outcome-recorded        the family's time is over and nothing of the session's outcome is recorded:
                             not completed, no party's no-show, not called off. It stays booked and
                             counts as neither attended, a no-show nor cancelled, and a no-show never
                             recorded never counts towards the two that release the place. Record what
                             happened: familytime schedule complete, noshow --party, or cancel --by centre
                             --reason R for a session the centre called off (familytime schedule sessions
                             --from DATE --no-outcome lists the days with such bookings)
  still-inside-after-session the session's time is over (the visiting party was due to leave) and someone
                             is still recorded IN, on a booking still booked (or called off, or a no-show,
                             with someone only checked in). Check whether they are still in the building and record
                             their leaving (familytime schedule depart BOOKING --party children|visiting
                             --at HH:MM); or the coordinator completes the session, which names whoever
                             was never recorded leaving
  family-kept-apart-booked-alongside the family is kept apart from another family of the centre
                             (familytime schedule keep-apart: the same adult in both, an injunction,
                             safety) and both are booked this day at overlapping times, or less than
                             the door's 10 minutes apart (or the longer stagger either family agreed):
                             the pair was recorded after both were booked. Keep the two families apart
                             at the door and in the rooms; the coordinator moves one (familytime
                             schedule reschedule)
  supervised-contact-past-its-time supervised contact, and the children and the visiting party were
                             both still inside a minute or more after the children were due to leave (after
                             a late start, say). Contact is not extended, but while both are inside
                             together the family's contact supervisor must still be with them, and is
                             not free to watch another family. Make sure the supervisor is with them,
                             record each party's leaving as it happens and tell the coordinator; it
                             stays on the day's line once the recorded times show it, after completion too
  service-withdrawn          the booking is for a kind of contact the centre no longer offers (its directory
                             entry changed after the family was booked). The session is not called off by
                             the change: admit the family as booked and tell the coordinator, who decides
                             whether it goes ahead or the family moves on (another centre, a changed
                             arrangement), and calls it off if not (familytime schedule cancel BOOKING --by
                             centre --reason R)

The people expected are named as their family's referral names them (adults, then children),
so that the door admits named persons only: the names come from referral, which records each
reader's first read of a family's names for the day in the family's history ("Names, languages
and the children's needs read for the door's day sheet"). Under them, "To know today" ("To know
on D" for a sheet asked for with --date) gives what the staff with the family must know before it
arrives, as the referral gives it: each child's needs (an allergy, a condition, behaviour) and the
language a person speaks when it is not English, as the referral gives them (decision 325). A later
day's names, languages and needs are given only to staff the register clears on that day too: to
someone whose last day, or whose training, runs out before it, the sheet shows ids, with a note
saying why (NOT_CLEARED, decision 335). Referral names only the families in contact at the centre with a
session booked there that day (cancelled or moved since, or not: the family may still come to the
door): any other (its case closed, not yet ready) is shown by id only, and so is one booked
moments ago, until referral has heard of the booking (read the sheet again). --ids-only shows ids
alone and reads no names (nothing is recorded).

Read by staff on the centre's register that day.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			req, err := daySheetRequest(s.centre, day)
			if err != nil {
				return err
			}
			c, done, err := s.client(cmd)
			if err != nil {
				return err
			}
			defer done()
			resp, err := c.GetDaySheet(cmd.Context(), req)
			if err != nil {
				return s.describe(err)
			}
			if out.json {
				// The whole response, as other commands print theirs: with the day the sheet is
				// of, which the platform chose when --date was left out (review 38).
				return out.one(cmd.OutOrStdout(), resp, nil)
			}
			var names doorNames
			if !idsOnly && len(resp.GetEntries()) > 0 {
				day := resp.GetDate() // the day the service chose when none was given
				if day == nil {
					day = req.GetDate()
				}
				names = s.doorNames(cmd, day, resp.GetEntries())
				if req.GetDate() != nil {
					// A day asked for may be any: the sheet does not say "today" of it (review 60).
					names.on = ymd(day)
				}
			}
			return printDaySheet(cmd.OutOrStdout(), &out, sheetDay(resp, req.GetDate()), resp.GetEntries(), names)
		},
	}
	cmd.Flags().StringVar(&day, "date", "", "the date (default: the centre's today, by the platform's clock)")
	cmd.Flags().BoolVar(&idsOnly, "ids-only", false, "name people by id only: read no names from referral (nothing recorded)")
	out.register(cmd.Flags())
	return cmd
}

// doorNames are the names of the day sheet's people, by person id, as referral gives them to the
// door; note says why there are none, or why some are missing.
type doorNames struct {
	byPerson map[string]*referralv1.DoorName
	note     string
	// on is the sheet's day when it was asked for (--date), which may not be the centre's today;
	// "" when the platform chose its today.
	on string
}

// doorNames reads the names of the people of the day sheet's families from referral
// (GetDoorNames). The day sheet stands without them: a refusal or an error is a note under it,
// never the command's failure, so the door always has its sheet.
func (s *schedule) doorNames(cmd *cobra.Command, day *commonv1.Date, entries []*schedulingv1.DaySheetEntry) doorNames {
	var families []string
	for _, e := range entries {
		if f := e.GetBooking().GetFamilyId(); !slices.Contains(families, f) {
			families = append(families, f)
		}
	}
	cc, err := dial(&s.conn, "referral")
	if err != nil {
		return doorNames{note: "names not shown: " + err.Error()}
	}
	defer cc.Close()
	resp, err := referralv1.NewReferralServiceClient(cc).GetDoorNames(cmd.Context(),
		&referralv1.GetDoorNamesRequest{CentreId: s.centre, FamilyIds: families, Day: day})
	if err != nil {
		return doorNames{note: "names not shown: " + describe(err).Error()}
	}
	out := doorNames{byPerson: map[string]*referralv1.DoorName{}}
	for _, n := range resp.GetNames() {
		out.byPerson[n.GetPersonId()] = n
	}
	if len(resp.GetNotGiven()) > 0 {
		out.note = fmt.Sprintf("%d of the families are shown by id only: not in contact at the centre (their case closed, or not yet ready),"+
			" or booked moments ago and not yet known to referral (read the sheet again)", len(resp.GetNotGiven()))
	}
	return out
}

// printDaySheet prints the morning's bookings in the order people come through the door, then
// the people expected for each booking, by name where the door was given it.
// --json is printed by the command, as the whole response.
func printDaySheet(w io.Writer, out *output, day string, entries []*schedulingv1.DaySheetEntry, names doorNames) error {
	if len(entries) == 0 {
		_, err := fmt.Fprintf(w, "no bookings on %s\n", day)
		return err
	}
	bookings := fmt.Sprintf("%d bookings", len(entries))
	if len(entries) == 1 {
		bookings = "1 booking"
	}
	fmt.Fprintf(w, "Day sheet %s: %s (times are due, then seen)\n\n", day, bookings)
	var rows, people [][]string
	var toKnow []string
	for _, e := range entries {
		b := e.GetBooking()
		in, checked := 0, 0
		for _, p := range e.GetExpected() {
			if p.GetCheckedIn() {
				checked++
			}
			if p.GetInBuilding() {
				in++
			}
			// IN is who is inside now, checked in or not, as the service decides it (review 28: a
			// hold's family inside, arrivals recorded and nobody checked in, read IN no; review 38:
			// a check-in never clears, so IN read yes for a child collected an hour before);
			// CHECKED IN counts check-ins.
			name := "-"
			if n := names.byPerson[p.GetPersonId()]; n != nil {
				name = n.GetFullName()
				if line := knowAbout(n); line != "" {
					toKnow = append(toKnow, fmt.Sprintf("  %s (%s, booking %s): %s", name,
						friendly("PERSON_ROLE_", p.GetRole().String()), b.GetBookingId(), line))
				}
			}
			people = append(people, []string{b.GetBookingId(), friendly("PERSON_ROLE_", p.GetRole().String()), name, p.GetPersonId(),
				mayDo(p), yes(p.GetInBuilding())})
		}
		v, c := b.GetVisiting(), b.GetChildren()
		// The booking in full: the door's commands take it as printed (review 50: the first block
		// alone was refused "must be a valid UUID" by every command, and volunteers read --json).
		rows = append(rows, []string{e.GetRoomName(), b.GetBookingId(), short(b.GetFamilyId()),
			friendly("SERVICE_TYPE_", b.GetServiceType().String()),
			door(v.GetDueTime(), v.GetArrivedAt(), b.GetTimeZone()), door(c.GetDueTime(), c.GetArrivedAt(), b.GetTimeZone()),
			door(c.GetLeaveTime(), c.GetDepartedAt(), b.GetTimeZone()), door(v.GetLeaveTime(), v.GetDepartedAt(), b.GetTimeZone()),
			fmt.Sprintf("%dm", e.GetDoorGapMinutes()), fmt.Sprintf("%d/%d", in, len(e.GetExpected())),
			fmt.Sprintf("%d/%d", checked, len(e.GetExpected())),
			statusWords(b), alertList(e.GetAlerts()) + withdrawnRefusals(e.GetRefusalsWithdrawn())})
	}
	if err := out.table(w, nil, []string{"ROOM", "BOOKING", "FAMILY", "SERVICE", "VISITING IN", "CHILDREN IN", "CHILDREN OUT",
		"VISITING OUT", "GAP", "IN", "CHECKED IN", "STATUS", "ALERTS"}, rows); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nPeople expected (check in by PERSON id):")
	if err := out.table(w, nil, []string{"BOOKING", "ROLE", "NAME", "PERSON", "MAY", "IN"}, people); err != nil {
		return err
	}
	if len(toKnow) > 0 {
		when := "today"
		if names.on != "" {
			when = "on " + names.on
		}
		fmt.Fprintf(w, "\nTo know %s (from the referral, for the staff on duty only):\n", when)
		fmt.Fprintln(w, strings.Join(toKnow, "\n"))
	}
	if names.note != "" {
		_, err := fmt.Fprintln(w, names.note)
		return err
	}
	return nil
}

// knowAbout is what the staff with a person must know today, as the referral gives it: a child's
// needs, and a language spoken other than English; "" when there is neither. The needs are free text of
// up to 4,000 characters: printed whole, as cutting them could cut the part that matters. What a
// self-referral's other parent's application adds for a child (its needs, a language the referral
// does not give) is printed labelled as theirs, after the referral's (decision 337).
func knowAbout(n *referralv1.DoorName) string {
	var parts []string
	needs, other := strings.Join(strings.Fields(n.GetNeeds()), " "), strings.Join(strings.Fields(n.GetNeedsFromOtherApplication()), " ")
	switch {
	case needs != "" && other != "":
		parts = append(parts, "needs: "+needs+"; the other parent's application adds: "+other)
	case needs != "":
		parts = append(parts, "needs: "+needs)
	case other != "":
		parts = append(parts, "needs (the other parent's application): "+other)
	}
	// English goes without saying at a UK centre: a line for every person who speaks it would bury
	// the ones the staff must act on (an interpreter, a child who speaks another language at home).
	if lang := strings.TrimSpace(n.GetLanguage()); lang != "" && !strings.EqualFold(lang, "English") {
		parts = append(parts, "speaks "+lang)
	}
	// The other parent's differs from the referral's: said even when it is English, as the two
	// accounts disagree.
	if lang := strings.TrimSpace(n.GetLanguageFromOtherApplication()); lang != "" {
		parts = append(parts, "the other parent's application says speaks "+lang)
	}
	return strings.Join(parts, "; ")
}

// mayDo is what an adult named for the family may do at the centre: take part in contact
// (attend), bring or collect the children; "-" for a child.
func mayDo(p *schedulingv1.ExpectedPerson) string {
	var may []string
	if p.GetMayAttend() {
		may = append(may, "attend")
	}
	if p.GetMayBring() {
		may = append(may, "bring")
	}
	if p.GetMayCollect() {
		may = append(may, "collect")
	}
	if len(may) == 0 {
		return "-"
	}
	return strings.Join(may, ",")
}

// door is a door time: due, and when seen ("10:15 / 10:22").
func door(due *schedulingv1.LocalTime, seen *timestamppb.Timestamp, zone string) string {
	s := hhmm(due)
	if seen != nil {
		t := seen.AsTime()
		loc, err := time.LoadLocation(zone)
		if err != nil {
			loc = time.UTC
		}
		s += " / " + t.In(loc).Format("15:04")
	}
	return s
}

func (s *schedule) checkin() *cobra.Command {
	var (
		out     output
		request requestID
	)
	cmd := &cobra.Command{
		Use:   "checkin BOOKING_ID PERSON_ID",
		Short: "Check a person in at the door: admitted only if named for the family (a refusal is recorded)",
		Long: `checkin admits a person at the door only if they are named for the family's booking, and records
every attempt by someone of the family, admitted or not. It exits with status 0 when the person is
admitted, 3 when they are refused (the refusal is recorded and printed, with --json as the answer's
"refusal"), and 1 when the check-in could not be made at all (the error says why). An id that is
nobody named for a family at the centre (a typo) is bad input: check it against the PERSON column
of the day sheet. A person of another booking is refused PERSON_OF_ANOTHER_BOOKING (check the
row). Neither records anything. Someone the family's referral names, but not to attend, bring or
collect the children (the MAY column of the day sheet does not list them), is refused
NOT_PERMITTED, recorded: do not admit them, and tell the coordinator. A refusal recorded by mistake is withdrawn with familytime schedule
correct BOOKING_ID --checkin --person PERSON_ID --not-happened --note "why".

A family whose referral carries a disclosure of domestic abuse the safeguarding lead has not
weighed is refused DISCLOSURE_NOT_WEIGHED for contact other than supervised (the day sheet alerts
disclosure-not-weighed): admit nobody, and tell the coordinator, who asks the lead for a risk
assessment. A session called off (a safeguarding hold, a cancellation), or stopped so, while the
children are still inside refuses an adult who may collect them CHILDREN_STILL_INSIDE: they are not let in to the session,
but not turned away either. Bring the children to the door, hand them over, and record who
collected them (familytime schedule depart BOOKING_ID --party children --person ADULT --person
CHILD, each child who came). A booking recorded as a no-show admits nobody: the person is refused
BOOKING_NO_SHOW, recorded as turned away at the door as any refusal, with a line "CAUTION
BOOKING_NO_SHOW: ..." saying the way on: if the party came after all, withdraw the no-show first,
on the day (familytime schedule noshow BOOKING_ID --withdraw), said only when it may be withdrawn,
and otherwise why it stands; one come for the children still inside is answered
CHILDREN_STILL_INSIDE. A completed booking is refused BOOKING_COMPLETED, recorded. Check-in is on the session's day until an hour after the visiting parent is due to
leave, and later only for someone who may collect the children while they are still inside;
anyone else of the family is then refused SESSION_OVER, recorded as turned away at the door as
any refusal, with a line "CAUTION SESSION_OVER: ..." giving the times.

Once the family's case has ended (or its referral was withdrawn), a session whose contact had not
begun by then (nobody of the family had come, or one party only: the children's party without the
visiting party, or the other way round) is refused CASE_ENDED, recorded, with a line "CAUTION
CASE_ENDED: ..." saying the day it ended and who had come: admit nobody, and tell the coordinator
(a session the ending cancelled needs nothing more; one left booked, over before the end, is its
no-show or the centre's call-off). Whoever of the family is inside leaves as they came, and their
departures are recorded: the children go home with their own party (who brought them, or another
adult of theirs named to collect them), and the visiting parent at the door is not answered
CHILDREN_STILL_INSIDE. A session both parties came to before the end goes on: its parties are
admitted, cautioned CASE_ENDED (tell the coordinator if contact must stop: they call it off, or
the lead places a hold), and their departures recorded.

A refusal of someone named for the family says, in a line "CAUTION PARENTS_MAY_MEET: ...", when
the other party is inside (see this party away from the door first, or keep the other inside for
the door's window), left or was turned away at the door less than 10 minutes before (or the
family's longer stagger), or is due within 10 minutes: the parents may meet at the door.

Whoever is at the door, admitted or refused, is cautioned in a line "CAUTION
FAMILY_KEPT_APART_AT_CENTRE: ..." when a family the centre keeps apart from theirs (familytime
schedule keep-apart) has someone inside, left, was turned away at the door or checked in and was
not recorded leaving (one who only brings the children) less than the two bookings' gap before (10
minutes, or a family's longer stagger), or is due at the door within it:
a session running late, or an early arrival. It names that booking, its room and its times, never
its family, its people or why the two are kept apart. Keep the two apart, at the door and inside
(see one through the door before the other comes in or goes out); tell the coordinator if they
meet. The check-in is recorded all the same. Inside is whatever that booking's state: a no-show's
or a called-off session's people are inside until the door records them leaving. Someone of a
no-show (or completed) booking turned away at the door is recorded so, and the door of the family
kept apart is told for the gap after that they may still be outside.

An adult named only to bring the children (not to take part in contact, nor to collect them) is
admitted with the caution BRING_ONLY: they hand the children over and leave; one named only to
collect them, with COLLECT_ONLY: they take the children at the end and leave with them (the other
parent at a handover). Admitted while the
children are inside, one who may bring but not collect is cautioned MAY_NOT_COLLECT: do not hand
the children over to them. A person checked in by mistake is withdrawn with familytime schedule
correct BOOKING_ID --checkin --person PERSON_ID --not-happened.

A person of a supervised family admitted while other supervised sessions overlapping theirs are
under way (someone of theirs checked in or arrived, nobody gone) as many as the staff register
clears people to supervise contact that day is admitted with the caution SUPERVISORS_SHORT: no
cleared supervisor is free to watch this family; its contact does not start unwatched: find one,
or tell the coordinator. On a day the register clears nobody to supervise contact, such a person
is admitted with the caution NO_SUPERVISOR, which gives the commands to put the register right
or call the session off (decision 374).`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := request.value()
			if err != nil {
				return err
			}
			c, done, err := s.client(cmd)
			if err != nil {
				return err
			}
			defer done()
			resp, err := c.CheckIn(cmd.Context(), &schedulingv1.CheckInRequest{CentreId: s.centre, BookingId: args[0], PersonId: args[1], RequestId: id})
			if err != nil {
				return s.describe(err)
			}
			fields := [][2]string{{"person", args[1]}, {"check-in", checkInVerdict(resp, args[0], args[1])}}
			for _, c := range resp.GetCautions() {
				fields = append(fields, [2]string{"CAUTION", c.GetCode() + ": " + c.GetText()})
			}
			noteReplay(cmd, resp)
			if err := out.one(cmd.OutOrStdout(), resp, fields); err != nil {
				return err
			}
			if !resp.GetAdmitted() {
				return &answeredNo{why: "not admitted: " + resp.GetRefusal()}
			}
			return nil
		},
	}
	request.register(cmd.Flags())
	out.register(cmd.Flags())
	return cmd
}

// checkInVerdict is the door's line for a check-in of person at booking: admitted, or refused and
// what to do. A refusal because the family's contact is stopped (a disclosure waiting for the
// lead, a hold) says it is not a no-show, and how the coordinator ends a session that does not go
// ahead (review 37: such a family was recorded as an unexplained no-show, twice, and lost its place),
// as the booking stands: one already cancelled (a hold cancels the family's sessions still to come)
// needs nothing more recorded (review 48 was told to call off a booking already "cancelled by system
// (safeguarding hold)").
func checkInVerdict(resp *schedulingv1.CheckInResponse, booking, person string) string {
	// --reason safeguarding: a session the door stopped takes the call-off without it (its reason is
	// safeguarding then), but this line is printed too for one that was not stopped (turned away
	// ON_HOLD once its time was over), where the centre's call-off needs its reason (decision 359).
	stopped := "; this is not a no-show: do not record one. If the session does not go ahead, the coordinator records that the " +
		"centre called it off (familytime schedule cancel " + booking + " --by centre --reason safeguarding)"
	if b := resp.GetBooking(); b.GetStatus() == schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED {
		stopped = "; this is not a no-show, and the session is already called off (" + statusWords(b) + "): nothing more is " +
			"recorded for it"
	}
	switch {
	case resp.GetRefusal() == "CHILDREN_STILL_INSIDE":
		// Told "do not admit", the door turned away the parent come to take home the
		// children still inside a session a hold called off.
		return "REFUSED (" + resp.GetRefusal() + "): the session is called off, so do not let them in to it; the children are " +
			"still inside: bring them to the door, hand them over to this person, and record who collected them " +
			"(familytime schedule depart " + booking + " --party children --person " + person + " --person CHILD, each child)"
	case resp.GetRefusal() == "DISCLOSURE_NOT_WEIGHED":
		return "REFUSED (" + resp.GetRefusal() + "): do not admit; tell the coordinator, who asks the centre's safeguarding " +
			"lead for a risk assessment of the family (contact other than supervised waits for it)" + stopped
	case resp.GetRefusal() == "SUPPORTED_CONTACT_RULED_OUT":
		// Decision 425: a finding of domestic abuse made once the session had begun.
		return "REFUSED (" + resp.GetRefusal() + "): do not admit; the safeguarding lead's risk assessment found domestic abuse, " +
			"which rules out this kind of contact (supervised contact only); tell the coordinator" + stopped
	case resp.GetRefusal() == "NOT_PERMITTED":
		// Named on the referral, but not to come (review 53 read NOT_NAMED of such a parent).
		return "REFUSED (" + resp.GetRefusal() + "): named on the referral, but not to attend this contact (nor to bring or " +
			"collect the children); do not admit; tell the coordinator"
	case resp.GetRefusal() == "CASE_ENDED":
		// Decisions 346 and 351: the case ended before contact began (nobody came, or one party
		// only); the caution says when, and who had come.
		if resp.GetBooking().GetStatus() == schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED {
			return "REFUSED (" + resp.GetRefusal() + "): do not admit; the family's case has ended, and its ending cancelled this " +
				"session (" + statusWords(resp.GetBooking()) + "): this is not a no-show, and nothing more is recorded for it but " +
				"the departures of anyone of the family still inside"
		}
		return "REFUSED (" + resp.GetRefusal() + "): do not admit; the family's case has ended before contact began at this " +
			"session: tell the coordinator, who records what became of it (the no-show of the party that did not come, only if its " +
			"time was over before the case ended; otherwise familytime schedule cancel " + booking + " --by centre --reason other " +
			"--note \"the case ended\")"
	case resp.GetRefusal() == "BOOKING_NO_SHOW" || resp.GetRefusal() == "BOOKING_COMPLETED":
		// Decision 359: recorded as turned away, as any refusal; the caution of the same code
		// says the way on (withdraw the no-show, hand the children over, why it stands).
		state := "recorded as a no-show"
		if resp.GetRefusal() == "BOOKING_COMPLETED" {
			state = "completed"
		}
		return "REFUSED (" + resp.GetRefusal() + "): do not admit; the booking is " + state + ", so nobody is checked in for " +
			"it (the refusal is recorded): the " + resp.GetRefusal() + " caution says the way on"
	case resp.GetRefusal() == "SESSION_OVER":
		// Decision 372: recorded as turned away, as any refusal; the caution gives the times.
		return "REFUSED (" + resp.GetRefusal() + "): do not admit; the session is over, so nobody is checked in for it (the " +
			"refusal is recorded): the SESSION_OVER caution gives the times"
	case resp.GetRefusal() == "ON_HOLD":
		return "REFUSED (" + resp.GetRefusal() + "): do not admit; a safeguarding hold suspends the family's contact: tell the " +
			"coordinator" + stopped
	case !resp.GetAdmitted():
		return "REFUSED (" + resp.GetRefusal() + "): do not admit; tell the coordinator"
	}
	verdict := "ADMITTED as " + friendly("PERSON_ROLE_", resp.GetRole().String())
	if resp.GetAlreadyCheckedIn() {
		verdict += " (already checked in: nothing new recorded)"
	}
	return verdict
}

func (s *schedule) movement(verb string) *cobra.Command {
	var (
		out        output
		request    requestID
		party      string
		at         string
		people     []string
		othersStay bool
	)
	short := "Record a party's arrival (a late arrival shortens the session, never extends it)"
	long := short + `.

The answer's cautions come first, a line each: "CAUTION PARENTS_MAY_MEET: ..." when the other party
came to the door, or left it, less than 10 minutes before (the family's own stagger where it was
agreed longer than 15 minutes), or is due and not in yet: the children's party before the visiting
parent, for as long as that parent may still come (until the children's time ends, unless a no-show
is recorded). Keep the parents apart. "CAUTION NO_CONTACT_POSSIBLE: ..." when the party came too
late for any contact (the other party had left, or the children's time was over). That arrival is recorded as it happened, "minutes lost" says
"no contact possible", and the party is recorded as a no-show (familytime schedule noshow BOOKING
--party visiting|children). "CAUTION CHILDREN_TAKEN_EARLY: ..." (or VISITING_LEFT_EARLY) instead
when the other party left before this party's 15 minutes' grace ran out, saying when: contact was
cut short by the other party, which is not this party's no-show; the centre records the session
as it decides (familytime schedule cancel). "CAUTION FAMILY_KEPT_APART_AT_CENTRE: ..." when a
family the centre keeps apart from this one has someone inside, just gone, or due at the door within
the two bookings' gap, as at check-in (it names that booking, its room and times only). With
--json, the whole response.`
	if verb == "depart" {
		short = "Record a party's departure (for the children, who collected them; also when a hold called the session off with them inside)"
	}
	if verb == "depart" {
		// Refusing a departure would lose when the party left, not keep them inside: the door
		// records it as it happened and the day sheet alerts what it leaves (decision 213).
		long = short + `.

The visiting party recorded leaving while the children are still inside, with none of their
adults (whoever brought them only brought them), is recorded as it happened: the day sheet alerts
children-without-an-adult (for supervised contact, once the children's time is over and their
supervisor's watch with it). Someone of the centre stays with the children until they are collected.
The departure's answer says so at once: a line "CAUTION CHILDREN_WITHOUT_AN_ADULT: ..." above the
booking (with --json, the whole response, its "cautions" among it), by the day sheet's rule as it
will stand a minute on; recorded after the fact with --at, it says so of a wait the record shows.

"CAUTION PARENTS_MAY_MEET: ..." says until when to keep whom inside, so that the parents do not
meet on the way out (the visiting parent leaves 10-15 minutes after the children, or as the family
agreed): when the other party left less than 10 minutes before, was turned away at the door less
than 10 minutes before (a hold, say: it may still be outside), is still inside in a session called
off (a hold), is due to leave within 10 minutes, or is due to arrive (the visiting parent: while
they may still come); and at a handover, when the children leave with who collected them less than
10 minutes after whoever brought them came to the door (who leaves alone, never recorded leaving,
and may still be outside; the day sheet alerts parents-at-door-together too). A family that agreed
a stagger longer than 15 minutes is kept apart for that long instead of 10. The departure is recorded all the same; one
recorded before the party really left is corrected to its time (familytime schedule correct
--departure --at HH:MM). It is said of a departure recorded as it happens, as an arrival's is.

"CAUTION FAMILY_KEPT_APART_AT_CENTRE: ..." says, as at check-in, that a family the centre keeps
apart from this one has someone inside, left or was turned away less than the two bookings' gap
before, or is due at the door within it: keep this party inside, or the other, until the way is
clear (it names that booking, its room and times only; said of a departure recorded as it happens).

"CAUTION CONTACT_NOT_HELD: ..." says the children left before contact began (before its start, or
before the visiting party came): contact did not take place. Correct an arrival or departure
recorded by mistake (familytime schedule correct), or record the session as not taken place (the
party that did not come is a no-show, or the centre calls it off with familytime schedule cancel).
On a session already called off (a hold) or recorded as a no-show it says so: nothing more is
recorded; the family turned away at the door is the centre's to call off, never a no-show.

"CAUTION SUPERVISED_PAST_ITS_TIME: ..." says supervised contact ran past its time: the children
and the visiting party were both inside after the children were due to leave (after a late start,
say), for the minutes it names. Contact is not extended, but while both are in the building
together the family's contact supervisor must still be with them, and is not free to watch another
family; tell the coordinator. The day sheet alerts supervised-contact-past-its-time.`
	}
	cmd := &cobra.Command{
		Use:   verb + " BOOKING_ID",
		Short: short,
		Long:  long,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := movingParty(party)
			if err != nil {
				return err
			}
			var t *schedulingv1.LocalTime
			if at != "" {
				if t, err = parseClock("at", at); err != nil {
					return err
				}
			}
			id, err := request.value()
			if err != nil {
				return err
			}
			c, done, err := s.client(cmd)
			if err != nil {
				return err
			}
			defer done()
			if verb == "arrive" {
				resp, err := c.RecordArrival(cmd.Context(), &schedulingv1.RecordArrivalRequest{CentreId: s.centre, BookingId: args[0],
					Party: p, Time: t, PersonIds: people, RequestId: id})
				if err != nil {
					return s.describe(err)
				}
				noteReplay(cmd, resp)
				return printArrival(cmd.OutOrStdout(), &out, resp)
			}
			resp, err := c.RecordDeparture(cmd.Context(), &schedulingv1.RecordDepartureRequest{CentreId: s.centre, BookingId: args[0],
				Party: p, Time: t, PersonIds: people, RequestId: id, OthersStay: othersStay})
			if err != nil {
				return s.describe(err)
			}
			noteReplay(cmd, resp)
			return printDeparture(cmd.OutOrStdout(), &out, resp)
		},
	}
	f := cmd.Flags()
	f.StringVar(&party, "party", "", "visiting (the visiting parent) or children (with who brought or collected them)")
	f.StringVar(&at, "at", "", "local time HH:MM on the session's day, from an hour before it opens; an arrival to an hour after the "+
		"visiting parent is due to leave, a departure later (default now, refused over an hour after the session: give the time)")
	f.StringSliceVar(&people, "person", nil, "who came or left (person id; repeat): for visiting, the visiting parent or a relative "+
		"who may attend; for children, who brought or collected them (an adult who may), and the children (a departure names every "+
		"child who came, else CHILD_NOT_ACCOUNTED_FOR, unless --others-stay; a child brought later is recorded by an arrival of "+
		"its own naming them and who brought them; an adult the referral does not name to bring, or collect, them is refused "+
		"MAY_NOT_BRING or MAY_NOT_COLLECT: do not hand the children over to them). The visiting party's departure names "+
		"everyone its arrival named, else VISITING_PARTY_NOT_ACCOUNTED_FOR: it is recorded when the visiting parent leaves")
	if verb == "depart" {
		f.BoolVar(&othersStay, "others-stay", false, "for the children: some of them stay inside and leave later, with a departure of "+
			"their own (children leaving at different times or with different people)")
	}
	_ = cmd.MarkFlagRequired("party")
	_ = cmd.MarkFlagRequired("person")
	request.register(f)
	out.register(f)
	return cmd
}

func (s *schedule) correct() *cobra.Command {
	var (
		out                output
		request            requestID
		party, at          string
		people             []string
		arrival, departure bool
		checkin            bool
		notHappened        bool
		note               string
	)
	cmd := &cobra.Command{
		Use:   "correct BOOKING_ID",
		Short: "Correct a party's arrival or departure, or a check-in, recorded by mistake (the time, who, or not happened at all)",
		Long: `correct puts right a party's arrival or departure recorded by mistake, until the session is completed:
who came or left (--person, the whole list again), the time (--at, with --person), or, with
--not-happened, that it has not happened at all (a departure recorded while the children were still
in the room). Without --at, the time recorded stays: a correction of who collected the children
does not move when they left. A correction naming exactly the people recorded, at the time
recorded, changes nothing and is refused (NOTHING_TO_CORRECT), with nothing recorded. Nothing is
edited: the correction is a record of its own, pointing at the one it corrects, and the family's
history shows both. What it is corrected to follows arrive's and depart's rules; an arrival is
withdrawn only once the party's departure is not recorded (DEPARTURE_RECORDED: correct that first).
After the session is completed its record stands (SESSION_COMPLETED).

A corrected arrival is answered the cautions of the arrival as corrected, printed first as an
arrival's are: "CAUTION NO_CONTACT_POSSIBLE: ..." when, as corrected, the party came too late for
any contact (record its no-show, as the caution says), and PARENTS_MAY_MEET only of a time within
the door's window of now (decision 378).

A check-in recorded by mistake (a wrong tap: someone of another booking, or who did not come) is
withdrawn with --checkin --person PERSON --not-happened (no --party or --at: the check-in's are the
ones recorded): the person is then not IN nor CHECKED IN, their party not taken to have come (its
no-show may be recorded), and the door's cautions read as if the check-in had not been. The right
person is then checked in as usual. It is refused once a departure naming them is recorded after
it (DEPARTURE_RECORDED: correct that departure first, if it was a mistake too), and for a person
not checked in (NOT_CHECKED_IN). An arrival recorded naming them is corrected of its own (--arrival).

A refusal recorded by mistake (taken before a mistyped id or another booking's row was refused as
bad input, or the wrong person's refusal) is withdrawn the same way, for a person refused and not
checked in: --checkin --person PERSON --not-happened --note "why" (ids, no names). The refusal
stays in the family's history with the withdrawal pointing at it, and the day sheet no longer
alerts check-in-refused for it. A refusal of someone named for the family because its contact was
stopped (ON_HOLD, DISCLOSURE_NOT_WEIGHED) stands (REFUSAL_STANDS). --note goes with --checkin only.`,
		Example: `  familytime schedule correct $BOOKING --centre $CENTRE --departure --party children --not-happened
  familytime schedule correct $BOOKING --centre $CENTRE --arrival --party children --at 10:15 --person $ESCORT --person $CHILD
  familytime schedule correct $BOOKING --centre $CENTRE --checkin --person $PERSON --not-happened
  familytime schedule correct $BOOKING --centre $CENTRE --checkin --person PERSON --not-happened --note "typed the wrong row's id"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if checkin {
				return s.correctCheckIn(cmd, &out, &request, args[0], people, notHappened, party != "" || at != "", note)
			}
			if note != "" {
				return fmt.Errorf("--note goes with --checkin: it says why a refusal at the door is withdrawn")
			}
			if party == "" {
				return fmt.Errorf("give the --party whose movement is corrected: visiting or children (or --checkin to correct a check-in)")
			}
			p, err := movingParty(party)
			if err != nil {
				return err
			}
			req := &schedulingv1.CorrectMovementRequest{CentreId: s.centre, BookingId: args[0], Party: p, PersonIds: people, NotHappened: notHappened}
			switch {
			case arrival:
				req.Movement = schedulingv1.Movement_MOVEMENT_ARRIVAL
			case departure:
				req.Movement = schedulingv1.Movement_MOVEMENT_DEPARTURE
			default:
				return fmt.Errorf("give which movement is corrected: --arrival or --departure (or --checkin for a check-in)")
			}
			switch {
			case notHappened && (at != "" || len(people) > 0):
				return fmt.Errorf("--not-happened is given alone: a movement that has not happened has no --at or --person")
			case !notHappened && len(people) == 0:
				return fmt.Errorf("give who came or left (--person, the whole list again), or --not-happened")
			}
			if at != "" {
				if req.Time, err = parseClock("at", at); err != nil {
					return err
				}
			}
			if req.RequestId, err = request.value(); err != nil {
				return err
			}
			c, done, err := s.client(cmd)
			if err != nil {
				return err
			}
			defer done()
			resp, err := c.CorrectMovement(cmd.Context(), req)
			if err != nil {
				return s.describe(err)
			}
			if !out.json {
				// A corrected arrival's cautions, first, as an arrival's (decision 378).
				for _, c := range resp.GetCautions() {
					fmt.Fprintf(stdout(cmd), "CAUTION %s: %s\n", c.GetCode(), c.GetText())
				}
			}
			return answerBooking(cmd, &out, resp, resp.GetBooking(), nil)
		},
	}
	f := cmd.Flags()
	f.StringVar(&party, "party", "", "visiting (the visiting parent) or children (with who brought or collected them)")
	f.BoolVar(&arrival, "arrival", false, "correct the party's arrival")
	f.BoolVar(&departure, "departure", false, "correct the party's departure")
	f.StringVar(&at, "at", "", "when it happened, local time HH:MM on the session's day, as for arrive and depart "+
		"(default: the time recorded stays)")
	f.StringSliceVar(&people, "person", nil, "who came or left (person id; repeat), the whole list again, as for arrive and depart")
	f.BoolVar(&checkin, "checkin", false, "correct a person's check-in (--person, the one checked in by mistake, and --not-happened)")
	f.BoolVar(&notHappened, "not-happened", false, "it has not happened: it was recorded by mistake")
	f.StringVar(&note, "note", "", "with --checkin, for a refusal withdrawn: why it was recorded by mistake (ids, no names)")
	cmd.MarkFlagsMutuallyExclusive("arrival", "departure", "checkin")
	request.register(f)
	out.register(f)
	return cmd
}

// correctCheckIn withdraws person's check-in at booking as not having happened (correct
// --checkin); partyOrTime: --party or --at was given, which a check-in's correction does not take.
func (s *schedule) correctCheckIn(cmd *cobra.Command, out *output, request *requestID, booking string, people []string, notHappened, partyOrTime bool, note string) error {
	switch {
	case partyOrTime:
		return fmt.Errorf("--checkin takes no --party or --at: the check-in's party and time are the ones recorded")
	case len(people) == 0:
		return fmt.Errorf("give the --person checked in by mistake (with --checkin)")
	case len(people) > 1:
		return fmt.Errorf("--person names one person with --checkin: correct each check-in of its own")
	case !notHappened:
		return fmt.Errorf("give --not-happened: a check-in is corrected only as not having happened (withdraw it, then check in the right person)")
	}
	id, err := request.value()
	if err != nil {
		return err
	}
	c, done, err := s.client(cmd)
	if err != nil {
		return err
	}
	defer done()
	resp, err := c.CorrectCheckIn(cmd.Context(), &schedulingv1.CorrectCheckInRequest{CentreId: s.centre, BookingId: booking,
		PersonId: people[0], NotHappened: true, Note: note, RequestId: id})
	if err != nil {
		return s.describe(err)
	}
	noteReplay(cmd, resp)
	var extra [][2]string
	if r := resp.GetRefusalWithdrawn(); r != "" {
		extra = [][2]string{{"withdrawn", "the refusal (" + r + ") of " + people[0] + ", recorded by mistake: nobody was turned away"}}
	}
	return printBookingResponse(cmd.OutOrStdout(), out, resp, resp.GetBooking(), extra)
}

func (s *schedule) complete() *cobra.Command {
	var (
		out          output
		request      requestID
		supervisedBy string
	)
	cmd := &cobra.Command{
		Use:   "complete BOOKING_ID",
		Short: "Record that a session took place (a supervised session: by its supervisor, with their own token)",
		Long: `complete records that a session took place, once it has: both parties arrived, and the session over
or the children's departure recorded. A supervised session is completed by its supervisor, signed
in as themselves: the supervisor recorded is the account of the token in use (its subject), which
must be on the centre's staff register as a contact supervisor or the safeguarding lead, cleared
on the session's date (DBS-checked, and trained within the year; see familytime staff list --centre
C --on DATE), or it is refused, saying why (SUPERVISOR_NOT_CLEARED). --supervised-by may name that
account; naming anyone else (a colleague who supervised) is refused (SUPERVISOR_NOT_CALLER): they
complete the session with their own token. A supported session records who supervised too: the
token's account, or --supervised-by a colleague on the staff register cleared that day (anyone
else is refused, NOT_CLEARED). A session in which the children and the visiting parent were never
together in its time held no contact and is not completed (NO_CONTACT_HELD): cancel it.
A handover has no visiting party: it is completed once the children were brought and collected
by someone other than who brought them (NOT_HANDED_OVER until then), and its visiting party's
no-show is refused (NO_VISITING_PARTY).

Everyone recorded coming is recorded leaving first (PEOPLE_INSIDE names who, by role and id):
the children, with who collected them, and the visiting party (familytime schedule depart
BOOKING_ID --party children|visiting --person ..., --at HH:MM for the time it happened). Once a
completed session takes no departure, so its record would be lost. After an hour has passed since
the visiting parent was due to leave, a session whose people nobody saw leave is completed all the
same, and "never recorded leaving" names them, the children and the visiting party apart: the day
sheet alerts it (never-recorded-leaving).`,
		Example: `  familytime schedule complete $BOOKING --centre $CENTRE
  familytime schedule complete $BOOKING --centre $CENTRE --supervised-by sup-017   # the token is sup-017's`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := accountFlag("supervised-by", supervisedBy); err != nil {
				return err
			}
			id, err := request.value()
			if err != nil {
				return err
			}
			c, done, err := s.client(cmd)
			if err != nil {
				return err
			}
			defer done()
			resp, err := c.CompleteSession(cmd.Context(), &schedulingv1.CompleteSessionRequest{CentreId: s.centre, BookingId: args[0],
				SupervisedBy: supervisedBy, RequestId: id})
			if err != nil {
				return s.describe(err)
			}
			extra := [][2]string{{"minutes held", fmt.Sprint(resp.GetMinutesHeld())}}
			if len(resp.GetNeverRecordedLeaving()) > 0 {
				extra = append(extra, [2]string{"never recorded leaving", neverRecordedLeavingWords(resp)})
			}
			noteReplay(cmd, resp)
			return printBookingResponse(cmd.OutOrStdout(), &out, resp, resp.GetBooking(), extra)
		},
	}
	cmd.Flags().StringVar(&supervisedBy, "supervised-by", "", "who supervised: the account of the token in use, its default (the "+
		"supervisor completes their own session); another account is refused")
	request.register(cmd.Flags())
	out.register(cmd.Flags())
	return cmd
}

// neverRecordedLeavingWords says whose leaving a completion left off the record: the children
// (who collected them) and the visiting party (when they left) apart, as the response names them.
// Review 28 was told "who collected the children is not on the record" when the children's
// collection was recorded and only the visiting parent's leaving was not (decisions.md 198). A
// server that does not split them is answered with its ids alone.
func neverRecordedLeavingWords(resp *schedulingv1.CompleteSessionResponse) string {
	const tell = "; find out from who kept the door and tell the coordinator"
	children, visiting := resp.GetNeverRecordedLeavingChildren(), resp.GetNeverRecordedLeavingVisiting()
	if len(children) == 0 && len(visiting) == 0 {
		return strings.Join(resp.GetNeverRecordedLeaving(), ", ") + ": their leaving is not on the record" + tell
	}
	var who []string
	if len(children) > 0 {
		who = append(who, "the children "+strings.Join(children, ", ")+": who collected them is not on the record")
	}
	if len(visiting) > 0 {
		who = append(who, "the visiting party "+strings.Join(visiting, ", ")+": when they left is not on the record")
	}
	return strings.Join(who, "; ") + tell
}

// movingParty is an arrival's, departure's or correction's --party: visiting or children; both is
// a no-show's only (decision 406).
func movingParty(party string) (schedulingv1.Party, error) {
	p, err := parseEnum[schedulingv1.Party]("party", party, "PARTY_", schedulingv1.Party_value)
	if err == nil && p == schedulingv1.Party_PARTY_BOTH {
		return 0, fmt.Errorf("--party both is for a no-show only (neither came): an arrival or a departure is the visiting party's " +
			"or the children's, each recorded on its own")
	}
	return p, err
}

func (s *schedule) noshow() *cobra.Command {
	var (
		out         output
		request     requestID
		party       string
		explained   bool
		explanation string
		withdraw    bool
	)
	cmd := &cobra.Command{
		Use:   "noshow BOOKING_ID",
		Short: "Record that a party did not come, from 15 minutes after they were due (two unexplained no-shows release the family's place)",
		Long: `noshow records that a party did not come: --party visiting (the visiting parent) or children (the
children and whoever brings them), or both when neither came (one no-show of the session, counted
once towards releasing the place, each party checked as its own would be: decision 406), from 15
minutes after they were due, or from when they were due
with --explanation (the family gave a reason the centre accepts: say it, in words; --explained
alone is refused). The explanation is kept sealed with the family's key, like every note about a
family, and never shown in the family's history, which says "explained". An unexplained no-show
takes none. Two unexplained no-shows release
the family's place: its later sessions there are cancelled and the place is offered to the first
family waiting. The no-show that would release the place is recorded only once the party can no
longer come, from when the children's contact was due to end, even when the other party is
recorded leaving earlier (that departure may yet be corrected as a mis-tap): before then it is
refused (MAY_STILL_COME), since a late start runs for the time left and a no-show that released
the place is never withdrawn. One that does not release the place is
recorded from 15 minutes late, and withdrawn if the party comes. A no-show recorded late, after
the family attended a later session, is counted
but does not release the place (the family came back; "place kept" says when): the next
unexplained no-show does. The case stays open: the coordinator books the family again, puts it back on the
waiting list, or ends the case (familytime referral end --help).

A party that came is not a no-show (PARTY_ARRIVED): one whose arrival is recorded, or one of whom
someone was admitted at the door (the visiting parent for the visiting party; a child for the
children's). Record its arrival instead (familytime schedule arrive). The exception is a party
that came late and too late for any contact: after the other party had left, or once the
children's time was over (its arrival answered CAUTION NO_CONTACT_POSSIBLE). It did not come in
time, and is recorded as a no-show like one that never came, counted towards releasing the place
unless --explained. But when the other party left before this party's 15 minutes' grace ran out
(its arrival answered CAUTION CHILDREN_TAKEN_EARLY or VISITING_LEFT_EARLY), the other party cut
the contact short: this party's no-show is refused (CONTACT_CUT_SHORT), and the centre records
the session as it decides (familytime schedule cancel, saying who called it off).

A family the door turned away because its contact is stopped (check-in refused ON_HOLD, or
DISCLOSURE_NOT_WEIGHED while a disclosure waits for the safeguarding lead) is no no-show either,
explained or not, of either party: nobody of it would have been let in (REFUSED_AT_THE_DOOR). So
long as the refusal came while contact could still be held and nobody of the family was let in
after (the day sheet alerts turned-away-at-the-door), the session did not take place by the
centre's rule, and never counts towards releasing the place: the coordinator records that the
centre called it off (familytime schedule cancel BOOKING_ID --by centre). Someone named but not to
come, turned away (NOT_PERMITTED), is no sign that the family came.

A no-show recorded by mistake (the party came after all, late) is withdrawn with --withdraw, on
the session's day before its contact was due to end: the booking is booked again, for their
arrival to be recorded, and it no longer counts towards releasing the place. One that released the
place stands (PLACE_RELEASED: a coordinator books the family again), as does one of another day
(NO_SHOW_STANDS).`,
		Example: `  familytime schedule noshow $BOOKING --centre $CENTRE --party visiting
  familytime schedule noshow $BOOKING --centre $CENTRE --party children --explanation "rang at 9: the child has a fever"
  familytime schedule noshow $BOOKING --centre $CENTRE --withdraw   # they came after all`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if withdraw && (party != "" || explained || explanation != "") {
				return fmt.Errorf("--withdraw is given alone: the no-show withdrawn is the booking's own, with its party")
			}
			if explanation != "" {
				explained = true
			}
			if explained && strings.TrimSpace(explanation) == "" {
				return fmt.Errorf("an explained no-show says why: give --explanation with the family's reason the centre accepts, in words")
			}
			var p schedulingv1.Party
			if !withdraw {
				if party == "" {
					return fmt.Errorf("give the --party that did not come: visiting or children (or --withdraw a no-show recorded by mistake)")
				}
				var err error
				if p, err = parseEnum[schedulingv1.Party]("party", party, "PARTY_", schedulingv1.Party_value); err != nil {
					return err
				}
			}
			id, err := request.value()
			if err != nil {
				return err
			}
			c, done, err := s.client(cmd)
			if err != nil {
				return err
			}
			defer done()
			if withdraw {
				resp, err := c.WithdrawNoShow(cmd.Context(), &schedulingv1.WithdrawNoShowRequest{CentreId: s.centre, BookingId: args[0], RequestId: id})
				if err != nil {
					return s.describe(err)
				}
				noteReplay(cmd, resp)
				return printBookingResponse(cmd.OutOrStdout(), &out, resp, resp.GetBooking(), [][2]string{{"unexplained no-shows", fmt.Sprint(resp.GetUnexplainedNoShows())}})
			}
			resp, err := c.RecordNoShow(cmd.Context(), &schedulingv1.RecordNoShowRequest{CentreId: s.centre, BookingId: args[0],
				Party: p, Explained: explained, Explanation: explanation, RequestId: id})
			if err != nil {
				return s.describe(err)
			}
			warnOnStderr(cmd, resp.GetNoPlaceToOffer())
			noteReplay(cmd, resp)
			return printNoShow(cmd.OutOrStdout(), &out, resp)
		},
	}
	cmd.Flags().StringVar(&party, "party", "", "visiting, children, or both when neither came")
	cmd.Flags().BoolVar(&explained, "explained", false, "the family gave a reason the centre accepts (needs --explanation)")
	cmd.Flags().StringVar(&explanation, "explanation", "", "the family's reason the centre accepts, in words (an explained no-show); kept sealed")
	cmd.Flags().BoolVar(&withdraw, "withdraw", false, "withdraw the booking's no-show recorded by mistake (on the session's day)")
	request.register(cmd.Flags())
	out.register(cmd.Flags())
	return cmd
}

// printNoShow prints a recorded no-show: under --json the whole response, since a script needs
// the count, the release, the family offered the place and what kept it as much as the booking
// (review 25: only the booking was printed); as a table, the booking with them.
func printNoShow(w io.Writer, out *output, resp *schedulingv1.RecordNoShowResponse) error {
	extra := [][2]string{{"unexplained no-shows", fmt.Sprint(resp.GetUnexplainedNoShows())}, {"place released", yes(resp.GetPlaceReleased())}}
	if resp.GetOfferedToFamilyId() != "" {
		extra = append(extra, [2]string{"offered to family", resp.GetOfferedToFamilyId()})
	}
	if kept := resp.GetPlaceKeptAttendedOn(); kept != nil {
		extra = append(extra, [2]string{"place kept", "the family attended on " + ymd(kept) +
			", after this session: the no-show counts, and the next unexplained one releases the place"})
	}
	return printBookingResponse(w, out, resp, resp.GetBooking(), extra)
}

func (s *schedule) waitlist() *cobra.Command {
	cmd := &cobra.Command{Use: "waitlist", Short: "The centre's waiting list: list it, offer a place, put a known family back on it",
		Long: `waitlist keeps the centre's waiting list. A family joins it when referral waitlists it
(familytime referral waitlist): scheduling puts it on the list itself. list shows it in order;
offer offers a place from the list; join puts back a family scheduling knows at the centre (e.g.
after its place was released).`}
	var (
		out, outOffer         output
		request, requestOffer requestID
		family, service       string
		offerFamily           string
		outOfTurn             string
		pattern, room         string
	)
	join := &cobra.Command{
		Use:   "join",
		Short: "Put a family the centre knows back on the waiting list (referral waitlist puts new ones on it)",
		Long: `join puts back on the centre's waiting list a family scheduling knows at the centre: one referral
waitlisted or accepted there, or made ready for contact there, e.g. after its regular place was
released. A new family joins the list when referral waitlists it (familytime referral waitlist),
not here. An unknown family, or one of another centre, is not found; one whose case ended or whose
referral was withdrawn or declined is refused, and so is one with a session still to come
(IN_CONTACT: it has a place; cancel its sessions first if it is to wait for another). A family
booked a session leaves the list by itself. A family under a safeguarding hold may join and
keeps its place, but is offered no place until the hold is lifted. A family that declines a place
offered to it is put back here: it goes back to its place in the queue (its first joined date
orders it), not to the end, when it waits for the same kind of contact, which it does unless
--service names another; put back for another kind, it joins at the end, as a new join, since its
place was kept for the kind it waited for. A family accepted by referral while holding an offer
declines it the same way, back at its place; once its offer has lapsed it joins at the end, as
any accepted family put on the list. Without --service a family holding no offer waits for the
kind its referral was accepted or waitlisted for. A family accepted, or made ready, waits only
for the kind it was accepted for, the only kind it can be booked for: --service naming another is
refused (NOT_THE_KIND_ACCEPTED, decision 422); a family only waitlisted may be put on the list for
another kind. A centre whose accreditation is suspended or
lapsed puts no family on its list (CENTRE_SUSPENDED, CENTRE_ACCREDITATION_LAPSED, as referral
waitlist is refused there); a family declining a place offered to it still goes back to its place.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var st commonv1.ServiceType // unset: the kind it waited for (the service decides)
			if service != "" {
				var err error
				if st, err = parseEnum[commonv1.ServiceType]("service", service, "SERVICE_TYPE_", commonv1.ServiceType_value); err != nil {
					return err
				}
			}
			id, err := request.value()
			if err != nil {
				return err
			}
			c, done, err := s.client(cmd)
			if err != nil {
				return err
			}
			defer done()
			resp, err := c.JoinWaitingList(cmd.Context(), &schedulingv1.JoinWaitingListRequest{CentreId: s.centre, FamilyId: family,
				ServiceType: st, RequestId: id})
			if err != nil {
				return s.describe(err)
			}
			noteReplay(cmd, resp)
			return out.one(cmd.OutOrStdout(), resp, [][2]string{{"family", family}, {"position", fmt.Sprint(resp.GetPosition())}})
		},
	}
	join.Flags().StringVar(&family, "family", "", "the family (UUID)")
	join.Flags().StringVar(&service, "service", "", "the kind of contact it waits for; default: the kind it waited for when offered a place, else the kind its referral was for")
	_ = join.MarkFlagRequired("family")
	request.register(join.Flags())
	out.register(join.Flags())
	offer := &cobra.Command{
		Use:   "offer",
		Short: "Offer a place (a pattern's room) to the first family waiting that may take it, or to --family",
		Long: `offer offers a place, a pattern's room, to the first family on the centre's waiting list that may
take it, or to the family named with --family. A family is passed over (and refused by name) while
a safeguarding hold suspends its contact (ON_HOLD), while a domestic-abuse finding rules out the
supported contact it waits for (SUPPORTED_CONTACT_RULED_OUT), while a disclosure of domestic
abuse carried to its referral waits for the safeguarding lead's risk assessment
(DISCLOSURE_NOT_WEIGHED, for any kind but supervised), while it has a session still to
come (IN_CONTACT), and when it waits for supervised contact and the room is not suitable for it
(ROOM_NOT_SUITABLE_FOR_SUPERVISED). The family offered the place leaves the list while the offer
stands, a week, and is offered no other meanwhile (OFFER_STANDS): accept it in referral if it is
waitlisted there (familytime referral accept), and book it into the place once it is ready; or, if
it declines, put it back with join, which returns it to its place in the queue. Accepting the
family does not give the place away: the place stays held for it for the rest of the week (the
place is not offered again, PLACE_ON_OFFER), until it is booked, declines, or its case ends. Nor
is it booked for another family meanwhile: book refuses it PLACE_ON_OFFER. An
offer nobody answers lapses after the week, and the family is back at its place by itself; a
family accepted meanwhile is not back (it is accepted, not waiting) and the place is free to
offer. list shows who holds an offer and until when.

A place is offered to no more families at once than it takes (PLACE_ON_OFFER, saying when the
first standing offer lapses): one for a room for one family or for supervised contact, which has
the room to itself; the room's capacity otherwise. It is offered only when a session of the
pattern still to come (not begun, by the platform's clock, and up to 12 months ahead) has a place
free in the room for the family, not booked nor offered to another family already (for
supervised contact, the room free of any other family); the answer says the first date with one
("first free place on"). Otherwise it is refused (NO_PLACE), saying whether the room is full in
every session still to come or the pattern has none to come, and the families stay waiting. A family whose arrangement (its session with
the parents' stagger) does not fit the pattern's opening session is passed over, and refused by
name (SESSION_TOO_SHORT): it could not be booked into the place.

A family named with --family goes before families that have waited longer for the same kind of
contact and could take the place only with --out-of-turn, saying why (OUT_OF_TURN names how many
it would pass over); the offer records how many it passed over and why, and the family's history
says so. Without --family the place goes to the first in turn.

A centre whose accreditation is suspended or lapsed offers no place (CENTRE_SUSPENDED,
CENTRE_ACCREDITATION_LAPSED): referral accepts no family there. Families accepted already are
still booked; a place two unexplained no-shows release there is freed and offered to nobody, and
noshow says so.`,
		Example: `  familytime schedule waitlist offer --centre $CENTRE --pattern $PATTERN --room $ROOM
  familytime schedule waitlist offer --centre $CENTRE --pattern $PATTERN --room $ROOM --family $FAMILY
  familytime schedule waitlist offer --centre $CENTRE --pattern $PATTERN --room $ROOM --family $FAMILY --out-of-turn court-timescale`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			id, err := requestOffer.value()
			if err != nil {
				return err
			}
			req := &schedulingv1.OfferPlaceRequest{CentreId: s.centre, PatternId: pattern, RoomId: room, FamilyId: offerFamily, RequestId: id}
			if outOfTurn != "" {
				if offerFamily == "" {
					return fmt.Errorf("--out-of-turn goes with --family: without it the place goes to the first in turn")
				}
				if req.OutOfTurnReason, err = parseEnum[schedulingv1.OutOfTurnReason]("out-of-turn", outOfTurn, "OUT_OF_TURN_REASON_", schedulingv1.OutOfTurnReason_value); err != nil {
					return err
				}
			}
			c, done, err := s.client(cmd)
			if err != nil {
				return err
			}
			defer done()
			resp, err := c.OfferPlace(cmd.Context(), req)
			if err != nil {
				return s.describe(err)
			}
			noteReplay(cmd, resp)
			return outOffer.one(cmd.OutOrStdout(), resp, [][2]string{{"offered to family", resp.GetFamilyId()},
				{"first free place on", ymd(resp.GetFirstFreeOn())}})
		},
	}
	offer.Flags().StringVar(&pattern, "pattern", "", "the pattern of the place (UUID)")
	offer.Flags().StringVar(&room, "room", "", "the room of the place (UUID)")
	offer.Flags().StringVar(&offerFamily, "family", "", "the family to offer it to (default: the first waiting)")
	offer.Flags().StringVar(&outOfTurn, "out-of-turn", "", "why --family goes before families that waited longer: "+
		enumNamesOf("OUT_OF_TURN_REASON_", schedulingv1.OutOfTurnReason_value)+"; recorded with the offer")
	_ = offer.MarkFlagRequired("pattern")
	_ = offer.MarkFlagRequired("room")
	requestOffer.register(offer.Flags())
	outOffer.register(offer.Flags())
	var outList output
	list := &cobra.Command{
		Use:   "list",
		Short: "The centre's waiting list, first first, with who an offer passes over now and why",
		Long: `list shows the centre's waiting list in order: each family, the kind of contact it waits for, the
day it joined, and, when an offer would pass it over now, why (on-hold: a safeguarding hold
suspends its contact; supported-contact-ruled-out: a domestic-abuse finding;
disclosure-not-weighed: a disclosure of domestic abuse waits for the lead's risk assessment;
not-at-the-centre: indirect or virtual contact, which is not booked into a room (decision 324);
in-contact: a session still to come). offer offers a place to the first family not passed over (and, for a room not
suitable for supervised contact, not waiting for supervised contact). After the families waiting
come those holding a place offered (STATUS offered, no position): when it was offered, when it
lapses and the place; a family whose offer lapses is back at its place among those waiting,
unless referral accepted it while the offer stood (the place is held for it until the lapse, and
the family is not back after it).`,
		Example: `  familytime schedule waitlist list --centre $CENTRE`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, done, err := s.client(cmd)
			if err != nil {
				return err
			}
			defer done()
			resp, err := c.ListWaitingList(cmd.Context(), &schedulingv1.ListWaitingListRequest{CentreId: s.centre})
			if err != nil {
				return s.describe(err)
			}
			if len(resp.GetFamilies()) == 0 && !outList.json {
				_, err := fmt.Fprintln(cmd.OutOrStdout(), "nobody is waiting")
				return err
			}
			// The centre's wall clock, as the list's dates are the centre's (scheduling's default zone).
			loc, err := time.LoadLocation("Europe/London")
			if err != nil {
				loc = time.UTC
			}
			msgs := make([]proto.Message, 0, len(resp.GetFamilies()))
			rows := make([][]string, 0, len(resp.GetFamilies()))
			for _, f := range resp.GetFamilies() {
				pos, passed, offer := fmt.Sprint(f.GetPosition()), "-", "waiting"
				if f.GetPassedOver() != "" {
					passed = strings.ToLower(strings.ReplaceAll(f.GetPassedOver(), "_", "-"))
				}
				if f.GetOffered() {
					pos = "-"
					offer = "offered " + f.GetOfferedAt().AsTime().In(loc).Format("2006-01-02 15:04") +
						", lapses " + f.GetLapsesAt().AsTime().In(loc).Format("2006-01-02 15:04") +
						" (pattern " + f.GetOfferedPatternId() + ", room " + f.GetOfferedRoomId() + ")"
				}
				msgs = append(msgs, f)
				rows = append(rows, []string{pos, f.GetFamilyId(), friendly("SERVICE_TYPE_", f.GetServiceType().String()),
					ymd(f.GetJoinedOn()), passed, offer})
			}
			return outList.table(cmd.OutOrStdout(), msgs, []string{"#", "FAMILY", "WAITS FOR", "JOINED", "PASSED OVER", "STATUS"}, rows)
		},
	}
	outList.register(list.Flags())
	cmd.AddCommand(list, join, offer)
	return cmd
}

// printBookingResponse prints the response of a command that carries a booking and something
// beside it (minutes lost or held, a count): under --json the whole response, so a script reads
// what the table shows beside the booking (review 25: only the booking was printed); as a table,
// the booking with extra.
// printArrival prints an arrival's answer: each caution first, on a line of its own, as a
// departure's, then the booking with the minutes lost; when no contact is possible they say so
// (review 36 read "minutes lost: 40" for a parent who came after the children had gone home).
func printArrival(w io.Writer, out *output, resp *schedulingv1.RecordArrivalResponse) error {
	if !out.json {
		for _, c := range resp.GetCautions() {
			if _, err := fmt.Fprintf(w, "CAUTION %s: %s\n", c.GetCode(), c.GetText()); err != nil {
				return err
			}
		}
	}
	lost := fmt.Sprint(resp.GetMinutesLost())
	if resp.GetNoContactPossible() {
		lost = fmt.Sprintf("all %d: no contact possible", resp.GetMinutesLost())
	}
	return printBookingResponse(w, out, resp, resp.GetBooking(), [][2]string{{"minutes lost", lost}})
}

// printDeparture prints a departure's answer: each caution first, on a line of its own
// ("CAUTION CODE: what to do"), above the booking, so that the door reads it as the visiting party
// walks out (decision 213 left it to the day sheet); --json is the whole response, cautions and all.
func printDeparture(w io.Writer, out *output, resp *schedulingv1.RecordDepartureResponse) error {
	if !out.json {
		for _, c := range resp.GetCautions() {
			if _, err := fmt.Fprintf(w, "CAUTION %s: %s\n", c.GetCode(), c.GetText()); err != nil {
				return err
			}
		}
	}
	return printBookingResponse(w, out, resp, resp.GetBooking(), nil)
}

func printBookingResponse(w io.Writer, out *output, resp proto.Message, b *schedulingv1.Booking, extra [][2]string) error {
	if out.json {
		return out.one(w, resp, nil)
	}
	return printBooking(w, out, b, extra)
}

func printBooking(w io.Writer, out *output, b *schedulingv1.Booking, extra [][2]string) error {
	return out.one(w, b, bookingFields(b, extra))
}

// answerBooking prints a scheduling command's answer a that shows booking b, with extra, as
// printBooking does, saying a retry's answer was recorded before (printAnswer, decision 294).
func answerBooking(cmd *cobra.Command, out *output, a commandAnswer, b *schedulingv1.Booking, extra [][2]string) error {
	return printAnswer(cmd, out, a, b, bookingFields(b, extra))
}

// bookingFields are a booking's fields as printBooking prints them, then extra.
func bookingFields(b *schedulingv1.Booking, extra [][2]string) [][2]string {
	v, c := b.GetVisiting(), b.GetChildren()
	fields := [][2]string{{"booking", b.GetBookingId()}, {"family", b.GetFamilyId()}, {"date", ymd(b.GetDate())},
		{"room", b.GetRoomId()}, {"service", friendly("SERVICE_TYPE_", b.GetServiceType().String())},
		{"visiting parent", door(v.GetDueTime(), v.GetArrivedAt(), b.GetTimeZone()) + " to " + door(v.GetLeaveTime(), v.GetDepartedAt(), b.GetTimeZone())},
		{"children", door(c.GetDueTime(), c.GetArrivedAt(), b.GetTimeZone()) + " to " + door(c.GetLeaveTime(), c.GetDepartedAt(), b.GetTimeZone())},
		{"status", friendly("BOOKING_STATUS_", b.GetStatus().String())}}
	if b.GetStatus() == schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED {
		why := reasonWords(b.GetCancellationReason())
		switch by := b.GetCancelledBy(); {
		case calledOffByTheCentre(b):
			why = callOffWords(b.GetCallOffReason())
		case by != schedulingv1.CancelledBy_CANCELLED_BY_SYSTEM && by != schedulingv1.CancelledBy_CANCELLED_BY_CENTRE:
			// Late is a parent's or the referrer's short notice: the system (a hold, a released
			// place) gives none (review 36 read "hold (late: under 48 hours' notice)"), nor does
			// the centre, also on a cancellation recorded late before decision 284.
			why += lateWord(b.GetCancelledLate())
		}
		fields = append(fields, [2]string{"cancelled", why})
		if by := b.GetCancelledBy(); by != schedulingv1.CancelledBy_CANCELLED_BY_UNSPECIFIED {
			fields = append(fields, [2]string{"cancelled by", friendly("CANCELLED_BY_", by.String())})
			// Notice is what a family or the centre gave; the system (a hold, a released place)
			// gives none, and a hold placed with the family inside is no late cancellation.
			// Nor does the centre calling off a session its rule stopped at the door (review 37).
			// The centre's call-off says the notice the family was given, not a notice of its own.
			switch {
			case calledOffByTheCentre(b):
				fields = append(fields, [2]string{"family told", noticeWords(b.GetNoticeMinutes(), b.GetNoticeTo())})
			case by != schedulingv1.CancelledBy_CANCELLED_BY_SYSTEM &&
				b.GetCancellationReason() != schedulingv1.CancellationReason_CANCELLATION_REASON_CONTACT_STOPPED:
				fields = append(fields, [2]string{"notice", noticeWords(b.GetNoticeMinutes(), b.GetNoticeTo())})
			}
		}
	}
	if by := b.GetSupervisedBy(); by != "" {
		// Supported contact is not supervised: volunteers keep the shared room safe and nobody
		// observes the family (review 31 read "supervised by" of a supported session). The field
		// is who was recorded at its completion either way.
		label := "supervised by"
		if b.GetServiceType() != commonv1.ServiceType_SERVICE_TYPE_SUPERVISED {
			label = "completed by"
		}
		fields = append(fields, [2]string{label, by})
	}
	return append(fields, extra...)
}

// statusWords is a booking's status on the day sheet; a cancellation says by whom, where known
// (bookings cancelled before decision 98 do not say), and a booking moved to another session says
// it was rescheduled (review 35 read "cancelled by centre" for one).
func statusWords(b *schedulingv1.Booking) string {
	status := friendly("BOOKING_STATUS_", b.GetStatus().String())
	cancelled := b.GetStatus() == schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED
	if cancelled && b.GetCancellationReason() == schedulingv1.CancellationReason_CANCELLATION_REASON_RESCHEDULED {
		status = "rescheduled"
	}
	if calledOffByTheCentre(b) {
		return callOffWords(b.GetCallOffReason())
	}
	if by := b.GetCancelledBy(); cancelled && by != schedulingv1.CancelledBy_CANCELLED_BY_UNSPECIFIED {
		status += " by " + friendly("CANCELLED_BY_", by.String())
		if by == schedulingv1.CancelledBy_CANCELLED_BY_SYSTEM || b.GetCancellationReason() == schedulingv1.CancellationReason_CANCELLATION_REASON_CONTACT_STOPPED {
			// The system cancels for a reason of its own: a safeguarding hold, a finding of
			// domestic abuse, the case's end, a released place; the centre calls off a session
			// whose family the door turned away because its contact was stopped (review 37).
			status += " (" + reasonWords(b.GetCancellationReason()) + ")"
		}
	}
	return status
}

// reasonWords is why a booking was cancelled, in words.
func reasonWords(r schedulingv1.CancellationReason) string {
	switch r {
	case schedulingv1.CancellationReason_CANCELLATION_REASON_HOLD:
		return "safeguarding hold"
	case schedulingv1.CancellationReason_CANCELLATION_REASON_PLACE_RELEASED:
		return "place released after unexplained no-shows"
	case schedulingv1.CancellationReason_CANCELLATION_REASON_DOMESTIC_ABUSE_FINDING:
		return "domestic-abuse finding"
	case schedulingv1.CancellationReason_CANCELLATION_REASON_CONTACT_STOPPED:
		return "contact stopped at the door"
	case schedulingv1.CancellationReason_CANCELLATION_REASON_CASE_ENDED:
		return "case ended"
	}
	return friendly("CANCELLATION_REASON_", r.String())
}

func lateWord(late bool) string {
	if late {
		return " (late: under 48 hours' notice)"
	}
	return ""
}

// noticeGiven is a party's cancellation's notice in brackets, as the family's bookings list it:
// how long before whom, and late under 48 hours (review 58: "under 48 hours' notice" read the same
// of 20 minutes and of 47 hours, and a coordinator writing to the court needs which).
func noticeGiven(b *schedulingv1.Booking) string {
	s := " (notice: " + noticeWords(b.GetNoticeMinutes(), b.GetNoticeTo())
	if b.GetCancelledLate() {
		s += "; late: under 48 hours"
	}
	return s + ")"
}

// withdrawnRefusals says, beside a line's alerts, how many refusals at the door were withdrawn
// as recorded by mistake (review 51): they no longer alert check-in-refused.
func withdrawnRefusals(n int32) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d refusal(s) withdrawn as recorded by mistake)", n)
}

func alertList(as []schedulingv1.Alert) string {
	if len(as) == 0 {
		return "-"
	}
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = friendly("ALERT_", a.String())
	}
	return strings.Join(s, ",")
}

func parseClock(flag, v string) (*schedulingv1.LocalTime, error) {
	t, err := clockFlag(flag, v)
	if err != nil {
		return nil, err
	}
	return &schedulingv1.LocalTime{Hour: int32(t.Hour()), Minute: int32(t.Minute())}, nil
}

func scheduleDate(flag, v string) (*commonv1.Date, error) { return dateFlag(flag, v) }

// optionalDate is scheduleDate for a flag that may be left out: nil when it is.
func optionalDate(flag, v string) (*commonv1.Date, error) {
	if v == "" {
		return nil, nil
	}
	return scheduleDate(flag, v)
}

// daySheetRequest asks for centre's day sheet on day: none when day is empty, for the service to
// take the centre's today by its clock (review 36: the workstation's today was a week behind a
// simulated platform; review 22: a laptop on another zone's clock).
func daySheetRequest(centre, day string) (*schedulingv1.GetDaySheetRequest, error) {
	d, err := optionalDate("date", day)
	if err != nil {
		return nil, err
	}
	return &schedulingv1.GetDaySheetRequest{CentreId: centre, Date: d}, nil
}

// sheetDay is the day a sheet is of: as the service answered it, else as asked.
func sheetDay(resp *schedulingv1.GetDaySheetResponse, asked *commonv1.Date) string {
	if d := resp.GetDate(); d != nil {
		return ymd(d)
	}
	return ymd(asked)
}

func hhmm(t *schedulingv1.LocalTime) string {
	if t == nil {
		return "-"
	}
	return fmt.Sprintf("%02d:%02d", t.GetHour(), t.GetMinute())
}

func ymd(d *commonv1.Date) string {
	if d == nil {
		return "-"
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.GetYear(), d.GetMonth(), d.GetDay())
}

func dates(ds []*commonv1.Date) string {
	if len(ds) == 0 {
		return "-"
	}
	s := make([]string, len(ds))
	for i, d := range ds {
		s[i] = ymd(d)
	}
	return strings.Join(s, ",")
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// short is the first block of an id: enough to tell a morning's bookings and families apart.
func short(id string) string {
	if i := strings.IndexByte(id, '-'); i > 0 {
		return id[:i]
	}
	return id
}

// noticeWords is a cancellation's notice in words: how long before the party it is counted to was
// due (the cancelling parent's own party, or the first due for the centre and the referrer;
// unset on a cancellation recorded before review 42: the children's).
func noticeWords(minutes int64, to schedulingv1.Party) string {
	who := "the children were due"
	if to == schedulingv1.Party_PARTY_VISITING {
		who = "the visiting parent was due"
	}
	if minutes <= 0 {
		return "none (cancelled once " + who + ", or after)"
	}
	return words.Minutes(minutes) + " before " + who
}
