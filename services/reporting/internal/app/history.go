package app

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/problem"
	"github.com/familytime/familytime/services/reporting/internal/adapters"
)

// Step is one step of a family's history.
type Step = adapters.Step

// belongs checks that the family was referred to centre. Another centre's family is "not found",
// the same answer as a family that does not exist, so ids cannot be probed (decisions.md 38); a
// national role, not scoped to centres, still names the family's own centre.
func (a *App) belongs(ctx context.Context, family, centre uuid.UUID) error {
	at, err := a.history.CentreOf(ctx, family)
	if errors.Is(err, adapters.ErrNoFamily) || (err == nil && at != centre) {
		return problem.NotFound("family " + family.String())
	}
	return err
}

// FamilyHistory is every event about the family from every service, recorded at or before asOf,
// in the order recorded, if the family was referred to centre.
func (a *App) FamilyHistory(ctx context.Context, family, centre uuid.UUID, asOf time.Time) ([]Step, error) {
	// The family's centre and its history come in one round trip; the history is dropped unread
	// when the caller may not see it, with the same answer as belongs gives.
	at, steps, err := a.history.Family(ctx, family, asOf)
	if errors.Is(err, adapters.ErrNoFamily) || (err == nil && at != centre) {
		a.history.Release(steps)
		return nil, problem.NotFound("family " + family.String())
	}
	if err != nil {
		return nil, err
	}
	if err := a.describeOld(ctx, family, steps); err != nil {
		a.history.Release(steps)
		return nil, err
	}
	if steps, err = a.referredAgain(ctx, family, centre, asOf, steps); err != nil {
		a.history.Release(steps)
		return nil, err
	}
	leavings(steps)
	return steps, nil
}

// ReleaseHistory gives back the steps FamilyHistory returned, once nothing reads them any more
// (their texts may still be used): the next history read reuses their memory.
func (a *App) ReleaseHistory(steps []Step) { a.history.Release(steps) }

// describeOld describes and dates, from their envelopes, the steps projected before descriptions
// were kept (migration 0003) or before they were kept with their days (migration 0012, which
// cleared the descriptions of every event type with a day); a rebuild writes both.
func (a *App) describeOld(_ context.Context, family uuid.UUID, steps []Step) error {
	for i := range steps {
		if !steps[i].Undescribed {
			continue
		}
		env := &commonv1.EventEnvelope{}
		if err := proto.Unmarshal(steps[i].Envelope, env); err != nil {
			return fmt.Errorf("history of %s: event %s: %w", family, steps[i].EventID, err)
		}
		msg, err := payload(env)
		steps[i].Description, steps[i].OccurredOn = described(env, msg, err), occurredDay(msg, err)
		steps[i].Undescribed, steps[i].Envelope = false, nil
	}
	return nil
}

// Verification is what checking a family's history found.
type Verification struct {
	Streams int
	Events  int64
	// FamilyEvents are the events checked that are the family's own (the history lists them);
	// the rest are other families' in streams this family shares.
	FamilyEvents int64
	// Cursors are the streams checked whose last version reporting's consumer handled is known
	// (the consumer's cursor), and held to it.
	Cursors int
	// Records are the family's referrals, concerns, holds and reports in reporting's projections,
	// each found named by an event of its history.
	Records int
	// Broken is the first thing wrong found: a gap, a bad link, a row's column that is not its
	// event's, a changed description, a stream's last events missing, or a record of the family
	// whose events the history lacks; nil when none was found.
	Broken  *eventstore.TamperError
	Service string
	// Shared: the event Broken names is another family's, in a stream this family shares.
	Shared bool
	// Record names, when Broken is a record of the family that no event of its history names,
	// that record as Broken's reason does (its kind, id and day); empty otherwise.
	Record string
}

// ToAdministrator is the verification as an administrator is told it (decision 415): whether the
// history is whole and, when not, the service, stream and version at fault, which is what restoring
// the stream from backup takes (docs/runbook.md). Not how many streams, events and records were
// checked, which count the family's referrals, concerns, holds and reports, nor the day of a record
// no event names: those are the family's centre's, as its history is.
func (v Verification) ToAdministrator() Verification {
	told := Verification{Broken: v.Broken, Service: v.Service, Shared: v.Shared}
	if v.Broken != nil {
		broken := *v.Broken
		if v.Record != "" {
			kind, _, _ := strings.Cut(v.Record, " ")
			broken.Reason = strings.ReplaceAll(broken.Reason, v.Record, kind)
		}
		told.Broken = &broken
	}
	return told
}

