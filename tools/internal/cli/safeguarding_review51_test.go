package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/cobra"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protojson"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// Review 51 (medium): a volunteer at the door raised a concern from the day sheet: --family with
// the FAMILY column's 8 characters was refused "must be a valid UUID", and --booking alone
// "required flag(s) "family" not set". --booking alone is taken (the concern is about the
// booking's family); the short family id is refused before any call, saying to give --booking;
// neither flag is refused naming both. The help says so.
func TestAConcernIsRaisedAtTheDoorFromTheBookingAlone(t *testing.T) {
	centre, family := uuid.NewString(), uuid.NewString()
	raise := func(flags ...string) (string, error) {
		return execute(t, append([]string{"safeguarding", "concern", "raise", "--centre", centre, "--category", "neglect",
			"--description", "Child came in without a coat in the snow", "--data", t.TempDir(), "--json"}, flags...)...)
	}
	out, err := raise("--booking", uuid.NewString())
	require.Error(t, err, "no platform runs here")
	require.Equal(t, ReasonDevNotRunning, failureOf(t, out).Reason, "--booking alone passes the command's own checks: %v", err)

	out, err = raise("--family", family[:8])
	require.ErrorContains(t, err, `--family "`+family[:8]+`" is the day sheet's short family id`)
	require.ErrorContains(t, err, "give --booking with the row's BOOKING")
	require.Equal(t, ReasonFlagInvalid, failureOf(t, out).Reason)
	out, err = raise("--family", "the Smiths")
	require.ErrorContains(t, err, `--family "the Smiths" is not a family id`)
	require.Equal(t, ReasonFlagInvalid, failureOf(t, out).Reason)
	out, err = raise("--booking", "3f9a1c2e")
	require.ErrorContains(t, err, `--booking "3f9a1c2e" is not a booking id: give it whole`)
	require.Equal(t, ReasonFlagInvalid, failureOf(t, out).Reason)

	out, err = raise()
	require.ErrorContains(t, err, "give --booking")
	require.ErrorContains(t, err, "or --family")
	f := failureOf(t, out)
	require.Equal(t, ReasonFlagMissing, f.Reason)
	require.Equal(t, "--booking", f.Fields[0].Field)

	help, err := execute(t, "safeguarding", "concern", "raise", "--help")
	require.NoError(t, err)
	require.Contains(t, help, "--booking alone", "the help says the booking alone will do")
	require.Contains(t, help, "RAISED_BEFORE")
}

// Review 51 (low): raised twice, a concern is recorded twice and the raiser told on standard
// error of their own earlier one (the service's RAISED_BEFORE in words); the answer names the
// family the concern is about, taken from the booking when only the booking was given.
func TestARaisedConcernSaysWhichFamilyAndAnyEarlierOneOfTheRaisers(t *testing.T) {
	family, earlier := uuid.NewString(), uuid.NewString()
	cmd := &cobra.Command{}
	var out, said bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&said)
	warning := "RAISED_BEFORE: a concern about this booking was raised by you at 10:15 (concern " + earlier + "): if this is the same " +
		"incident, tell the lead rather than raise it again"
	require.NoError(t, printRaised(cmd, &output{}, &safeguardingv1.RaiseConcernResponse{ConcernId: "k-2", FamilyId: family,
		RepeatWarning: warning, EarlierConcernId: earlier}))
	require.Equal(t, "WARNING "+warning+"\n", said.String())
	require.Contains(t, out.String(), "k-2")
	require.Contains(t, out.String(), family, "the family the concern is about")
	require.False(t, strings.Contains(out.String(), "RAISED_BEFORE"), "the warning is on standard error")
}

