package ports

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/google/uuid"
	"google.golang.org/protobuf/encoding/protojson"

	reportingv1 "github.com/familytime/familytime/proto/gen/go/familytime/reporting/v1"
	"github.com/familytime/familytime/services/platform/problem"
	"github.com/familytime/familytime/services/reporting/internal/app"
)

// figuresJSON writes /figures: the proto's field names (centre_id, not centreId), as the CLI's
// JSON (protojson with UseProtoNames), so the same figure has the same keys wherever it is read.
var figuresJSON = protojson.MarshalOptions{UseProtoNames: true}

// publishedJSON is published figures as /figures gives them: figuresJSON, with revised always
// there, false as well as true (decision 305). protojson leaves a false bool out, and then a
// dashboard or script could not tell "not revised" from a server too old to say (review 52).
// Only revised: EmitDefaultValues would bring every empty field of every figure with it (a
// withheld figure's "value": 0, read as a figure of 0; a national figure's "region":
// "REGION_UNSPECIFIED"), where docs/return.md says an empty, 0 or false field of a figure is left
// out. /figures gives published figures only; exact ones (GetFigures without publication, which
// have no first publication to differ from) are never served here, and the API and the CLI leave
// their false revised out.
func publishedJSON(resp *reportingv1.GetFiguresResponse) ([]byte, error) {
	body, err := figuresJSON.Marshal(resp)
	if err != nil || resp.GetRevised() {
		return body, err
	}
	// The response is a JSON object, from and to always in it: revised goes before its closing
	// brace, where protojson puts it when true (its field number is the last).
	end := bytes.LastIndexByte(body, '}')
	if end < 1 || body[0] != '{' {
		return nil, errors.New("figures: protojson gave no object")
	}
	field := `,"revised":false}`
	if len(bytes.TrimSpace(body[1:end])) == 0 {
		field = field[1:]
	}
	return append(body[:end:end], field...), nil
}