// CheckedToAdministrator says, of a verification that found nothing wrong, what was checked, as
// Checked does, without the counts (ToAdministrator).
const CheckedToAdministrator = "Checked: every stream holding the family's events is continuous from version 1 and every event " +
	"follows from the one before, the history's rows and words agree with the events, and each of the family's records in " +
	"reporting's projections is named by an event of the history. How many, and what was not checked, are told to the family's " +
	"centre coordinator (VerifyFamilyHistory with their token)."

// Checked says, of a verification that found nothing wrong, what it checked and what it cannot
// know: "complete" is claimed only of what was checked.
func (v Verification) Checked() string {
	return fmt.Sprintf("Checked: the %d streams holding the family's events (%d events, %d of them the family's) are each continuous from "+
		"version 1 and every event follows from the one before; %d of them reach the last version reporting's consumer recorded "+
		"handling (of the others it keeps no such record); every column the history finds, orders or shows an event by "+
		"(family, stream, version, event id, type, service, centre, actor, role, time) agrees with the event, and what it says of "+
		"each of the family's events follows from it; each of the family's %d referrals, concerns, holds and reports in reporting's "+
		"records is named by an event of the history; each of the family's own streams (scheduling's family-, safeguarding's hold-, "+
		"risk- and access- of its id) that reporting's consumer handled holds some of the family's events. Not checked: a whole "+
		"stream of which the history holds no event as the family's, whose id is not the family's and that no such record names "+
		"(a room's occupancy), the last events of a stream whose last version handled is not recorded, and events reporting never received.",
		v.Streams, v.Events, v.FamilyEvents, v.Cursors, v.Records)
}

// VerifyFamilyHistory checks every stream that holds the family's events, whole and from version
// 1, and names the first thing wrong, streams in (service, stream) order (review 18, decisions.md
// 152). First, in every stream, that every column of each row that the history finds, orders or
// shows the event by is the envelope's own (a row whose family, time, actor... was changed beside
// its event); then, stream by stream:
//   - continuity and the hash chain (eventstore.VerifyEnvelopes);
//   - that the description the history shows of each of the family's events is the one its
//     event gives (Describe): the words a court reads are not covered by the hashes;
//   - that the stream reaches the last version reporting's consumer handled of it (the
//     consumer's cursor, written in the same transaction as the history's row): a missing last
//     event is not seen by the chain;
//
// then that each of the family's referrals, concerns, holds and reports in reporting's projections
// is named by an event of the history, and that each of the family's own streams, by name
// (adapters.FamilyStreams), that reporting's consumer handled holds some of the family's rows
// (review 19, decisions.md 153): a whole stream whose rows no longer name the family, or were
// removed, is found by the records its events wrote, or by its name.
func (a *App) VerifyFamilyHistory(ctx context.Context, family, centre uuid.UUID) (Verification, error) {
	if err := a.belongs(ctx, family, centre); err != nil {
		return Verification{}, err
	}
	// The records before the history: a consumed event writes both in one transaction, so a
	// record read is never newer than the history read after it.
	records, err := a.history.Records(ctx, family)
	if err != nil {
		return Verification{}, err
	}
	streams, err := a.history.Streams(ctx, family)
	if err != nil {
		return Verification{}, err
	}
	sort.Slice(streams, func(i, j int) bool {
		if streams[i].Service != streams[j].Service {
			return streams[i].Service < streams[j].Service
		}
		return streams[i].Stream < streams[j].Stream
	})
	named := map[namedRecord]bool{}
	collect := func(sql string, args ...any) {
		if table, id, ok := a.live.Written(sql, args); ok {
			named[namedRecord{table, id}] = true
		}
	}
	var v Verification
	envs := make([][]*commonv1.EventEnvelope, len(streams))
	for i, st := range streams {
		envs[i] = envelopes(st)
		for _, env := range envs[i] {
			if ofFamily(env, family) {
				v.FamilyEvents++
			}
		}
		v.Streams++
		v.Events += int64(len(envs[i]))
		if st.Handled > 0 {
			v.Cursors++
		}
	}
	// Every stream's rows first: a row moved to another stream, version or service is named by
	// the column changed, not by the gap it leaves.
	for i, st := range streams {
		if v.Broken, v.Shared = rowsCheck(st, envs[i], family); v.Broken != nil {
			v.Service = st.Service
			return v, nil
		}
	}
	for i, st := range streams {
		if v.Broken, v.Shared = a.checkStream(st, envs[i], family, collect); v.Broken != nil {
			v.Service = st.Service
			return v, nil
		}
	}
	sort.Slice(records, func(i, j int) bool {
		if records[i].Table != records[j].Table {
			return records[i].Table < records[j].Table
		}
		return records[i].ID.String() < records[j].ID.String()
	})
	for _, r := range records {
		if named[namedRecord{r.Table, r.ID}] {
			v.Records++
			continue
		}
		v.Broken, v.Shared, err = a.missing(ctx, r, family)
		v.Service, v.Record = r.Service, recordSaid(r)
		return v, err
	}
	// The family's own streams by name (review 19): one reporting's consumer handled of which the
	// history holds no row of the family had its rows moved to another family, or removed, with
	// the records its events wrote (a hold's record moved with it), which the records cannot show.
	unheld, err := a.history.Unheld(ctx, family)
	if err != nil {
		return Verification{}, err
	}
	for _, u := range unheld {
		v.Broken, err = a.unheld(ctx, u, family)
		v.Service = u.Service
		return v, err
	}
	return v, nil
}

