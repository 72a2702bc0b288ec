package simulate

import (
	"time"

	"github.com/google/uuid"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
)

// step is where a family stands on its path, as the simulator drives it.
type step int

const (
	stepSecondParty step = iota // a self-referral waits for the other parent's application
	stepScreen                  // screening and the centre's decision
	stepWaiting                 // waitlisted until a place frees
	stepPreVisitResident
	stepPreVisitVisiting // and the arrangement: then ready for contact
	stepContact          // booking sessions, two ahead
	stepEnd              // the case ends with its outcome at the next morning
	stepDone
)

// fate is what the simulator decided, at the referral, will become of it.
type fate int

const (
	fateContact     fate = iota
	fateDeclined         // declined at screening (not for domestic abuse)
	fateWithdrawn        // withdrawn before any decision
	fateNeverAttend      // accepted, then withdrawn before the pre-visits: never attended
)

type child struct {
	id                    uuid.UUID
	birthYear, birthMonth int
}

// family is one referral and the family it brings.
type family struct {
	seq       int
	centre    *centre
	referral  uuid.UUID
	id        uuid.UUID
	source    commonv1.ReferralSource
	requested commonv1.ServiceType
	service   commonv1.ServiceType // accepted as
	court     bool
	cafcass   bool
	received  time.Time
	births    []child
	resident  uuid.UUID
	visiting  uuid.UUID
	step      step
	next      time.Time
	fate      fate
	abuse     bool // screening finds domestic abuse
	slot      *slot
	parity    int
	planned   int // sessions to attend before the case ends
	attended  int
	noShows   int
	preVisits []time.Time
	bookings  []*booking
	outcome   referralv1.CaseOutcome
	// hold is the safeguarding hold in force, if any: the platform cancelled the family's bookings
	// and refuses new ones, and its case waits, until the lead lifts it.
	hold *hold
	// offered: a place was offered to the family from scheduling's waiting list (its
	// PlaceOffered). One released by no-shows is kept for it (slot, parity) and it is accepted
	// into it the next morning.
	offered bool
	// reviewOn is the morning a review of the case is held; reviewedOn the last one held.
	reviewOn, reviewedOn time.Time
	truth                *referralTruth
}

// plan is what will happen to a booked session.
type plan int

const (
	planAttend plan = iota
	planNoShow
	planCancelEarly // cancelled a week ahead by a parent
	planCancelLate  // cancelled the day before: under 48 hours' notice
)

type booking struct {
	id       uuid.UUID
	date     time.Time
	slot     *slot
	plan     plan
	cancelOn time.Time
	state    string // booked, cancelled, attended, no_show
	held     bool   // cancelled by the platform for a safeguarding hold
	children []child
}

// ready reports whether the family may be booked: it is past its last pre-visit.
func (f *family) lastPreVisit() time.Time {
	var last time.Time
	for _, d := range f.preVisits {
		if d.After(last) {
			last = d
		}
	}
	return last
}

// future are the family's bookings still booked.
func (f *family) future() int {
	n := 0
	for _, b := range f.bookings {
		if b.state == "booked" {
			n++
		}
	}
	return n
}
