package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/problem"
	"github.com/familytime/familytime/services/referral/internal/adapters"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

// Screen records a person's screening of the referral's risk. A disclosure of domestic abuse on
// another referral of a child on it, at any centre and in any state, that no lead's screen there
// cleared, carries to it (decision 194): one disclosed since the referral was submitted or
// amended is noted now, with the screening, which then needs the lead as submission's note would.
func (a *App) Screen(ctx context.Context, id, centre uuid.UUID, s domain.Screening, md eventstore.Metadata) (Decision, error) {
	dec, err := a.change(ctx, id, centre, 0, md, func(r *domain.Referral, today time.Time) ([]proto.Message, error) {
		if err := r.CheckTransition(domain.CmdScreen); err != nil {
			return nil, err
		}
		matched, err := a.referrals.MatchesAnywhere(ctx, r.ID())
		if err != nil {
			return nil, err
		}
		var events []proto.Message
		for _, m := range matched {
			o, err := a.referrals.Load(ctx, m.Other)
			if err != nil {
				return nil, err
			}
			if o.ReceivedOn().After(r.ReceivedOn()) || !o.DisclosureStands() {
				// A later referral's disclosure is that referral's to carry, not this one's.
				continue
			}
			noted, err := r.NoteEarlierDisclosure(m.Child, m.Other, m.Match, today)
			if err != nil {
				return nil, err
			}
			events = append(events, noted...)
		}
		screened, err := r.Screen(s, today)
		if err != nil {
			return nil, err
		}
		return append(events, screened...), nil
	})
	if err != nil || dec.Work == nil {
		return dec, err
	}
	// A domestic-abuse finding (or the referral's own disclosure) reaches the children's open
	// cases, at any centre (review 38, finding 2).
	_, found, _ := dec.Referral.Screening()
	matches, err := a.childMatches(ctx, dec.Referral)
	if err != nil {
		return Decision{}, err
	}
	if err := a.carryToOpenCases(ctx, dec.Work, dec.Referral, matches, found, a.today(), md); err != nil {
		return Decision{}, err
	}
	return dec, nil
}

// Accept accepts the referral for a kind of contact the centre offers, as the service's copy of
// the directory knows it. A centre whose accreditation is suspended or lapsed accepts no family;
// one whose accreditation ran out by date is warned of (Decision.AccreditationRanOut).
func (a *App) Accept(ctx context.Context, id, centre uuid.UUID, st commonv1.ServiceType, checked bool, note string, md eventstore.Metadata) (Decision, error) {
	c, err := a.takingFamilies(ctx, centre)
	if err != nil {
		return Decision{}, err
	}
	var holds []uuid.UUID
	dec, err := a.changeUnlessBarred(ctx, id, centre, st, checked, md, func(r *domain.Referral, today time.Time) ([]proto.Message, error) {
		events, err := r.Accept(st, c.Services, note, today)
		if err != nil {
			return nil, err
		}
		// A hold placed on the family before it was accepted suspends it from its acceptance: the
		// case then knows the hold, and is not resumed while it stands (review 30).
		var suspended []proto.Message
		if holds, suspended, err = a.suspendUnderHolds(ctx, r, today); err != nil {
			return nil, err
		}
		return append(events, suspended...), nil
	})
	if err != nil {
		return dec, err
	}
	if dec.Work != nil {
		// Committed only with the holds it read in force: one noted meanwhile makes the
		// coordinator decide again (VERSION_CONFLICT), and the acceptance then suspends it.
		adapters.GuardHolds(dec.Work, dec.Referral.FamilyID(), holds)
	}
	return a.warn(dec, c), nil
}

