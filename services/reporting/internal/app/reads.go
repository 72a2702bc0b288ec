package app

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	reportingv1 "github.com/familytime/familytime/proto/gen/go/familytime/reporting/v1"
	"github.com/familytime/familytime/services/platform/command"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/paging"
	"github.com/familytime/familytime/services/platform/problem"
)

// historyRead is the type of the event that records a read of a family's history.
var historyRead = string((&reportingv1.FamilyHistoryRead{}).ProtoReflect().Descriptor().FullName())

// RecordHistoryRead records in reporting's own log that the caller reads family's history at
// centre, for purpose, as of asOf (zero: as it stands). A family's history carries the
// categories of its concerns, holds and risk ratings: DESIGN.md asks that every read of a
// family's safeguarding data be recorded with who, when and why. Each read is a stream of its own
// (history-read-<uuid>), so two readers never conflict; the reader's account id and role are the
// event's actor and role.
func (a *App) RecordHistoryRead(ctx context.Context, family, centre uuid.UUID, purpose reportingv1.HistoryReadPurpose, asOf time.Time) error {
	read := &reportingv1.FamilyHistoryRead{FamilyId: family.String(), CentreId: centre.String(), Purpose: purpose}
	if !asOf.IsZero() {
		read.AsOf = timestamppb.New(asOf)
	}
	e, err := eventstore.NewEvent(read, family, centre, command.Metadata(ctx, uuid.New()))
	if err != nil {
		return err
	}
	if _, err := a.log.Append(ctx, "history-read-"+uuid.NewString(), eventstore.NoStream, e); err != nil {
		return fmt.Errorf("record the read of a family's history: %w", err)
	}
	return nil
}

// HistoryRead is one recorded read of a family's history.
type HistoryRead struct {
	At           time.Time
	Reader, Role string
	// Centre is where the reader read it: another centre than the family's is a read refused as
	// "not found" (it was recorded as it was asked, before the answer was known).
	Centre  uuid.UUID
	Purpose reportingv1.HistoryReadPurpose
	AsOf    time.Time // zero: as it stood then
}

// HistoryReads is a page of the reads of family's history, oldest first, if the family was
// referred to centre. A family's reads are few (one per read, by its centre's staff), so they are
// loaded whole and paged by their position in the log.
func (a *App) HistoryReads(ctx context.Context, family, centre uuid.UUID, size int, token string) ([]HistoryRead, string, error) {
	if err := a.belongs(ctx, family, centre); err != nil {
		return nil, "", err
	}
	after, err := paging.Decode(token)
	var from int64
	if err == nil && token != "" {
		from, err = strconv.ParseInt(after.Key, 10, 64)
	}
	if err != nil || from < 0 { // positions start at 1: a negative one is no token this service made
		err = paging.ErrBadToken
	}
	if err != nil {
		return nil, "", problem.Invalid("page_token", paging.ErrBadToken.Error())
	}
	if size <= 0 {
		size = DefaultPageSize
	}
	events, err := a.log.LoadFamily(ctx, family)
	if err != nil {
		return nil, "", err
	}
	// A record of who read a family's history is shown only as the service wrote it: a read
	// whose row was changed (review 25 put another reader's name on one) is not listed as fact.
	// A read deleted outright leaves nothing here to check: familytime verify finds it from the
	// copy on reporting's stream.
	if err := a.log.VerifyLoaded(events); err != nil {
		return nil, "", problem.Rule("RECORD_CHANGED", "the record of reads of this family's history was changed behind the service's back ("+
			err.Error()+"): run familytime verify and treat it as a security incident (docs/runbook.md)")
	}
	type row struct {
		HistoryRead
		position int64
		id       uuid.UUID
	}
	var rows []row
	for _, e := range events {
		if e.Type != historyRead || e.Position <= from {
			continue
		}
		var read reportingv1.FamilyHistoryRead
		if err := proto.Unmarshal(e.Payload, &read); err != nil {
			return nil, "", fmt.Errorf("read %s at position %d: %w", e.Type, e.Position, err)
		}
		r := row{HistoryRead: HistoryRead{At: e.RecordedAt, Reader: e.Metadata.Actor, Role: e.Metadata.ActorRole,
			Centre: e.CentreID, Purpose: read.GetPurpose()}, position: e.Position, id: e.ID}
		if read.GetAsOf() != nil {
			r.AsOf = read.GetAsOf().AsTime()
		}
		if rows = append(rows, r); len(rows) > size {
			break
		}
	}
	rows, next := paging.Trim(rows, size, func(r row) (string, uuid.UUID) { return strconv.FormatInt(r.position, 10), r.id })
	out := make([]HistoryRead, len(rows))
	for i, r := range rows {
		out[i] = r.HistoryRead
	}
	return out, next, nil
}
