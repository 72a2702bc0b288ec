package adapters

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"google.golang.org/protobuf/proto"

	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/staff"
)

// ProjectStaffEvent keeps an event of a centre's staff register, at its version in the register's
// stream; a second delivery of the same version keeps the first.
func ProjectStaffEvent(uow *eventstore.UnitOfWork, centre uuid.UUID, version int64, eventType string, payload []byte) {
	uow.Exec(`INSERT INTO staff_register_events (centre_id, stream_version, event_type, payload) VALUES ($1, $2, $3, $4)
		ON CONFLICT (centre_id, stream_version) DO NOTHING`, centre, version, eventType, payload)
}

// StaffRegister is the centre's staff register as far as safeguarding has heard of it: the
// events kept, in the stream's order, folded as scheduling folds them.
func (r *Records) StaffRegister(ctx context.Context, centre uuid.UUID) (*staff.Register, error) {
	rows, err := r.store.Pool().Query(ctx, `SELECT event_type, payload FROM staff_register_events WHERE centre_id = $1
		ORDER BY stream_version`, centre)
	if err != nil {
		return nil, fmt.Errorf("staff register: %w", err)
	}
	var events []proto.Message
	var eventType string
	var payload []byte
	if _, err := pgx.ForEachRow(rows, []any{&eventType, &payload}, func() error {
		ev, ok := staff.Event(eventType)
		if !ok {
			return fmt.Errorf("staff register of %s: unexpected event %s", centre, eventType)
		}
		if err := proto.Unmarshal(payload, ev); err != nil {
			return fmt.Errorf("staff register of %s: decode %s: %w", centre, eventType, err)
		}
		events = append(events, ev)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("staff register: %w", err)
	}
	return staff.Rebuild(centre, events)
}
