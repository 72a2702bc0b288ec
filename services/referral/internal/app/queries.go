package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/command"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/referral/internal/adapters"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

// DefaultPageSize is the page size when the caller gives none.
const DefaultPageSize = 100

// ErasedOn is the date the family of referral id was erased, nil while it is not.
func (a *App) ErasedOn(ctx context.Context, id uuid.UUID) (*commonv1.Date, error) {
	s, _, err := a.referrals.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.GetErasedOn(), nil
}

// FamilysReferral is the family's referral (a family has one: docs/decisions.md 35) as
// GetReferral reads it.
func (a *App) FamilysReferral(ctx context.Context, family, centre uuid.UUID) (*referralv1.Referral, error) {
	ids, err := a.referrals.ReferralsOfFamily(ctx, family)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, domain.ErrFamilyNotFound
	}
	return a.GetReferral(ctx, ids[0], centre)
}

// GetReferral reads a referral of the centre (no personal details).
func (a *App) GetReferral(ctx context.Context, id, centre uuid.UUID) (*referralv1.Referral, error) {
	s, owner, err := a.referrals.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if owner != centre {
		return nil, domain.ErrReferralNotFound
	}
	if err := a.referrals.WithFirstSessions(ctx, []*referralv1.Referral{s}); err != nil {
		return nil, err
	}
	if err := a.referrals.WithCaseEnds(ctx, []*referralv1.Referral{s}); err != nil {
		return nil, err
	}
	if err := a.WithStanding(ctx, []*referralv1.Referral{s}); err != nil {
		return nil, err
	}
	if err := a.WithSameAdult(ctx, s, nil); err != nil {
		return nil, err
	}
	return adapters.AsOf(s, a.today()), nil
}

// ListReferrals reads a page of the centre's referrals, newest first, optionally in one state.
func (a *App) ListReferrals(ctx context.Context, centre uuid.UUID, state domain.State, size int, token string) ([]*referralv1.Referral, string, error) {
	if size <= 0 {
		size = DefaultPageSize
	}
	page, next, err := a.referrals.List(ctx, centre, state, size, token)
	if err != nil {
		return nil, "", err
	}
	if err := a.referrals.WithFirstSessions(ctx, page); err != nil {
		return nil, "", err
	}
	if err := a.referrals.WithCaseEnds(ctx, page); err != nil {
		return nil, "", err
	}
	if err := a.WithStanding(ctx, page); err != nil {
		return nil, "", err
	}
	for _, s := range page {
		adapters.AsOf(s, a.today())
	}
	return page, next, nil
}

// WithStanding says, of each possible duplicate of the summaries, whether what made it one still
// stands as they are read (PossibleDuplicate.no_longer_stands; duplicateStands). It depends on
// holds, findings and erasures recorded in other streams since the flag, so it is read now, never
// kept with the summary; the flag itself stays recorded (review 35: another centre's flag was
// shown after the hold was lifted, the case ended and the family erased). It lists too the
// referrals at the centre that flagged each one (withFlaggedOn), read the same way.
func (a *App) WithStanding(ctx context.Context, page []*referralv1.Referral) error {
	type pair struct{ centre, other uuid.UUID }
	stands := map[pair]bool{} // a page may name the same referral more than once
	for _, s := range page {
		centre, err := uuid.Parse(s.GetCentreId())
		if err != nil {
			return fmt.Errorf("possible duplicates of referral %s: centre %q: %w", s.GetReferralId(), s.GetCentreId(), err)
		}
		for _, d := range s.GetPossibleDuplicates() {
			other, err := uuid.Parse(d.GetReferralId())
			if err != nil {
				return fmt.Errorf("possible duplicate of referral %s: %q: %w", s.GetReferralId(), d.GetReferralId(), err)
			}
			ok, seen := stands[pair{centre, other}]
			if !seen {
				if ok, err = a.duplicateStands(ctx, centre, other); err != nil {
					return err
				}
				stands[pair{centre, other}] = ok
			}
			d.NoLongerStands = !ok
			if s.GetErasedOn() != nil {
				// With this referral's child kept on the other, how they matched would tell the
				// erased child's name or date of birth (review 64 finding 1, decision 348).
				d.Match = referralv1.ChildMatch_CHILD_MATCH_UNSPECIFIED
			}
			if err := a.withSafetyEnding(ctx, centre, other, d); err != nil {
				return err
			}
		}
	}
	return a.withFlaggedOn(ctx, page, func(centre, other uuid.UUID) (bool, error) {
		ok, seen := stands[pair{centre, other}]
		if seen {
			return ok, nil
		}
		ok, err := a.duplicateStands(ctx, centre, other)
		stands[pair{centre, other}] = ok
		return ok, err
	})
}