// changeUnlessBarred is change for a decision that lets a family come (accepting, waitlisting) for
// a kind of contact (st; unspecified: the kind the referral waits for). It is refused while a
// possible duplicate of the referral is under a safeguarding hold, or, for any kind but supervised
// contact (domain.FindingAllows, decision 168), has a domestic-abuse finding, unless a person checked it is not the same family (duplicatesBarring).
// Then the decision's event says so and its commit is guarded against those referrals: a hold or
// finding recorded meanwhile makes it be decided again (decisions 128 and 133).
func (a *App) changeUnlessBarred(ctx context.Context, id, centre uuid.UUID, st commonv1.ServiceType, checked bool, md eventstore.Metadata,
	decide func(r *domain.Referral, today time.Time) ([]proto.Message, error)) (Decision, error) {
	var barring, watched []*domain.Referral
	dec, err := a.change(ctx, id, centre, 0, md, func(r *domain.Referral, today time.Time) ([]proto.Message, error) {
		if st == commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED {
			st = r.WaitsFor()
		}
		var err error
		if barring, watched, err = a.duplicatesBarring(ctx, r, st, checked); err != nil {
			return nil, err
		}
		events, err := decide(r, today)
		if len(barring) > 0 {
			domain.CheckedNotTheFamilyUnderHold(events)
		}
		return events, err
	})
	if err == nil && dec.Work != nil {
		// The family's holds lock first, before the other referrals' guards, as a unit noting a
		// hold takes it before its own: one order, no deadlock (LockHolds).
		adapters.LockHolds(dec.Work, dec.Referral.FamilyID())
		// The possible duplicates that bar nothing now are guarded too: one whose case is ended
		// for safety (or its ending corrected to that) between the read and the commit would
		// otherwise be accepted past (decision 347's Left, 361). An ending takes the same lock
		// (adapters.LockEnding), so the two commit one after the other.
		for _, o := range append(barring, watched...) {
			stream := domain.StreamID(o.ID())
			dec.Work.Guard(stream, stream, o.Version())
		}
	}
	return dec, err
}

