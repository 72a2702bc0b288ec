package adapters

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"google.golang.org/protobuf/proto"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

// A possible duplicate is recorded on the referral whose submission (or amendment) found the
// match (PossibleDuplicateFlagged), usually the later one; the other referral keeps no record of
// it. Review 49 had a Cafcass officer's referral flagged as a duplicate of a solicitor's open one,
// whose coordinator, and the administrator who then erased its family, were never told of the
// other (decision 281). FlaggedOn reads the flag from the other side.

// FlaggedBy is a referral on which another was flagged as a possible duplicate: the flagging
// referral, its family and centre, and the closest match it was flagged with.
type FlaggedBy struct {
	ID, Family, Centre uuid.UUID
	Match              referralv1.ChildMatch
	// State is the flagging referral's, as the read model has it: an open one's family is not
	// erased until its centre closes it (CASE_OPEN, decision 348).
	State referralv1.ReferralState
	// Erased is set when the flagging referral's family was erased.
	Erased bool
}

// FlaggedOn are, for each of the referrals given, the other referrals that flagged it as a
// possible duplicate, oldest first: at its own centre only when sameCentre (what the centre's
// staff may see, decision 173), at every centre otherwise (an administrator's). The candidates are
// the referrals with a child matching one of its children on a keyed hash (child_matches), so a
// flag whose match an amendment has since undone, or one of an erased family (its hashes are
// forgotten), is not found; each candidate's summary says whether it flagged the referral.
func (r *Referrals) FlaggedOn(ctx context.Context, referrals []uuid.UUID, sameCentre bool) (map[uuid.UUID][]FlaggedBy, error) {
	if len(referrals) == 0 {
		return nil, nil
	}
	rows, err := r.store.Pool().Query(ctx, `SELECT p.mine, p.theirs, s.family_id, s.centre_id, s.summary FROM
		(SELECT DISTINCT mine.referral_id AS mine, theirs.referral_id AS theirs FROM child_matches mine
			JOIN child_matches theirs ON theirs.match = mine.match AND theirs.referral_id <> mine.referral_id
				AND (NOT $2 OR theirs.centre_id = mine.centre_id)
			WHERE mine.referral_id = ANY($1)) p
		JOIN referrals s ON s.referral_id = p.theirs
		ORDER BY p.mine, s.received_on, p.theirs`, referrals, sameCentre)
	if err != nil {
		return nil, fmt.Errorf("read the referrals that flagged these: %w", err)
	}
	out := map[uuid.UUID][]FlaggedBy{}
	var flagged, by, family, centre uuid.UUID
	var raw []byte
	_, err = pgx.ForEachRow(rows, []any{&flagged, &by, &family, &centre, &raw}, func() error {
		s := &referralv1.Referral{}
		if err := proto.Unmarshal(raw, s); err != nil {
			return fmt.Errorf("summary of referral %s: %w", by, err)
		}
		f := FlaggedBy{ID: by, Family: family, Centre: centre, State: s.GetState(), Erased: s.GetErasedOn() != nil}
		found := slices.Contains(s.GetPossibleDuplicateOf(), flagged.String())
		for _, d := range s.GetPossibleDuplicates() {
			if d.GetReferralId() == flagged.String() {
				found, f.Match = true, d.GetMatch()
			}
		}
		if found {
			out[flagged] = append(out[flagged], f)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the referrals that flagged these: %w", err)
	}
	return out, nil
}

// FamilyOf is the family and centre of a referral, from the read model, its state and whether its
// family was erased (Match unset); found is false for a referral that does not exist.
func (r *Referrals) FamilyOf(ctx context.Context, referral uuid.UUID) (by FlaggedBy, found bool, err error) {
	s, owner, err := r.Get(ctx, referral)
	if errors.Is(err, domain.ErrReferralNotFound) {
		return FlaggedBy{}, false, nil
	}
	if err != nil {
		return FlaggedBy{}, false, err
	}
	family, err := uuid.Parse(s.GetFamilyId())
	if err != nil {
		return FlaggedBy{}, false, fmt.Errorf("family of referral %s: %w", referral, err)
	}
	return FlaggedBy{ID: referral, Family: family, Centre: owner, State: s.GetState(), Erased: s.GetErasedOn() != nil}, true, nil
}
