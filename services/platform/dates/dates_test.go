package dates_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	"github.com/familytime/familytime/services/platform/dates"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestProto(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   time.Time
		want *commonv1.Date
	}{
		{"zero is no date", time.Time{}, nil},
		{"a day", day(2026, 3, 2), &commonv1.Date{Year: 2026, Month: 3, Day: 2}},
		{"29 February of a leap year", day(2024, 2, 29), &commonv1.Date{Year: 2024, Month: 2, Day: 29}},
		{"the day in t's own location", time.Date(2026, 3, 2, 23, 30, 0, 0, time.FixedZone("UTC-5", -5*3600)),
			&commonv1.Date{Year: 2026, Month: 3, Day: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := dates.Proto(tc.in)
			require.True(t, proto.Equal(tc.want, got), "got %v, want %v", got, tc.want)
		})
	}
}

func TestTime(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   *commonv1.Date
		want time.Time
	}{
		{"nil is the zero time", nil, time.Time{}},
		{"an empty date does not exist", &commonv1.Date{}, time.Time{}},
		{"a day", &commonv1.Date{Year: 2026, Month: 3, Day: 2}, day(2026, 3, 2)},
		{"29 February of a leap year", &commonv1.Date{Year: 2024, Month: 2, Day: 29}, day(2024, 2, 29)},
		{"29 February of another year", &commonv1.Date{Year: 2026, Month: 2, Day: 29}, time.Time{}},
		{"30 February is not 2 March", &commonv1.Date{Year: 2026, Month: 2, Day: 30}, time.Time{}},
		{"31 April", &commonv1.Date{Year: 2025, Month: 4, Day: 31}, time.Time{}},
		{"month 13", &commonv1.Date{Year: 2026, Month: 13, Day: 1}, time.Time{}},
		{"month 0", &commonv1.Date{Year: 2026, Month: 0, Day: 1}, time.Time{}},
		{"day 0", &commonv1.Date{Year: 2026, Month: 3, Day: 0}, time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := dates.Time(tc.in)
			require.True(t, tc.want.Equal(got), "got %v, want %v", got, tc.want)
			require.Equal(t, time.UTC, got.Location())
		})
	}
}

func TestFromParts(t *testing.T) {
	for _, tc := range []struct {
		name             string
		year, month, day int
		ok               bool
	}{
		{"a day", 2026, 3, 2, true},
		{"29 February of a leap year", 2024, 2, 29, true},
		{"29 February of a century leap year", 2000, 2, 29, true},
		{"29 February of another year", 2026, 2, 29, false},
		{"29 February of a century that is not a leap year", 1900, 2, 29, false},
		{"31 April", 2025, 4, 31, false},
		{"31 December", 2025, 12, 31, true},
		{"month 13", 2026, 13, 1, false},
		{"month 0", 2026, 0, 1, false},
		{"day 0", 2026, 3, 0, false},
		{"day 32", 2026, 1, 32, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := dates.FromParts(tc.year, tc.month, tc.day)
			require.Equal(t, tc.ok, ok)
			if ok {
				require.Equal(t, day(tc.year, time.Month(tc.month), tc.day), got)
			}
		})
	}
}

func TestString(t *testing.T) {
	require.Equal(t, "2026-03-02", dates.String(day(2026, 3, 2)))
	require.Equal(t, "2024-02-29", dates.String(day(2024, 2, 29)))
	require.Equal(t, "0987-11-30", dates.String(day(987, 11, 30)))
}

// TestRoundTrip: a domain date survives the wire, and so does a wire date that exists.
func TestRoundTrip(t *testing.T) {
	for _, d := range []time.Time{day(2026, 1, 1), day(2024, 2, 29), day(2025, 12, 31), day(1999, 4, 30)} {
		require.Equal(t, d, dates.Time(dates.Proto(d)), dates.String(d))
	}
	require.True(t, dates.Time(dates.Proto(time.Time{})).IsZero(), "no date stays no date")
	for _, d := range []*commonv1.Date{{Year: 2026, Month: 3, Day: 2}, {Year: 2024, Month: 2, Day: 29}} {
		require.True(t, proto.Equal(d, dates.Proto(dates.Time(d))), "%v", d)
	}
}

func TestInUK(t *testing.T) {
	for _, c := range []struct {
		now  time.Time
		want time.Time
	}{
		{time.Date(2026, 7, 1, 23, 30, 0, 0, time.UTC), day(2026, 7, 2)},   // British Summer Time: already the 2nd
		{time.Date(2026, 12, 1, 23, 30, 0, 0, time.UTC), day(2026, 12, 1)}, // Greenwich Mean Time
		{time.Date(2026, 7, 1, 22, 59, 0, 0, time.UTC), day(2026, 7, 1)},
	} {
		if got := dates.InUK(c.now); !got.Equal(c.want) {
			t.Errorf("InUK(%s) = %s, want %s", c.now, dates.String(got), dates.String(c.want))
		}
	}
}
