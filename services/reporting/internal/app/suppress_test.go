package app

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
)

func fig(scope string, region commonv1.Region, centre uuid.UUID, breakdown, category string, v float64) Figure {
	return Figure{Measure: "children_served", Scope: scope, Region: region, Centre: centre, Breakdown: breakdown, Category: category, Value: v, Protected: true}
}

func shownOf(figs []Figure) []string {
	out := make([]string, len(figs))
	for i, f := range figs {
		if f.Suppressed == "" {
			out[i] = shown(f)
		} else {
			out[i] = f.Shown
		}
	}
	return out
}

// Small numbers are "<5", and no "<5" can be worked out by subtracting from a total.
func TestSuppress(t *testing.T) {
	c := uuid.New()
	band := func(category string, v float64) Figure {
		return fig("centre", 7, c, "age_band", category, v)
	}
	for _, tc := range []struct {
		name string
		figs []Figure
		want []string
	}{
		{"nothing small", []Figure{fig("centre", 7, c, "", "", 30), band("A", 10), band("B", 20)}, []string{"30", "10", "20"}},
		{"one small cell: the next smallest is withheld too", []Figure{fig("centre", 7, c, "", "", 30), band("A", 3), band("B", 7), band("C", 20)},
			[]string{"30", "<5", "*", "20"}},
		{"one small cell and only zeros beside it: the total is withheld", []Figure{fig("centre", 7, c, "", "", 3), band("A", 3), band("B", 0)},
			[]string{"<5", "<5", "0"}},
		{"a small cell beside zeros, total large: the total is withheld", []Figure{fig("centre", 7, c, "", "", 8), band("A", 3), band("B", 0), band("C", 5)},
			[]string{"8", "<5", "0", "*"}},
		{"two small cells that can only be 1 and 1", []Figure{fig("centre", 7, c, "", "", 12), band("A", 1), band("B", 1), band("C", 10)},
			[]string{"12", "<5", "<5", "*"}},
		{"two small cells that can only be 4 and 4", []Figure{fig("centre", 7, c, "", "", 28), band("A", 4), band("B", 4), band("C", 20)},
			[]string{"28", "<5", "<5", "*"}},
		{"two small cells that could be several pairs", []Figure{fig("centre", 7, c, "", "", 25), band("A", 2), band("B", 3), band("C", 20)},
			[]string{"25", "<5", "<5", "20"}},
		{"places are not about people", []Figure{{Measure: "places_available", Scope: "centre", Centre: c, Value: 3}}, []string{"3"}},
		{"a duration over fewer than 5", []Figure{{Measure: "waiting_days_median", Scope: "centre", Centre: c, Value: 29, Count: 1, Duration: true}}, []string{"*"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			Suppress(tc.figs)
			require.Equal(t, tc.want, shownOf(tc.figs))
			for _, f := range tc.figs {
				if f.Suppressed != "" {
					require.Zero(t, f.Value)
				}
			}
		})
	}

	// Across scopes: a region's centres add up to the region.
	a, b, d := uuid.New(), uuid.New(), uuid.New()
	figs := []Figure{fig("national", 0, uuid.Nil, "", "", 40), fig("region", 7, uuid.Nil, "", "", 40),
		fig("centre", 7, a, "", "", 2), fig("centre", 7, b, "", "", 18), fig("centre", 7, d, "", "", 20)}
	Suppress(figs)
	require.Equal(t, []string{"40", "40", "<5", "*", "20"}, shownOf(figs))
}