// unheld is what is wrong with one of the family's own streams (adapters.FamilyStreams) that
// reporting's consumer handled and of which the history holds no row of the family: the first row
// of it that is not its event's (one moved to another family names the column), or else the
// versions missing.
func (a *App) unheld(ctx context.Context, u adapters.Stream, family uuid.UUID) (*eventstore.TamperError, error) {
	said := fmt.Sprintf("reporting handled versions 1 to %d of stream %s, the family's own, but the family's history holds none of them", u.Handled, u.Stream)
	st, err := a.history.Stream(ctx, u.StreamRef)
	if err != nil {
		return nil, err
	}
	if len(st.Events) > 0 {
		envs := envelopes(st)
		broken, _ := rowsCheck(st, envs, family)
		if broken == nil {
			broken, _ = a.checkStream(st, envs, family, func(string, ...any) {})
		}
		if broken != nil {
			broken.Reason += " (" + said + ")"
			return broken, nil
		}
	}
	return &eventstore.TamperError{Stream: u.Stream, Version: 1, Reason: fmt.Sprintf("versions 1 to %d are missing: %s: its rows were "+
		"removed, or no longer name the family", u.Handled, said)}, nil
}

// namedRecord is a row of a projection keyed by one id.
type namedRecord struct {
	table string
	id    uuid.UUID
}

// envelopes are the stream's events decoded; nil for one whose envelope cannot be read
// (rowsCheck names it).
func envelopes(st adapters.Stream) []*commonv1.EventEnvelope {
	envs := make([]*commonv1.EventEnvelope, len(st.Events))
	for i, ev := range st.Events {
		envs[i] = &commonv1.EventEnvelope{}
		if proto.Unmarshal(ev.Envelope, envs[i]) != nil {
			envs[i] = nil
		}
	}
	return envs
}

// ofFamily says whether the event is about the family, as its envelope says.
func ofFamily(env *commonv1.EventEnvelope, family uuid.UUID) bool {
	id, err := uuid.Parse(env.GetFamilyId())
	return err == nil && id == family
}

// rowsCheck names the first row of a stream one of whose columns is not what its event says.
// shared: the event is another family's, in a stream that holds the family's events too.
func rowsCheck(st adapters.Stream, envs []*commonv1.EventEnvelope, family uuid.UUID) (*eventstore.TamperError, bool) {
	for i, ev := range st.Events {
		if envs[i] == nil {
			return &eventstore.TamperError{Stream: ev.Stream, Version: ev.Version,
				Reason: "the event's envelope kept in the history cannot be read: the row was changed (the history does not show it)"}, false
		}
		if col := disagreement(ev, envs[i]); col != "" {
			shared := false
			for _, env := range envs {
				shared = shared || ofFamily(env, family)
			}
			shows := "the history shows what the event says"
			if col == "family_id" {
				shows = "the history lists an event only as the family's its event names"
			}
			return &eventstore.TamperError{Stream: ev.Stream, Version: ev.Version,
				Reason: "the history's " + col + " of this event is not the event's own: the row kept beside the event was changed (" +
					shows + ")"}, shared && !ofFamily(envs[i], family)
		}
	}
	return nil, false
}