// duplicatesBarring refuses a decision on r for contact of kind st while a possible duplicate of
// it (a referral at the centre a child of which may be r's child, decision 37, or at another
// centre, decision 173) is suspended by a safeguarding hold, or, for a kind the finding rules
// out (any but supervised), had domestic abuse found, unless the centre's safeguarding lead
// checked that r's family is not that one (CheckPossibleDuplicate, decision 205); or its case
// ended for safety, for any kind, until the lead weighed that ending (decision 347). It then returns
// those referrals, for the decision to be guarded against and to say so (decisions 128 and 133),
// and the possible duplicates that bar nothing as read (watched), for it to be guarded against too.
// Referring a family again, with its case open or ended, or at another centre, must get round
// neither (reviews 14, 15 and 22); nor may a coordinator's word alone (checked, review 29).
func (a *App) duplicatesBarring(ctx context.Context, r *domain.Referral, st commonv1.ServiceType, checked bool) (cleared, watched []*domain.Referral, err error) {
	var held, found, ended []*domain.Referral
	// Another centre's referral is flagged at submission only if its hold or finding stood then;
	// one placed since is found now (decision 173).
	elsewhere, err := a.referrals.MatchesElsewhere(ctx, r.ID())
	if err != nil {
		return nil, nil, err
	}
	candidates := r.PossibleDuplicates()
	for _, id := range elsewhere {
		if !slices.Contains(candidates, id) {
			candidates = append(candidates, id)
		}
	}
	for _, other := range candidates {
		o, err := a.referrals.Load(ctx, other)
		if err != nil {
			return nil, nil, err
		}
		holds, finding, err := a.bars(ctx, o)
		if err != nil {
			return nil, nil, err
		}
		hold, findingBars := len(holds) > 0, finding && !domain.FindingAllows(st)
		// A case that ended for safety bars every kind of contact until the lead weighs it
		// (review 63 finding 2, decision 347); nothing of an erased family is matched any more.
		safetyOn, safety := o.EndedForSafety()
		_, erased := o.ErasedOn()
		if erased {
			safetyOn, safety = time.Time{}, false
		}
		bars := hold || findingBars || safety
		// The lead's check clears what it weighed: a hold placed, a finding made or a case ended
		// for safety since is not cleared by it (decisions 216 and 347).
		leadChecked := r.CheckCovers(other, holds, domain.Finding{Stands: findingBars, Made: o.FindingsMade()}, safetyOn)
		switch {
		case bars && leadChecked:
			cleared = append(cleared, o)
		case hold:
			held = append(held, o)
		case findingBars:
			found = append(found, o)
		case safety:
			ended = append(ended, o)
		case !erased:
			// Bars nothing as read: watched, so that a hold's suspension or an ending for safety
			// committed before this decision makes it decide again (361).
			watched = append(watched, o)
		}
	}
	var barring *domain.Referral
	if len(held) > 0 {
		barring = held[0]
	} else if len(found) > 0 {
		barring = found[0]
	}
	if barring != nil {
		if on, same := r.ConfirmedSameChild(barring.ID()); same {
			// A child here was confirmed as a child there: the family is the same, so the lead's
			// check that it is another (check-duplicate) would be refused, and the refusal names
			// the ways that work instead, whether or not the coordinator said the lead checked
			// (review 53, finding 1; decision 311).
			return nil, nil, confirmedBarring(r, barring, len(held) > 0, on)
		}
	}
	switch {
	case barring != nil && checked:
		return nil, nil, problem.Rule(domain.ErrLeadCheckNeeded.Reason, fmt.Sprintf("a child on this referral may be a child of %s, whose hold or "+
			"domestic-abuse finding stands, and the centre's safeguarding lead has not recorded that it is another family: the lead records how "+
			"they checked (familytime referral check-duplicate %s --other %s --centre %s --note ...), then decide again", whose(r, barring), r.ID(), barring.ID(), r.CentreID()))
	case len(held) > 0:
		return nil, nil, problem.Rule(domain.ErrDuplicateUnderHold.Reason, fmt.Sprintf("a child on this referral may be a child of %s, "+
			"whose contact a safeguarding hold suspends: if it is the same family, the hold stands for this referral too (tell the centre's "+
			"safeguarding lead, and decline or withdraw it); if it is not, the centre's safeguarding lead records how they checked "+
			"(familytime referral check-duplicate %s --other %s --centre %s --note ...), then decide again", whose(r, held[0]), r.ID(), held[0].ID(), r.CentreID()))
	case len(found) > 0:
		return nil, nil, problem.Rule(domain.ErrDuplicateWithFinding.Reason, fmt.Sprintf("a child on this referral may be a child of %s, "+
			"where domestic abuse was found, which leaves supervised contact only: if it is the same family, decide on supervised contact "+
			"or decline, or, if the finding no longer stands, %s; if it is not, the centre's safeguarding lead records how they checked "+
			"(familytime referral check-duplicate %s --other %s --centre %s --note ...), then decide again", whose(r, found[0]), withdrawFinding(r, found[0]),
			r.ID(), found[0].ID(), r.CentreID()))
	case len(ended) > 0:
		on, _ := ended[0].EndedForSafety()
		return nil, nil, problem.Rule(domain.ErrDuplicateEndedForSafety.Reason, fmt.Sprintf("a child on this referral may be a child of %s, "+
			"whose case ended for safety on %s: the centre's safeguarding lead weighs that ending before the family is accepted or "+
			"waitlisted, and records how they weighed it, that it is another family or, if it is the same, why contact may go ahead "+
			"now (familytime referral check-duplicate %s --other %s --centre %s --note ...), then decide again; if it should not, decline it",
			whose(r, ended[0]), on.Format(time.DateOnly), r.ID(), ended[0].ID(), r.CentreID()))
	}
	return cleared, watched, nil
}

