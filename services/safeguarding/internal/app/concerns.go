package app

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/problem"
	"github.com/familytime/familytime/services/safeguarding/internal/adapters"
	"github.com/familytime/familytime/services/safeguarding/internal/domain"
)

// RaiseConcern records a new concern and its alert to the centre's lead. It is never refused for
// the family's erasure (review 38: any member of staff or volunteer can raise a concern, and a
// protective action is not held up). While the erasure waits for records in use, the family's key
// still seals the description, and the erasure waits for this concern too (decision 104). Once the
// key is destroyed, none is made again (seal.ErrShredded), so the concern is recorded about the
// family's id without its description (NewConcern.TextNotKept), and the lead, alerted, takes the
// account from the raiser in person. Whether the key is destroyed is decided under hold, taken
// here for the concern's family and released by the caller once the concern is committed or
// refused (adapters.KeyHold, decision 400): an erasure handled in the same moment waits for the
// concern, or the concern for the erasure, never a bit of each.
//
// A concern may name its booking alone: it is then about the booking's family (review 51: the
// door's day sheet prints the booking whole and the family short, and a volunteer there must be
// able to raise a concern at once). The family is never found from a short id: whether one is
// unique among the families booked that day is judged on the bookings this service has heard of,
// which may lag scheduling's by a moment, so a short id could name one family here while the
// volunteer read another's row; a booking id names one family whatever else is booked.
func (a *App) RaiseConcern(ctx context.Context, c domain.Caller, n domain.NewConcern, md eventstore.Metadata, hold *adapters.KeyHold) (*domain.Concern, *eventstore.UnitOfWork, error) {
	if n.Family == uuid.Nil {
		if n.Booking == uuid.Nil {
			return nil, nil, problem.Invalid("family_id", "is required, or leave it out and give booking_id alone (the session's booking, "+
				"as the day sheet prints it): the concern is then about the booking's family")
		}
		family, err := a.bookingFamily(ctx, n.Booking, n.Centre)
		if err != nil {
			return nil, nil, err
		}
		n.Family = family
	}
	id := uuid.New()
	k, msgs, err := domain.RaiseConcern(id, n, c, a.today())
	if err != nil {
		return nil, nil, err
	}
	if err := a.familyAt(ctx, n.Family, n.Centre); err != nil {
		return nil, nil, err
	}
	if err := hold.Take(ctx, n.Family); err != nil {
		return nil, nil, err
	}
	erasure, err := a.records.Erasure(ctx, n.Family)
	if err != nil {
		return nil, nil, err
	}
	if erasure.Done {
		n.TextNotKept = true
		if k, msgs, err = domain.RaiseConcern(id, n, c, a.today()); err != nil {
			return nil, nil, err
		}
	}
	if err := a.ofTheFamily(ctx, n); err != nil {
		return nil, nil, err
	}
	uow := new(eventstore.UnitOfWork)
	if _, err := a.append(ctx, uow, domain.ConcernStreamID(k.ID()), eventstore.NoStream, n.Family, n.Centre, md, msgs); err != nil {
		return nil, nil, err
	}
	adapters.ProjectConcern(uow, k)
	adapters.ProjectConcernRaised(uow, k, a.now())
	adapters.ProjectAlert(uow, k)
	return k, uow, nil
}

// RaisedBefore is RAISED_BEFORE in words, and the concern it names, when the raiser of k raised
// another concern at its centre about its booking, or its family, earlier the same day in the UK
// (domain.RaisedBefore); "" and uuid.Nil otherwise. Only the raiser's own concerns count: another
// person reporting the same incident is a second account the lead wants, and is told nothing of
// someone else's concern. A concern raised at the same moment by the same raiser may not be seen
// yet: this is a prompt, not a guard.
func (a *App) RaisedBefore(ctx context.Context, k *domain.Concern) (string, uuid.UUID, error) {
	now := a.now()
	day := dates.InUK(now)
	start := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, dates.UK())
	earlier, sameBooking, at, found, err := a.records.EarlierConcern(ctx, k.CentreID(), k.FamilyID(), k.RaisedBy(), k.BookingID(), start)
	if err != nil || !found || earlier == k.ID() {
		return "", uuid.Nil, err
	}
	return domain.RaisedBefore(sameBooking, at, earlier), earlier, nil
}

// ofTheFamily checks that a concern names people its family's referral names and a session of
// the family (decision 78): another family's people or booking, or made-up ids, are refused, so
// a concern never points at someone else's record.
func (a *App) ofTheFamily(ctx context.Context, n domain.NewConcern) error {
	named := make([]Named, len(n.People))
	for i, p := range n.People {
		named[i] = Named{Field: fmt.Sprintf("person_ids[%d]", i), Person: p}
	}
	vs, err := a.strangers(ctx, n.Family, named)
	if err != nil {
		return err
	}
	if n.Booking != uuid.Nil {
		family, found, err := a.records.BookingFamily(ctx, n.Booking)
		if err != nil {
			return err
		}
		if !found || family != n.Family {
			vs = append(vs, problem.Violation{Field: "booking_id",
				Reason: "is not a booking of this family (one made a moment ago may take a second to be known here)"})
		}
	}
	return invalid(vs)
}

// bookingFamily is the family of a booking of the centre: the booking names one family whatever
// else is booked. A booking this service has not heard of, or one of a family of another centre,
// is not found (ErrBookingNotFound), the same answer either way.
func (a *App) bookingFamily(ctx context.Context, booking, centre uuid.UUID) (uuid.UUID, error) {
	family, found, err := a.records.BookingFamily(ctx, booking)
	if err != nil {
		return uuid.Nil, err
	}
	if !found || a.familyAt(ctx, family, centre) != nil {
		return uuid.Nil, domain.ErrBookingNotFound
	}
	return family, nil
}

