package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protojson"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// Review 59: nothing but a raw UpdateCentre call, with a version and a request id made by hand,
// recorded a centre's renewal, suspension or lapse, while referral's warning told the coordinator
// to have it recorded. `centre update` does it on the dev platform: the warning names it; bad
// input, an unknown centre and a coordinator's token are refused, changing nothing; a suspension
// and a lapse stop referrals, a renewal lets them in again without the warning; the answer says
// what changed, and what is not given stays.
func TestCentreUpdateRecordsTheAccreditationOnTheDevPlatform(t *testing.T) {
	dir := startDevPlatform(t)
	data := []string{"--data", dir}
	// Accredited on 2023-06-01: its three years ran out on 2026-06-01 (the tests run later).
	out, err := run(t, append([]string{"centre", "register", "--name", "Delta Family Time Centre", "--region", "wales",
		"--service", "supported", "--status", "accredited", "--accredited-on", "2023-06-01", "--json"}, data...)...)
	require.NoError(t, err)
	var c schedulingv1.Centre
	require.NoError(t, protojson.Unmarshal([]byte(out), &c))
	centre := c.GetCentreId()
	month := time.Now().AddDate(0, -1, 0).Format(time.DateOnly)
	_, err = run(t, append([]string{"staff", "add", "--centre", centre, "--account", "dev-user", "--role", "coordinator",
		"--dbs-checked", month, "--trained", month}, data...)...)
	require.NoError(t, err)
	token, err := run(t, append([]string{"token", "--role", "coordinator", "--centre", centre}, data...)...)
	require.NoError(t, err)
	coordinator := strings.TrimSpace(token)
	// Each submission is a new referral (a new request id): a refused one records nothing.
	submit := func() (string, error) {
		_, said, err := runSaying(t, append([]string{"referral", "submit", "--file", exampleFile, "--request-id", uuid.NewString(),
			"--centre", centre, "--token", coordinator}, data...)...)
		return said, err
	}
	update := func(args ...string) (string, string, error) {
		return runSaying(t, append(append([]string{"centre", "update", centre}, args...), data...)...)
	}
	shown := func() *schedulingv1.Centre {
		out, err := run(t, append([]string{"centre", "show", centre, "--json"}, data...)...)
		require.NoError(t, err)
		var c schedulingv1.Centre
		require.NoError(t, protojson.Unmarshal([]byte(out), &c))
		return &c
	}

	// The warning names the command that records the renewal or the lapse.
	var said string
	require.Eventually(t, func() bool {
		said, err = submit()
		return err == nil
	}, 30*time.Second, 50*time.Millisecond, "%v", err)
	require.Contains(t, said, "ran out on 2026-06-01")
	require.Contains(t, said, "familytime centre update "+centre+" --status accredited --accredited-on")
	require.Contains(t, said, "(--status lapsed)")

	// Refused before any call, changing nothing: no flag, a wrong status word, a centre id that is
	// not one; and by the services: a centre that is not there, a coordinator's token.
	for _, bad := range []struct {
		args          []string
		code, reason  string
		field, saying string
	}{
		{[]string{"centre", "update", centre}, "InvalidArgument", ReasonFlagMissing, "--status", "give what changes: one or more of --status"},
		{[]string{"centre", "update", centre, "--status", "revoked"}, "InvalidArgument", ReasonFlagInvalid, "--status",
			`--status "revoked" is not one of: accredited, working-towards, suspended, lapsed`},
		{[]string{"centre", "update", "delta", "--status", "suspended"}, "InvalidArgument", ReasonArgumentInvalid, "", `centre id "delta" is not a UUID`},
		{[]string{"centre", "update", uuid.NewString(), "--status", "suspended"}, "NotFound", "NOT_FOUND", "", "not found"},
		{[]string{"centre", "update", centre, "--status", "suspended", "--token", coordinator}, "PermissionDenied", "ROLE_REQUIRED", "", "not allowed"},
	} {
		out, err := execute(t, append(append(bad.args, "--json"), data...)...)
		require.ErrorContains(t, err, bad.saying, "%v", bad.args)
		f := failureOf(t, out)
		require.Equal(t, bad.code, f.Code, "%v", bad.args)
		require.Equal(t, bad.reason, f.Reason, "%v", bad.args)
		if bad.field != "" {
			require.Len(t, f.Fields, 1, "%v", bad.args)
			require.Equal(t, bad.field, f.Fields[0].Field, "%v", bad.args)
		}
	}
	require.Equal(t, c.GetVersion(), shown().GetVersion(), "nothing refused changed the centre")
	require.Equal(t, commonv1.AccreditationStatus_ACCREDITATION_STATUS_ACCREDITED, shown().GetAccreditationStatus())

	// Suspended: the answer says what changed and keeps the rest; referrals are refused.
	suspension := uuid.NewString()
	out, _, err = update("--status", "suspended", "--request-id", suspension)
	require.NoError(t, err)
	require.Contains(t, out, "changed accreditation: accredited -> suspended\n")
	require.NotContains(t, out, "changed accredited on", "what is not given stays")
	require.Regexp(t, `accredited on:\s+2023-06-01`, out)
	require.Regexp(t, `services:\s+supported\n`, out)
	suspended := shown().GetVersion()
	// Retried with the same --request-id, though the centre read is the one it made: the first
	// answer, recorded once; the id on another update is refused.
	out, said, err = update("--status", "suspended", "--request-id", suspension)
	require.NoError(t, err)
	require.Contains(t, said, "already recorded at")
	require.NotContains(t, out, "changed")
	require.Equal(t, suspended, shown().GetVersion())
	_, _, err = update("--status", "lapsed", "--request-id", suspension)
	// Said so that the administrator can tell whether their update stands (review 60).
	require.ErrorContains(t, err, "--request-id "+suspension+" was used before")
	require.ErrorContains(t, err, "familytime centre show "+centre+" says what the directory has")
	require.Equal(t, suspended, shown().GetVersion())
	require.Eventually(t, func() bool {
		_, err = submit()
		return err != nil && strings.Contains(err.Error(), "CENTRE_SUSPENDED")
	}, 30*time.Second, 50*time.Millisecond, "%v", err)

	// Lapsed, then renewed for three years from 2026-11-20: referrals come in again, unwarned.
	_, _, err = update("--status", "lapsed")
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		_, err = submit()
		return err != nil && strings.Contains(err.Error(), "CENTRE_ACCREDITATION_LAPSED")
	}, 30*time.Second, 50*time.Millisecond, "%v", err)
	out, _, err = update("--status", "accredited", "--accredited-on", "2026-11-20")
	require.NoError(t, err)
	require.Contains(t, out, "changed accreditation: lapsed -> accredited\n")
	require.Contains(t, out, "changed accredited on: 2023-06-01 -> 2026-11-20\n")
	require.Eventually(t, func() bool {
		said, err = submit()
		return err == nil
	}, 30*time.Second, 50*time.Millisecond, "%v", err)
	require.NotContains(t, said, "ran out", "the renewal is recorded: no warning")
	renewed := shown()
	require.Equal(t, commonv1.AccreditationStatus_ACCREDITATION_STATUS_ACCREDITED, renewed.GetAccreditationStatus())
	require.Equal(t, "2026-11-20", dateString(renewed.GetAccreditationDate()))

	// The same again changes nothing, and says so; the services offered are replaced by --service.
	out, said, err = update("--status", "accredited", "--json")
	require.NoError(t, err)
	require.Contains(t, said, "nothing changed")
	var same schedulingv1.Centre
	require.NoError(t, protojson.Unmarshal([]byte(out), &same), "--json is the centre alone")
	require.Equal(t, renewed.GetVersion(), same.GetVersion())
	out, _, err = update("--service", "supported", "--service", "supervised")
	require.NoError(t, err)
	require.Contains(t, out, "changed services: supported -> supported,supervised\n")
}