// CheckPossibleDuplicate records the centre's safeguarding lead's check that the family of a
// possible duplicate of the referral (other), whose hold or finding bars deciding it, is another
// family (decision 205). A referral at another centre whose hold or finding came after this
// referral was flagged, which a refusal named, is flagged with the check.
func (a *App) CheckPossibleDuplicate(ctx context.Context, id, centre, other uuid.UUID, note string, md eventstore.Metadata) (Decision, error) {
	return a.change(ctx, id, centre, 0, md, func(r *domain.Referral, today time.Time) ([]proto.Message, error) {
		var events []proto.Message
		if !slices.Contains(r.PossibleDuplicates(), other) && domain.CheckTransition(r.State(), domain.CmdCheckPossibleDuplicate) == nil {
			matched, err := a.referrals.MatchesAnywhere(ctx, r.ID())
			if err != nil {
				return nil, err
			}
			if i := slices.IndexFunc(matched, func(m adapters.ChildMatchOf) bool { return m.Other == other }); i >= 0 {
				if events, err = r.FlagPossibleDuplicate(matched[i].Child, other, matched[i].Match, today); err != nil {
					return nil, err
				}
			}
		}
		// The other referral's family, for safeguarding to tell the lead of a hold on it at
		// another centre (decision 211), and what bars it as the lead checks, which the check
		// clears and nothing since (decision 216). An unknown referral is refused by the check.
		var otherFamily uuid.UUID
		var holds []uuid.UUID
		var finding domain.Finding
		var endedForSafety time.Time
		if o, err := a.referrals.Load(ctx, other); err == nil {
			otherFamily = o.FamilyID()
			if holds, finding.Stands, err = a.bars(ctx, o); err != nil {
				return nil, err
			}
			finding.Made = o.FindingsMade()
			if _, erased := o.ErasedOn(); !erased {
				// Its case's ending for safety, which the check weighs (decision 347).
				endedForSafety, _ = o.EndedForSafety()
			}
		} else if !errors.Is(err, domain.ErrReferralNotFound) {
			return nil, err
		}
		checked, err := r.CheckPossibleDuplicate(other, otherFamily, holds, finding, endedForSafety, note, today)
		if err != nil {
			return nil, err
		}
		return append(events, checked...), nil
	})
}

// ConfirmSameChild records that child, on the referral, is the child on its possible duplicate
// other whose keyed hashes match child's (decision 260): the child on other is found here, from
// the hashes recorded at submission, only for a referral flagged as a possible duplicate of this
// one, so nothing of a referral the centre was never told of is looked up or said. role is the
// confirmer's, as the policy let them act.
func (a *App) ConfirmSameChild(ctx context.Context, id, centre, child, other uuid.UUID, role referralv1.ConfirmerRole, note string, md eventstore.Metadata) (Decision, error) {
	return a.change(ctx, id, centre, 0, md, func(r *domain.Referral, today time.Time) ([]proto.Message, error) {
		var otherChild, otherFamily uuid.UUID
		if slices.Contains(r.PossibleDuplicates(), other) {
			o, err := a.referrals.Load(ctx, other)
			if err != nil {
				return nil, err
			}
			if _, erased := o.ErasedOn(); erased {
				return nil, problem.Rule(domain.ErrFamilyErased.Reason, fmt.Sprintf("the family of referral %s was erased: its children "+
					"are no longer matched, so none of them can be confirmed as this referral's child", other))
			}
			matched, err := a.referrals.ChildrenMatchingOn(ctx, r.ID(), child, other)
			if err != nil {
				return nil, err
			}
			if len(matched) > 1 && matched[1].Match == matched[0].Match {
				// Two children there match as closely (twins matched on a family name and a date of
				// birth, say): which one is this child is not for the service to guess.
				return nil, problem.Rule(ErrSameChildAmbiguous.Reason, fmt.Sprintf("more than one child on referral %s matches this child "+
					"as closely: the service cannot tell which is this child, so the figures keep counting them apart", other))
			}
			if len(matched) > 0 {
				otherChild = matched[0].Child
			}
			otherFamily = o.FamilyID()
		}
		return r.ConfirmSameChild(child, other, otherChild, otherFamily, role, note, today)
	})
}

// ErrSameChildAmbiguous: more than one child on the other referral matches the child as closely.
var ErrSameChildAmbiguous = problem.Rule("SAME_CHILD_AMBIGUOUS", "more than one child on the other referral matches the child as closely")