// loadConcern rebuilds a concern of the centre, with its events as recorded; a concern of another
// centre is not found.
func (a *App) loadConcern(ctx context.Context, centre, id uuid.UUID) (*domain.Concern, []eventstore.RecordedEvent, error) {
	recs, raw, err := a.records.Load(ctx, domain.ConcernStreamID(id))
	if err != nil {
		return nil, nil, err
	}
	k, err := domain.RebuildConcern(id, recs)
	if err != nil {
		return nil, nil, err
	}
	if k.CentreID() != centre {
		return nil, nil, domain.ErrConcernNotFound
	}
	return k, raw, nil
}

// ChangeConcern runs one of the lead's commands on a concern (an action, an escalation, closing).
// alertLead, given to decide, says the command is recorded for someone the centre's staff register
// does not have as its lead today (inRegisteredRole): a protective command, decided on the token's
// role, then alerts the lead (an escalation: decision 201).
func (a *App) ChangeConcern(ctx context.Context, centre, id uuid.UUID, md eventstore.Metadata,
	decide func(k *domain.Concern, today domainDate, alertLead bool) ([]proto.Message, error)) (*domain.Concern, *eventstore.UnitOfWork, error) {
	k, _, err := a.loadConcern(ctx, centre, id)
	if err != nil {
		return nil, nil, err
	}
	if md, err = a.inRegisteredRole(ctx, centre, md); err != nil {
		return nil, nil, err
	}
	expected := k.Version()
	msgs, err := decide(k, a.today(), md.ActorRole != string(auth.RoleSafeguardingLead))
	if err != nil {
		return nil, nil, err
	}
	uow := new(eventstore.UnitOfWork)
	events, err := a.append(ctx, uow, domain.ConcernStreamID(id), expected, k.FamilyID(), k.CentreID(), md, msgs)
	if err != nil {
		return nil, nil, err
	}
	adapters.ProjectConcern(uow, k)
	for i, msg := range msgs {
		// An escalation the lead is alerted of: LeadAlerted follows it (Concern.Escalate).
		if e, ok := msg.(*safeguardingv1.ConcernEscalated); ok && i+1 < len(msgs) {
			if _, alerted := msgs[i+1].(*safeguardingv1.LeadAlerted); alerted {
				adapters.ProjectEscalationAlert(uow, events[i].ID, k, md.ActorRole, dates.Time(e.GetEscalatedOn()))
			}
		}
	}
	return k, uow, nil
}

// ConcernView is a concern with its records as its reader sees them.
type ConcernView struct {
	Concern *domain.Concern
	Records []Entry
	// Erasure is the family's erasure: once Done, the concern's text is gone (Entry.TextErased).
	Erasure adapters.Erasure
}

// GetConcern returns a concern with its text, after recording the read: to the centre's lead
// whole, to its raiser what they raised, with its state, the lead's records listed as withheld.
//
// The text given is the concern as it stands once the read is recorded, not as it stood when it
// was first loaded to decide who may read it: the lead's read clears the alert's CORRECTED for
// every correction before it in the log (adapters.ProjectAccess), so a correction committed while
// the read was being recorded is one the lead is given.
func (a *App) GetConcern(ctx context.Context, c domain.Caller, centre, id uuid.UUID, purpose string) (ConcernView, error) {
	k, _, err := a.loadConcern(ctx, centre, id)
	if err != nil {
		return ConcernView{}, a.refused(ctx, c, centre, safeguardingv1.RecordKind_RECORD_KIND_CONCERN, id, err)
	}
	if err := k.CanRead(c); err != nil {
		return ConcernView{}, a.refused(ctx, c, centre, safeguardingv1.RecordKind_RECORD_KIND_CONCERN, id, err)
	}
	if err := a.recordAccess(ctx, c, domain.Access{Family: k.FamilyID(), Centre: centre,
		Kind: safeguardingv1.RecordKind_RECORD_KIND_CONCERN, Record: id, Purpose: purpose}); err != nil {
		return ConcernView{}, err
	}
	recs, raw, err := a.records.Load(ctx, domain.ConcernStreamID(id))
	if err != nil {
		return ConcernView{}, err
	}
	if k, err = domain.RebuildConcern(id, recs); err != nil {
		return ConcernView{}, err
	}
	// A raiser who is not the lead is given what they raised; the lead's records are listed as
	// withheld, their text never opened (Concern.Shows; review 29).
	entries, err := a.entries(ctx, k.FamilyID(), raw, func(id uuid.UUID, msg proto.Message) bool { return k.Shows(c, id, msg) })
	if err != nil {
		return ConcernView{}, err
	}
	erasure, err := a.records.Erasure(ctx, k.FamilyID())
	if err != nil {
		return ConcernView{}, err
	}
	return ConcernView{Concern: k, Records: entries, Erasure: erasure}, nil
}

// OpenConcerns reads a page of a centre's open concerns, oldest first (size 0: DefaultPageSize).
func (a *App) OpenConcerns(ctx context.Context, centre uuid.UUID, size int, token string) ([]adapters.ConcernRow, string, error) {
	return a.records.OpenConcerns(ctx, centre, pageSize(size), token)
}

// Alerts reads a page of a centre's alerts to its lead, newest first (size 0: DefaultPageSize).
func (a *App) Alerts(ctx context.Context, centre uuid.UUID, openOnly bool, size int, token string) ([]adapters.AlertRow, string, error) {
	return a.records.Alerts(ctx, centre, openOnly, pageSize(size), token)
}
