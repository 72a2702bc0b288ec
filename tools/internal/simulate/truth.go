package simulate

import (
	"fmt"
	"sort"
	"time"

	"github.com/google/uuid"

	"github.com/familytime/familytime/proto/ageband"
	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
)

// referralTruth is what happened to a referral, by date.
type referralTruth struct {
	receivedOn, acceptedOn, waitlistedOn, declinedOn, withdrawnOn, firstSession, endedOn time.Time
	// listJoinedOn and listLeftOn: the family joined scheduling's waiting list, and left it with
	// a place offered.
	listJoinedOn, listLeftOn time.Time
	service                  commonv1.ServiceType
	declineReason            referralv1.DeclineReason
	outcome                  referralv1.CaseOutcome
}

// Truth is everything the simulation did, to count figures from.
type Truth struct {
	centres []*centre
}

// Key names one figure as reporting's GetFigures does.
type Key struct {
	Measure   string
	Scope     string // national, region, centre
	Region    commonv1.Region
	Centre    uuid.UUID
	Breakdown string
	Category  string
}

func (k Key) String() string {
	where := k.Scope
	switch k.Scope {
	case "region":
		where = k.Region.String()
	case "centre":
		where = "centre " + k.Centre.String()
	}
	if k.Breakdown != "" {
		return fmt.Sprintf("%s [%s] %s=%s", k.Measure, where, k.Breakdown, k.Category)
	}
	return fmt.Sprintf("%s [%s]", k.Measure, where)
}

// Compared are the measures the simulation knows the truth of: every measure of reporting's
// GetFigures.
var Compared = []string{
	"children_served", "families_served", "sessions_booked", "sessions_attended", "sessions_no_show", "sessions_cancelled",
	"referrals_received", "referrals_court_involved", "referrals_cafcass_involved", "referrals_accepted", "referrals_declined",
	"referrals_withdrawn", "referrals_never_attended", "referrals_waitlisted_at_end", "waiting_list_at_end", "waiting_list_joined",
	"waiting_days_median", "waiting_days_p90", "cases_ended", "concerns_raised", "concerns_escalated", "holds_placed",
	"holds_lifted", "reports_released", "room_sessions_available", "places_available", "capacity_used_percent", "staff_at_end",
}

func (s *sim) truth() *Truth { return &Truth{centres: s.centres} }

// Numbered is m with each centre named by its number in the simulation (1, 2, ...) instead of
// the id the platform gave it, so that two runs on two platforms can be compared cell by cell.
func (t *Truth) Numbered(m map[Key]float64) map[Key]float64 {
	number := map[uuid.UUID]uuid.UUID{}
	for _, c := range t.centres {
		var n uuid.UUID
		n[14], n[15] = byte((c.index+1)>>8), byte(c.index+1)
		number[c.id] = n
	}
	out := make(map[Key]float64, len(m))
	for k, v := range m {
		if k.Centre != uuid.Nil {
			n, ok := number[k.Centre]
			if !ok {
				n = uuid.Max // a centre the simulation did not register
			}
			k.Centre = n
		}
		out[k] = v
	}
	return out
}

// tally counts rows into every scope's cells: total and, with a breakdown, by category.
type tally struct {
	distinct map[Key]map[uuid.UUID]bool
	counts   map[Key]float64
	days     map[Key][]float64
}

func newTally() *tally {
	return &tally{distinct: map[Key]map[uuid.UUID]bool{}, counts: map[Key]float64{}, days: map[Key][]float64{}}
}

// keys are the cells a row of centre c counts in.
func keys(measure string, c *centre, breakdown, category string, total bool) []Key {
	var out []Key
	scopes := []Key{{Scope: "national"}, {Scope: "region", Region: c.region}, {Scope: "centre", Region: c.region, Centre: c.id}}
	for _, k := range scopes {
		k.Measure = measure
		if total {
			out = append(out, k)
		}
		if breakdown != "" {
			k.Breakdown, k.Category = breakdown, category
			out = append(out, k)
		}
	}
	return out
}

func (t *tally) count(measure string, c *centre, breakdown, category string) {
	for _, k := range keys(measure, c, breakdown, category, true) {
		t.counts[k]++
	}
}

func (t *tally) distinctly(measure string, c *centre, breakdown, category string, total bool, id uuid.UUID) {
	for _, k := range keys(measure, c, breakdown, category, total) {
		if t.distinct[k] == nil {
			t.distinct[k] = map[uuid.UUID]bool{}
		}
		t.distinct[k][id] = true
	}
}

func (t *tally) duration(measure string, c *centre, breakdown, category string, days float64) {
	for _, k := range keys(measure, c, breakdown, category, true) {
		t.days[k] = append(t.days[k], days)
	}
}

func in(d, from, to time.Time) bool { return !d.IsZero() && !d.Before(from) && !d.After(to) }

