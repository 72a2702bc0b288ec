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
		uow.Exec(`INSERT INTO figure_links (link_id, referral_id, child_id, other_referral_id, other_child_id) VALUES ($1, $2, $3, $4, $5)`,
			id, ref.ID(), l.Child, l.OtherReferral, l.OtherChild)
	}
	return nil
}

// A StandingLink is a link for the figures that stands, seen from one of its two referrals: Child
// is that referral's, OtherChild the other's, and OtherHash the other child's keyed hash of the
// same name and date of birth as it stands (nil once its family was erased: the link then stands,
// as the two were one child when linked).
type StandingLink struct {
	Link, Child, OtherReferral, OtherChild uuid.UUID
	OtherHash                              []byte
}

// StandingFigureLinks are the links for the figures that stand of a child on referral, from either
// side (the referral linked, or the one it was linked to).
func (r *Referrals) StandingFigureLinks(ctx context.Context, referral uuid.UUID) ([]StandingLink, error) {
	rows, err := r.store.Pool().Query(ctx, `SELECT l.link_id, l.child, l.other_referral, l.other_child, m.match
		FROM (SELECT link_id, child_id AS child, other_referral_id AS other_referral, other_child_id AS other_child
			FROM figure_links WHERE referral_id = $1 AND withdrawn_on IS NULL
			UNION ALL SELECT link_id, other_child_id, referral_id, child_id
			FROM figure_links WHERE other_referral_id = $1 AND withdrawn_on IS NULL) l
		LEFT JOIN child_matches m ON m.referral_id = l.other_referral AND m.child_id = l.other_child AND m.kind = $2
		ORDER BY l.link_id`, referral, int16(referralv1.ChildMatch_CHILD_MATCH_SAME_NAME_AND_BIRTH_DATE))
	if err != nil {
		return nil, fmt.Errorf("read the referral's links for the figures: %w", err)
	}
	links, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (StandingLink, error) {
		var l StandingLink
		err := row.Scan(&l.Link, &l.Child, &l.OtherReferral, &l.OtherChild, &l.OtherHash)
		return l, err
	})
	if err != nil {
		return nil, fmt.Errorf("read the referral's links for the figures: %w", err)
	}
	return links, nil
}

// WithdrawFigureLinks adds to uow a ChildUnmatchedForFigures on the stream of each link, which
// stands (its one event, the link: a withdrawal raced by another is a version conflict, and the
// command is decided again), for ref's child in it, dated today at ref's centre (decision 413).
func (r *Referrals) WithdrawFigureLinks(ctx context.Context, uow *eventstore.UnitOfWork, ref *domain.Referral, links []StandingLink,
	today time.Time, md eventstore.Metadata) error {
	for _, l := range links {
		ev := &referralv1.ChildUnmatchedForFigures{LinkId: l.Link.String(), ReferralId: ref.ID().String(),
			ChildPersonId: l.Child.String(), UnmatchedOn: dates.Proto(today)}
		events, err := r.events(ctx, uuid.Nil, ref.CentreID(), []proto.Message{ev}, md)
		if err != nil {
			return fmt.Errorf("withdraw a figure link: %w", err)
		}
		uow.Append(FigureLinkStream(l.Link), 1, events...)
		uow.Exec(`UPDATE figure_links SET withdrawn_on = $2 WHERE link_id = $1`, l.Link, today)
	}
	return nil
}

// CompleteFigureLinks records in figure_links the links for the figures made before it (decision
// 411's, read from the log), once: the row of figure_links_to_complete says they are still to be
// read. It answers how many it recorded.
func (r *Referrals) CompleteFigureLinks(ctx context.Context) (int, error) {
	var pending bool
	err := r.store.Pool().QueryRow(ctx, `SELECT EXISTS (SELECT FROM figure_links_to_complete)`).Scan(&pending)
	if err != nil || !pending {
		return 0, wrapComplete(err)
	}
	rows, err := r.store.Pool().Query(ctx, `SELECT payload FROM events WHERE event_type = $1 ORDER BY position`,
		string((&referralv1.ChildMatchedForFigures{}).ProtoReflect().Descriptor().FullName()))
	if err != nil {
		return 0, wrapComplete(err)
	}
	payloads, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	if err != nil {
		return 0, wrapComplete(err)
	}
	// No event is appended: a transaction of its own, not a unit of work, whose commit would be
	// traced as a step of no request.
	err = pgx.BeginFunc(ctx, r.store.Pool(), func(tx pgx.Tx) error {
		for _, p := range payloads {
			var l referralv1.ChildMatchedForFigures
			if err := proto.Unmarshal(p, &l); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO figure_links (link_id, referral_id, child_id, other_referral_id, other_child_id)
				VALUES ($1, $2, $3, $4, $5) ON CONFLICT (link_id) DO NOTHING`,
				l.GetLinkId(), l.GetReferralId(), l.GetChildPersonId(), l.GetOtherReferralId(), l.GetOtherChildPersonId()); err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, `DELETE FROM figure_links_to_complete`)
		return err
	})
	if err != nil {
		return 0, wrapComplete(err)
	}
	return len(payloads), nil
}

func wrapComplete(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("record the links for the figures made before decision 413: %w", err)
}
