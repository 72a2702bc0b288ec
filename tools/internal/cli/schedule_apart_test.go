package cli

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// schedule keep-apart names two families, and a reason unless it ends the keeping apart, before
// any call (decision 330).
func TestKeepApartRefusesBadInputBeforeAnyCall(t *testing.T) {
	centre, a, b := uuid.NewString(), uuid.NewString(), uuid.NewString()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--family", a, "--reason", "same-adult"}, "name the two families kept apart: --family A --family B"},
		{[]string{"--family", a, "--family", a, "--reason", "same-adult"}, "--family names the same family twice"},
		{[]string{"--family", a, "--family", "Daniel", "--reason", "same-adult"}, `family id "Daniel" is not a UUID`},
		{[]string{"--family", a, "--family", b}, "--reason is required: same-adult, injunction, safety, other"},
		{[]string{"--family", a, "--family", b, "--reason", "neighbours"}, `--reason "neighbours" is not one of`},
		{[]string{"--family", a, "--family", b, "--reason", "safety", "--end"}, "--end ends the keeping apart whatever its reason"},
	} {
		_, err := run(t, append([]string{"schedule", "keep-apart", "--centre", centre, "--data", t.TempDir()}, c.args...)...)
		require.ErrorContains(t, err, c.want, c.args)
	}
	help, err := run(t, "schedule", "keep-apart", "--help")
	require.NoError(t, err)
	require.Contains(t, help, "FAMILIES_KEPT_APART")
	require.Contains(t, help, "familytime schedule keep-apart --centre $CENTRE --family $FAMILY1 --family $FAMILY2 --end")
}

// A pair the same adult may bring together is warned of by ids, with the command that records it
// (decision 334).
func TestKeepApartWarnsOfThePairToRecord(t *testing.T) {
	centre, f3, f5, f1 := uuid.NewString(), uuid.NewString(), uuid.NewString(), uuid.NewString()
	words := alsoKeepApartWords(centre, &schedulingv1.AlsoKeepApart{FamilyId: f3, OtherFamilyId: f5, ThroughFamilyId: f1,
		Reason: schedulingv1.KeepApartReason_KEEP_APART_REASON_INJUNCTION})
	require.Contains(t, words, "family "+f3+" shares an adult with family "+f1+", which is kept apart from family "+f5+" (injunction)")
	require.Contains(t, words, "also record: familytime schedule keep-apart --centre "+centre+" --family "+f3+" --family "+f5+" --reason injunction")
	help, err := run(t, "schedule", "keep-apart", "--help")
	require.NoError(t, err)
	require.Contains(t, help, "at least 10 minutes apart at the door")
	require.Contains(t, help, "also record: familytime schedule keep-apart")
}
