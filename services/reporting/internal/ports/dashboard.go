package ports

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"time"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	"github.com/familytime/familytime/services/reporting/internal/app"
)

// The dashboard is one page, its script and its style sheet, built into the binary: no build
// step, and nothing fetched from anywhere else (the machines have no internet).
//
//go:embed dashboard/index.html dashboard/app.js dashboard/style.css
var dashboard embed.FS

// dashboardFiles are the dashboard's script and style sheet by request path, with their content
// types; the page itself is dashboardPage.
var dashboardFiles = map[string]struct{ file, contentType string }{
	"/dashboard/app.js":    {"dashboard/app.js", "text/javascript; charset=utf-8"},
	"/dashboard/style.css": {"dashboard/style.css", "text/css; charset=utf-8"},
}

// dashboardPage is the page, a template for its words without JavaScript: they name the last
// quarter published on the service's date (noscriptExample), which a fixed example did not
// (review 52: it named 2026Q1 whatever the day).
var dashboardPage = template.Must(template.ParseFS(dashboard, "dashboard/index.html"))

// noscriptExample is what the page without JavaScript names: the last quarter published on today
// (the service's date in the UK, its clock's), as /figures asks for it and as `familytime
// return --quarter` does, and today itself, in words (decision 305: a day a person reads is
// "8 January 2027").
type noscriptExample struct {
	Today        string
	Name         string // "Q4 2026 (October to December)", as the page names a quarter with JavaScript
	Quarter      string // "2026Q4", as the CLI takes it
	Year, Number int
}

func noscriptExampleOn(today time.Time) noscriptExample {
	// A quarter's LastPublished looks only at its kind: any quarter will do.
	kind, _ := app.NewPeriod("quarter", today.Year(), 1)
	q := kind.LastPublished(today)
	return noscriptExample{Today: today.Format("2 January 2006"), Quarter: q.String(), Year: q.From.Year(), Number: q.Number(),
		Name: fmt.Sprintf("Q%d %d (%s to %s)", q.Number(), q.From.Year(), q.From.Format("January"), q.To.Format("January"))}
}

// dashboardPolicy lets the page run only its own script and style sheet (no inline code, no
// other origin), fetch only from its own origin (/figures, /centres), and not be framed.
const dashboardPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'; require-trusted-types-for 'script'"

// DashboardPage serves the figures dashboard, a page a person can open in a browser: GET
// /dashboard, with its script and style sheet at /dashboard/app.js and /dashboard/style.css. It
// shows the published figures for a year, quarter or month (the current quarter unless the
// address says otherwise: /dashboard?period=quarter&year=2026&number=1[&centre=<uuid>]),
// nationally or for one centre: the headline figures, by region and the breakdowns, each
// withheld figure as its "<5" or "*", with a legend. A period not ended, the current quarter
// included, is not published (decision 264): the page shows the last of its kind that has ended,
// which /figures names in its refusal, and says why. A period with nothing recorded (every count
// a published 0) is said to be, not shown as tables of zeros; a percentage is shown to one decimal
// with its sign, a count whole; without JavaScript it says where else the same figures are
// (decision 290), naming the last quarter published on the service's date (a's clock, simulated
// on a simulated platform), which the server writes into the page (decision 305). It reads only
// /figures and /centres in the browser, so it shows nothing they do not: no personal data, and
// the same exposure as /figures (the admin port is internal to the deployment).
func DashboardPage(a *app.App) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/dashboard/" {
			// Relative, so that it holds behind a proxy that serves the admin port under a prefix.
			w.Header().Set("Location", "../dashboard")
			w.WriteHeader(http.StatusFound)
			return
		}
		var (
			body        []byte
			contentType string
		)
		if r.URL.Path == "/dashboard" {
			var page bytes.Buffer
			if err := dashboardPage.Execute(&page, noscriptExampleOn(a.Today())); err != nil {
				http.Error(w, "the dashboard could not be written", http.StatusInternalServerError)
				return
			}
			body, contentType = page.Bytes(), "text/html; charset=utf-8"
		} else {
			f, ok := dashboardFiles[r.URL.Path]
			if !ok {
				http.NotFound(w, r)
				return
			}
			var err error
			if body, err = dashboard.ReadFile(f.file); err != nil {
				http.Error(w, "the dashboard is missing from this build", http.StatusInternalServerError)
				return
			}
			contentType = f.contentType
		}
		h := w.Header()
		h.Set("Content-Type", contentType)
		h.Set("Content-Security-Policy", dashboardPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-cache")
		_, _ = w.Write(body)
	})
}

// centreEntry is one centre as GET /centres gives it.
type centreEntry struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Region string `json:"region"`
}

// centresPage is how many centres are read at a time.
const centresPage = 500

// Centres serves the centres reporting knows, by name, as JSON for the dashboard's centre
// filter: GET /centres gives {"centres": [{"id": "<uuid>", "name": "...", "region":
// "REGION_LONDON"}]}. They come from reporting's centres projection, the public directory (a
// centre's name and region), which holds no personal data.
func Centres(a *app.App) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		out := struct {
			Centres []centreEntry `json:"centres"`
		}{Centres: []centreEntry{}}
		token := ""
		for {
			page, next, err := a.ListCentres(r.Context(), commonv1.Region_REGION_UNSPECIFIED, centresPage, token)
			if err != nil {
				http.Error(w, "centres are unavailable", http.StatusServiceUnavailable)
				return
			}
			for _, c := range page {
				out.Centres = append(out.Centres, centreEntry{ID: c.ID.String(), Name: c.Name, Region: c.Region.String()})
			}
			if next == "" {
				break
			}
			token = next
		}
		body, err := json.Marshal(out)
		if err != nil {
			http.Error(w, "centres are unavailable", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		_, _ = w.Write(body)
	})
}