// Figures are the true figures for the period from..to (dates), every cell that is not zero.
func (t *Truth) Figures(from, to time.Time) map[Key]float64 {
	x := newTally()
	places := map[*centre][2]float64{}
	for _, c := range t.centres {
		var sessions, placesOpen float64
		for _, sl := range c.slots {
			for _, o := range sl.openings {
				if in(o, from, to) {
					sessions++
					placesOpen += float64(sl.capacity)
				}
			}
		}
		var booked float64
		for _, f := range c.families {
			r := f.truth
			src := f.source.String()
			if in(r.receivedOn, from, to) {
				x.count("referrals_received", c, "source", src)
				if f.court {
					x.count("referrals_court_involved", c, "", "")
				}
				if f.cafcass {
					x.count("referrals_cafcass_involved", c, "", "")
				}
			}
			if in(r.acceptedOn, from, to) {
				x.count("referrals_accepted", c, "service_type", r.service.String())
			}
			if in(r.declinedOn, from, to) {
				x.count("referrals_declined", c, "reason", r.declineReason.String())
			}
			if in(r.withdrawnOn, from, to) {
				x.count("referrals_withdrawn", c, "", "")
			}
			if !r.acceptedOn.IsZero() && r.firstSession.IsZero() && (in(r.endedOn, from, to) || in(r.withdrawnOn, from, to)) {
				x.count("referrals_never_attended", c, "", "")
			}
			if !r.waitlistedOn.IsZero() && !r.waitlistedOn.After(to) &&
				(r.acceptedOn.IsZero() || r.acceptedOn.After(to) || r.acceptedOn.Before(r.waitlistedOn)) &&
				!(in(r.declinedOn, time.Time{}, to) || in(r.withdrawnOn, time.Time{}, to) || in(r.endedOn, time.Time{}, to)) {
				x.count("referrals_waitlisted_at_end", c, "", "")
			}
			if in(r.endedOn, from, to) {
				x.count("cases_ended", c, "outcome", r.outcome.String())
			}
			if in(r.listJoinedOn, from, to) {
				x.count("waiting_list_joined", c, "", "")
			}
			if in(r.listJoinedOn, time.Time{}, to) && (r.listLeftOn.IsZero() || r.listLeftOn.After(to)) {
				x.count("waiting_list_at_end", c, "", "")
			}
			if in(r.firstSession, from, to) {
				days := r.firstSession.Sub(r.receivedOn).Hours() / 24
				x.duration("waiting_days", c, "service_type", r.service.String(), days)
			}
			for _, b := range f.bookings {
				if !in(b.date, from, to) {
					continue
				}
				st := b.slot.service.String()
				switch b.state {
				case "cancelled":
					x.count("sessions_cancelled", c, "service_type", st)
				case "attended":
					x.count("sessions_attended", c, "service_type", st)
				case "no_show":
					x.count("sessions_no_show", c, "service_type", st)
				}
				if b.state != "cancelled" {
					x.count("sessions_booked", c, "service_type", st)
					booked++
				}
				if b.state != "attended" {
					continue
				}
				x.distinctly("families_served", c, "service_type", st, true, f.id)
				for _, ch := range b.children {
					band := ageband.At(ch.birthYear, ch.birthMonth, b.date).String()
					x.distinctly("children_served", c, "", "", true, ch.id)
					x.distinctly("children_served", c, "service_type", st, false, ch.id)
					x.distinctly("children_served", c, "age_band", band, false, ch.id)
				}
			}
		}
		for _, k := range c.concerns {
			if in(k.raisedOn, from, to) {
				x.count("concerns_raised", c, "category", k.category.String())
			}
			if in(k.escalatedOn, from, to) {
				x.count("concerns_escalated", c, "", "")
			}
		}
		for _, h := range c.holds {
			if in(h.placedOn, from, to) {
				x.count("holds_placed", c, "reason", h.reason.String())
			}
			if in(h.liftedOn, from, to) {
				x.count("holds_lifted", c, "", "")
			}
		}
		for _, r := range c.reports {
			if in(r.releasedOn, from, to) {
				x.count("reports_released", c, "", "")
			}
		}
		// On the staff on the period's last day: their last day counts (decisions.md 82).
		for _, p := range c.staff {
			if in(p.joined, time.Time{}, to) && (p.left.IsZero() || !p.left.Before(to)) {
				x.count("staff_at_end", c, "role", p.role.String())
			}
		}
		if sessions > 0 {
			places[c] = [2]float64{sessions, placesOpen}
		}
		x.counts[Key{Measure: "places_booked", Scope: "centre", Region: c.region, Centre: c.id}] = booked
	}
	out := map[Key]float64{}
	for k, n := range x.counts {
		if k.Measure != "places_booked" {
			out[k] = n
		}
	}
	for k, ids := range x.distinct {
		out[k] = float64(len(ids))
	}
	for k, days := range x.days {
		sort.Float64s(days)
		median, p90 := k, k
		median.Measure, p90.Measure = "waiting_days_median", "waiting_days_p90"
		out[median], out[p90] = percentile(days, 0.5), percentile(days, 0.9)
	}
	// Places: room sessions and places open, and the share booked, by centre, region, nation.
	type agg struct{ sessions, places, booked float64 }
	sums := map[Key]*agg{}
	for c, p := range places {
		b := x.counts[Key{Measure: "places_booked", Scope: "centre", Region: c.region, Centre: c.id}]
		for _, k := range keys("", c, "", "", true) {
			if sums[k] == nil {
				sums[k] = &agg{}
			}
			sums[k].sessions += p[0]
			sums[k].places += p[1]
			sums[k].booked += b
		}
	}
	for k, a := range sums {
		for m, v := range map[string]float64{"room_sessions_available": a.sessions, "places_available": a.places} {
			k.Measure = m
			out[k] = v
		}
		if a.places > 0 {
			k.Measure = "capacity_used_percent"
			out[k] = float64(int(1000*a.booked/a.places+0.5)) / 10
		}
	}
	for k, v := range out {
		if v == 0 {
			delete(out, k)
		}
	}
	return out
}

// percentile is PostgreSQL's percentile_cont over sorted values: linear between the two nearest.
func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	pos := p * float64(len(sorted)-1)
	lo := int(pos)
	if lo+1 >= len(sorted) {
		return sorted[lo]
	}
	return sorted[lo] + (pos-float64(lo))*(sorted[lo+1]-sorted[lo])
}
