package adapters

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"google.golang.org/protobuf/proto"

	"github.com/familytime/familytime/proto/ageband"
	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/paging"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

// Summary is a referral as anyone allowed to see the centre's referrals sees it: ids, states,
// dates, categories and flags; never a name or a way to reach anyone. It is what the read model
// keeps and what GetReferral and ListReferrals answer.
func Summary(r *domain.Referral) *referralv1.Referral {
	out := &referralv1.Referral{
		ReferralId: r.ID().String(), FamilyId: r.FamilyID().String(), CentreId: r.CentreID().String(),
		State: r.State(), Source: r.Source(), RequestedServiceType: r.RequestedServiceType(),
		ServiceType: r.ServiceType(), ReceivedOn: dates.Proto(r.ReceivedOn()), Version: r.Version(),
	}
	for _, a := range r.Adults() {
		out.Adults = append(out.Adults, &referralv1.PersonSummary{PersonId: a.ID.String(), Role: a.Role,
			MayAttend: a.MayAttend, MayBring: a.MayBring, MayCollect: a.MayCollect,
			ContactDetailsGiven: a.ContactDetailsGiven, PreVisitNeeded: a.NeedsPreVisit(), PreVisitDone: r.PreVisitDone(a.ID)})
	}
	for _, c := range r.Children() {
		out.Children = append(out.Children, &referralv1.ChildSummary{PersonId: c.ID.String(),
			BirthYear: int32(c.BirthYear), BirthMonth: int32(c.BirthMonth)})
	}
	if rating, _, ok := r.Screening(); ok {
		out.Rating = rating
	}
	found, assessedOn := r.DomesticAbuseFinding()
	out.DomesticAbuseFinding = found
	out.RiskAnswersDiscloseDomesticAbuse = r.Details().Risk.DomesticAbuse
	if on, _, ok := r.DomesticAbuseDisclosed(); ok {
		out.DomesticAbuseDisclosedOn = dates.Proto(on)
	}
	out.SecondApplicantMatches, out.SecondApplicantChecked = r.SecondApplicantMatches()
	out.DomesticAbuseDisclosedEarlier, out.DisclosureWeighed = r.DisclosedEarlier(), r.DisclosureWeighed()
	for _, x := range r.RiskRetractions() {
		out.RiskRetractions = append(out.RiskRetractions, &referralv1.RiskRetraction{Question: x.Question,
			DisclosedOn: dates.Proto(x.DisclosedOn), RetractedOn: dates.Proto(x.RetractedOn), Weighed: x.Weighed})
	}
	if !assessedOn.IsZero() {
		out.LeadAssessedOn = dates.Proto(assessedOn)
	}
	if a, ok := r.Arrangement(); ok {
		out.Arrangement = ArrangementOf(a)
	}
	if due, ok := r.ReviewDue(); ok {
		out.ReviewDueOn = dates.Proto(due)
	}
	out.FirstSessionOn = dates.Proto(r.FirstSession())
	for _, d := range r.Duplicates() {
		out.PossibleDuplicateOf = append(out.PossibleDuplicateOf, d.Other.String())
		pd := &referralv1.PossibleDuplicate{ReferralId: d.Other.String(), ChildPersonId: d.Child.String(), Match: d.Match}
		if c, ok := r.LatestCheck(d.Other); ok {
			if !c.EndingOnly() {
				// A check that weighed only a case's ending for safety says the lead weighed it,
				// not that the family is another (decision 347).
				pd.CheckedNotTheFamilyOn = dates.Proto(c.On)
			}
			if !c.EndedForSafetyOn.IsZero() {
				// Said while that case stands ended for safety (app.WithStanding).
				pd.SafetyEndingWeighedOn = dates.Proto(c.On)
			}
		}
		for _, c := range r.SameChildren() {
			if c.Other == d.Other {
				if pd.ConfirmedSameChildOn == nil {
					pd.ConfirmedSameChildOn = dates.Proto(c.On)
				}
				pd.SameChildPersonIds = append(pd.SameChildPersonIds, c.Child.String())
			}
		}
		out.PossibleDuplicates = append(out.PossibleDuplicates, pd)
	}
	if on, ok := r.ErasedOn(); ok {
		Erased(out, dates.Proto(on))
	}
	if r.State() == domain.Ended {
		out.Outcome, out.EndedOn = r.Outcome(), dates.Proto(r.EndedOn())
	}
	if on := r.PlaceReleasedOn(); !on.IsZero() {
		out.PlaceReleasedOn = dates.Proto(on)
	}
	if on, ok := r.AttendedSinceRelease(); ok {
		out.AttendedSinceReleaseOn = dates.Proto(on)
	}
	return out
}

