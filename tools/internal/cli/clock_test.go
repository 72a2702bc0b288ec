package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/services/platform/testkit"
	"github.com/familytime/familytime/tools/internal/devserver"
)

// execute runs the familytime command as main does (Execute: a failure under --json is printed as
// JSON on standard output) and returns its standard output.
func execute(t *testing.T, args ...string) (string, error) {
	t.Helper()
	root := NewRoot()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(io.Discard)
	err := Execute(t.Context(), root, args)
	return out.String(), err
}

// failureOf reads a command's --json failure.
func failureOf(t *testing.T, out string) failure {
	t.Helper()
	var f map[string]failure
	require.NoError(t, json.Unmarshal([]byte(out), &f), out)
	return f["error"]
}

// Review 42: a tester who wanted months to pass on `familytime dev --clock simulated` had to write
// a gRPC client, and the clock stood at 2000-01-01 until moved. A new simulated clock stands at
// the start of today (UK), said in dev.log; `familytime clock` shows it and moves it forward, by
// a time or a duration, with days. A move back is refused with its reason once anything is
// recorded (while nothing is, it may go back: the simulations' and the dev platform's tests make
// their first moves so).
func TestTheSimulatedClockMovesFromTheCommandLine(t *testing.T) {
	dir, _ := startDevPlatformWith(t, devserver.Config{Clock: devserver.ClockSimulated})
	data := []string{"--data", dir}
	uk := time.Now().In(london)
	today := time.Date(uk.Year(), uk.Month(), uk.Day(), 0, 0, 0, 0, london)

	out, err := run(t, append([]string{"clock", "show", "--json"}, data...)...)
	require.NoError(t, err)
	var shown clockAnswer
	require.NoError(t, json.Unmarshal([]byte(out), &shown), out)
	require.Equal(t, devserver.ClockSimulated, shown.Clock)
	require.True(t, shown.Now.Equal(today), "a new simulated clock stands at the start of today, not %s", shown.Now)
	out, err = run(t, append([]string{"clock", "show"}, data...)...)
	require.NoError(t, err)
	require.Regexp(t, `clock:\s+simulated`, out)
	require.Contains(t, out, today.Format("Monday 2 January 2006")+", 00:00 UK time")
	log, err := os.ReadFile(filepath.Join(dir, "dev.log"))
	require.NoError(t, err)
	require.Regexp(t, `"msg":"dev platform clock",[^\n]*"clock":"simulated","now":"`+today.UTC().Format(time.RFC3339)+`"`, string(log),
		"dev.log says the clock's kind and time at start")

	// A centre registered today: the clock no longer goes back, even on its first move.
	_, err = run(t, append([]string{"centre", "register", "--name", "Millbrook Family Time Centre", "--region", "north-east",
		"--service", "supported", "--status", "working-towards"}, data...)...)
	require.NoError(t, err)
	out, err = execute(t, append([]string{"clock", "advance", "--to", today.AddDate(0, 0, -1).Format(time.DateOnly), "--json"}, data...)...)
	require.ErrorContains(t, err, "the clock only moves forward")
	f := failureOf(t, out)
	require.Equal(t, "FailedPrecondition", f.Code)
	require.Equal(t, "CLOCK_MOVES_FORWARD_ONLY", f.Reason)

	out, err = run(t, append([]string{"clock", "advance", "--by", "30d", "--json"}, data...)...)
	require.NoError(t, err)
	var moved clockAnswer
	require.NoError(t, json.Unmarshal([]byte(out), &moved), out)
	require.True(t, moved.Was.Equal(today), "%s", moved.Was)
	require.True(t, moved.Now.Equal(today.AddDate(0, 0, 30)), "30 days on, at the same UK time: %s", moved.Now)
	out, err = run(t, append([]string{"clock", "advance", "--by", "36h"}, data...)...)
	require.NoError(t, err)
	require.Contains(t, out, inWords(today.AddDate(0, 0, 30).Add(36*time.Hour)))
	later := today.AddDate(0, 0, 40)
	out, err = run(t, append([]string{"clock", "advance", "--to", later.Format(time.DateOnly) + "T10:30"}, data...)...)
	require.NoError(t, err)
	require.Contains(t, out, later.Format("Monday 2 January 2006")+", 10:30 UK time", "a time without a zone is the centres' (UK) time")

	// Not past 100 years from today (review 43: the year 10000 made no date anywhere).
	out, err = execute(t, append([]string{"clock", "advance", "--to", "2400-01-01", "--json"}, data...)...)
	require.ErrorContains(t, err, "more than 100 years from today")
	require.Equal(t, "CLOCK_TOO_FAR", failureOf(t, out).Reason)

	// Then only forward: refused with the dev platform's reason, and the clock stays.
	out, err = execute(t, append([]string{"clock", "advance", "--to", later.Format(time.DateOnly) + "T10:29", "--json"}, data...)...)
	require.ErrorContains(t, err, "the clock only moves forward")
	require.Equal(t, "CLOCK_MOVES_FORWARD_ONLY", failureOf(t, out).Reason)
	out, err = run(t, append([]string{"clock", "show", "--json"}, data...)...)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal([]byte(out), &shown), out)
	require.True(t, shown.Now.Equal(time.Date(later.Year(), later.Month(), later.Day(), 10, 30, 0, 0, london)), "%s", shown.Now)
}