// confirmedBarring is the refusal of a decision on r while the possible duplicate o, a child on
// which was confirmed on the day on as a child on r, is under a hold (held) or has a
// domestic-abuse finding that rules out the kind decided. The family is the same, so the hold or
// finding stands for r: the refusal offers no check that it is another family, and names what can
// be done. A finding is withdrawn only by a lead's risk assessment of o's family at o's centre,
// never by the lead here (decision 311): it is that centre's record, which no one there would
// otherwise know was passed over, and the acceptance would not say why it was.
func confirmedBarring(r, o *domain.Referral, held bool, on time.Time) error {
	confirmed := fmt.Sprintf("a child on this referral was confirmed on %s as a child of %s", on.Format(time.DateOnly), whose(r, o))
	if held {
		return problem.Rule(domain.ErrDuplicateUnderHold.Reason, confirmed+", whose contact a safeguarding hold suspends: the family is "+
			"the same, so the hold stands for this referral too; tell the centre's safeguarding lead, and decline or withdraw it, or "+
			"decide again once the hold is lifted")
	}
	return problem.Rule(domain.ErrDuplicateWithFinding.Reason, confirmed+", where domestic abuse was found, which leaves supervised "+
		"contact only: the family is the same, so the finding stands for this referral too. Decide on supervised contact, or decline; "+
		"or, if the finding no longer stands (contact there or here stepped down from supervised, say), "+withdrawFinding(r, o))
}

// withdrawFinding says how a domestic-abuse finding on o, a possible duplicate of r, is withdrawn
// when it no longer stands: by a risk assessment of o's family without it, by the safeguarding
// lead of o's centre, named by ids alone (decision 173). Referral notes it on o in any state
// (Referral.NoteRiskAssessment).
func withdrawFinding(r, o *domain.Referral) string {
	lead := "the centre's safeguarding lead"
	if o.CentreID() != r.CentreID() {
		lead = "the safeguarding lead of the centre that holds it (through an administrator, who sees every centre)"
	}
	return fmt.Sprintf("%s records a risk assessment of that family without the finding (familytime safeguarding risk --centre %s "+
		"--family %s ...), then decide again", lead, o.CentreID(), o.FamilyID())
}

// whose names the possible duplicate o of r for a refusal: another centre's by its id alone, which
// says nothing of the family, for the lead to check through an administrator, who sees every
// centre (decision 173).
func whose(r, o *domain.Referral) string {
	if o.CentreID() != r.CentreID() {
		return fmt.Sprintf("a family at another centre (its referral %s: the centre's safeguarding lead checks it with an administrator)", o.ID())
	}
	return fmt.Sprintf("referral %s", o.ID())
}

// bars says what on referral o stands in the way of contact for its family, whatever o's state:
// the safeguarding holds in force (their ids, in order), and a domestic-abuse finding. The holds
// in force on its family are read as safeguarding's events say: a case that ended stopped
// following them (decision 133), and one not yet accepted never followed them (review 30: a hold
// placed before acceptance was got round by referring the child to another centre).
func (a *App) bars(ctx context.Context, o *domain.Referral) (holds []uuid.UUID, finding bool, err error) {
	finding, _ = o.DomesticAbuseFinding()
	if holds, err = a.referrals.HoldsOfFamily(ctx, o.FamilyID()); err != nil {
		return nil, false, err
	}
	if !domain.Final(o.State()) {
		// An open case's own holds, as it took them on.
		for _, h := range o.HoldsInForce() {
			if !slices.Contains(holds, h) {
				holds = append(holds, h)
			}
		}
	}
	return holds, finding, nil
}

// Waitlist puts the family on the centre's waiting list, for a kind of contact (unspecified: the
// kind the referral asks for, or supervised after a domestic-abuse finding) that the centre
// offers and the screening allows, as Accept checks it.
func (a *App) Waitlist(ctx context.Context, id, centre uuid.UUID, st commonv1.ServiceType, checked bool, md eventstore.Metadata) (Decision, error) {
	c, err := a.takingFamilies(ctx, centre)
	if err != nil {
		return Decision{}, err
	}
	dec, err := a.changeUnlessBarred(ctx, id, centre, st, checked, md, func(r *domain.Referral, today time.Time) ([]proto.Message, error) {
		return r.Waitlist(st, c.Services, today)
	})
	if err != nil {
		return dec, err
	}
	return a.warn(dec, c), nil
}

