package ports

import (
	"context"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/types/known/timestamppb"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	reportingv1 "github.com/familytime/familytime/proto/gen/go/familytime/reporting/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/problem"
	"github.com/familytime/familytime/services/reporting/internal/app"
)

const service = "/familytime.reporting.v1.ReportingService/"

// Policy: figures are the national body's (and a centre's own figures its coordinator's, by
// centre scope); a family's history is its centre coordinator's, and refused to everyone else
// (verifying it is open to administrators too); a rebuild is an administrator's.
var Policy = auth.Policy{
	service + "ListCentres": {Roles: []auth.Role{auth.RoleNationalAnalyst, auth.RoleAdmin, auth.RoleService}},
	// A family's history is its centre coordinator's to read, for a court or the family: the
	// categories of its concerns and holds are not national business (GetFamilyHistory checks
	// the centre is the caller's own, a national role beside notwithstanding). Verifying only
	// says whether its streams are whole, which an administrator may check: told where a fault
	// is, not what or how many the family's records are (decision 415).
	service + "GetFamilyHistory":    {Roles: []auth.Role{auth.RoleCoordinator}, CentreScoped: true},
	service + "VerifyFamilyHistory": {Roles: []auth.Role{auth.RoleCoordinator, auth.RoleAdmin}, CentreScoped: true},
	// Who read a family's history is for its centre's coordinators and safeguarding leads, as
	// who read its safeguarding text is for the lead (safeguarding's ListAccessRecords).
	service + "ListHistoryReads":   {Roles: []auth.Role{auth.RoleCoordinator, auth.RoleSafeguardingLead}, CentreScoped: true},
	service + "GetFigures":         {Roles: []auth.Role{auth.RoleNationalAnalyst, auth.RoleAdmin, auth.RoleCoordinator}},
	service + "RebuildProjections": {Roles: []auth.Role{auth.RoleAdmin}},
}

// Server is the ReportingService gRPC API.
type Server struct {
	reportingv1.UnimplementedReportingServiceServer
	app   *app.App
	staff StaffGate
}

// StaffGate refuses a centre's staff its staff register does not clear today (staff.Gate.Staff).
type StaffGate func(ctx context.Context, method string, centre uuid.UUID) (context.Context, error)

// NewServer returns the API over the use cases; staff is asked of a coordinator's figures, which
// are not centre-scoped in the policy (the centre's staff gate asks it of the rest).
func NewServer(a *app.App, staff StaffGate) *Server { return &Server{app: a, staff: staff} }

// ListCentres reads a page of centres from reporting's projection.
func (s *Server) ListCentres(ctx context.Context, req *reportingv1.ListCentresRequest) (*reportingv1.ListCentresResponse, error) {
	page, next, err := s.app.ListCentres(ctx, req.GetRegion(), int(req.GetPageSize()), req.GetPageToken())
	if err != nil {
		return nil, err
	}
	resp := &reportingv1.ListCentresResponse{NextPageToken: next}
	for _, c := range page {
		summary := &reportingv1.CentreSummary{CentreId: c.ID.String(), Name: c.Name, Region: c.Region,
			ServiceTypes: c.ServiceTypes, AccreditationStatus: c.Accreditation, UpdatedAt: timestamppb.New(c.UpdatedAt)}
		if !c.AccreditedOn.IsZero() {
			summary.AccreditationDate = &commonv1.Date{Year: int32(c.AccreditedOn.Year()), Month: int32(c.AccreditedOn.Month()), Day: int32(c.AccreditedOn.Day())}
		}
		resp.Centres = append(resp.Centres, summary)
	}
	return resp, nil
}

