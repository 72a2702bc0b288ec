package adapters

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"google.golang.org/protobuf/proto"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

// A FigureLink is a child on a new referral whose name and date of birth are exactly those of
// OtherChild, on OtherReferral at another centre, where nothing flagged the match for a person to
// check: the national figures count the two as one child (decision 411).
type FigureLink struct {
	Child, OtherReferral, OtherChild uuid.UUID
}

// FigureLinkStream is the stream of one figure link: each link is a stream of its own, of no
// family, so that it is in neither family's history (a child known at another centre is no other
// centre's business, decision 173) and no two referrals' units of work wait on each other for it.
func FigureLinkStream(id uuid.UUID) string { return "figures-link-" + id.String() }

// ExactChildOn is the child on referral other whose keyed hash of the same name and date of birth
// is hash, and false when there is none or more than one: two children of one referral given one
// name and date of birth are not told apart by a hash, and no link is guessed between them.
func (r *Referrals) ExactChildOn(ctx context.Context, other uuid.UUID, hash []byte) (uuid.UUID, bool, error) {
	rows, err := r.store.Pool().Query(ctx, `SELECT child_id FROM child_matches WHERE referral_id = $1 AND match = $2 AND kind = $3 LIMIT 2`,
		other, hash, int16(referralv1.ChildMatch_CHILD_MATCH_SAME_NAME_AND_BIRTH_DATE))
	if err != nil {
		return uuid.Nil, false, fmt.Errorf("find the child of the same name and date of birth: %w", err)
	}
	children, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return uuid.Nil, false, fmt.Errorf("find the child of the same name and date of birth: %w", err)
	}
	if len(children) != 1 {
		return uuid.Nil, false, nil
	}
	return children[0], true, nil
}

// RecordFigureLinks adds to uow a ChildMatchedForFigures on a stream of its own for each link of a
// child on ref, dated today at ref's centre.
func (r *Referrals) RecordFigureLinks(ctx context.Context, uow *eventstore.UnitOfWork, ref *domain.Referral, links []FigureLink,
	today time.Time, md eventstore.Metadata) error {
	for _, l := range links {
		id := uuid.New()
		ev := &referralv1.ChildMatchedForFigures{LinkId: id.String(), ReferralId: ref.ID().String(), ChildPersonId: l.Child.String(),
			OtherReferralId: l.OtherReferral.String(), OtherChildPersonId: l.OtherChild.String(), MatchedOn: dates.Proto(today)}
		// No family: the link is no family's step.
		events, err := r.events(ctx, uuid.Nil, ref.CentreID(), []proto.Message{ev}, md)
		if err != nil {
			return fmt.Errorf("record a figure link: %w", err)
		}
		uow.Append(FigureLinkStream(id), eventstore.NoStream, events...)
	}
	return nil
}