// checkStream checks one stream whose rows are their events' (rowsCheck), as
// VerifyFamilyHistory says, and gives the records each of the family's events writes to record.
// shared: the event at fault is another family's, in a stream that holds the family's events
// too.
func (a *App) checkStream(st adapters.Stream, envs []*commonv1.EventEnvelope, family uuid.UUID, record adapters.Sink) (*eventstore.TamperError, bool) {
	if len(envs) == 0 {
		return nil, false
	}
	var terr *eventstore.TamperError
	if err := eventstore.VerifyEnvelopes(envs); errors.As(err, &terr) {
		shared := false
		for i, env := range envs {
			if env.GetStreamVersion() == terr.Version {
				shared = st.Events[i].Family != family
			}
		}
		return terr, shared
	} else if err != nil {
		return &eventstore.TamperError{Stream: st.Stream, Reason: err.Error()}, false
	}
	for i, ev := range st.Events {
		if !ofFamily(envs[i], family) {
			continue
		}
		msg, err := payload(envs[i])
		// The day shown beside the words is checked with them (decision 286): a row shows either
		// both, as projected, or neither (described from its envelope when read).
		if ev.Description != nil && (*ev.Description != described(envs[i], msg, err) || !ev.OccurredOn.Equal(occurredDay(msg, err))) {
			return &eventstore.TamperError{Stream: st.Stream, Version: envs[i].GetStreamVersion(),
				Reason: "what the history says of this event (its words, or the day it took place) does not follow from it: the projection was changed, or the descriptions changed since it was written (`familytime reporting rebuild` writes them again from the events)"}, false
		}
		if err == nil && msg != nil && projected[envs[i].GetEventType()] {
			f := facts{p: a.live, sink: record, env: envs[i], at: envs[i].GetRecordedAt().AsTime()}
			f.apply(msg)
		}
	}
	if last := envs[len(envs)-1].GetStreamVersion(); st.Handled > last {
		return &eventstore.TamperError{Stream: st.Stream, Version: last + 1,
			Reason: fmt.Sprintf("version is missing: reporting's consumer handled this stream to version %d, and the history holds it only to version %d (its last events were removed, or an operator had the consumer pass them over)", st.Handled, last)}, false
	}
	return nil, false
}

// disagreement is the first column of a row that is not what its event says, or "".
func disagreement(ev adapters.StreamEvent, env *commonv1.EventEnvelope) string {
	idIs := func(text string, id uuid.UUID) bool {
		if text == "" {
			return id == uuid.Nil
		}
		got, err := uuid.Parse(text)
		return err == nil && got == id
	}
	md := env.GetMetadata()
	switch {
	case ev.Stream != env.GetStreamId():
		return "stream_id"
	case ev.Version != env.GetStreamVersion():
		return "version"
	case !idIs(env.GetEventId(), ev.EventID):
		return "event_id"
	case !idIs(env.GetFamilyId(), ev.Family):
		return "family_id"
	case ev.Type != env.GetEventType():
		return "event_type"
	case adapters.ServiceOfType(ev.Type) != "" && ev.Service != adapters.ServiceOfType(ev.Type):
		return "service"
	case !idIs(env.GetCentreId(), ev.Centre):
		return "centre_id"
	case !ev.RecordedAt.Equal(env.GetRecordedAt().AsTime().Truncate(time.Microsecond)): // a column keeps microseconds
		return "recorded_at"
	case ev.Actor != md.GetActor():
		return "actor"
	case ev.ActorRole != md.GetActorRole():
		return "actor_role"
	}
	return ""
}

// recordWords name a record of each table, and the day it dates from.
var recordWords = map[string][2]string{"referrals": {"referral", "received on"}, "concerns": {"concern", "raised on"},
	"holds": {"hold", "placed on"}, "reports": {"report", "due for the session of"}}

// recordSaid names a record of the family: its kind, id and the day it dates from, when known.
func recordSaid(r adapters.Record) string {
	words := recordWords[r.Table]
	what := words[0] + " " + r.ID.String()
	if !r.On.IsZero() {
		what += " (" + words[1] + " " + r.On.Format(time.DateOnly) + ")"
	}
	return what
}

// missing is what is wrong when a record of the family is named by no event of its history: the
// first row that is not its event's, or other fault, in a stream held whose id holds the record's
// id, then the family's; or the versions reporting's consumer handled of such a stream and the
// history lacks; or, when neither is found, the record itself.
func (a *App) missing(ctx context.Context, r adapters.Record, family uuid.UUID) (*eventstore.TamperError, bool, error) {
	said := "reporting's records of the family hold its " + recordSaid(r) + ", and no event of the family's history names it"
	for _, id := range []uuid.UUID{r.ID, family} {
		held, gone, handled, err := a.history.Candidates(ctx, r.Service, id)
		if err != nil {
			return nil, false, err
		}
		for _, ref := range held {
			st, err := a.history.Stream(ctx, ref)
			if err != nil {
				return nil, false, err
			}
			envs := envelopes(st)
			broken, _ := rowsCheck(st, envs, family)
			if broken == nil {
				broken, _ = a.checkStream(st, envs, family, func(string, ...any) {})
			}
			if broken != nil {
				broken.Reason += " (" + said + ")"
				return broken, false, nil
			}
		}
		if len(gone) > 0 {
			return &eventstore.TamperError{Stream: gone[0].Stream, Version: 1, Reason: fmt.Sprintf("versions 1 to %d are missing: reporting's "+
				"consumer handled them, and the history holds none of this stream: its rows were removed (%s)", handled[0], said)}, false, nil
		}
	}
	return &eventstore.TamperError{Reason: said + ": its events were removed from the history, or its rows no longer name the family"}, false, nil
}
