package adapters

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

// AccessStream is the stream of one record of a family's details being opened: each record is a
// stream of its own, so a read never waits for, or conflicts with, another. The family's history
// finds them through the family id they carry.
func AccessStream(id uuid.UUID) string { return "access-" + id.String() }

// RecordAccess builds the unit of work that records who opened a referral's personal details, in
// which roles, for whom, and why (the purpose sealed: it is the reader's own words).
func (r *Referrals) RecordAccess(ctx context.Context, ref *domain.Referral, roles []string, forPerson uuid.UUID, purpose string, md eventstore.Metadata) (*eventstore.UnitOfWork, error) {
	purposeNote, err := proto.Marshal(&referralv1.Note{Text: purpose})
	if err != nil {
		return nil, err
	}
	id := uuid.New()
	ev := &referralv1.FamilyDetailsOpened{AccessId: id.String(), ReferralId: ref.ID().String(),
		FamilyId: ref.FamilyID().String(), CentreId: ref.CentreID().String(), ReaderRoles: roles, SealedPurpose: purposeNote}
	if forPerson != uuid.Nil {
		ev.ForPersonId = forPerson.String()
	}
	events, err := r.events(ctx, ref.FamilyID(), ref.CentreID(), []proto.Message{ev}, md)
	if err != nil {
		return nil, fmt.Errorf("record access: %w", err)
	}
	return new(eventstore.UnitOfWork).Append(AccessStream(id), eventstore.NoStream, events...), nil
}
