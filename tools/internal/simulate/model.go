// Package simulate drives a running Familytime platform through its real gRPC APIs with a
// realistic year of child contact centres (familytime simulate), on the dev platform's simulated
// clock (decisions.md 70), and keeps its own ground truth of what it did, to hold reporting's
// figures to it.
package simulate

import (
	"errors"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/google/uuid"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// Config is one simulation.
type Config struct {
	// Centres is how many centres to register.
	Centres int
	// From and To are the first and last days simulated (dates, any zone; read as London dates).
	From, To time.Time
	// Scale is the share of a national year's referrals (1.0: about 21,000 children served).
	Scale float64
	// Seed makes the simulation's choices; the same seed makes the same choices.
	Seed uint64
	// Concurrency is how many centres act at once.
	Concurrency int
	// ConcernRate is the share of attended sessions in which a volunteer or supervisor raises a
	// safeguarding concern, from 0 (none) to 1; nil means DefaultConcernRate. A pointer, so that a
	// caller asking for no concerns gets none, and one that does not say gets the default.
	ConcernRate *float64
	// OpenAhead is for the demo seed (familytime dev --seed), after which the platform goes on
	// on the real clock: the centres' opening patterns have no last date, instead of ending on
	// To, and the families in contact or ready for it are booked into their next sessions after
	// To (Result.Next), so that the day sheets from To's next day on show families expected and a
	// family can be booked without a new pattern (decision 272). A simulation held to reporting's
	// figures (familytime simulate) leaves it false.
	OpenAhead bool
}

// DefaultConcernRate: a concern in about one attended session in fifty. Centres raise few, and
// most are about conduct at handover.
const DefaultConcernRate = 0.02

// concernRate is the share of attended sessions with a concern: cfg's, or DefaultConcernRate
// when it gives none.
func (cfg Config) concernRate() (float64, error) {
	if cfg.ConcernRate == nil {
		return DefaultConcernRate, nil
	}
	// Written so that NaN, which strconv reads from "NaN", is refused too.
	if r := *cfg.ConcernRate; !(r >= 0 && r <= 1) {
		return 0, errors.New("--concern-rate must be a share of sessions, from 0 (no concerns) to 1")
	}
	return *cfg.ConcernRate, nil
}

// regions weighted by population (millions, ONS mid-2023 estimates; the Channel Islands
// rounded up so that a small run can still place a centre there).
var regions = []struct {
	region commonv1.Region
	weight float64
}{
	{commonv1.Region_REGION_NORTH_EAST, 2.7},
	{commonv1.Region_REGION_NORTH_WEST, 7.5},
	{commonv1.Region_REGION_YORKSHIRE_AND_THE_HUMBER, 5.5},
	{commonv1.Region_REGION_EAST_MIDLANDS, 5.0},
	{commonv1.Region_REGION_WEST_MIDLANDS, 6.0},
	{commonv1.Region_REGION_EAST_OF_ENGLAND, 6.4},
	{commonv1.Region_REGION_LONDON, 8.9},
	{commonv1.Region_REGION_SOUTH_EAST, 9.4},
	{commonv1.Region_REGION_SOUTH_WEST, 5.8},
	{commonv1.Region_REGION_WALES, 3.1},
	{commonv1.Region_REGION_NORTHERN_IRELAND, 1.9},
	{commonv1.Region_REGION_CHANNEL_ISLANDS, 0.2},
}

// sources of referrals to supported contact, weighted (NACCC returns: solicitors and self-
// referrals the most, then Cafcass, local authorities, courts and mediators).
var supportedSources = []weighted[commonv1.ReferralSource]{
	{commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, 34},
	{commonv1.ReferralSource_REFERRAL_SOURCE_SELF, 28},
	{commonv1.ReferralSource_REFERRAL_SOURCE_CAFCASS, 14},
	{commonv1.ReferralSource_REFERRAL_SOURCE_LOCAL_AUTHORITY, 10},
	{commonv1.ReferralSource_REFERRAL_SOURCE_COURT, 6},
	{commonv1.ReferralSource_REFERRAL_SOURCE_MEDIATION, 6},
	{commonv1.ReferralSource_REFERRAL_SOURCE_OTHER, 2},
}

// supervised contact is mostly ordered or funded by courts and local authorities.
var supervisedSources = []weighted[commonv1.ReferralSource]{
	{commonv1.ReferralSource_REFERRAL_SOURCE_LOCAL_AUTHORITY, 35},
	{commonv1.ReferralSource_REFERRAL_SOURCE_COURT, 25},
	{commonv1.ReferralSource_REFERRAL_SOURCE_CAFCASS, 20},
	{commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, 20},
}

var supportedOutcomes = []weighted[referralv1.CaseOutcome]{
	{referralv1.CaseOutcome_CASE_OUTCOME_SELF_ARRANGED, 55},
	{referralv1.CaseOutcome_CASE_OUTCOME_MOVED_TO_HANDOVER, 20},
	{referralv1.CaseOutcome_CASE_OUTCOME_REFERRED_BACK_TO_COURT, 15},
	{referralv1.CaseOutcome_CASE_OUTCOME_WITHDRAWN, 10},
}

var supervisedOutcomes = []weighted[referralv1.CaseOutcome]{
	{referralv1.CaseOutcome_CASE_OUTCOME_STEPPED_DOWN_TO_SUPPORTED, 40},
	{referralv1.CaseOutcome_CASE_OUTCOME_REFERRED_BACK_TO_COURT, 35},
	{referralv1.CaseOutcome_CASE_OUTCOME_WITHDRAWN, 15},
	{referralv1.CaseOutcome_CASE_OUTCOME_ENDED_FOR_SAFETY, 10},
}

// abuseOutcomes are supervisedOutcomes for a family whose screening found domestic abuse: it
// never steps down to supported contact, which the finding rules out (referral refuses it).
var abuseOutcomes = []weighted[referralv1.CaseOutcome]{
	{referralv1.CaseOutcome_CASE_OUTCOME_REFERRED_BACK_TO_COURT, 35},
	{referralv1.CaseOutcome_CASE_OUTCOME_WITHDRAWN, 15},
	{referralv1.CaseOutcome_CASE_OUTCOME_ENDED_FOR_SAFETY, 10},
}

type weighted[T any] struct {
	v T
	w float64
}

func pick[T any](r *rand.Rand, xs []weighted[T]) T {
	total := 0.0
	for _, x := range xs {
		total += x.w
	}
	n := r.Float64() * total
	for _, x := range xs {
		if n < x.w {
			return x.v
		}
		n -= x.w
	}
	return xs[len(xs)-1].v
}

// referralsPerCentreYear: at scale 1.0, about 21,000 children served a year over 300 centres
// (22,500 referrals of 1.5 children a family; some declined, withdrawn or never attending, some
// still waiting or not yet begun at the year's end, and the year starts with no families in
// contact). Calibrated with the rooms' capacity on 30 centres at scale 1.0 (2,023 children served)
// and measured on the whole year by make national-year (docs/performance.md).
const referralsPerCentreYear = 75.0

// london is the centres' zone.
var london = mustZone("Europe/London")

func mustZone(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// day is a London date as midnight UTC, the way dates are compared here.
func day(t time.Time) time.Time {
	t = t.In(london)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// at is the instant of the London wall time h:m on the date d.
func at(d time.Time, h, m int) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, london)
}

func pbDate(d time.Time) *commonv1.Date {
	return &commonv1.Date{Year: int32(d.Year()), Month: int32(d.Month()), Day: int32(d.Day())}
}

// window is an opening session's hours and what a family's session in it takes.
type window struct {
	startH, startM, endH, endM int
	minutes, stagger           int
}

var (
	supportedWindow  = window{10, 0, 12, 30, 120, 15}
	supervisedWindow = window{10, 0, 12, 0, 90, 15}
)

// centre is one simulated centre and what the simulator knows of it.
type centre struct {
	index      int
	id         uuid.UUID
	name       string
	region     commonv1.Region
	supported  bool
	supervised bool
	rng        *rand.Rand
	slots      []*slot
	families   []*family
	waiting    []*family // waitlisted referrals, first come first served, as on scheduling's list
	inbox      []*family // referrals redirected here, taken in at the next morning
	referrals  int       // referrals submitted here, to number families by centre
	concerns   []*concern
	holds      []*hold
	reports    []*report
	// trained is when the centre's staff account last had safeguarding training (renewTraining).
	trained time.Time
	// staff are the periods of membership the simulation put on the centre's staff register.
	staff []staffPeriod
}

// staffPeriod is one period of someone's membership of a centre's staff: joined and, once they
// have left, their last day.
type staffPeriod struct {
	role         schedulingv1.StaffRole
	joined, left time.Time
}

// slot is a family's regular place: a room in a pattern, on every opening or every other one.
type slot struct {
	service  commonv1.ServiceType
	pattern  uuid.UUID
	room     uuid.UUID
	capacity int
	weekly   bool // the pattern opens weekly: a fortnightly family takes every other opening
	first    time.Time
	last     time.Time
	openings []time.Time
	taken    [2]int // families in the slot, by parity of the opening (one parity when not weekly)
	window   window
	// offers are the places of the room offered from scheduling's waiting list and standing: a
	// place is the pattern's room, whatever the parity (decisions.md 181), and an offer stands
	// until the family is booked, its referral withdrawn or its case ended, or the offer lapses,
	// accepted or not (decisions.md 203).
	offers []standingOffer
}

// standingOffer is a place offered to a family, and when the offer lapses.
type standingOffer struct {
	family *family
	lapses time.Time
}

// offerLapsesAfter is scheduling's domain.OfferLapsesAfter: an offer lapses a week after it is
// made, to the instant, whether or not referral has accepted the family meanwhile. An offer made
// at 08:00 the week before the clocks go forward lapses at 09:00: it still stands at that
// morning's 08:00, so slot.held compares instants, not dates.
const offerLapsesAfter = 7 * 24 * time.Hour

// offer records a place of the slot's room offered to f at the instant at.
func (sl *slot) offer(f *family, at time.Time) {
	sl.offers = append(sl.offers, standingOffer{family: f, lapses: at.Add(offerLapsesAfter)})
}

// closeOffer closes the place offered to f, if any: it is booked, or it leaves.
func (sl *slot) closeOffer(f *family) {
	sl.offers = slices.DeleteFunc(sl.offers, func(o standingOffer) bool { return o.family == f })
}

// held reports whether the room is on offer at the instant at to as many families as it takes
// (its capacity: a supervised room takes one family), so that scheduling refuses to offer it
// again (PLACE_ON_OFFER) and offers it to nobody when no-shows release a place in it. A weekly
// room shared by two fortnightly families is held for the one offered it, for both parities.
func (sl *slot) held(at time.Time) bool {
	n := 0
	for _, o := range sl.offers {
		if at.Before(o.lapses) {
			n++
		}
	}
	return n >= max(sl.capacity, 1)
}