// notEndedAnswer refuses the published figures of a period not ended (decision 264), 409 Conflict
// (the period is fine, the figures are not ready), in JSON a dashboard can act on: the refusal as
// the CLI's --json gives one, how far the period has run and on which date (the service's, as in
// a GetFiguresResponse), and the last period of its kind that has ended, in /figures' own terms,
// to ask for instead, with the period's own last month ended (months_ended) where it has one.
// A day is written in the form its reader reads (decision 305): in a field a program reads
// (as_of), as the API's Date, {"year", "month", "day"}, the same as /figures' from, to and as_of,
// never as words to parse; in text a person reads (error.message, and the dashboard's words), as
// "8 January 2027", never 2027-01-08.
func notEndedAnswer(w http.ResponseWriter, e *app.NotEndedError) {
	type period struct {
		Period string `json:"period"`
		Year   int    `json:"year"`
		Number int    `json:"number,omitempty"`
	}
	type date struct {
		Year  int `json:"year"`
		Month int `json:"month"`
		Day   int `json:"day"`
	}
	var rule *problem.RuleError
	errors.As(e, &rule) // always: e unwraps to its rule
	out := struct {
		Error struct {
			Code    string `json:"code"`
			Reason  string `json:"reason"`
			Message string `json:"message"`
		} `json:"error"`
		Progress    string  `json:"progress"`
		AsOf        date    `json:"as_of"`
		LastEnded   period  `json:"last_ended"`
		MonthsEnded *period `json:"months_ended,omitempty"`
	}{Progress: progress[e.Progress].String(), AsOf: date{e.Today.Year(), int(e.Today.Month()), e.Today.Day()},
		LastEnded: period{e.LastEnded.Kind(), e.LastEnded.From.Year(), e.LastEnded.Number()}}
	if m := e.MonthsEnded; !m.From.IsZero() {
		out.MonthsEnded = &period{m.Kind(), m.From.Year(), m.Number()}
	}
	out.Error.Code, out.Error.Reason, out.Error.Message = "FailedPrecondition", rule.Reason, rule.Message
	body, err := json.Marshal(out)
	if err != nil {
		http.Error(w, "figures are unavailable", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusConflict)
	_, _ = w.Write(body)
}

// figuresParams are the parameters /figures takes, each at most once.
var figuresParams = []string{"period", "year", "number", "centre"}

// figuresQuery is why /figures refuses a query, empty when it does not (decision 321): a parameter
// it does not take, which was ignored, so that region=, service_type= or age_band= was answered
// with every figure as if the filter had been applied (review 56), or one given twice, of which
// the first was taken (but a second centre refused). The refusal names the parameter, what
// /figures takes, and, for one it does not take, where the regions' and breakdowns' figures are:
// in the answer's rows. A name is quoted short: it is the caller's text, said back to them only.
func figuresQuery(q url.Values) string {
	names := slices.Sorted(maps.Keys(q))
	for _, name := range names {
		if !slices.Contains(figuresParams, name) {
			if len(name) > 40 {
				name = name[:40] + "…"
			}
			said := strconv.Quote(name)
			return said[1:len(said)-1] + `: /figures takes the parameters period, year, number and centre, ` +
				`each at most once, and no other. Every region's figures are in its answer (the rows with scope "region", by region), ` +
				`and so are the breakdowns (the rows whose breakdown is service_type, age_band, source, reason, outcome, category or ` +
				`role, by category): select those rows from the answer; centre=<centre id> gives one centre's figures`
		}
	}
	for _, name := range names {
		if n := len(q[name]); n > 1 {
			return name + ": given " + strconv.Itoa(n) + " times: /figures takes each of period, year, number and centre once " +
				"(one centre, or none for the nation)"
		}
	}
	return ""
}

// Dashboard serves published figures as JSON on the admin port, for dashboards:
// GET /figures?period=quarter&year=2026&number=3[&centre=<uuid>], and no other parameter, each
// once (figuresQuery). They are the published figures
// (small numbers suppressed), the same as GetFigures with publication set; the admin port is
// internal to the deployment, and nothing it serves identifies anyone. The page at /dashboard
// (DashboardPage) shows them to a person, and reads nothing else but the centres' names
// (Centres), so it is no more exposed than this. The JSON is GetFiguresResponse with the fields
// named as the proto names them (figures[].centre_id), as `familytime return --format json` and
// every --json of the CLI name them, so that the two can be joined by key (review 32), and with
// revised whether true or false (publishedJSON). A period that has not ended is refused, 409
// with its reason and the last period of its kind that has (notEndedAnswer), as GetFigures
// refuses it.
func Dashboard(a *app.App) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if refused := figuresQuery(q); refused != "" {
			http.Error(w, refused, http.StatusBadRequest)
			return
		}
		year, _ := strconv.Atoi(q.Get("year"))
		number, _ := strconv.Atoi(q.Get("number"))
		kind := q.Get("period")
		if kind == "" {
			kind = "year"
		}
		period, err := app.NewPeriod(kind, year, number)
		if err != nil || year < 2000 || year > 2200 {
			http.Error(w, "period: give period=year|quarter|month, year=YYYY (2000 to 2200) and, for a quarter or a month, number (quarter 1-4, month 1-12; none for a year)", http.StatusBadRequest)
			return
		}
		centre := uuid.Nil
		if c := q.Get("centre"); c != "" {
			// decision 321: as GetFigures takes it (CentreOf), in either case, never the nil UUID.
			if centre, err = CentreOf(c); err != nil {
				http.Error(w, "centre: "+err.Error(), http.StatusBadRequest)
				return
			}
		}
		figs, err := a.Figures(r.Context(), period, centre, true)
		var (
			missing  *problem.NotFoundError
			notEnded *app.NotEndedError
		)
		switch {
		case errors.As(err, &notEnded):
			notEndedAnswer(w, notEnded)
			return
		case errors.As(err, &missing):
			http.Error(w, "centre: reporting knows no centre "+centre.String(), http.StatusNotFound)
			return
		case errors.Is(err, app.ErrFiguresCatchingUp):
			// Its words hold counts and a month, nothing about anyone.
			w.Header().Set("Retry-After", "60")
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		case err != nil:
			http.Error(w, "figures are unavailable", http.StatusServiceUnavailable)
			return
		}
		body, err := publishedJSON(FiguresResponse(period, figs, a.Today()))
		if err != nil {
			http.Error(w, "figures are unavailable", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		_, _ = w.Write(body)
	})
}
