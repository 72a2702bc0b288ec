package ageband_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/proto/ageband"
	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestAt(t *testing.T) {
	cases := []struct {
		name        string
		year, month int
		on          time.Time
		want        commonv1.AgeBand
	}{
		{"newborn in the birth month", 2026, 3, day(2026, 3, 1), commonv1.AgeBand_AGE_BAND_UNDER_2},
		{"before birth", 2026, 3, day(2026, 2, 28), commonv1.AgeBand_AGE_BAND_UNSPECIFIED},
		{"the month before the second birthday", 2024, 6, day(2026, 5, 31), commonv1.AgeBand_AGE_BAND_UNDER_2},
		{"the second birthday month counts from its first day", 2024, 6, day(2026, 6, 1), commonv1.AgeBand_AGE_BAND_2_TO_4},
		{"four", 2021, 12, day(2026, 11, 30), commonv1.AgeBand_AGE_BAND_2_TO_4},
		{"five", 2021, 12, day(2026, 12, 1), commonv1.AgeBand_AGE_BAND_5_TO_10},
		{"ten", 2015, 7, day(2026, 6, 30), commonv1.AgeBand_AGE_BAND_5_TO_10},
		{"eleven", 2015, 7, day(2026, 7, 1), commonv1.AgeBand_AGE_BAND_11_TO_15},
		{"sixteen", 2010, 1, day(2026, 1, 1), commonv1.AgeBand_AGE_BAND_16_TO_17},
		{"seventeen", 2009, 2, day(2027, 1, 31), commonv1.AgeBand_AGE_BAND_16_TO_17},
		{"eighteen is past the bands", 2009, 2, day(2027, 2, 1), commonv1.AgeBand_AGE_BAND_UNSPECIFIED},
		{"no month", 2020, 0, day(2026, 1, 1), commonv1.AgeBand_AGE_BAND_UNSPECIFIED},
		{"month out of range", 2020, 13, day(2026, 1, 1), commonv1.AgeBand_AGE_BAND_UNSPECIFIED},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, ageband.At(tc.year, tc.month, tc.on))
		})
	}
}