// The clock command's own refusals, before any call: what to move to, said once; a move that goes
// nowhere or back; a clock that is not simulated.
func TestTheClockCommandRefusesBadInputBeforeAnyCall(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args          []string
		reason, field string
		message       string
	}{
		{[]string{"clock", "advance"}, "FLAG_MISSING", "--to", "give where the clock moves: --to TIME or --by DURATION"},
		{[]string{"clock", "advance", "--to", "2026-01-01", "--by", "2d"}, "FLAG_INVALID", "--to", "--to and --by say two moves: give one"},
		{[]string{"clock", "advance", "--to", "next week"}, "FLAG_INVALID", "--to", `--to "next week" is not a time: give 2026-03-01, 2026-03-01T14:30 (UK time) or 2026-03-01T14:30:00Z`},
		{[]string{"clock", "advance", "--by", "-2d"}, "FLAG_INVALID", "--by", `--by "-2d" does not move the clock forward: give a positive duration such as 72h or 30d`},
		{[]string{"clock", "advance", "--by", "a fortnight"}, "FLAG_INVALID", "--by", `--by "a fortnight" is not a duration such as 90m, 72h or 30d`},
		{[]string{"clock", "advance", "--by", "9000000d"}, "FLAG_INVALID", "--by", `--by "9000000d" goes more than 100 years on: the simulated clock goes no further`},
	} {
		out, err := execute(t, append(c.args, "--data", dir, "--json")...)
		require.EqualError(t, err, c.message, "%v", c.args)
		f := failureOf(t, out)
		require.Equal(t, "InvalidArgument", f.Code, "%v", c.args)
		require.Equal(t, c.reason, f.Reason, "%v", c.args)
		require.Len(t, f.Fields, 1, "%v", c.args)
		require.Equal(t, c.field, f.Fields[0].Field, "%v", c.args)
	}

	// A dev platform on the real clock has no clock to move.
	require.NoError(t, os.WriteFile(devserver.InfoFile(dir), []byte(`{"clock": "real", "admin_token": "x"}`), 0o600))
	out, err := execute(t, "clock", "advance", "--by", "1d", "--data", dir, "--json")
	require.ErrorContains(t, err, "runs on the real clock")
	f := failureOf(t, out)
	require.Equal(t, "FailedPrecondition", f.Code)
	require.Equal(t, "CLOCK_NOT_SIMULATED", f.Reason)
	out, err = run(t, "clock", "show", "--data", dir)
	require.NoError(t, err)
	require.Regexp(t, `clock:\s+real`, out, "show says which clock the services run on")
}

