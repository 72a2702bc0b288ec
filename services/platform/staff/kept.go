package staff

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"google.golang.org/protobuf/proto"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/migrate"
)

// A service other than scheduling that needs to know who a centre's staff are keeps each centre's
// register as scheduling recorded it: a durable consumer of its own (Subjects, KeepEvents) copies
// the register's events into staff_register_events (Migrations), and a call folds them with the
// same code as scheduling's (Kept). Decisions 96 and 110.

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations are the kept registers' table, staff_register_events.
func Migrations() migrate.Set {
	sub, _ := fs.Sub(migrations, "migrations")
	return migrate.Set{Component: "staff", FS: sub}
}

// Subjects are the events of the centres' staff registers on the scheduling stream.
var Subjects = []string{"ft.scheduling.*.StaffMemberAdded", "ft.scheduling.*.StaffCheckRecorded", "ft.scheduling.*.StaffMemberLeft"}

// Pseudonym is the name a service holding no personal data keeps an account by at a centre: a
// name-based UUID of the account id in the centre's namespace, the same for the same account at
// the same centre and telling nothing of it elsewhere.
func Pseudonym(centre uuid.UUID, account string) string {
	return uuid.NewSHA1(centre, []byte(account)).String()
}

// KeepEvents is the handler of a consumer of Subjects: each event of a centre's register is kept
// at its version in the register's stream; a second delivery of a version keeps the first. With
// pseudonymous, each account id is kept as its Pseudonym, and Kept's register names accounts so.
func KeepEvents(pseudonymous bool) bus.Handler {
	return func(ctx context.Context, d bus.Delivery, uow *eventstore.UnitOfWork) error {
		ev, ok := Event(d.Envelope.GetEventType())
		if !ok {
			return nil // not handled; the inbox still records it
		}
		if err := d.Payload(ev); err != nil {
			return err
		}
		type ofCentre interface{ GetCentreId() string }
		centre, err := uuid.Parse(ev.(ofCentre).GetCentreId())
		if err != nil || centre == uuid.Nil {
			return bus.Poison(fmt.Errorf("%s %s: the centre id is not a UUID", bus.EventName(d.Envelope.GetEventType()), d.EventID))
		}
		if d.Envelope.GetStreamId() != Stream(centre) || d.Envelope.GetStreamVersion() < 1 {
			return bus.Poison(fmt.Errorf("%s %s: not an event of the centre's staff register stream", bus.EventName(d.Envelope.GetEventType()), d.EventID))
		}
		payload := d.Envelope.GetPayload()
		if pseudonymous {
			switch e := ev.(type) {
			case *schedulingv1.StaffMemberAdded:
				e.AccountId = Pseudonym(centre, e.GetAccountId())
			case *schedulingv1.StaffCheckRecorded:
				e.AccountId = Pseudonym(centre, e.GetAccountId())
			case *schedulingv1.StaffMemberLeft:
				e.AccountId = Pseudonym(centre, e.GetAccountId())
			}
			if payload, err = proto.Marshal(ev); err != nil {
				return fmt.Errorf("%s %s: %w", bus.EventName(d.Envelope.GetEventType()), d.EventID, err)
			}
		}
		uow.Exec(`INSERT INTO staff_register_events (centre_id, stream_version, event_type, payload) VALUES ($1, $2, $3, $4)
			ON CONFLICT (centre_id, stream_version) DO NOTHING`, centre, d.Envelope.GetStreamVersion(), d.Envelope.GetEventType(), payload)
		return nil
	}
}

// Kept is the centre's staff register as far as the service has heard of it: the events kept,
// in the stream's order, folded as scheduling folds them.
func Kept(ctx context.Context, pool *pgxpool.Pool, centre uuid.UUID) (*Register, error) {
	rows, err := pool.Query(ctx, `SELECT event_type, payload FROM staff_register_events WHERE centre_id = $1
		ORDER BY stream_version`, centre)
	if err != nil {
		return nil, fmt.Errorf("staff register: %w", err)
	}
	var events []proto.Message
	var eventType string
	var payload []byte
	if _, err := pgx.ForEachRow(rows, []any{&eventType, &payload}, func() error {
		ev, ok := Event(eventType)
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
	return Rebuild(centre, events)
}