// takingFamilies is the centre as the directory knows it, if it may take a family now: the
// directory must hold it, and its accreditation must be neither suspended nor lapsed.
func (a *App) takingFamilies(ctx context.Context, centre uuid.UUID) (domain.Centre, error) {
	c, found, err := a.referrals.Centre(ctx, centre)
	if err != nil {
		return domain.Centre{}, err
	}
	if !found {
		return domain.Centre{}, problem.Rule("CENTRE_UNKNOWN", "the centre is not in the directory this service knows; try again shortly")
	}
	return c, c.TakesNewFamilies()
}

// warn notes on a decision that the centre's accreditation ran out by date, if it did.
func (a *App) warn(dec Decision, c domain.Centre) Decision {
	if on, ok := c.AccreditationRanOut(a.today()); ok {
		dec.AccreditationRanOut = on
	}
	return dec
}

// Decline declines the referral with a reason. The directory's copy of this centre and of the
// centre the family is redirected to, if any, go to the domain's checks.
func (a *App) Decline(ctx context.Context, id, centre uuid.UUID, d domain.Decline, md eventstore.Metadata) (Decision, error) {
	dir := domain.Directory{}
	for _, c := range []uuid.UUID{centre, d.RedirectedTo} {
		if c == uuid.Nil {
			continue
		}
		known, found, err := a.referrals.Centre(ctx, c)
		if err != nil {
			return Decision{}, err
		}
		if found {
			dir[c] = known
		}
	}
	return a.change(ctx, id, centre, 0, md, func(r *domain.Referral, today time.Time) ([]proto.Message, error) {
		if d.Reason == referralv1.DeclineReason_DECLINE_REASON_DUPLICATE && d.DuplicateOf != uuid.Nil && d.DuplicateOf != id {
			var err error
			if d.Duplicated, err = a.duplicated(ctx, r, d.DuplicateOf); err != nil {
				return nil, err
			}
		}
		return r.Decline(d, dir, today)
	})
}

// duplicated is what a decline of r as a duplicate of other needs to know of other: whether it is
// a referral at r's centre (another centre's, or none, is not found: nothing is said of it), open
// and not erased, whether it flagged r as a possible duplicate, and whether the lead checked there
// that r's family is another (decision 281).
func (a *App) duplicated(ctx context.Context, r *domain.Referral, other uuid.UUID) (domain.Duplicated, error) {
	o, err := a.load(ctx, other, r.CentreID())
	if errors.Is(err, domain.ErrReferralNotFound) {
		return domain.Duplicated{}, nil
	}
	if err != nil {
		return domain.Duplicated{}, err
	}
	_, erased := o.ErasedOn()
	checked, _ := o.CheckedNotTheFamily(r.ID())
	return domain.Duplicated{Found: true, Open: !domain.Final(o.State()) && !erased, CheckedAnother: checked,
		FlaggedIt: slices.Contains(o.PossibleDuplicates(), r.ID())}, nil
}

// Withdraw records that the referral was withdrawn, and by whom.
func (a *App) Withdraw(ctx context.Context, id, centre uuid.UUID, by referralv1.WithdrawnBy, note string, md eventstore.Metadata) (Decision, error) {
	return a.change(ctx, id, centre, 0, md, func(r *domain.Referral, today time.Time) ([]proto.Message, error) {
		events, err := r.Withdraw(by, note, today)
		if err != nil {
			return nil, err
		}
		// A family ready for contact whose first session went ahead (someone checked in, today or
		// on an earlier day, as scheduling's events told this service, and the session neither
		// completed nor called off) has begun contact: its case ends, withdrawn, instead (decision
		// 168; review 23 withdrew the day after a first session not yet completed).
		if r.FirstSession().IsZero() {
			switch day, err := a.referrals.SessionNotCompleted(ctx, r.FamilyID(), today.AddDate(0, 0, 1)); {
			case err != nil:
				return nil, err
			case !day.IsZero():
				return nil, domain.ErrFirstSessionUnderWay
			}
		}
		return events, nil
	})
}