// Review 42: the command's own refusals under --json carried a message alone, while the README
// promises every refusal's code and reason, a flag that fails to parse too. Each is InvalidArgument
// with a reason and the flag (or argument) at fault.
func TestALocalRefusalInJSONHasItsCodeAndReason(t *testing.T) {
	const ref, centre = "7d1e2c3a-0000-4000-8000-000000000001", "7d1e2c3a-0000-4000-8000-000000000002"
	for _, c := range []struct {
		args          []string
		reason, field string
	}{
		{[]string{"referral", "review", ref, "--centre", centre, "--note", "ok"}, "FLAG_INVALID", "--note"},
		{[]string{"referral", "amend", ref, "--centre", centre, "--file", "amended.yaml", "--expected-version", "three"}, "FLAG_INVALID", "--expected-version"},
		{[]string{"referral", "show", ref, "--centre", centre, "--colour", "blue"}, "FLAG_UNKNOWN", "--colour"},
		{[]string{"referral", "erase", ref, "--centre", centre}, "FLAG_MISSING", "--reason"},
		{[]string{"referral", "show", "not-an-id", "--centre", centre}, "ARGUMENT_INVALID", ""},
		{[]string{"referral", "show", "--centre", centre}, "ARGUMENT_INVALID", ""},
	} {
		out, err := execute(t, append(c.args, "--data", t.TempDir(), "--json")...)
		require.Error(t, err, "%v", c.args)
		f := failureOf(t, out)
		require.Equal(t, "InvalidArgument", f.Code, "%v: %s", c.args, out)
		require.Equal(t, c.reason, f.Reason, "%v: %s", c.args, out)
		require.Equal(t, err.Error(), f.Message, "%v", c.args)
		if c.field == "" {
			require.Empty(t, f.Fields, "%v", c.args)
			continue
		}
		require.Len(t, f.Fields, 1, "%v: %s", c.args, out)
		require.Equal(t, c.field, f.Fields[0].Field, "%v", c.args)
		require.NotEmpty(t, f.Fields[0].Description, "%v", c.args)
	}

	// Not the input: no running dev platform is a precondition, said as such.
	out, err := execute(t, "centre", "list", "--data", t.TempDir(), "--json")
	require.ErrorContains(t, err, "no running familytime dev found")
	f := failureOf(t, out)
	require.Equal(t, "FailedPrecondition", f.Code)
	require.Equal(t, "DEV_PLATFORM_NOT_RUNNING", f.Reason)
}

// Review 43: a simulated clock never moved was not kept in the data folder, so a restart stood it
// at another time: the start of a later day, or another --clock-start, before the days already
// recorded. It is kept from the start, and resumes there.
func TestAnUnmovedSimulatedClockResumesWhereItStood(t *testing.T) {
	db := testkit.Postgres(t)
	dir := t.TempDir()
	cfg := devserver.Config{DataDir: dir, DatabaseURL: db.OwnerURL, DatabasePrefix: db.Name + "_", Clock: devserver.ClockSimulated,
		ClockStart: time.Date(2026, 3, 1, 0, 0, 0, 0, london)}
	p, err := devserver.Start(t.Context(), cfg)
	require.NoError(t, err)
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			_ = p.Stop(context.Background())
		}
		dropDevDatabases(t, db, cfg.DatabasePrefix)
	})
	_, err = run(t, "centre", "register", "--name", "Millbrook Family Time Centre", "--region", "north-east",
		"--service", "supported", "--status", "working-towards", "--data", dir)
	require.NoError(t, err)
	require.NoError(t, p.Stop(context.Background()))
	stopped = true

	// Started again with an earlier --clock-start: the clock resumes at 1 March, where the centre
	// was registered, and never goes back.
	cfg.ClockStart = time.Date(2026, 1, 1, 0, 0, 0, 0, london)
	p, err = devserver.Start(t.Context(), cfg)
	require.NoError(t, err)
	stopped = false
	require.True(t, p.Info.ClockResumed)
	require.True(t, p.Clock().Now().Equal(time.Date(2026, 3, 1, 0, 0, 0, 0, london)), "%s", p.Clock().Now())
	out, err := run(t, "clock", "show", "--json", "--data", dir)
	require.NoError(t, err)
	var shown clockAnswer
	require.NoError(t, json.Unmarshal([]byte(out), &shown), out)
	require.True(t, shown.Now.Equal(time.Date(2026, 3, 1, 0, 0, 0, 0, london)), "%s", shown.Now)
}

