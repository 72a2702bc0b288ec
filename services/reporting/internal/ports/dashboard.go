package ports

import (
	"embed"
	"encoding/json"
	"net/http"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	"github.com/familytime/familytime/services/reporting/internal/app"
)

// The dashboard is one page, its script and its style sheet, built into the binary: no build
// step, and nothing fetched from anywhere else (the machines have no internet).
//
//go:embed dashboard/index.html dashboard/app.js dashboard/style.css
var dashboard embed.FS

// dashboardFiles are the dashboard's files by request path, with their content types.
var dashboardFiles = map[string]struct{ file, contentType string }{
	"/dashboard":           {"dashboard/index.html", "text/html; charset=utf-8"},
	"/dashboard/app.js":    {"dashboard/app.js", "text/javascript; charset=utf-8"},
	"/dashboard/style.css": {"dashboard/style.css", "text/css; charset=utf-8"},
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
// (decision 290). It reads only /figures and /centres in the browser, so it shows nothing they do
// not: no personal data, and the same exposure as /figures (the admin port is internal to the
// deployment).
func DashboardPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/dashboard/" {
			// Relative, so that it holds behind a proxy that serves the admin port under a prefix.
			w.Header().Set("Location", "../dashboard")
			w.WriteHeader(http.StatusFound)
			return
		}
		f, ok := dashboardFiles[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		body, err := dashboard.ReadFile(f.file)
		if err != nil {
			http.Error(w, "the dashboard is missing from this build", http.StatusInternalServerError)
			return
		}
		h := w.Header()
		h.Set("Content-Type", f.contentType)
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
