package domain

import (
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/problem"
)

// What a session is depends on the kind of contact (decisions.md 245 and 316): supported and
// supervised contact is the children and the visiting party together at the centre; handover is
// the children brought to the centre and collected there by the other parent, contact happening
// elsewhere; escorted contact starts and ends at the centre; indirect and virtual contact bring
// nobody to the centre.
var (
	// ErrNotAtTheCentre refuses booking a family whose contact brings nobody to the centre
	// (indirect or virtual): scheduling books sessions at the centre, into a room (decision 316).
	ErrNotAtTheCentre = problem.Rule("NOT_AT_THE_CENTRE", "the family's contact brings nobody to the centre: scheduling books sessions at the centre, "+
		"into a room, and indirect or virtual contact is not booked into one")
	// ErrNotCollected refuses completing a handover whose children were not collected by someone
	// other than who brought them (decision 316).
	ErrNotCollected = problem.Rule("NOT_HANDED_OVER", "a handover is held once the children were brought to the centre and collected by "+
		"someone other than who brought them")
	// ErrNoVisitingParty refuses a no-show of the visiting party for a handover, which has none
	// to come for contact at the centre (decision 316).
	ErrNoVisitingParty = problem.Rule("NO_VISITING_PARTY", "handover contact has no visiting party at the centre")
)

// AtTheCentre reports whether contact of kind st brings the family to the centre, so that a
// session is booked into a room: every kind but indirect and virtual contact (decision 316).
func AtTheCentre(st commonv1.ServiceType) bool {
	return st != commonv1.ServiceType_SERVICE_TYPE_INDIRECT && st != commonv1.ServiceType_SERVICE_TYPE_VIRTUAL
}

// notAtTheCentre is ErrNotAtTheCentre naming the family's kind of contact (decision 316).
func notAtTheCentre(st commonv1.ServiceType) error {
	kind := strings.ToLower(strings.TrimPrefix(st.String(), "SERVICE_TYPE_"))
	return problem.Rule(ErrNotAtTheCentre.Reason, fmt.Sprintf("the family is ready for %s contact, which brings nobody to the centre: "+
		"scheduling books sessions at the centre, into a room, and indirect or virtual contact is not booked into one; "+
		"nothing was booked", kind))
}

// isHandover reports whether booking b is a handover (decision 316).
func (b *Booking) isHandover() bool {
	return b.ServiceType == commonv1.ServiceType_SERVICE_TYPE_HANDOVER
}

// handedOver reports whether a handover took place at booking b: the children's arrival and
// their whole party's departure are recorded, and the departure names someone who did not bring
// them (the other parent collected them), decision 316. Children taken home by who brought them
// were not handed over.
func (b *Booking) handedOver() bool {
	_, brought := b.Arrived[schedulingv1.Party_PARTY_CHILDREN]
	_, collected := b.Departed[schedulingv1.Party_PARTY_CHILDREN]
	if !brought || !collected {
		return false
	}
	return slices.ContainsFunc(b.TakenOut, func(p uuid.UUID) bool { return !slices.Contains(b.BroughtIn, p) })
}

// handoverRefusal is why a handover booking b is not completed, naming what to record (decision
// 316): the children's arrival with who brought them, then their departure with who collected them.
func (b *Booking) handoverRefusal() error {
	if _, brought := b.Arrived[schedulingv1.Party_PARTY_CHILDREN]; !brought {
		return problem.Rule(ErrPartiesMissing.Reason, fmt.Sprintf("a handover is held once the children were brought and collected: "+
			"record who brought them (familytime schedule arrive %s --party children --person ...), then who collected them "+
			"(familytime schedule depart %s --party children --person ...); children not brought are the children's no-show", b.ID, b.ID))
	}
	return problem.Rule(ErrNotCollected.Reason, fmt.Sprintf("a handover is held once the children were collected by someone other than "+
		"who brought them: record who collected them (familytime schedule depart %s --party children --person ...). Children taken home "+
		"by who brought them were not handed over: the centre records the session with a cancellation on the day (familytime schedule "+
		"cancel %s --by centre --reason other --note ...)", b.ID, b.ID))
}

// handoverNoShow is the refusal of the visiting party's no-show at a handover (decision 316): the
// other parent comes to collect the children, not for contact at the centre.
func (b *Booking) handoverNoShow() error {
	return problem.Rule(ErrNoVisitingParty.Reason, fmt.Sprintf("handover contact has no visiting party to come for contact at the centre: "+
		"the session is held once the children were brought and collected by the other parent (familytime schedule complete %s). "+
		"Children not brought are the children's no-show (familytime schedule noshow %s --party children); when nobody came to collect "+
		"them, the centre records the session with a cancellation on the day (familytime schedule cancel %s --by centre --reason other "+
		"--note ...)", b.ID, b.ID, b.ID))
}