// AsOf fills in what a summary says that depends on the day: each child's age band (the read
// model keeps birth months, and a band goes out of date with every birthday), how long
// supported contact has run (decisions.md 90), whether its review is overdue (review 42: a
// review missed months before still read as merely due), and how long a self-referral has
// waited for the second parent's application (decision 344).
func AsOf(s *referralv1.Referral, today time.Time) *referralv1.Referral {
	for _, c := range s.GetChildren() {
		c.AgeBand = ageband.At(int(c.GetBirthYear()), int(c.GetBirthMonth()), today)
	}
	s.ReviewOverdueDays = 0
	if s.GetReviewDueOn() != nil {
		s.ReviewOverdueDays = int32(domain.OverdueDays(dates.Time(s.GetReviewDueOn()), today))
	}
	s.ReviewOverdue = s.GetReviewOverdueDays() > 0
	// Counted here, by the service's clock, as the review's days are: the platform's clock may be
	// simulated, so a client cannot count from its own (review 62 finding 3, decision 344).
	s.AwaitingSecondPartyDays = 0
	if s.GetState() == domain.AwaitingSecondParty && s.GetReceivedOn() != nil {
		s.AwaitingSecondPartyDays = int32(domain.OverdueDays(dates.Time(s.GetReceivedOn()), today))
	}
	s.SupportedContactTerm = referralv1.SupportedContactTerm_SUPPORTED_CONTACT_TERM_UNSPECIFIED
	// In contact, or suspended once contact began (a first session is recorded only by then).
	if st := s.GetState(); st == domain.InContact || st == domain.Suspended {
		kind := s.GetServiceType()
		if a := s.GetArrangement(); a != nil {
			kind = a.GetServiceType()
		}
		s.SupportedContactTerm = domain.SupportedContactTermOn(kind, dates.Time(s.GetFirstSessionOn()), today)
	}
	return s
}

// WithFirstSessions fills in the first session's date of summaries of cases in contact (or
// suspended) that do not carry it: summaries projected before first_session_on existed. The date
// comes from the referral's FirstSessionAttended event, the record itself, so no migration has to
// rewrite every summary (decisions.md 90).
func (r *Referrals) WithFirstSessions(ctx context.Context, page []*referralv1.Referral) error {
	var missing []uuid.UUID
	for _, s := range page {
		if st := s.GetState(); (st == domain.InContact || st == domain.Suspended) && s.GetFirstSessionOn() == nil {
			missing = append(missing, uuid.MustParse(s.GetReferralId()))
		}
	}
	if len(missing) == 0 {
		return nil
	}
	first, err := r.FirstSessions(ctx, missing)
	if err != nil {
		return err
	}
	for _, s := range page {
		if on, ok := first[uuid.MustParse(s.GetReferralId())]; ok && s.GetFirstSessionOn() == nil {
			s.FirstSessionOn = dates.Proto(on)
		}
	}
	return nil
}

