package adapters

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

// AccessStream is the stream of one record of a family's details being opened: each record is a
// stream of its own, so a read never waits for, or conflicts with, another. The family's history
// finds them through the family id they carry.
func AccessStream(id uuid.UUID) string { return "access-" + id.String() }

// RecordAccess builds the unit of work that records who opened a referral's personal details, in
// which roles, for whom, and why (the purpose sealed: it is the reader's own words). A request for
// an erased family's details is recorded too, saying it came after the erasure (after_erasure):
// nothing of the family was shown, and its purpose can no longer be sealed (review 35).
func (r *Referrals) RecordAccess(ctx context.Context, ref *domain.Referral, roles []string, forPerson uuid.UUID, purpose string, md eventstore.Metadata) (*eventstore.UnitOfWork, error) {
	purposeNote, err := proto.Marshal(&referralv1.Note{Text: purpose})
	if err != nil {
		return nil, err
	}
	id := uuid.New()
	ev := &referralv1.FamilyDetailsOpened{AccessId: id.String(), ReferralId: ref.ID().String(),
		FamilyId: ref.FamilyID().String(), CentreId: ref.CentreID().String(), ReaderRoles: roles, SealedPurpose: purposeNote}
	if _, erased := ref.ErasedOn(); erased {
		ev.AfterErasure = true
	}
	if forPerson != uuid.Nil {
		ev.ForPersonId = forPerson.String()
	}
	events, err := r.events(ctx, ref.FamilyID(), ref.CentreID(), []proto.Message{ev}, md)
	if err != nil {
		return nil, fmt.Errorf("record access: %w", err)
	}
	return new(eventstore.UnitOfWork).Append(AccessStream(id), eventstore.NoStream, events...), nil
}

// doorReads is the namespace of the ids of the door's reads (DoorAccessID).
var doorReads = uuid.MustParse("6f1d2c0e-3a55-4f4e-9b8e-5d2f0c7a1e42")

// DoorAccessID is the id of a reader's read of a family's names for the door's day sheet of day:
// the same for every read by that reader, of that family, for that day, so the read is recorded
// once (its stream can be created once). The reader's account is hashed into it, never shown.
func DoorAccessID(family uuid.UUID, day time.Time, reader string) uuid.UUID {
	return uuid.NewSHA1(doorReads, []byte(family.String()+"|"+day.Format(time.DateOnly)+"|"+reader))
}

// RecordDoorAccess builds the unit of work that records a reader's first read of a family's names,
// languages and children's needs for the door's day sheet of day (FamilyDetailsOpened with
// door_day and door_needs). Committed again for the
// same reader, family and day, it conflicts (eventstore.ErrVersionConflict): the read is recorded
// already.
func (r *Referrals) RecordDoorAccess(ctx context.Context, ref *domain.Referral, day time.Time, reader string, roles []string,
	md eventstore.Metadata) (*eventstore.UnitOfWork, error) {
	purposeNote, err := proto.Marshal(&referralv1.Note{Text: "names, languages and children's needs for the door's day sheet of " + day.Format(time.DateOnly)})
	if err != nil {
		return nil, err
	}
	id := DoorAccessID(ref.FamilyID(), day, reader)
	ev := &referralv1.FamilyDetailsOpened{AccessId: id.String(), ReferralId: ref.ID().String(), FamilyId: ref.FamilyID().String(),
		CentreId: ref.CentreID().String(), ReaderRoles: roles, SealedPurpose: purposeNote, DoorDay: dates.Proto(day),
		DoorNeeds: true}
	events, err := r.events(ctx, ref.FamilyID(), ref.CentreID(), []proto.Message{ev}, md)
	if err != nil {
		return nil, fmt.Errorf("record the door's read: %w", err)
	}
	return new(eventstore.UnitOfWork).Append(AccessStream(id), eventstore.NoStream, events...), nil
}
