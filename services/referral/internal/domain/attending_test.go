package domain_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

// attendingCases are review 39's referrals that contradict themselves about who comes to
// contact, each with the field it is refused at.
var attendingCases = []struct {
	name, field, because string
	edit                 func(*domain.Details)
}{
	{"no one may attend contact", "details.adults[1].may_attend", "no one on the referral may take part in contact", func(d *domain.Details) {
		d.Adults = d.Adults[:2] // no grandmother to attend
		d.Adults[1].MayAttend = false
	}},
	{"no one may bring the children", "details.adults[0].may_bring", "no one on the referral may bring them", func(d *domain.Details) {
		d.Adults[0].MayBring = false
	}},
	{"no one may collect the children", "details.adults[0].may_collect", "no one on the referral may collect them", func(d *domain.Details) {
		d.Adults[0].MayCollect = false
	}},
	{"a child at risk of abduction may leave the centre", "details.children_may_leave_centre", "at risk of abduction", func(d *domain.Details) {
		d.Risk.AbductionRisk, d.ChildrenMayLeaveCentre = true, true
	}},
}

// Review 39: a referral no one may attend, bring the children to or collect them from, or that
// answers that a child is at risk of abduction and may leave the centre, is refused at the field,
// at submission and at amendment, quoting nothing of the family, and records nothing. Said
// consistently (an escort who brings, a relative who attends), each is accepted.
func TestAReferralThatContradictsItselfAboutAttendingIsRefused(t *testing.T) {
	for _, tc := range attendingCases {
		t.Run("submitted: "+tc.name, func(t *testing.T) {
			d := details()
			tc.edit(&d)
			r, events, err := domain.Submit(submission(d), submitted, ids())
			refused(t, err, tc.field, tc.because, "Alice", "Bob", "Gran", "Zoë")
			require.Nil(t, r)
			require.Empty(t, events)
		})
		t.Run("amended: "+tc.name, func(t *testing.T) {
			r, _ := inState(t, domain.Accepted)
			version := r.Version()
			d := r.Details()
			tc.edit(&d)
			events, err := r.Amend(d, "", today, ids())
			refused(t, err, tc.field, tc.because)
			require.Empty(t, events)
			require.Equal(t, version, r.Version())
		})
	}
	t.Run("said consistently", func(t *testing.T) {
		d := details()
		d.Adults[0].MayBring, d.Adults[0].MayCollect, d.Adults[1].MayAttend = false, false, false
		d.Adults = append(d.Adults, domain.Adult{Role: referralv1.AdultRole_ADULT_ROLE_NAMED_ESCORT, Name: "Eve Escort",
			MayBring: true, MayCollect: true})
		d.Risk.AbductionRisk = true
		_, _, err := domain.Submit(submission(d), submitted, ids())
		require.NoError(t, err, "the grandmother attends, an escort brings and collects, and the children stay in the centre")
	})
}

// A second parent's application is refused at the applicant's field when their own answers leave
// no one to take part in contact; an abduction risk they disclose on a referral saying the children
// may leave the centre is recorded, never refused, and the family is not made ready until the
// answer is amended.
func TestASecondParentsApplicationThatContradictsTheReferral(t *testing.T) {
	r, _ := submit(t, selfSubmission())
	a := secondParty()
	a.Parent.MayAttend = false
	events, err := r.SubmitSecondParty(a, today, ids())
	refused(t, err, "parent.may_attend", "no one on the referral may take part in contact", "Bob")
	require.Empty(t, events)

	s := selfSubmission()
	s.Details.ChildrenMayLeaveCentre = true
	r, h := submit(t, s)
	a = secondParty()
	a.Risk = domain.Risk{AbductionRisk: true}
	h.ok(r.SubmitSecondParty(a, today, ids()))
	h.ok(r.Screen(domain.Screening{Rating: referralv1.RiskRating_RISK_RATING_AMBER}, today))
	h.ok(r.Accept(supported, both, "", today))
	for _, p := range r.Adults() {
		h.ok(r.RecordPreVisit(domain.PreVisit{PersonID: p.ID, On: today.AddDate(0, 0, -3), GroundRulesSigned: true}, today))
	}
	_, err = r.AgreeArrangement(arrangement(supported), today)
	require.ErrorIs(t, err, domain.ErrContradictsItself)
	require.ErrorContains(t, err, "details.children_may_leave_centre must be false")

	d := r.Details()
	d.ChildrenMayLeaveCentre = false
	h.ok(r.Amend(d, "", today, ids()))
	events = h.ok(r.AgreeArrangement(arrangement(supported), today))
	require.Equal(t, domain.ReadyForContact, r.State())
	require.IsType(t, &referralv1.FamilyReadyForContact{}, events[len(events)-1])
}