// GetFamilyHistory is the family's history, as it stands or as it stood at as_of.
func (s *Server) GetFamilyHistory(ctx context.Context, req *reportingv1.GetFamilyHistoryRequest) (*reportingv1.GetFamilyHistoryResponse, error) {
	asOf := time.Now()
	if req.GetAsOf() != nil {
		if err := req.GetAsOf().CheckValid(); err != nil {
			return nil, problem.Invalid("as_of", "is not a valid moment")
		}
		asOf = req.GetAsOf().AsTime()
		// A history "as it stood" at a moment still to come would be read as a record of it
		// (review 5); a minute's leeway for the caller's clock.
		if asOf.After(time.Now().Add(time.Minute)) {
			return nil, problem.Invalid("as_of", "is in the future: a history stands as of now at the latest (leave as_of out for the history as it stands)")
		}
		if req.GetPurpose() == reportingv1.HistoryReadPurpose_HISTORY_READ_PURPOSE_FAMILY_REQUEST {
			// A parent's copy stands at the end of a day (UK time): a moment within it, read again
			// and again, would tell when a step was recorded (review 27 pinned an arrival to a
			// tenth of a second).
			t := asOf.In(dates.UK())
			if asOf = time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, dates.UK()).Add(-time.Microsecond); asOf.After(time.Now()) {
				asOf = time.Now()
			}
		}
	}
	centre, family := uuid.MustParse(req.GetCentreId()), uuid.MustParse(req.GetFamilyId())
	if c, _ := auth.FromContext(ctx); c == nil || !slices.Contains(c.Centres, centre) {
		return nil, auth.Denied(auth.ReasonOutsideCentres, "a family's history is read by its centre's coordinator: centre %s is not one of the caller's", centre)
	}
	// The read is recorded before the history is answered, and nothing is shown if it cannot be.
	// Its commit runs beside the history's query rather than before it, so the reader does not
	// wait for both; a read of a family that is not the centre's is recorded too, as asked.
	recorded := make(chan error, 1)
	go func() {
		var at time.Time
		if req.GetAsOf() != nil {
			at = asOf
		}
		recorded <- s.app.RecordHistoryRead(ctx, family, centre, req.GetPurpose(), at)
	}()
	steps, err := s.app.FamilyHistory(ctx, family, centre, asOf)
	if recordErr := <-recorded; recordErr != nil {
		if err == nil {
			s.app.ReleaseHistory(steps)
		}
		return nil, recordErr
	}
	if err != nil {
		return nil, err
	}
	defer s.app.ReleaseHistory(steps) // the response keeps only the steps' texts
	forAParent := req.GetPurpose() == reportingv1.HistoryReadPurpose_HISTORY_READ_PURPOSE_FAMILY_REQUEST
	if forAParent {
		// For one of the parents: a step's exact time (a check-in, an arrival) and a movement's
		// clock time could tell them when the other parent comes and goes (review 26 read both
		// parties' door times "for a family request"), and the safeguarding steps what the other
		// disclosed (review 27). The deferred release keeps the whole slice.
		steps = app.ForAParent(steps)
	}
	// Entries, their timestamps and their event ids are allocated together: a history may have
	// thousands. The ids are written into one string and each entry's is a part of it.
	entries := make([]reportingv1.HistoryEntry, len(steps))
	times := make([]timestamppb.Timestamp, len(steps))
	// The days the steps took place, for those that have one (decision 286), allocated together.
	dated := 0
	for i := range steps {
		if !steps[i].OccurredOn.IsZero() {
			dated++
		}
	}
	days := make([]commonv1.Date, dated)
	var ids strings.Builder
	ids.Grow(len(steps) * uuidLen)
	for i := range steps {
		writeUUID(&ids, steps[i].EventID)
	}
	eventIDs := ids.String()
	resp := &reportingv1.GetFamilyHistoryResponse{AsOf: timestamppb.New(asOf), Entries: make([]*reportingv1.HistoryEntry, len(steps)),
		TimesWithheld: forAParent}
	for i := range steps {
		st := &steps[i]
		times[i].Seconds, times[i].Nanos = st.RecordedAt.Unix(), int32(st.RecordedAt.Nanosecond())
		e := &entries[i]
		e.RecordedAt, e.Service, e.Description, e.Actor, e.ActorRole, e.EventType, e.StreamId, e.StreamVersion, e.EventId =
			&times[i], st.Service, st.Description, st.Actor, st.ActorRole, st.Type, st.Stream, st.Version, eventIDs[i*uuidLen:(i+1)*uuidLen]
		if d := st.OccurredOn; !d.IsZero() {
			day := &days[len(days)-dated]
			dated--
			day.Year, day.Month, day.Day = int32(d.Year()), int32(d.Month()), int32(d.Day())
			e.OccurredOn = day
		}
		if forAParent {
			// An event id is a UUIDv7: its first 48 bits are the moment it was recorded (review 27
			// read an arrival's time from it). A parent's copy names no event.
			e.EventId = ""
		}
		if st.Centre != uuid.Nil {
			if i > 0 && st.Centre == steps[i-1].Centre {
				e.CentreId = entries[i-1].CentreId
			} else {
				e.CentreId = st.Centre.String()
			}
		}
		resp.Entries[i] = e
	}
	return resp, nil
}