// WithCaseEnds fills in the outcome and end date of summaries of ended cases that do not carry
// them: summaries projected before outcome and ended_on existed (decision 168). They come from the
// case's CaseEnded event, as WithFirstSessions reads the first session's.
func (r *Referrals) WithCaseEnds(ctx context.Context, page []*referralv1.Referral) error {
	var missing []string
	for _, s := range page {
		if s.GetState() == domain.Ended && s.GetEndedOn() == nil {
			missing = append(missing, domain.StreamID(uuid.MustParse(s.GetReferralId())))
		}
	}
	if len(missing) == 0 {
		return nil
	}
	rows, err := r.store.Pool().Query(ctx, `SELECT payload FROM events WHERE stream_id = ANY($1) AND event_type = $2`,
		missing, string((&referralv1.CaseEnded{}).ProtoReflect().Descriptor().FullName()))
	if err != nil {
		return fmt.Errorf("read case ends: %w", err)
	}
	ends := map[string]*referralv1.CaseEnded{}
	var payload []byte
	_, err = pgx.ForEachRow(rows, []any{&payload}, func() error {
		ev := &referralv1.CaseEnded{}
		if err := proto.Unmarshal(payload, ev); err != nil {
			return err
		}
		ends[ev.GetReferralId()] = ev
		return nil
	})
	if err != nil {
		return fmt.Errorf("read case ends: %w", err)
	}
	for _, s := range page {
		if ev, ok := ends[s.GetReferralId()]; ok && s.GetEndedOn() == nil {
			s.Outcome, s.EndedOn = ev.GetOutcome(), ev.GetEndedOn()
		}
	}
	return nil
}

// FirstSessions are the dates of the first session of the referrals given that have one, read from
// their FirstSessionAttended events (one per referral: later sessions record nothing).
func (r *Referrals) FirstSessions(ctx context.Context, referrals []uuid.UUID) (map[uuid.UUID]time.Time, error) {
	streams := make([]string, len(referrals))
	for i, id := range referrals {
		streams[i] = domain.StreamID(id)
	}
	rows, err := r.store.Pool().Query(ctx, `SELECT payload FROM events WHERE stream_id = ANY($1) AND event_type = $2`,
		streams, string((&referralv1.FirstSessionAttended{}).ProtoReflect().Descriptor().FullName()))
	if err != nil {
		return nil, fmt.Errorf("read first sessions: %w", err)
	}
	out := map[uuid.UUID]time.Time{}
	var payload []byte
	_, err = pgx.ForEachRow(rows, []any{&payload}, func() error {
		ev := &referralv1.FirstSessionAttended{}
		if err := proto.Unmarshal(payload, ev); err != nil {
			return err
		}
		id, err := uuid.Parse(ev.GetReferralId())
		if err != nil {
			return fmt.Errorf("first session of referral %q: %w", ev.GetReferralId(), err)
		}
		out[id] = dates.Time(ev.GetSessionOn())
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read first sessions: %w", err)
	}
	return out, nil
}

// ArrangementOf is an arrangement as the API shows it.
func ArrangementOf(a domain.Arrangement) *referralv1.Arrangement {
	return &referralv1.Arrangement{ServiceType: a.ServiceType, Frequency: a.Frequency, SessionMinutes: int32(a.SessionMinutes),
		Stagger: &referralv1.Stagger{ArrivalMinutes: int32(a.Stagger.ArrivalMinutes), DepartureMinutes: int32(a.Stagger.DepartureMinutes)}}
}

func nullDate(t time.Time, ok bool) pgtype.Date {
	return pgtype.Date{Time: t, Valid: ok && !t.IsZero()}
}

// Get reads a referral's summary from the read model, with the centre it belongs to.
func (r *Referrals) Get(ctx context.Context, id uuid.UUID) (*referralv1.Referral, uuid.UUID, error) {
	var raw []byte
	var centre uuid.UUID
	err := r.store.Pool().QueryRow(ctx, "SELECT summary, centre_id FROM referrals WHERE referral_id = $1", id).Scan(&raw, &centre)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, uuid.Nil, domain.ErrReferralNotFound
	}
	if err != nil {
		return nil, uuid.Nil, fmt.Errorf("get referral: %w", err)
	}
	out := &referralv1.Referral{}
	if err := proto.Unmarshal(raw, out); err != nil {
		return nil, uuid.Nil, fmt.Errorf("get referral: %w", err)
	}
	return out, centre, nil
}