// A referral recorded before review 39 that no one may attend (the visiting parent may not, and
// the grandmother only brings the children) still loads, is screened and
// accepted, and its pre-visits recorded; its arrangement is refused with the reason (and so is a
// pre-visit once the arrangement is agreed), until an amendment puts it right. One already ready
// for contact stays so, and is amended without being refused for what it keeps.
func TestAReferralRecordedBeforeReview39(t *testing.T) {
	noOneAttends := func(h *history) {
		ev := proto.Clone(h.events[0]).(*referralv1.ReferralReceived)
		ev.Facts.Adults[1].MayAttend = false
		ev.Facts.Adults[2].MayAttend, ev.Facts.Adults[2].MayBring = false, true // the grandmother only brings
		h.events[0] = ev
	}
	r, h := inState(t, domain.Received)
	noOneAttends(h)
	r, err := domain.Rebuild(r.ID(), h.events)
	require.NoError(t, err)
	h.ok(r.Screen(domain.Screening{Rating: referralv1.RiskRating_RISK_RATING_GREEN}, today))
	h.ok(r.Accept(supported, both, "", today))
	for _, p := range r.Adults() {
		h.ok(r.RecordPreVisit(domain.PreVisit{PersonID: p.ID, On: today.AddDate(0, 0, -3), GroundRulesSigned: true}, today))
	}
	version := r.Version()
	events, err := r.AgreeArrangement(arrangement(supported), today)
	require.ErrorIs(t, err, domain.ErrContradictsItself)
	require.ErrorContains(t, err, "details.adults[1].may_attend must be true")
	require.Empty(t, events)
	require.Equal(t, version, r.Version())
	require.Equal(t, domain.Accepted, r.State())

	d := r.Details()
	d.Availability = "Sunday afternoons"
	h.ok(r.Amend(d, "", today, ids())) // kept, not refused
	d.Adults[1].MayAttend = true
	h.ok(r.Amend(d, "", today, ids()))
	events = h.ok(r.AgreeArrangement(arrangement(supported), today))
	require.Equal(t, domain.ReadyForContact, r.State())
	require.IsType(t, &referralv1.FamilyReadyForContact{}, events[len(events)-1])

	r, h = inState(t, domain.InContact)
	noOneAttends(h)
	r, err = domain.Rebuild(r.ID(), h.events)
	require.NoError(t, err)
	require.Equal(t, domain.InContact, r.State())
	d = r.Details()
	d.Availability = "Sunday afternoons"
	events, err = r.Amend(d, "", today, ids())
	require.NoError(t, err, "what it keeps is not refused: who may attend no longer changes")
	require.NotEmpty(t, events)
}

// Review 40: what must be so depends on the kind of contact. Handover needs the children brought
// and collected, nobody to spend a session with them; indirect and virtual contact bring nobody to
// the centre. A supported session still needs someone to take part.
func TestWhoMustComeDependsOnTheKindOfContact(t *testing.T) {
	noOneAttends := func(d *domain.Details) {
		d.Adults = d.Adults[:2]
		d.Adults[1].MayAttend = false
	}
	for _, kind := range []commonv1.ServiceType{commonv1.ServiceType_SERVICE_TYPE_HANDOVER, commonv1.ServiceType_SERVICE_TYPE_INDIRECT,
		commonv1.ServiceType_SERVICE_TYPE_VIRTUAL} {
		d := details()
		noOneAttends(&d)
		if kind == commonv1.ServiceType_SERVICE_TYPE_HANDOVER {
			// The father collects but does not take part (decision 245): someone other than the
			// one who brings the children collects them (review 53).
			d.Adults[1].MayCollect = true
		}
		s := submission(d)
		s.RequestedServiceType = kind
		_, _, err := domain.Submit(s, submitted, ids())
		require.NoError(t, err, "%s: nobody spends a session with the children", kind)
	}
	for _, kind := range []commonv1.ServiceType{commonv1.ServiceType_SERVICE_TYPE_INDIRECT, commonv1.ServiceType_SERVICE_TYPE_VIRTUAL} {
		d := details()
		d.Adults[0].MayBring, d.Adults[0].MayCollect = false, false
		s := submission(d)
		s.RequestedServiceType = kind
		_, _, err := domain.Submit(s, submitted, ids())
		require.NoError(t, err, "%s: nobody comes to the centre", kind)
	}
	d := details()
	d.Adults[0].MayCollect = false
	s := submission(d)
	s.RequestedServiceType = commonv1.ServiceType_SERVICE_TYPE_HANDOVER
	_, _, err := domain.Submit(s, submitted, ids())
	refused(t, err, "details.adults[0].may_collect", "no one on the referral may collect them")
	d = details()
	noOneAttends(&d)
	_, _, err = domain.Submit(submission(d), submitted, ids())
	refused(t, err, "details.adults[1].may_attend", "the resident parent does not take part")
}

