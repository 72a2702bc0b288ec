package reporting_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	reportingv1 "github.com/familytime/familytime/proto/gen/go/familytime/reporting/v1"
	"github.com/familytime/familytime/services/platform/clock"
)

// Review 56 (finding 4): /figures answered region=, service_type=, age_band= and any other
// parameter it does not take with the national figures, as if the filter had been applied, and
// took the first of a repeated number, year or period while a repeated centre was refused. Each
// is refused now, 400, naming the parameter and the ones /figures takes; an unknown one is told
// that the regions' and breakdowns' rows are in the answer (decision 321). What the dashboard
// sends (number=0 for a year) is still answered.
func TestFiguresRefuseAParameterTheyDoNotTakeOrTakeTwice(t *testing.T) {
	sim := clock.NewSimulated(time.Date(2027, 1, 9, 10, 0, 0, 0, time.UTC))
	g := newRigOn(t, sim)
	centre := g.centre(t, commonv1.Region_REGION_NORTH_WEST)
	g.settle(t)
	base := g.adminServer(t).URL + "/figures?"
	const october = "period=month&year=2026&number=10"

	for _, ok := range []string{october, "period=year&year=2026&number=0", "period=quarter&year=2026&number=4&centre=" + centre.String()} {
		resp, body := get(t, base+ok)
		require.Equal(t, http.StatusOK, resp.StatusCode, "%s: %s", ok, body)
	}
	for _, param := range []string{"region=REGION_NORTH_WEST", "service_type=SUPERVISED", "age_band=x", "x=1", "Centre=" + centre.String()} {
		resp, body := get(t, base+october+"&"+param)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode, "%s: %s", param, body)
		name, _, _ := strings.Cut(param, "=")
		require.True(t, strings.HasPrefix(body, name+": "), "the refusal names the parameter: %s", body)
		require.Contains(t, body, "takes the parameters period, year, number and centre", param)
		require.Contains(t, body, `scope "region"`, "where a region's figures are: %s", body)
		require.Contains(t, body, "breakdown", "where the breakdowns are: %s", body)
	}
	for _, param := range []string{"number=11", "year=2025", "period=month", "centre=" + centre.String()} {
		resp, body := get(t, base+october+"&centre="+centre.String()+"&"+param)
		if strings.HasPrefix(param, "centre=") {
			resp, body = get(t, base+october+"&"+param+"&"+param)
		}
		require.Equal(t, http.StatusBadRequest, resp.StatusCode, "%s twice: %s", param, body)
		name, _, _ := strings.Cut(param, "=")
		require.True(t, strings.HasPrefix(body, name+": given 2 times"), "the refusal names the parameter: %s", body)
		require.Contains(t, body, "takes each of period, year, number and centre once", param)
	}
}

// Review 56 (finding 5): `familytime return --centre <the nil UUID>` printed the national return
// (GetFigures took the nil UUID for no centre), where /figures refused it; and an upper-case
// centre id was taken by the one and refused by the other. One rule now (decision 321): the nil
// UUID is refused as a centre by both, in the same words (the nation's figures are asked for by
// leaving the centre out), and both take a centre's id in either case, naming it in lower case.
func TestTheNilCentreIsRefusedAndCaseIsTakenAlike(t *testing.T) {
	sim := clock.NewSimulated(time.Date(2027, 1, 9, 10, 0, 0, 0, time.UTC))
	g := newRigOn(t, sim)
	centre := g.centre(t, commonv1.Region_REGION_NORTH_WEST)
	g.settle(t)
	base := g.adminServer(t).URL + "/figures?period=quarter&year=2026&number=4"
	const words = "the nil UUID names no centre: leave the centre out for the national figures"

	resp, body := get(t, base+"&centre="+uuid.Nil.String())
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
	require.Contains(t, body, words)
	an := g.analyst(t)
	ask := func(id string) (*reportingv1.GetFiguresResponse, error) {
		return an.GetFigures(t.Context(), &reportingv1.GetFiguresRequest{Publication: true, CentreId: id,
			Period: &reportingv1.Period{Kind: reportingv1.PeriodKind_PERIOD_KIND_QUARTER, Year: 2026, Number: 4}})
	}
	_, err := ask(uuid.Nil.String())
	require.Equal(t, codes.InvalidArgument, status.Code(err), "the nil UUID is not the nation: %v", err)
	require.Contains(t, status.Convert(err).Message(), words)

	upper := strings.ToUpper(centre.String())
	resp, lower := get(t, base+"&centre="+centre.String())
	require.Equal(t, http.StatusOK, resp.StatusCode, lower)
	resp, body = get(t, base+"&centre="+upper)
	require.Equal(t, http.StatusOK, resp.StatusCode, "an upper-case id is taken, as GetFigures takes it: %s", body)
	require.Equal(t, lower, body, "and answered as the lower-case id is")
	figs, err := ask(upper)
	require.NoError(t, err)
	require.NotEmpty(t, figs.GetFigures())
	for _, f := range figs.GetFigures() {
		if f.GetScope() == "centre" {
			require.Equal(t, centre.String(), f.GetCentreId())
		}
	}
}