// Review 51, through the commands on the dev platform: a volunteer at the door raises a concern
// with the day sheet's BOOKING alone, about the booking's family; raised again a moment later, it
// is recorded again and the volunteer told on standard error of their own first one, its time
// and id, never its text.
func TestAVolunteerRaisesAConcernFromTheDaySheetsBooking(t *testing.T) {
	dir := startDevPlatform(t)
	data := []string{"--data", dir}
	_, as, family := staffedCentreWithAFamily(t, data, "Wharf Family Time Centre", map[string]string{"coordinator-1": "coordinator",
		"volunteer-1": "volunteer", "lead-1": "safeguarding-lead"})
	coordinator, volunteer := as("coordinator", "coordinator-1"), as("volunteer", "volunteer-1")
	cmd := func(who []string, args ...string) (string, error) { return run(t, append(args, who...)...) }

	out, err := cmd(coordinator, "referral", "list", "--json")
	require.NoError(t, err)
	var ref *referralv1.Referral
	for _, r := range referralsOf(t, out) {
		if r.GetFamilyId() == family {
			ref = r
		}
	}
	require.NotNil(t, ref, "the family's referral")
	id := ref.GetReferralId()
	_, err = cmd(coordinator, "referral", "screen", id, "--rating", "green")
	require.NoError(t, err)
	_, err = cmd(coordinator, "referral", "accept", id, "--service", "supported")
	require.NoError(t, err)
	out, err = cmd(coordinator, "referral", "show", id, "--json")
	require.NoError(t, err)
	var whole referralv1.Referral
	require.NoError(t, protojson.Unmarshal([]byte(out), &whole))
	for _, role := range []referralv1.AdultRole{referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT, referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT} {
		_, err = cmd(coordinator, "referral", "previsit", id, "--person", personIn(t, &whole, role), "--ground-rules-signed")
		require.NoError(t, err)
	}
	_, err = cmd(coordinator, "referral", "arrangement", id, "--service", "supported", "--frequency", "weekly", "--minutes", "90")
	require.NoError(t, err)
	out, err = cmd(coordinator, "schedule", "rooms", "add", "Garden room", "--capacity", "4", "--json")
	require.NoError(t, err)
	var room schedulingv1.Room
	require.NoError(t, protojson.Unmarshal([]byte(out), &room))
	first := time.Now().AddDate(0, 0, 7)
	day := first.Format(time.DateOnly)
	out, err = cmd(coordinator, "schedule", "pattern", "--weekday", strings.ToLower(first.Weekday().String()), "--start", "10:00",
		"--end", "12:00", "--from", day, "--room", room.GetRoomId(), "--json")
	require.NoError(t, err)
	var pattern schedulingv1.OpeningPattern
	require.NoError(t, protojson.Unmarshal([]byte(out), &pattern))
	request := uuid.NewString()
	require.Eventually(t, func() bool {
		out, err = cmd(coordinator, "schedule", "book", "--family", family, "--pattern", pattern.GetPatternId(), "--date", day,
			"--room", room.GetRoomId(), "--request-id", request, "--json")
		return err == nil
	}, 30*time.Second, 50*time.Millisecond, "scheduling learns the family is ready")
	var booking schedulingv1.Booking
	require.NoError(t, protojson.Unmarshal([]byte(out), &booking))

	raise := func() (string, string, error) {
		root := NewRoot()
		var stdout, stderr bytes.Buffer
		root.SetOut(&stdout)
		root.SetErr(&stderr)
		root.SetArgs(append([]string{"safeguarding", "concern", "raise", "--booking", booking.GetBookingId(), "--category", "emotional-harm",
			"--description", "Mother told the child to keep a secret from the supervisor"}, volunteer...))
		err := root.ExecuteContext(t.Context())
		return stdout.String(), stderr.String(), err
	}
	var said string
	require.Eventually(t, func() bool {
		out, said, err = raise()
		return err == nil
	}, 30*time.Second, 50*time.Millisecond, "safeguarding learns of the booking")
	require.Contains(t, out, family, "the concern is about the booking's family, which the answer names")
	require.NotContains(t, said, "RAISED_BEFORE")
	firstConcern := strings.Fields(lineWith(out, "concern"))[1]

	out, said, err = raise()
	require.NoError(t, err, "raised again, it is recorded again")
	require.NotContains(t, out, firstConcern)
	require.Contains(t, said, "WARNING RAISED_BEFORE: a concern about this booking was raised by you at ")
	require.Contains(t, said, "(concern "+firstConcern+"): if this is the same incident, tell the lead rather than raise it again")
	require.NotContains(t, said, "secret")
}