// List returns a page of a centre's referrals, newest first, optionally in one state, and the
// next page's token.
func (r *Referrals) List(ctx context.Context, centre uuid.UUID, state domain.State, size int, token string) ([]*referralv1.Referral, string, error) {
	after, err := paging.DecodeDate(token)
	if err != nil {
		return nil, "", err
	}
	// Newest first: the key is the received date; the first page starts after "the end of time".
	key, id := "9999-12-31", uuid.Max
	if token != "" {
		key, id = after.Key, after.ID
	}
	rows, err := r.store.Pool().Query(ctx, `SELECT summary FROM referrals
		WHERE centre_id = $1 AND ($2 = 0 OR state = $2) AND (received_on, referral_id) < ($3::date, $4)
		ORDER BY received_on DESC, referral_id DESC LIMIT $5`, centre, int32(state), key, id, size+1)
	if err != nil {
		return nil, "", fmt.Errorf("list referrals: %w", err)
	}
	page, err := pgx.CollectRows(rows, scanSummary)
	if err != nil {
		return nil, "", fmt.Errorf("list referrals: %w", err)
	}
	page, next := paging.Trim(page, size, func(s *referralv1.Referral) (string, uuid.UUID) {
		return dateKey(s.GetReceivedOn()), uuid.MustParse(s.GetReferralId())
	})
	return page, next, nil
}

// ReviewsDue returns a page of a centre's cases whose review is due on or before dueBy, soonest
// first (so those overdue on today come first), each with the date contact began and, on today,
// how long supported contact has run (only supported cases have a review clock) and whether the
// review is overdue.
func (r *Referrals) ReviewsDue(ctx context.Context, centre uuid.UUID, dueBy, today time.Time, size int, token string) ([]*referralv1.ReviewDue, string, error) {
	after, err := paging.DecodeDate(token)
	if err != nil {
		return nil, "", err
	}
	key, id := "0001-01-01", uuid.Nil
	if token != "" {
		key, id = after.Key, after.ID
	}
	rows, err := r.store.Pool().Query(ctx, `SELECT referral_id, family_id, review_due_on FROM referrals
		WHERE centre_id = $1 AND review_due_on IS NOT NULL AND review_due_on <= $2 AND state = ANY($3)
			AND (review_due_on, referral_id) > ($4::date, $5)
		ORDER BY review_due_on, referral_id LIMIT $6`,
		centre, dueBy, []int32{int32(domain.InContact), int32(domain.Suspended)}, key, id, size+1)
	if err != nil {
		return nil, "", fmt.Errorf("list reviews due: %w", err)
	}
	page, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*referralv1.ReviewDue, error) {
		var ref, family uuid.UUID
		var due time.Time
		if err := row.Scan(&ref, &family, &due); err != nil {
			return nil, err
		}
		late := domain.OverdueDays(due, today)
		return &referralv1.ReviewDue{ReferralId: ref.String(), FamilyId: family.String(), DueOn: dates.Proto(due),
			Overdue: late > 0, OverdueDays: int32(late)}, nil
	})
	if err != nil {
		return nil, "", fmt.Errorf("list reviews due: %w", err)
	}
	page, next := paging.Trim(page, size, func(d *referralv1.ReviewDue) (string, uuid.UUID) {
		return dateKey(d.GetDueOn()), uuid.MustParse(d.GetReferralId())
	})
	if len(page) == 0 {
		return page, next, nil
	}
	ids := make([]uuid.UUID, len(page))
	for i, d := range page {
		ids[i] = uuid.MustParse(d.GetReferralId())
	}
	first, err := r.FirstSessions(ctx, ids)
	if err != nil {
		return nil, "", fmt.Errorf("list reviews due: %w", err)
	}
	for i, d := range page {
		on := first[ids[i]]
		d.FirstSessionOn = dates.Proto(on)
		// A review clock runs for supported contact only (domain.Referral.ReviewDue).
		d.SupportedContactTerm = domain.SupportedContactTermOn(commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, on, today)
	}
	return page, next, nil
}

