package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protojson"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// readyFamily is a family ready to book at a centre of a running dev platform, all set up through
// the CLI as a coordinator would: the centre registered with a coordinator (dev-user) and a
// safeguarding lead (lead-1) on its staff, a room ("Garden room", 4 places), a weekly opening
// pattern from first, and the example referral submitted, screened green, accepted for supported
// contact, both parents' pre-visits done and the arrangement agreed (weekly, 90 minutes); further
// families can be referred and taken to ready at the same centre (referReady).
type readyFamily struct {
	t      *testing.T
	data   []string // --data and the dev platform's directory
	centre string
	// as and lead are the coordinator's and the safeguarding lead's flags: --centre, --token, --data.
	as, lead         []string
	room, pattern    string
	referral, family string
	ref              *referralv1.Referral
}

// newReadyFamily sets up a readyFamily on the dev platform in dir; the pattern opens from 10:00
// to end on first's weekday.
func newReadyFamily(t *testing.T, dir string, first time.Time, end string) *readyFamily {
	t.Helper()
	r := &readyFamily{t: t, data: []string{"--data", dir}}
	out, err := run(t, append([]string{"centre", "register", "--name", "Riverside", "--region", "north-west",
		"--service", "supported", "--status", "working-towards", "--json"}, r.data...)...)
	require.NoError(t, err)
	var c schedulingv1.Centre
	require.NoError(t, protojson.Unmarshal([]byte(out), &c))
	r.centre = c.GetCentreId()
	month := time.Now().AddDate(0, -1, 0).Format(time.DateOnly)
	for _, staff := range [][2]string{{"dev-user", "coordinator"}, {"lead-1", "safeguarding-lead"}} {
		_, err = run(t, append([]string{"staff", "add", "--centre", r.centre, "--account", staff[0], "--role", staff[1],
			"--dbs-checked", month, "--trained", month}, r.data...)...)
		require.NoError(t, err)
	}
	r.as, r.lead = r.tokenFor("coordinator"), r.tokenFor("safeguarding_lead", "lead-1")

	out, err = r.cmd("schedule", "rooms", "add", "Garden room", "--capacity", "4", "--json")
	require.NoError(t, err)
	var room schedulingv1.Room
	require.NoError(t, protojson.Unmarshal([]byte(out), &room))
	r.room = room.GetRoomId()
	out, err = r.cmd("schedule", "pattern", "--weekday", strings.ToLower(first.Weekday().String()), "--start", "10:00", "--end", end,
		"--from", first.Format(time.DateOnly), "--room", r.room, "--json")
	require.NoError(t, err)
	var p schedulingv1.OpeningPattern
	require.NoError(t, protojson.Unmarshal([]byte(out), &p))
	r.pattern = p.GetPatternId()

	r.ref = r.referReady()
	r.referral, r.family = r.ref.GetReferralId(), r.ref.GetFamilyId()
	return r
}

// referReady submits the example referral again, for a new family, and takes it to ready for
// contact: screened green, accepted for supported contact, both parents' pre-visits done and the
// arrangement agreed (weekly, 90 minutes).
func (r *readyFamily) referReady() *referralv1.Referral {
	t := r.t
	t.Helper()
	submitted := uuid.NewString()
	var out string
	var err error
	require.Eventually(t, func() bool {
		out, err = r.cmd("referral", "submit", "--file", exampleFile, "--request-id", submitted, "--json")
		return err == nil
	}, 30*time.Second, 50*time.Millisecond, "referral learns of the centre")
	ref := new(referralv1.Referral)
	require.NoError(t, protojson.Unmarshal([]byte(out), ref))
	id := ref.GetReferralId()
	_, err = r.cmd("referral", "screen", id, "--rating", "green")
	require.NoError(t, err)
	_, err = r.cmd("referral", "accept", id, "--service", "supported")
	require.NoError(t, err)
	for _, role := range []referralv1.AdultRole{referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT, referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT} {
		_, err = r.cmd("referral", "previsit", id, "--person", personIn(t, ref, role), "--ground-rules-signed")
		require.NoError(t, err)
	}
	_, err = r.cmd("referral", "arrangement", id, "--service", "supported", "--frequency", "weekly", "--minutes", "90")
	require.NoError(t, err)
	return ref
}

// tokenFor is the flags for a token of role at the centre (for subject, if given).
func (r *readyFamily) tokenFor(role string, subject ...string) []string {
	r.t.Helper()
	args := append([]string{"token", "--role", role, "--centre", r.centre}, r.data...)
	if len(subject) > 0 {
		args = append(args, "--subject", subject[0])
	}
	token, err := run(r.t, args...)
	require.NoError(r.t, err)
	return append([]string{"--centre", r.centre, "--token", strings.TrimSpace(token)}, r.data...)
}

// cmd runs a command as the coordinator.
func (r *readyFamily) cmd(args ...string) (string, error) { return run(r.t, append(args, r.as...)...) }

// book books the family on day in the pattern's room, retrying only while scheduling has not yet
// heard of the family, that it is ready, or that its hold was lifted; more are further flags.
func (r *readyFamily) book(day string, more ...string) (*schedulingv1.Booking, error) {
	r.t.Helper()
	return r.bookFamily(r.family, day, more...)
}

// bookFamily books family (one referReady took to ready) as book does.
func (r *readyFamily) bookFamily(family, day string, more ...string) (*schedulingv1.Booking, error) {
	r.t.Helper()
	request := uuid.NewString()
	var out string
	var err error
	require.Eventually(r.t, func() bool {
		out, err = r.cmd(append([]string{"schedule", "book", "--family", family, "--pattern", r.pattern, "--date", day,
			"--room", r.room, "--request-id", request, "--json"}, more...)...)
		return err == nil || !strings.Contains(err.Error(), "NOT_READY") && !strings.Contains(err.Error(), "ON_HOLD") &&
			!strings.Contains(err.Error(), "not found")
	}, 30*time.Second, 50*time.Millisecond, "scheduling learns of the family, that it is ready, or its hold lifted")
	if err != nil {
		return nil, err
	}
	var b schedulingv1.Booking
	require.NoError(r.t, protojson.Unmarshal([]byte(out), &b))
	return &b, nil
}
