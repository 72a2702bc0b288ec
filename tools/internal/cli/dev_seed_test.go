package cli

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protojson"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/testkit"
	"github.com/familytime/familytime/tools/internal/devserver"
)

// Review 45: after `familytime dev --seed` no session came after today: the demo's opening
// patterns ended on the seed's last day, so today's and next week's day sheets were empty and a
// family ready for contact could not be booked ("the pattern has no session on ...") until
// someone defined a new pattern. The demo's patterns now stay open, its families in contact or
// ready for it are booked into their next sessions before the services take the real clock, and
// the seed says which day sheet to read (decision 272).
func TestTheDemoSeedLeavesSessionsAheadAndSaysWhichDaySheetToRead(t *testing.T) {
	today := time.Now().UTC().Truncate(24 * time.Hour) // as dev --seed reckons it
	cfg := devserver.Config{SeedFrom: today.AddDate(0, 0, -seedDays)}
	dir := t.TempDir()
	db := testkit.Postgres(t)
	prefix := db.Name + "_"
	cfg.DataDir, cfg.DatabaseURL, cfg.DatabasePrefix = dir, db.OwnerURL, prefix
	p, err := devserver.Start(t.Context(), cfg)
	require.NoError(t, err)
	t.Cleanup(func() {
		_ = p.Stop(context.Background())
		dropDevDatabases(t, db, prefix)
	})
	var said bytes.Buffer
	cmd := &cobra.Command{}
	cmd.SetContext(t.Context())
	cmd.SetErr(&said)
	began := time.Now()
	require.NoError(t, seedDemo(cmd, p, cfg))
	t.Logf("the seed took %s:\n%s", time.Since(began).Round(time.Second), said.String())
	data := []string{"--data", dir}

	// Every demo centre has its patterns' sessions from today on, for twelve weeks at least, and a
	// family ready for contact is booked by its coordinator into one of them, after its own.
	out, err := run(t, append([]string{"centre", "list", "--json"}, data...)...)
	require.NoError(t, err)
	centres := listOf[schedulingv1.Centre](t, out)
	require.Len(t, centres, 3)
	booked := 0
	for _, c := range centres {
		var n int
		_, err := fmt.Sscanf(c.GetName(), "Simulated Family Time Centre %d", &n)
		require.NoError(t, err, c.GetName())
		token, err := run(t, append([]string{"token", "--role", "coordinator", "--centre", c.GetCentreId(),
			"--subject", fmt.Sprintf("sim-coordinator-%03d", n)}, data...)...)
		require.NoError(t, err)
		as := append([]string{"--centre", c.GetCentreId(), "--token", strings.TrimSpace(token)}, data...)
		out, err := run(t, append([]string{"schedule", "sessions", "--json", "--from", today.Format(time.DateOnly),
			"--to", today.AddDate(0, 0, 12*7).Format(time.DateOnly)}, as...)...)
		require.NoError(t, err)
		sessions := listOf[schedulingv1.OpeningSession](t, out)
		require.NotEmpty(t, sessions, "%s: no session from today on", c.GetName())
		last := sessions[len(sessions)-1].GetDate()
		require.False(t, time.Date(int(last.GetYear()), time.Month(last.GetMonth()), int(last.GetDay()), 0, 0, 0, 0, time.UTC).
			Before(today.AddDate(0, 0, 10*7)), "%s: the sessions end at %s", c.GetName(), ymd(last))

		out, err = run(t, append([]string{"referral", "list", "--state", "ready-for-contact", "--json"}, as...)...)
		require.NoError(t, err)
		for _, ref := range referralsOf(t, out) {
			// The last session listed, weeks after the sessions the seed booked ahead, in a room
			// with a place, of the demo's pattern for the family's kind of contact (a supported
			// session's hall, or a supervised session's room: the two keep different hours).
			var pattern, room string
			var date *commonv1.Date
			for i := len(sessions) - 1; i >= 0 && room == ""; i-- {
				for _, r := range sessions[i].GetRooms() {
					supervised := ref.GetServiceType() == commonv1.ServiceType_SERVICE_TYPE_SUPERVISED
					if r.GetSupervisedSuitable() != supervised || r.GetTakenBySupervised() || r.GetBooked() >= r.GetCapacity() {
						continue
					}
					pattern, room, date = sessions[i].GetPatternId(), r.GetRoomId(), sessions[i].GetDate()
					break
				}
			}
			if room == "" {
				continue // no room for its kind of contact at this centre's sessions
			}
			_, err := run(t, append([]string{"schedule", "book", "--family", ref.GetFamilyId(), "--pattern", pattern, "--room", room,
				"--date", ymd(date), "--json"}, as...)...)
			require.NoError(t, err, "%s: a family ready for contact booked on %s", c.GetName(), ymd(date))
			booked++
			break
		}
	}
	require.Positive(t, booked, "a family ready for contact at a demo centre is booked after today")

	// The seed names each centre's next session day with families booked, and how to read its day
	// sheet; the sheet lists them.
	// With --data, so that it runs as printed beside this data folder (review 46).
	next := regexp.MustCompile(`familytime schedule daysheet --centre (\S+) --date (\d{4}-\d{2}-\d{2}) --data (\S+) `+
		`--token "\$\(familytime token --role (\S+) --centre \S+ --subject (\S+) --data (\S+)\)"`).FindAllStringSubmatch(said.String(), -1)
	require.NotEmpty(t, next, "the seed says which day sheet to read:\n%s", said.String())
	for _, m := range next {
		centre, date, role, subject := m[1], m[2], m[4], m[5]
		require.Equal(t, []string{dir, dir}, []string{m[3], m[6]}, "the data folder, in both commands")
		require.GreaterOrEqual(t, date, today.Format(time.DateOnly))
		token, err := run(t, append([]string{"token", "--role", role, "--centre", centre, "--subject", subject}, data...)...)
		require.NoError(t, err)
		out, err := run(t, append([]string{"schedule", "daysheet", "--centre", centre, "--date", date, "--json",
			"--token", strings.TrimSpace(token)}, data...)...)
		require.NoError(t, err)
		var sheet schedulingv1.GetDaySheetResponse
		require.NoError(t, protojson.Unmarshal([]byte(out), &sheet), out)
		require.NotEmpty(t, sheet.GetEntries(), "the day sheet of %s at %s lists the families booked", date, centre)
	}
}
