package domain_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Review 67 (finding 2): the other family's adult who only brings or collects the children
// checked in and was never recorded leaving. InsideNow leaves them out (they left at the door,
// decisions 162 and 188), and the kept-apart caution said only that a party "is not in yet". It
// says they checked in: within the door's gap after as someone who may still be at the door, after
// it beside the parties due (decision 358).
func TestTheKeptApartCautionSaysTheOtherFamilysBringOnlyCheckIn(t *testing.T) {
	other, this := newRig(t), newRig(t)
	ob := other.book(t, day(2026, 1, 10), other.shared, jan)
	b := this.book(t, day(2026, 1, 10), this.supervised, jan)
	other.checkIn(t, ob, escort, at(2026, 1, 10, 10, 5), true)
	require.Empty(t, other.family.InsideNow(ob), "the escort only brings the children: left at the door")

	near := other.family.NearTheDoor(b, at(2026, 1, 10, 10, 8))
	require.Len(t, near, 1)
	require.Contains(t, near[0].Where, "checked in at 10:05, 3 minutes ago, and was not recorded leaving")
	require.NotContains(t, near[0].Where, "not in yet")
	require.True(t, at(2026, 1, 10, 10, 5).Add(near[0].Gap).Equal(near[0].Until), near[0].Until)
	require.Contains(t, near[0].Caution("Garden room").Text, "until 10:15")

	later := at(2026, 1, 10, 10, 5).Add(near[0].Gap + time.Minute)
	near = other.family.NearTheDoor(b, later)
	require.Len(t, near, 1)
	require.Contains(t, near[0].Where, "is not in yet")
	require.Contains(t, near[0].Where, "someone of it checked in at 10:05 and was not recorded leaving")
}
