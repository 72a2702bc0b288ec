package cli

import (
	"bytes"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/tools/internal/devserver"
)

// Review 51: the banner's "Try: familytime centre list" found no platform beside one started with
// --data, and the refusal did not name the flag that fixes it.
func TestTheDevBannersFirstCommandRunsAsPrinted(t *testing.T) {
	var out bytes.Buffer
	printInfo(&out, devserver.Info{DataDir: "data", AdminToken: "t"})
	require.Contains(t, out.String(), "Try: familytime centre list --data data ")
	out.Reset()
	printInfo(&out, devserver.Info{DataDir: defaultDataDir, AdminToken: "t"})
	require.Contains(t, out.String(), "Try: familytime centre list   (")

	_, err := readDevInfo(t.TempDir())
	require.ErrorContains(t, err, "give --data DIR if it was started with --data")
}

// Review 71: the dev platform's NATS requires a password (decisions.md 369); the banner says where it
// is and how to point the nats CLI at it, and never prints it.
func TestTheDevBannerNeverPrintsTheNATSPassword(t *testing.T) {
	var out bytes.Buffer
	printInfo(&out, devserver.Info{DataDir: "data", AdminToken: "t", NATSURL: "nats://familytime:s3cret@127.0.0.1:4999",
		NATSAddress: "nats://127.0.0.1:4999", NATSCredentialsFile: "data/nats.credentials"})
	require.NotContains(t, out.String(), "s3cret")
	require.Contains(t, out.String(), "nats://127.0.0.1:4999  (user and password in data/nats.credentials; nats CLI: nats --server \"$(jq -r .nats_url data/dev.json)\"")
}

// Review 51: five commands refused a UK-form date with five different examples, and a time "2pm"
// with no reading. Every date and time flag is read one way, and a date that can be read one way
// only is said in words.
func TestADateOrTimeInAnotherFormIsAnsweredOneWay(t *testing.T) {
	for value, want := range map[string]string{
		"19/12/2026": `--on "19/12/2026" is not a date written YYYY-MM-DD, e.g. 2026-12-19: for 19 December 2026, write --on 2026-12-19`,
		"02/11/2026": `--on "02/11/2026" is not a date written YYYY-MM-DD, e.g. 2026-12-19: 02/11/2026 could be 2 November 2026 or 11 February 2026; write --on 2026-11-02 or --on 2026-02-11`,
		"05/05/2026": `--on "05/05/2026" is not a date written YYYY-MM-DD, e.g. 2026-12-19: for 5 May 2026, write --on 2026-05-05`,
		"31/02/2026": `--on "31/02/2026" is not a date written YYYY-MM-DD, e.g. 2026-12-19`,
		"2026-02-30": `--on "2026-02-30" is not a date written YYYY-MM-DD, e.g. 2026-12-19: there is no such day`,
		"tomorrow":   `--on "tomorrow" is not a date written YYYY-MM-DD, e.g. 2026-12-19`,
	} {
		_, err := dayFlag("on", value)
		require.EqualError(t, err, want, value)
	}
	d, err := dateFlag("on", "2026-12-19")
	require.NoError(t, err)
	require.Equal(t, int32(19), d.GetDay())
	for value, want := range map[string]string{
		"2pm":     `--at "2pm" is not a time written HH:MM on the 24-hour clock, e.g. 14:05: for 2pm, write --at 14:00`,
		"12.30am": `--at "12.30am" is not a time written HH:MM on the 24-hour clock, e.g. 14:05: for 12.30am, write --at 00:30`,
		"noon":    `--at "noon" is not a time written HH:MM on the 24-hour clock, e.g. 14:05`,
	} {
		_, err := clockFlag("at", value)
		require.EqualError(t, err, want, value)
	}
}

// Review 51: `schedule cancel --by` took visiting-parent, `referral withdraw --by`
// non-resident-parent, and each refused the other's word for the same parent.
func TestAParentIsNamedEitherWayOnEveryCommand(t *testing.T) {
	by, err := parseEnum[schedulingv1.CancelledBy]("by", "non-resident-parent", "CANCELLED_BY_", schedulingv1.CancelledBy_value)
	require.NoError(t, err)
	require.Equal(t, schedulingv1.CancelledBy_CANCELLED_BY_VISITING_PARENT, by)
	withdrawn, err := parseEnum[referralv1.WithdrawnBy]("by", "visiting-parent", "WITHDRAWN_BY_", referralv1.WithdrawnBy_value)
	require.NoError(t, err)
	require.Equal(t, referralv1.WithdrawnBy_WITHDRAWN_BY_NON_RESIDENT_PARENT, withdrawn)
	_, err = parseEnum[schedulingv1.CancelledBy]("by", "aunt", "CANCELLED_BY_", schedulingv1.CancelledBy_value)
	require.ErrorContains(t, err, `--by "aunt" is not one of:`)
}

// Review 51: `screen --raiting amber` was answered "unknown flag: --raiting" alone.
func TestAMisspeltFlagIsAnsweredWithTheNearestOne(t *testing.T) {
	_, err := run(t, "referral", "screen", uuid.NewString(), "--centre", uuid.NewString(), "--raiting", "amber")
	require.ErrorContains(t, err, "unknown flag: --raiting (did you mean --rating? familytime referral screen --help lists its flags)")
	_, err = run(t, "referral", "screen", uuid.NewString(), "--centre", uuid.NewString(), "--colour", "amber")
	require.EqualError(t, err, "unknown flag: --colour", "nothing near: no guess")
	require.Equal(t, 1, editDistance("raiting", "rating"))
	require.Equal(t, 3, editDistance("kitten", "sitting"))
}