// Review 45: a data folder kept on a simulated clock, started again without --clock simulated, ran
// on the real clock six weeks before what it had recorded; and a start refused for --seed kept a
// clock all the same, so the next start ignored its own --clock-start (decision 269).
func TestADataFolderKeptOnASimulatedClockNeverGoesBack(t *testing.T) {
	db := testkit.Postgres(t)
	dir := t.TempDir()
	cfg := devserver.Config{DataDir: dir, DatabaseURL: db.OwnerURL, DatabasePrefix: db.Name + "_"}
	t.Cleanup(func() { dropDevDatabases(t, db, cfg.DatabasePrefix) })

	refused := cfg
	refused.Clock, refused.ClockStart, refused.SeedFrom = devserver.ClockSimulated, time.Date(2031, 1, 1, 0, 0, 0, 0, london), time.Now().AddDate(0, 0, -56)
	_, err := devserver.Start(t.Context(), refused)
	require.ErrorContains(t, err, "--clock-start cannot be combined with --seed")
	_, err = os.Stat(devserver.ClockFile(dir))
	require.ErrorIs(t, err, os.ErrNotExist, "a refused start keeps no clock")

	ahead := time.Date(2030, 6, 1, 0, 0, 0, 0, london)
	simulated := cfg
	simulated.Clock, simulated.ClockStart = devserver.ClockSimulated, ahead
	p, err := devserver.Start(t.Context(), simulated)
	require.NoError(t, err)
	require.True(t, p.Clock().Now().Equal(ahead), "its own --clock-start: %s", p.Clock().Now())
	require.NoError(t, p.Stop(context.Background()))

	onReal := cfg
	onReal.Clock = devserver.ClockReal
	_, err = devserver.Start(t.Context(), onReal)
	require.ErrorContains(t, err, "on the real clock they would see time go back")

	// Without --clock: the data folder's, resumed.
	p, err = devserver.Start(t.Context(), cfg)
	require.NoError(t, err)
	defer func() { _ = p.Stop(context.Background()) }()
	require.Equal(t, devserver.ClockSimulated, p.Info.Clock)
	require.True(t, p.Info.ClockResumed)
	require.True(t, p.Clock().Now().Equal(ahead), "%s", p.Clock().Now())
}

// Review 50 (and 48, 49): `dev --seed --clock simulated` was refused, so every reviewer seeded on
// the real clock and restarted on a simulated one. Seeded on a simulated clock, the platform now
// hands over to a simulated clock standing at the start of today, kept in the data folder, rather
// than to the real clock; the next start resumes it.
func TestASeededPlatformOnASimulatedClockStaysOnIt(t *testing.T) {
	db := testkit.Postgres(t)
	dir := t.TempDir()
	cfg := devserver.Config{DataDir: dir, DatabaseURL: db.OwnerURL, DatabasePrefix: db.Name + "_", Clock: devserver.ClockSimulated,
		SeedFrom: time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -seedDays)}
	t.Cleanup(func() { dropDevDatabases(t, db, cfg.DatabasePrefix) })
	p, err := devserver.Start(t.Context(), cfg)
	require.NoError(t, err)
	stopped := false
	defer func() {
		if !stopped {
			_ = p.Stop(context.Background())
		}
	}()
	require.True(t, p.Seeding(), "an empty platform is seeded on a clock of its own")
	require.True(t, p.Clock().Now().Equal(cfg.SeedFrom), "%s", p.Clock().Now())
	_, err = os.Stat(devserver.ClockFile(dir))
	require.ErrorIs(t, err, os.ErrNotExist, "no clock is kept while seeding")

	require.NoError(t, p.EndSeeding(t.Context()))
	today := devserver.StartOfToday(time.Now())
	require.Equal(t, devserver.ClockSimulated, p.Info.Clock)
	require.True(t, p.Clock().Now().Equal(today), "the clock stands at the start of today: %s", p.Clock().Now())
	out, err := run(t, "clock", "show", "--json", "--data", dir)
	require.NoError(t, err)
	var shown clockAnswer
	require.NoError(t, json.Unmarshal([]byte(out), &shown), out)
	require.True(t, shown.Now.Equal(today), "%s", shown.Now)
	require.NoError(t, p.Stop(context.Background()))
	stopped = true

	again := cfg
	again.Clock, again.SeedFrom = "", time.Time{}
	p, err = devserver.Start(t.Context(), again)
	require.NoError(t, err)
	stopped = false
	require.Equal(t, devserver.ClockSimulated, p.Info.Clock, "the next start resumes the simulated clock")
	require.True(t, p.Info.ClockResumed)
	require.True(t, p.Clock().Now().Equal(today), "%s", p.Clock().Now())
}