// Review 53, finding 3: a handover-only family where only the resident parent may bring and
// collect the children was accepted, made ready and booked, and the other parent was refused at
// the door: a handover passes the children from the adult who brings them to another who collects
// them. Refused at submission and amendment at the other parent's may_collect; a referral
// recorded before the rule has its arrangement refused until it is amended. Someone else who may
// collect (the other parent, or an escort) puts it right.
func TestAHandoverNeedsSomeoneElseToCollect(t *testing.T) {
	handover := commonv1.ServiceType_SERVICE_TYPE_HANDOVER
	onlyTheResident := func(d *domain.Details) {
		d.Adults = d.Adults[:2] // no grandmother
		d.Adults[1].MayAttend, d.Adults[1].MayBring, d.Adults[1].MayCollect = false, false, false
	}
	const field, because = "details.adults[1].may_collect", "only the one adult who may bring them may collect them"
	d := details()
	onlyTheResident(&d)
	s := submission(d)
	s.RequestedServiceType = handover
	r, events, err := domain.Submit(s, submitted, ids())
	refused(t, err, field, because, "Alice", "Bob", "Zoë")
	require.Nil(t, r)
	require.Empty(t, events)

	// The mirror: only the other parent may bring and collect.
	d = details()
	d.Adults = d.Adults[:2]
	d.Adults[0].MayBring, d.Adults[0].MayCollect = false, false
	d.Adults[1].MayBring, d.Adults[1].MayCollect = true, true
	s = submission(d)
	s.RequestedServiceType = handover
	_, _, err = domain.Submit(s, submitted, ids())
	refused(t, err, "details.adults[0].may_collect", because)

	// Said consistently: the other parent collects, or an escort does.
	for name, fix := range map[string]func(*domain.Details){
		"the other parent collects": func(d *domain.Details) { d.Adults[1].MayCollect = true },
		"an escort collects": func(d *domain.Details) {
			d.Adults = append(d.Adults, domain.Adult{Role: referralv1.AdultRole_ADULT_ROLE_NAMED_ESCORT, Name: "Eve Escort", MayCollect: true})
		},
		"the other parent brings them back": func(d *domain.Details) { d.Adults[1].MayBring = true },
	} {
		d := details()
		onlyTheResident(&d)
		fix(&d)
		s := submission(d)
		s.RequestedServiceType = handover
		_, _, err := domain.Submit(s, submitted, ids())
		require.NoError(t, err, name)
	}
	// Supported contact is a session, not a handover: the resident parent bringing and
	// collecting is what it usually is.
	d = details()
	d.Adults[1].MayCollect = false
	_, _, err = domain.Submit(submission(d), submitted, ids())
	require.NoError(t, err)

	// Amended into it.
	d = details()
	onlyTheResident(&d)
	d.Adults[1].MayCollect = true
	s = submission(d)
	s.RequestedServiceType = handover
	r, h := submit(t, s)
	version := r.Version()
	d = r.Details()
	d.Adults[1].MayCollect = false
	events, err = r.Amend(d, "", today, ids())
	refused(t, err, field, because)
	require.Empty(t, events)
	require.Equal(t, version, r.Version())

	// Recorded before the rule: screened, accepted and visited, but not made ready.
	ev := proto.Clone(h.events[0]).(*referralv1.ReferralReceived)
	ev.Facts.Adults[1].MayCollect = false
	h.events[0] = ev
	r, err = domain.Rebuild(r.ID(), h.events)
	require.NoError(t, err)
	h.ok(r.Screen(domain.Screening{Rating: referralv1.RiskRating_RISK_RATING_GREEN}, today))
	h.ok(r.Accept(handover, []commonv1.ServiceType{handover}, "", today))
	for _, p := range r.Adults() {
		h.ok(r.RecordPreVisit(domain.PreVisit{PersonID: p.ID, On: today.AddDate(0, 0, -3), GroundRulesSigned: true}, today))
	}
	version = r.Version()
	events, err = r.AgreeArrangement(arrangement(handover), today)
	require.ErrorIs(t, err, domain.ErrContradictsItself)
	require.ErrorContains(t, err, field+" must be true")
	require.Empty(t, events)
	require.Equal(t, version, r.Version())
	d = r.Details()
	d.Adults[1].MayCollect = true
	h.ok(r.Amend(d, "", today, ids()))
	h.ok(r.AgreeArrangement(arrangement(handover), today))
	require.Equal(t, domain.ReadyForContact, r.State())
}