// RecordPreVisit records one adult's pre-visit (on p.On; zero: the centre's today by the service's
// clock); the family becomes ready for contact when it is the last step of the intake.
func (a *App) RecordPreVisit(ctx context.Context, id, centre uuid.UUID, p domain.PreVisit, md eventstore.Metadata) (Decision, error) {
	return a.change(ctx, id, centre, 0, md, func(r *domain.Referral, today time.Time) ([]proto.Message, error) {
		visit := p
		if visit.On.IsZero() {
			// No day given is the centre's today by the service's clock, not the caller's: a
			// workstation's date is another day on a simulated platform or near midnight.
			visit.On = today
		}
		return r.RecordPreVisit(visit, today)
	})
}

// AgreeArrangement records the arrangement agreed at the pre-visits.
func (a *App) AgreeArrangement(ctx context.Context, id, centre uuid.UUID, arr domain.Arrangement, md eventstore.Metadata) (Decision, error) {
	return a.change(ctx, id, centre, 0, md, func(r *domain.Referral, today time.Time) ([]proto.Message, error) {
		return r.AgreeArrangement(arr, today)
	})
}

// ChangeArrangement changes the agreed arrangement of a case ready for contact or in contact (at
// the version the caller saw, when expected > 0). Scheduling books new sessions with it; bookings
// already made keep their times.
func (a *App) ChangeArrangement(ctx context.Context, id, centre uuid.UUID, expected int64, arr domain.Arrangement, md eventstore.Metadata) (Decision, error) {
	return a.change(ctx, id, centre, expected, md, func(r *domain.Referral, today time.Time) ([]proto.Message, error) {
		return r.ChangeArrangement(arr, today)
	})
}

// RecordReview records a review of a case in contact, held on the day on (zero: the centre's
// today by the service's clock), with what it decided.
func (a *App) RecordReview(ctx context.Context, id, centre uuid.UUID, on time.Time, decision referralv1.ReviewDecision, note string, md eventstore.Metadata) (Decision, error) {
	return a.change(ctx, id, centre, 0, md, func(r *domain.Referral, today time.Time) ([]proto.Message, error) {
		held := on
		if held.IsZero() {
			held = today // the centre's today by the service's clock, as for a pre-visit
		}
		return r.RecordReview(held, decision, note, today)
	})
}

// EndCase ends the case with an outcome. The unit commits under the referral's guard lock
// (adapters.LockEnding), so that a decision on a referral of the same child that read this case
// before the ending commits after it and decides again (361).
func (a *App) EndCase(ctx context.Context, id, centre uuid.UUID, outcome referralv1.CaseOutcome, note string, md eventstore.Metadata) (Decision, error) {
	dec, err := a.change(ctx, id, centre, 0, md, func(r *domain.Referral, today time.Time) ([]proto.Message, error) {
		return r.EndCase(outcome, note, today)
	})
	if err == nil && dec.Work != nil {
		adapters.LockEnding(dec.Work, dec.Referral.ID())
	}
	return dec, err
}

// suspendUnderHolds is what suspends the case r under every hold in force on its family, as it
// is accepted or reopened (review 30), and those holds, which the unit then guards
// (adapters.GuardHolds).
func (a *App) suspendUnderHolds(ctx context.Context, r *domain.Referral, today time.Time) ([]uuid.UUID, []proto.Message, error) {
	holds, err := a.referrals.HoldsOfFamily(ctx, r.FamilyID())
	if err != nil {
		return nil, nil, err
	}
	var events []proto.Message
	for _, hold := range holds {
		suspended, err := r.Suspend(hold, today)
		if err != nil {
			return nil, nil, err
		}
		events = append(events, suspended...)
	}
	return holds, events, nil
}
