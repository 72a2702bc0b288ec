package app

import (
	"bytes"
	"context"
	"slices"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/command"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/problem"
	"github.com/familytime/familytime/services/referral/internal/adapters"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

// Submit records a new referral for a centre of the directory, under new referral and family ids.
// A centre whose accreditation is suspended or lapsed takes none (domain.Centre.TakesNewFamilies);
// one whose accreditation ran out by date is warned of (Decision.AccreditationRanOut).
// A child who already has an open case at the centre, or a closed one or one at another centre
// whose hold or domestic-abuse finding still stands or whose case ended for safety (matched on a
// keyed hash, never in clear), is
// flagged as a possible duplicate in the same unit of work; a person checks.
func (a *App) Submit(ctx context.Context, s domain.Submission, md eventstore.Metadata) (Decision, error) {
	c, found, err := a.referrals.Centre(ctx, s.CentreID)
	if err != nil {
		return Decision{}, err
	}
	if !found {
		return Decision{}, problem.Invalid("centre_id", "is not a centre in the directory")
	}
	if err := c.TakesNewFamilies(); err != nil {
		return Decision{}, err
	}
	if err := c.TakesReferralsFor(s.RequestedServiceType); err != nil {
		return Decision{}, err
	}
	s.ReferralID, s.FamilyID = uuid.New(), uuid.New()
	today := a.today()
	r, events, err := domain.Submit(s, today, uuid.New)
	if err != nil {
		return Decision{}, err
	}
	m, err := a.matchChildren(ctx, r, r.Children(), today)
	if err != nil {
		return Decision{}, err
	}
	events = append(events, m.flags...)
	uow, err := a.referrals.Record(ctx, r, eventstore.NoStream, events, md)
	if err != nil {
		return Decision{}, err
	}
	adapters.RecordMatches(uow, r, m.matches)
	// A case of the child reopened meanwhile (read closed here) fails the submission, which is
	// then made again and finds it open; a reopening committed after waits, and finds this one.
	adapters.GuardStillClosed(uow, r.ID(), m.matches, m.closed)
	if err := a.referrals.RecordFigureLinks(ctx, uow, r, m.links, today, md); err != nil {
		return Decision{}, err
	}
	// A disclosure on this referral reaches the child's open cases, earlier ones too (review 38).
	if err := a.carryToOpenCases(ctx, uow, r, m.matches, false, today, md); err != nil {
		return Decision{}, err
	}
	// An adult of another family's open referral at the centre with the same phone or email is
	// told to the coordinator (decision 350).
	return a.recordAdults(ctx, a.warn(Decision{Referral: r, Work: uow}, c))
}

// matchChildren looks children of r up at every centre by their keyed hashes (decisions 173, 200) and
// flags on r what it finds, as submission does: another referral at r's centre, open or closed
// (decision 262); a referral at another centre whose hold or domestic-abuse finding still stands
// (decisions 133, 173), or whose case ended for safety (decision 347); and any referral, whatever its state or centre, on which domestic abuse was disclosed (by
// its own answers, its second parent's or an amendment's; one carried to it is not carried on,
// decision 197) and no lead's screen cleared it, whose disclosure carries to r (review 27,
// decision 194). It returns
// the flags and the children's matches, to record with them, and the matching referrals it read
// closed (a submission is guarded against their reopening, GuardStillClosed). A child at another
// centre of exactly the same name and date of birth, whom nothing flags, is linked for the
// national figures alone (decision 411). An erased family's hashes are forgotten (ForgetMatches),
// so nothing of it is found.
func (a *App) matchChildren(ctx context.Context, r *domain.Referral, children []domain.ChildRecord, today time.Time) (childMatching, error) {
	var m childMatching
	m.matches = map[uuid.UUID][]adapters.Match{}
	for _, c := range children {
		ms, err := a.referrals.ChildMatches(ctx, c)
		if err != nil {
			return childMatching{}, err
		}
		m.matches[c.ID] = ms
		if len(ms) == 0 {
			continue
		}
		others, err := a.referrals.ReferralsOfChild(ctx, ms, r.ID())
		if err != nil {
			return childMatching{}, err
		}
		for _, other := range others {
			if !other.Open && !slices.Contains(m.closed, other.ID) {
				m.closed = append(m.closed, other.ID)
			}
			o, err := a.referrals.Load(ctx, other.ID)
			if err != nil {
				return childMatching{}, err
			}
			// A referral at r's centre, open or closed: the centre's own casework. A closed one
			// is flagged too (its flag says it no longer stands, unless a hold or a finding
			// does), so that the centre can confirm a child referred again there, after a
			// supervised case stepped down to supported contact, as the same child, and the
			// figures count them once (decision 262).
			flag := other.Centre == r.CentreID()
			if !flag {
				// A case that ended still matters while its hold is in force or its
				// domestic-abuse finding stands: ending a case and referring the family again
				// must not get round either (review 15, decision 133). So does a case at another
				// centre, and only then: referring the family to another centre must not get
				// round them (review 22, decision 173), while that a child is known elsewhere is
				// no other centre's business.
				held, finding, err := a.bars(ctx, o)
				if err != nil {
					return childMatching{}, err
				}
				// So does a case that ended for safety: referring the family again must not
				// get round that ending either (review 63 finding 2, decision 347).
				_, safety := o.EndedForSafety()
				flag = len(held) > 0 || finding || safety
			}
			var flagged []proto.Message
			switch {
			case o.DisclosureStands():
				// Withdrawing a referral that disclosed domestic abuse and referring the child
				// again must not get round the lead either (review 27, decision 194).
				flagged, err = r.NoteEarlierDisclosure(c.ID, other.ID, other.Match, today)
			case flag:
				flagged, err = r.FlagPossibleDuplicate(c.ID, other.ID, other.Match, today)
			case other.Match == referralv1.ChildMatch_CHILD_MATCH_SAME_NAME_AND_BIRTH_DATE:
				// Nothing asks a person whether the child at another centre is this one, and a
				// family moving centre is common: so that the national figures do not count the
				// child twice, the exact match (never a close one) links the two for the figures
				// alone, told to neither centre (decision 411).
				var link adapters.FigureLink
				if link, err = a.figureLink(ctx, c.ID, other.ID, ms); err == nil && link.OtherChild != uuid.Nil {
					m.links = append(m.links, link)
				}
			}
			if err != nil {
				return childMatching{}, err
			}
			m.flags = append(m.flags, flagged...)
		}
	}
	return m, nil
}

// childMatching is what matchChildren found: the flags to record on the referral, the children's
// matches to record with them, the matching referrals read closed, and the links for the figures.
type childMatching struct {
	flags   []proto.Message
	matches map[uuid.UUID][]adapters.Match
	closed  []uuid.UUID
	links   []adapters.FigureLink
}

// figureLink links child, whose matches are ms, to the child on other of exactly the same name
// and date of birth; an empty link when there is no one such child there.
func (a *App) figureLink(ctx context.Context, child, other uuid.UUID, ms []adapters.Match) (adapters.FigureLink, error) {
	for _, m := range ms {
		if m.Kind != referralv1.ChildMatch_CHILD_MATCH_SAME_NAME_AND_BIRTH_DATE {
			continue
		}
		otherChild, found, err := a.referrals.ExactChildOn(ctx, other, m.Hash)
		if err != nil || !found {
			return adapters.FigureLink{}, err
		}
		return adapters.FigureLink{Child: child, OtherReferral: other, OtherChild: otherChild}, nil
	}
	return adapters.FigureLink{}, nil
}

// relink withdraws, in dec's unit of work, each link for the figures of a child on the amended
// referral that its children's keyed hashes as they now stand (matches) no longer bear out: the
// child was taken off the referral, or their name or date of birth no longer is exactly the
// other child's (decision 413). An open referral's amendment may have found the child again at
// another centre (found): what it found that a link standing already links is not linked twice.
func (a *App) relink(ctx context.Context, dec Decision, matches map[uuid.UUID][]adapters.Match, found []adapters.FigureLink,
	md eventstore.Metadata) ([]adapters.FigureLink, error) {
	if _, erased := dec.Referral.ErasedOn(); erased {
		// No hashes are left to bear a link out; the two were one child when linked.
		return found, nil
	}
	standing, err := a.referrals.StandingFigureLinks(ctx, dec.Referral.ID())
	if err != nil {
		return nil, err
	}
	var withdrawn []adapters.StandingLink
	for _, l := range standing {
		exact := slices.IndexFunc(matches[l.Child], func(m adapters.Match) bool {
			return m.Kind == referralv1.ChildMatch_CHILD_MATCH_SAME_NAME_AND_BIRTH_DATE
		})
		switch {
		case exact < 0:
			// Taken off the referral (or erased): the person id says no child of it now.
			withdrawn = append(withdrawn, l)
		case l.OtherHash != nil && !bytes.Equal(matches[l.Child][exact].Hash, l.OtherHash):
			withdrawn = append(withdrawn, l)
		default:
			found = slices.DeleteFunc(found, func(f adapters.FigureLink) bool {
				return f.Child == l.Child && f.OtherChild == l.OtherChild
			})
		}
	}
	return found, a.referrals.WithdrawFigureLinks(ctx, dec.Work, dec.Referral, withdrawn, a.today(), md)
}

// SubmitSecondParty records the other parent's application to a self-referral. An applicant acting
// as a referrer is not the account that made the first application: one parent does not complete
// both (decision 105).
func (a *App) SubmitSecondParty(ctx context.Context, id, centre uuid.UUID, app domain.SecondPartyApplication, md eventstore.Metadata) (Decision, error) {
	dec, err := a.change(ctx, id, centre, 0, md, func(r *domain.Referral, today time.Time) ([]proto.Message, error) {
		events, err := r.SubmitSecondParty(app, today, uuid.New)
		if err != nil || !app.MustMatch {
			return events, err
		}
		first, err := a.referrals.Submitter(ctx, id)
		if err != nil {
			return nil, err
		}
		// The first applicant is recorded by a pseudonym when they acted as a referrer (decision
		// 271), or by their account, as every applicant was before it.
		if command.IsCaller(ctx, a.Store(), first) {
			return nil, domain.ErrSameApplicant
		}
		return events, nil
	})
	if err != nil || dec.Work == nil {
		return dec, err
	}
	// The second parent's disclosure reaches the children's open cases (review 38).
	matches, err := a.childMatches(ctx, dec.Referral)
	if err != nil {
		return Decision{}, err
	}
	if err := a.carryToOpenCases(ctx, dec.Work, dec.Referral, matches, false, a.today(), md); err != nil {
		return Decision{}, err
	}
	// The second parent's, or the amended, phone and email are matched (decision 350).
	return a.recordAdults(ctx, dec)
}

// childMatches are the keyed hashes of r's children as they stand.
func (a *App) childMatches(ctx context.Context, r *domain.Referral) (map[uuid.UUID][]adapters.Match, error) {
	matches := map[uuid.UUID][]adapters.Match{}
	for _, c := range r.Children() {
		ms, err := a.referrals.ChildMatches(ctx, c)
		if err != nil {
			return nil, err
		}
		matches[c.ID] = ms
	}
	return matches, nil
}

// Amend replaces a referral's details, if the referral is still at the version the caller saw
// (expected; 0 takes it as it is), or corrects a closed referral's personal details, saying why
// (decision 178). The children's matches follow the new details; a child of an open referral
// whose name or date of birth changed (or who was added) is looked up again as submission looks
// children up, and what is found is flagged with the amendment (review 27, decision 194).
func (a *App) Amend(ctx context.Context, id, centre uuid.UUID, expected int64, d domain.Details, why string, md eventstore.Metadata) (Decision, error) {
	var links []adapters.FigureLink // of a rematched child (decision 411)
	dec, err := a.change(ctx, id, centre, expected, md, func(r *domain.Referral, today time.Time) ([]proto.Message, error) {
		links = nil
		before, wasReady := r.Children(), r.State() == domain.ReadyForContact
		events, err := r.Amend(d, why, today, uuid.New)
		if err != nil || len(events) == 0 || domain.Final(r.State()) {
			// A closed referral flags nothing: its corrected hashes are recorded below, so a
			// later referral of the child finds it.
			return events, err
		}
		rematched, err := a.matchChildren(ctx, r, domain.RematchedChildren(before, r.Children()), today)
		if err != nil {
			return nil, err
		}
		flagged := rematched.flags
		links = rematched.links
		if arr, agreed := r.Arrangement(); agreed && !wasReady && r.State() == domain.ReadyForContact {
			// The amendment completed the intake (the last adult without a pre-visit left off)
			// before its rematch carried a disclosure no lead has weighed: the family would be
			// ready for a kind that disclosure rules out (decision 217). Amended in two steps, the
			// disclosure is carried first, and the intake then waits for the lead.
			if err := r.DisclosureRulesOut(arr.ServiceType); err != nil {
				return nil, err
			}
		}
		return append(events, flagged...), nil
	})
	if err != nil || dec.Work == nil {
		return dec, err
	}
	matches, err := a.childMatches(ctx, dec.Referral)
	if err != nil {
		return Decision{}, err
	}
	adapters.RecordMatches(dec.Work, dec.Referral, matches)
	if links, err = a.relink(ctx, dec, matches, links, md); err != nil {
		return Decision{}, err
	}
	if err := a.referrals.RecordFigureLinks(ctx, dec.Work, dec.Referral, links, a.today(), md); err != nil {
		return Decision{}, err
	}
	// An amendment's disclosure reaches the children's open cases (review 38).
	if err := a.carryToOpenCases(ctx, dec.Work, dec.Referral, matches, false, a.today(), md); err != nil {
		return Decision{}, err
	}
	// The second parent's, or the amended, phone and email are matched (decision 350).
	return a.recordAdults(ctx, dec)
}
