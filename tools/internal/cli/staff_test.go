package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// Bad input to the staff commands is refused before any call, saying which flag and why: there
// is no platform in --data here, so a command that got as far as calling would say so instead.
func TestStaffCommandsRefuseBadInputBeforeAnyCall(t *testing.T) {
	centre := uuid.NewString()
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"a name for an account", []string{"add", "--account", "Jane Smith", "--role", "volunteer", "--dbs-checked", "2026-01-05"}, "never a name"},
		{"an unknown role", []string{"add", "--account", "vol-1", "--role", "cook", "--dbs-checked", "2026-01-05"}, `--role "cook" is not one of`},
		{"no DBS check", []string{"add", "--account", "vol-1", "--role", "volunteer"}, `"dbs-checked" not set`},
		{"a DBS date that is not a date", []string{"add", "--account", "vol-1", "--role", "volunteer", "--dbs-checked", "05/01/2026"}, `--dbs-checked "05/01/2026" is not a date`},
		{"a training date that is not a date", []string{"add", "--account", "vol-1", "--role", "volunteer", "--dbs-checked", "2026-01-05", "--trained", "2026-13-01"}, "--trained"},
		{"an unknown check", []string{"check", "--account", "vol-1", "--check", "first-aid", "--on", "2026-01-05"}, `--check "first-aid" is not dbs or training`},
		{"a check without its date", []string{"check", "--account", "vol-1", "--check", "dbs"}, `"on" not set`},
		{"a leaving date that is not a date", []string{"leave", "--account", "vol-1", "--on", "tomorrow"}, `--on "tomorrow" is not a date`},
		{"a listing date that is not a date", []string{"list", "--on", "2026-02-30"}, `--on "2026-02-30" is not a date`},
		{"a look-alike dash", []string{"add", "--account", "sup\u2010ok", "--role", "volunteer", "--dbs-checked", "2026-01-05"}, "printable ASCII without spaces"},
		{"a Cyrillic letter", []string{"check", "--account", "\u0455up-ok", "--check", "dbs", "--on", "2026-01-05"}, "letters, digits and ._@:+- only"},
		{"an invisible character", []string{"leave", "--account", "sup-ok\u200b"}, "not an account id"},
		{"a stay without whose", []string{"stay"}, `"account" not set`},
		{"a name for whose stay", []string{"stay", "--account", "Jane Smith"}, "never a name"},
		{"a long account id", []string{"add", "--account", strings.Repeat("a", 201), "--role", "volunteer", "--dbs-checked", "2026-01-05"}, "at most 200"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := run(t, append(append([]string{"staff"}, tc.args...), "--centre", centre, "--data", t.TempDir())...)
			require.ErrorContains(t, err, tc.want)
		})
	}
	_, err := run(t, "schedule", "complete", uuid.NewString(), "--supervised-by", "\u0455up-ok", "--centre", centre, "--data", t.TempDir())
	require.ErrorContains(t, err, "--supervised-by \"\u0455up-ok\" is not an account id")
}

// The staff list says for each member whether they are cleared, and if not why, in words.
func TestStaffTable(t *testing.T) {
	d := func(y, m, day int32) *commonv1.Date { return &commonv1.Date{Year: y, Month: m, Day: day} }
	members := []*schedulingv1.StaffMember{
		{AccountId: "sup-017", Role: schedulingv1.StaffRole_STAFF_ROLE_CONTACT_SUPERVISOR, JoinedOn: d(2025, 10, 1),
			DbsCheckedOn: d(2025, 9, 1), TrainedOn: d(2025, 9, 15), TrainingDueOn: d(2026, 9, 14), Cleared: true},
		{AccountId: "vol-042", Role: schedulingv1.StaffRole_STAFF_ROLE_VOLUNTEER, JoinedOn: d(2026, 1, 5), DbsCheckedOn: d(2026, 1, 5),
			NotClearedBecause: "no safeguarding training on or before 2026-01-10"},
	}
	var b bytes.Buffer
	require.NoError(t, printStaffTable(&b, &output{}, "ON 2026-01-10", members))
	out := b.String()
	t.Log("\n" + out)
	require.Contains(t, out, "CLEARED ON 2026-01-10")
	require.Contains(t, lineWith(out, "sup-017"), "contact-supervisor")
	require.True(t, strings.HasSuffix(strings.TrimSpace(lineWith(out, "sup-017")), "yes"))
	require.Contains(t, lineWith(out, "vol-042"), "no: no safeguarding training on or before 2026-01-10")

	// A 200-character account id is cut in the table, not in --json.
	long := strings.Repeat("x", 200)
	members = append(members, &schedulingv1.StaffMember{AccountId: long, Role: schedulingv1.StaffRole_STAFF_ROLE_VOLUNTEER})
	b.Reset()
	require.NoError(t, printStaffTable(&b, &output{}, "TODAY", members))
	require.NotContains(t, b.String(), long)
	require.Contains(t, b.String(), strings.Repeat("x", 39)+"…")
	require.Less(t, len(lineWith(b.String(), "sup-017")), 200, "the table is not widened")
	b.Reset()
	require.NoError(t, printStaffTable(&b, &output{json: true}, "TODAY", members))
	require.Contains(t, b.String(), long)
}