// withSafetyEnding says on the possible duplicate d of a referral at centre whether the case of
// the referral other ended for safety, and on what day, as it is read (decision 347), and whether
// other is at another centre. The lead's check of that ending (safety_ending_weighed_on, from the
// referral's own events, adapters.Summary) is said only while the case stands ended for safety.
// An erased family's referral says nothing of that, nor how its child matched: it says only that
// its family was erased (withholdErased, decision 348).
func (a *App) withSafetyEnding(ctx context.Context, centre, other uuid.UUID, d *referralv1.PossibleDuplicate) error {
	d.EndedForSafetyOn, d.AtAnotherCentre, d.OtherFamilyErased = nil, false, false
	weighed := d.SafetyEndingWeighedOn
	d.SafetyEndingWeighedOn = nil
	o, err := a.referrals.Load(ctx, other)
	if errors.Is(err, domain.ErrReferralNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, erased := o.ErasedOn(); erased {
		withholdErased(d)
		return nil
	}
	on, ended := o.EndedForSafety()
	if !ended {
		return nil
	}
	d.EndedForSafetyOn, d.AtAnotherCentre, d.SafetyEndingWeighedOn = dates.Proto(on), o.CentreID() != centre, weighed
	return nil
}

// withholdErased says of the possible duplicate d that the other referral's family was erased, and
// no longer how its child matched the one on this referral: this referral keeps its child's name
// and date of birth, so "the same first name and date of birth, the rest of the name not the same"
// told the erased child's first name and date of birth (review 64 finding 1). The flag stays
// listed, as recorded (decisions 235 and 281), with its ids and dates.
func withholdErased(d *referralv1.PossibleDuplicate) {
	d.Match, d.OtherFamilyErased = referralv1.ChildMatch_CHILD_MATCH_UNSPECIFIED, true
}

// WithholdErasedMatches withholds, in an answer recorded before the erasure of another family and
// replayed now, how each possible duplicate of that family matched (withholdErased): the answer is
// the outcome then, but an erased family's child is not read back from it (decision 348). The
// answer's own family, erased, is adapters.Erased's.
func (a *App) WithholdErasedMatches(ctx context.Context, r *referralv1.Referral) error {
	for _, d := range r.GetPossibleDuplicates() {
		other, err := uuid.Parse(d.GetReferralId())
		if err != nil {
			return fmt.Errorf("possible duplicate of referral %s: %q: %w", r.GetReferralId(), d.GetReferralId(), err)
		}
		on, err := a.ErasedOn(ctx, other)
		if errors.Is(err, domain.ErrReferralNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if on != nil {
			withholdErased(d)
		}
	}
	return nil
}

// withFlaggedOn lists on each summary the other referrals at its centre that flagged it as a
// possible duplicate (Referral.flagged_as_duplicate_on), each saying whether it still stands: the
// flag is recorded on one referral only, and review 49 found the coordinator of the other, an
// open case, never told (decision 281). Another centre's referral is never listed: that a child
// is known elsewhere is no other centre's business (decision 173).
func (a *App) withFlaggedOn(ctx context.Context, page []*referralv1.Referral, stands func(centre, other uuid.UUID) (bool, error)) error {
	ids := make([]uuid.UUID, 0, len(page))
	for _, s := range page {
		s.FlaggedAsDuplicateOn = nil
		if s.GetErasedOn() != nil {
			continue // nothing of an erased family is matched any more
		}
		id, err := uuid.Parse(s.GetReferralId())
		if err != nil {
			return fmt.Errorf("referrals that flagged %q: %w", s.GetReferralId(), err)
		}
		ids = append(ids, id)
	}
	flagged, err := a.referrals.FlaggedOn(ctx, ids, true)
	if err != nil {
		return err
	}
	for _, s := range page {
		centre, err := uuid.Parse(s.GetCentreId())
		if err != nil {
			return fmt.Errorf("referrals that flagged %s: centre %q: %w", s.GetReferralId(), s.GetCentreId(), err)
		}
		for _, by := range flagged[uuid.MustParse(s.GetReferralId())] {
			if by.Erased {
				continue
			}
			ok, err := stands(centre, by.ID)
			if err != nil {
				return err
			}
			s.FlaggedAsDuplicateOn = append(s.FlaggedAsDuplicateOn, &referralv1.DuplicateFlaggedOn{ReferralId: by.ID.String(),
				Match: by.Match, NoLongerStands: !ok})
		}
	}
	return nil
}

// duplicateStands is whether the referral other is still a possible duplicate of a referral at
// centre, by the rules it was flagged by (matchChildren, decisions 133, 173, 194 and 347): it is
// open at the same centre; or a safeguarding hold is in force on its family, or its
// domestic-abuse finding stands, or its case ended for safety; or domestic abuse disclosed on it
// stands for a lead to weigh. An erased family's
// referral is none: nothing of it is matched any more. A referral not found (none is ever
// removed) is none either.
func (a *App) duplicateStands(ctx context.Context, centre, other uuid.UUID) (bool, error) {
	o, err := a.referrals.Load(ctx, other)
	if errors.Is(err, domain.ErrReferralNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if _, erased := o.ErasedOn(); erased {
		return false, nil
	}
	if !domain.Final(o.State()) && o.CentreID() == centre {
		return true, nil
	}
	if o.DisclosureStands() {
		return true, nil
	}
	if _, safety := o.EndedForSafety(); safety {
		// A case ended for safety stands at every centre (review 63 finding 2, decision 347).
		return true, nil
	}
	holds, finding, err := a.bars(ctx, o)
	return len(holds) > 0 || finding, err
}

// ListReviewsDue reads a page of the centre's cases whose review is due by dueBy (today when zero),
// with when contact began and how long supported contact has run, today.
func (a *App) ListReviewsDue(ctx context.Context, centre uuid.UUID, dueBy time.Time, size int, token string) ([]*referralv1.ReviewDue, string, error) {
	if size <= 0 {
		size = DefaultPageSize
	}
	if dueBy.IsZero() {
		dueBy = a.today()
	}
	return a.referrals.ReviewsDue(ctx, centre, dueBy, a.today(), size, token)
}

// Opened is a family's personal details as a reader may see them: the whole referral, or one
// adult's own view (forPerson).
type Opened struct {
	Referral *domain.Referral
	// View is set when the details were opened for one adult: what that adult may be shown.
	View *domain.View
	// Access is the unit of work that records the opening; the port commits it before answering.
	Access *eventstore.UnitOfWork
}

// OpenFamily opens a referral's personal details for a reader, who states why (at least 3
// characters, in words: domain.CheckPurpose). The opening is
// recorded (who, roles, when, for whom, why) in the same request: the port commits the record
// before it shows anything, so no read goes unrecorded.
func (a *App) OpenFamily(ctx context.Context, id, centre uuid.UUID, purpose string, forPerson uuid.UUID, roles []string, md eventstore.Metadata) (Opened, error) {
	if err := domain.CheckPurpose(purpose); err != nil {
		return Opened{}, err
	}
	r, err := a.load(ctx, id, centre)
	if err != nil {
		return Opened{}, err
	}
	out := Opened{Referral: r}
	if forPerson != uuid.Nil {
		v, err := r.ViewFor(forPerson)
		if err != nil {
			return Opened{}, err
		}
		out.View = &v
	}
	if out.Access, err = a.referrals.RecordAccess(ctx, r, roles, forPerson, purpose, md); err != nil {
		return Opened{}, err
	}
	return out, nil
}

// AtTheDoor are the families whose names the door may see: open cases at the centre that may
// come to a session (ready for contact, in contact, or suspended by a hold, whose people the door
// must know to turn away).
var AtTheDoor = []domain.State{domain.ReadyForContact, domain.InContact, domain.Suspended}

// DoorNames reads, for the door's day sheet of day, the referrals of families with a session
// booked at the centre that day (SessionBooked, cancelled or moved since or not) and in contact
// there (AtTheDoor, not erased), and builds the records of the reads: one per reader, family
// and day (adapters.RecordDoorAccess), so a volunteer who reads the sheet ten times a morning is
// recorded once a family. The rest of the families given are notGiven: not booked there that
// day, another centre's, unknown, not in contact, or erased (the door is told no more than that).
// A day after today's is read only by someone the centre's staff register clears that day too
// (onDutyOn, decision 335); refused, nothing is read or recorded. Today's and an earlier day's
// are read by anyone the register clears today, as the staff gate decides: an earlier sheet is
// the record of who came, theirs to check.
func (a *App) DoorNames(ctx context.Context, centre uuid.UUID, families []uuid.UUID, day time.Time, reader string, roles []string,
	md eventstore.Metadata) (given []*domain.Referral, notGiven []uuid.UUID, access []*eventstore.UnitOfWork, err error) {
	if day.After(a.today()) {
		register, err := a.referrals.StaffRegister(ctx, centre)
		if err != nil {
			return nil, nil, nil, err
		}
		if err := onDutyOn(register, reader, day); err != nil {
			return nil, nil, nil, err
		}
	}
	booked, err := a.referrals.BookedOn(ctx, centre, day, families)
	if err != nil {
		return nil, nil, nil, err
	}
	seen := map[uuid.UUID]bool{}
	for _, family := range families {
		if seen[family] {
			continue
		}
		seen[family] = true
		if !booked[family] {
			notGiven = append(notGiven, family)
			continue
		}
		r, err := a.atTheDoor(ctx, centre, family, day)
		if err != nil {
			return nil, nil, nil, err
		}
		if r == nil {
			notGiven = append(notGiven, family)
			continue
		}
		uow, err := a.referrals.RecordDoorAccess(ctx, r, day, reader, roles, md)
		if err != nil {
			return nil, nil, nil, err
		}
		given, access = append(given, r), append(access, uow)
	}
	return given, notGiven, access, nil
}

// atTheDoor is the family's referral at the centre whose people the door may see for the day
// sheet of day, or nil: a case in contact, or one that ended on that day or later (a session
// under way when the case ended is still completed, and its people still leave through the door:
// review 38).
func (a *App) atTheDoor(ctx context.Context, centre, family uuid.UUID, day time.Time) (*domain.Referral, error) {
	ids, err := a.referrals.ReferralsOfFamily(ctx, family)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		r, err := a.referrals.Load(ctx, id)
		if err != nil {
			return nil, err
		}
		_, erased := r.ErasedOn()
		endedSince := r.State() == domain.Ended && !r.EndedOn().Before(day)
		if r.CentreID() == centre && (slices.Contains(AtTheDoor, r.State()) || endedSince) && !erased {
			return r, nil
		}
	}
	return nil, nil
}

// ErrNotTheReferrer: a referrer asked where a referral stands that another account submitted
// (ReferralStanding). The ports refuse it PermissionDenied.
var ErrNotTheReferrer = errors.New("this referral was submitted by another account: a referrer is told where only their own referrals stand")

// ReferralStanding is where a referral of the centre stands, told to the account that submitted it
// (domain.Referral.Standing, decision 291). Who submitted it is the actor of its first event, a
// pseudonym of a referrer's account (decision 271) or, before that, the account (command.IsCaller
// takes either); any other caller is refused ErrNotTheReferrer. A referral of another centre is
// not found, as every read of a referral says.
func (a *App) ReferralStanding(ctx context.Context, id, centre uuid.UUID) (*referralv1.ReferralStanding, error) {
	r, err := a.load(ctx, id, centre)
	if err != nil {
		return nil, err
	}
	submitter, err := a.referrals.Submitter(ctx, id)
	if err != nil {
		return nil, err
	}
	if !command.IsCaller(ctx, a.Store(), submitter) {
		return nil, ErrNotTheReferrer
	}
	state, why := r.Standing()
	return &referralv1.ReferralStanding{ReferralId: id.String(), State: state, DeclineReason: why}, nil
}