// ListHistoryReads is a page of the recorded reads of a family's history, oldest first.
func (s *Server) ListHistoryReads(ctx context.Context, req *reportingv1.ListHistoryReadsRequest) (*reportingv1.ListHistoryReadsResponse, error) {
	reads, next, err := s.app.HistoryReads(ctx, uuid.MustParse(req.GetFamilyId()), uuid.MustParse(req.GetCentreId()),
		int(req.GetPageSize()), req.GetPageToken())
	if err != nil {
		return nil, err
	}
	resp := &reportingv1.ListHistoryReadsResponse{NextPageToken: next, Reads: make([]*reportingv1.HistoryRead, len(reads))}
	for i, r := range reads {
		resp.Reads[i] = &reportingv1.HistoryRead{ReadAt: timestamppb.New(r.At), Reader: r.Reader, Role: r.Role,
			Purpose: r.Purpose, CentreId: r.Centre.String()}
		if !r.AsOf.IsZero() {
			resp.Reads[i].AsOf = timestamppb.New(r.AsOf)
		}
	}
	return resp, nil
}

// uuidLen is the length of a UUID's text (uuid.UUID.String).
const uuidLen = 36

// writeUUID writes id as uuid.UUID.String does, without a string of its own.
func writeUUID(b *strings.Builder, id uuid.UUID) {
	var text [uuidLen]byte
	hex.Encode(text[0:8], id[0:4])
	text[8] = '-'
	hex.Encode(text[9:13], id[4:6])
	text[13] = '-'
	hex.Encode(text[14:18], id[6:8])
	text[18] = '-'
	hex.Encode(text[19:23], id[8:10])
	text[23] = '-'
	hex.Encode(text[24:], id[10:])
	b.Write(text[:])
}

// VerifyFamilyHistory checks the family's streams.
func (s *Server) VerifyFamilyHistory(ctx context.Context, req *reportingv1.VerifyFamilyHistoryRequest) (*reportingv1.VerifyFamilyHistoryResponse, error) {
	v, err := s.app.VerifyFamilyHistory(ctx, uuid.MustParse(req.GetFamilyId()), uuid.MustParse(req.GetCentreId()))
	if err != nil {
		return nil, err
	}
	// An administrator (not the centre's coordinator: the policy's first role wins) checks the
	// streams are whole, and is not told the family's records (decision 415, review 86).
	admin := auth.ActingRoleFrom(ctx) == auth.RoleAdmin
	if admin {
		v = v.ToAdministrator()
	}
	resp := &reportingv1.VerifyFamilyHistoryResponse{Verified: v.Broken == nil, StreamsChecked: int32(v.Streams), EventsChecked: v.Events,
		FamilyEventsChecked: v.FamilyEvents}
	if v.Broken != nil {
		resp.StreamId, resp.StreamVersion, resp.Reason, resp.Service = v.Broken.Stream, v.Broken.Version, v.Broken.Reason, v.Service
		resp.InSharedStream = v.Shared
	} else {
		// What was checked, and what could not be: "verified" is true of that much only.
		resp.Reason = v.Checked()
		if admin {
			resp.Reason = app.CheckedToAdministrator
		}
	}
	return resp, nil
}

// PeriodOf is a request's period.
func PeriodOf(p *reportingv1.Period) (app.Period, error) {
	kinds := map[reportingv1.PeriodKind]string{reportingv1.PeriodKind_PERIOD_KIND_YEAR: "year",
		reportingv1.PeriodKind_PERIOD_KIND_QUARTER: "quarter", reportingv1.PeriodKind_PERIOD_KIND_MONTH: "month"}
	return app.NewPeriod(kinds[p.GetKind()], int(p.GetYear()), int(p.GetNumber()))
}

// CentreOf is a centre's id as GetFigures and /figures take it, one rule for both (decision 321,
// review 56 found the two apart): a UUID written as 36 characters with hyphens, in either case (as
// the API's validation takes every id), named in lower case in the answer; never the nil UUID,
// which names no centre: the nation's figures are asked for with no centre. The error is in the
// words both give, after the field's name.
func CentreOf(id string) (uuid.UUID, error) {
	centre, err := uuid.Parse(id)
	switch {
	case err != nil || len(id) != uuidLen:
		return uuid.Nil, errors.New("not a centre id (a UUID such as 3f2a8c1e-0b6d-4c57-9a1e-2d4b6f8e0c13, in either case; leave the centre out for the national figures)")
	case centre == uuid.Nil:
		return uuid.Nil, errors.New("not a centre id: the nil UUID names no centre: leave the centre out for the national figures")
	}
	return centre, nil
}