func scanSummary(row pgx.CollectableRow) (*referralv1.Referral, error) {
	var raw []byte
	if err := row.Scan(&raw); err != nil {
		return nil, err
	}
	out := &referralv1.Referral{}
	return out, proto.Unmarshal(raw, out)
}

func dateKey(d *commonv1.Date) string {
	return fmt.Sprintf("%04d-%02d-%02d", d.GetYear(), d.GetMonth(), d.GetDay())
}

// ReferralsOfFamily are the referrals of a family (events from other services name the family).
func (r *Referrals) ReferralsOfFamily(ctx context.Context, family uuid.UUID) ([]uuid.UUID, error) {
	rows, err := r.store.Pool().Query(ctx, "SELECT referral_id FROM referrals WHERE family_id = $1 ORDER BY received_on", family)
	if err != nil {
		return nil, fmt.Errorf("referrals of family: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}

// Centre is a centre as the service's copy of the directory knows it; found is false for a
// centre the directory does not hold.
func (r *Referrals) Centre(ctx context.Context, id uuid.UUID) (c domain.Centre, found bool, err error) {
	var raw []int32
	var status int32
	var accredited pgtype.Date
	err = r.store.Pool().QueryRow(ctx, "SELECT service_types, accreditation_status, accredited_on FROM centres WHERE centre_id = $1", id).
		Scan(&raw, &status, &accredited)
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.Centre{}, false, nil
	}
	if err != nil {
		return domain.Centre{}, false, fmt.Errorf("read centre: %w", err)
	}
	c = domain.Centre{ID: id, Accreditation: commonv1.AccreditationStatus(status)}
	if accredited.Valid {
		c.AccreditedOn = accredited.Time
	}
	for _, t := range raw {
		c.Services = append(c.Services, commonv1.ServiceType(t))
	}
	return c, true, nil
}

// ProjectCentre keeps the service's copy of a centre (its service types and accreditation), from
// scheduling's centre events; an older version than the one held changes nothing.
func ProjectCentre(uow *eventstore.UnitOfWork, c domain.Centre, version int64) {
	raw := make([]int32, len(c.Services))
	for i, t := range c.Services {
		raw[i] = int32(t)
	}
	uow.Exec(`INSERT INTO centres (centre_id, service_types, accreditation_status, accredited_on, version) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (centre_id) DO UPDATE SET service_types = EXCLUDED.service_types, accreditation_status = EXCLUDED.accreditation_status,
			accredited_on = EXCLUDED.accredited_on, version = EXCLUDED.version
		WHERE centres.version < EXCLUDED.version`,
		c.ID, raw, int32(c.Accreditation), nullDate(c.AccreditedOn, true), version)
}

// Erased is a referral's summary once its family's personal data was erased on: what the risk
// answers and the applications said about the family, and the children's birth months, go with
// the rest of its personal details (review 27, decision 194). The events keep the birth months in
// clear for the figures (decision 34), which reporting builds from the events, never from this
// summary; the screening's rating and finding, the states and the dates are the case's categories
// and stay. An answer recorded before the erasure and replayed after it is told the same (review
// 47, decision 277).
func Erased(out *referralv1.Referral, on *commonv1.Date) {
	out.ErasedOn = on
	out.RiskAnswersDiscloseDomesticAbuse, out.DomesticAbuseDisclosedOn, out.DomesticAbuseDisclosedEarlier = false, nil, false
	out.DisclosureWeighed, out.RiskRetractions = false, nil
	out.SecondApplicantMatches, out.SecondApplicantChecked = nil, false
	for _, c := range out.Children {
		c.BirthYear, c.BirthMonth = 0, 0
	}
	for _, d := range out.PossibleDuplicates {
		// The other referral keeps its child: how the two matched would tell this child's name
		// or date of birth (decision 348).
		d.Match = referralv1.ChildMatch_CHILD_MATCH_UNSPECIFIED
	}
}