// GetFigures is a period's figures. A caller without a national role must name one of their
// centres and gets that centre's figures only.
func (s *Server) GetFigures(ctx context.Context, req *reportingv1.GetFiguresRequest) (*reportingv1.GetFiguresResponse, error) {
	period, err := PeriodOf(req.GetPeriod())
	if err != nil {
		return nil, err
	}
	centre := uuid.Nil
	if req.GetCentreId() != "" {
		// decision 321: the nil UUID is no centre, not the nation (review 56: `familytime return
		// --centre 00000000-…` printed the national return, which /figures refused).
		if centre, err = CentreOf(req.GetCentreId()); err != nil {
			return nil, problem.Invalid("centre_id", err.Error())
		}
	}
	if c, ok := auth.FromContext(ctx); ok && !c.National() {
		switch {
		case centre == uuid.Nil:
			return nil, auth.Denied(auth.ReasonCentreRequired, "a coordinator sees the figures of their own centre: name it (centre_id; --centre in the CLI)")
		case !slices.Contains(c.RolesAt(centre), auth.RoleCoordinator):
			// The coordinator of that centre: a token's coordinator role at another centre does
			// not open this one's exact figures (decision 106).
			return nil, auth.Denied(auth.ReasonOutsideCentres, "centre %s is not one the caller coordinates: a coordinator sees the figures of their own centre", centre)
		}
		// Their centre's exact figures, small counts of its children, are for a coordinator its
		// staff register clears today, not one who left with their token (decision 110).
		if _, err := s.staff(auth.WithActingRole(ctx, auth.RoleCoordinator), service+"GetFigures", centre); err != nil {
			return nil, err
		}
	}
	figs, err := s.app.Figures(ctx, period, centre, req.GetPublication())
	if err != nil {
		return nil, err
	}
	return FiguresResponse(period, figs, s.app.Today()), nil
}

// FiguresResponse is figures as the API and the admin port give them.
func FiguresResponse(period app.Period, pub app.Publication, today time.Time) *reportingv1.GetFiguresResponse {
	figs := pub.Figures
	date := func(t time.Time) *commonv1.Date {
		return &commonv1.Date{Year: int32(t.Year()), Month: int32(t.Month()), Day: int32(t.Day())}
	}
	resp := &reportingv1.GetFiguresResponse{From: date(period.From), To: date(period.To), Figures: make([]*reportingv1.Figure, len(figs)),
		Progress: progress[period.Progress(today)], AsOf: date(today), Revised: pub.Revised}
	for i, f := range figs {
		out := &reportingv1.Figure{Measure: f.Measure, Scope: f.Scope, Region: f.Region, Breakdown: f.Breakdown,
			Category: f.Category, Shown: f.Shown, Value: f.Value, Suppressed: f.Suppressed != ""}
		if f.Centre != uuid.Nil {
			out.CentreId = f.Centre.String()
		}
		resp.Figures[i] = out
	}
	return resp
}

// progress is a period's progress as the API names it.
var progress = map[app.PeriodProgress]reportingv1.PeriodProgress{
	app.PeriodNotBegun: reportingv1.PeriodProgress_PERIOD_PROGRESS_NOT_BEGUN,
	app.PeriodUnderWay: reportingv1.PeriodProgress_PERIOD_PROGRESS_UNDER_WAY,
	app.PeriodEnded:    reportingv1.PeriodProgress_PERIOD_PROGRESS_ENDED,
}

// RebuildProjections rebuilds the projections, streaming progress.
func (s *Server) RebuildProjections(_ *reportingv1.RebuildProjectionsRequest, stream reportingv1.ReportingService_RebuildProjectionsServer) error {
	var sendErr error
	err := s.app.Rebuild(stream.Context(), func(p app.Progress) {
		if sendErr == nil {
			sendErr = stream.Send(&reportingv1.RebuildProjectionsResponse{Events: p.Events, Total: p.Total,
				EventsPerSecond: p.PerSec, Swapped: p.Swapped, Schema: p.Schema, Skipped: p.Skipped})
		}
	})
	if err != nil {
		return err
	}
	return sendErr
}
