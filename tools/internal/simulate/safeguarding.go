package simulate

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// concernCategories, weighted: most concerns at a contact centre are about conduct at handover
// or a child upset by what a parent said; physical harm, neglect and abduction risk are rare.
var concernCategories = []weighted[safeguardingv1.ConcernCategory]{
	{safeguardingv1.ConcernCategory_CONCERN_CATEGORY_HANDOVER_CONDUCT, 35},
	{safeguardingv1.ConcernCategory_CONCERN_CATEGORY_EMOTIONAL_HARM, 20},
	{safeguardingv1.ConcernCategory_CONCERN_CATEGORY_OTHER, 15},
	{safeguardingv1.ConcernCategory_CONCERN_CATEGORY_DOMESTIC_ABUSE, 10},
	{safeguardingv1.ConcernCategory_CONCERN_CATEGORY_PHYSICAL_HARM, 8},
	{safeguardingv1.ConcernCategory_CONCERN_CATEGORY_NEGLECT, 7},
	{safeguardingv1.ConcernCategory_CONCERN_CATEGORY_ABDUCTION_RISK, 5},
}

// holdReasons for a hold placed on an escalated concern: the centre's own investigation, or the
// outside agency's.
var holdReasons = []weighted[safeguardingv1.HoldReason]{
	{safeguardingv1.HoldReason_HOLD_REASON_CONCERN_UNDER_INVESTIGATION, 60},
	{safeguardingv1.HoldReason_HOLD_REASON_EXTERNAL_INVESTIGATION, 40},
}

const (
	// escalatedShare of concerns go to children's services or the police.
	escalatedShare = 0.3
	// heldShare of escalated concerns lead the lead to suspend the family's contact.
	heldShare = 0.5
	// returnedShare of reports are returned by the checker once, and redrafted.
	returnedShare = 0.1
)

// concern is one safeguarding concern raised at a session, with what the simulator decided, when
// it was raised, will become of it.
type concern struct {
	id       uuid.UUID
	family   *family
	category safeguardingv1.ConcernCategory
	raisedOn time.Time
	// Planned: the morning it is escalated (zero: never), the hold's reason (unspecified: none)
	// and length, and how long after the last step it is closed.
	escalateOn time.Time
	holdReason safeguardingv1.HoldReason
	holdDays   int
	closeAfter int
	closeOn    time.Time
	// What happened.
	escalatedOn, closedOn time.Time
}

// hold is one hold placed on an escalated concern.
type hold struct {
	id                         uuid.UUID
	family                     *family
	reason                     safeguardingv1.HoldReason
	placedOn, liftOn, liftedOn time.Time
}

// report is the observation report of a completed supervised session: due once the session is
// completed (safeguarding's ReportDue), drafted by the session's supervisor, checked by the lead
// (a second person, decisions.md 54) and released by the lead.
type report struct {
	id         uuid.UUID // known once the supervisor finds it among the centre's open reports
	booking    *booking
	family     *family
	draftOn    time.Time
	checkDelay int  // days between submission and the check
	returnOnce bool // the checker returns the first draft with a note
	returned   bool
	state      string // due, submitted, released
	checkOn    time.Time
	releasedOn time.Time
}

// lead is ctx with a token of the centre's safeguarding lead, a person other than the staff
// member who supervises sessions and writes their reports.
func (s *sim) lead(ctx context.Context, c *centre) (context.Context, error) {
	return s.c.as(ctx, leadAccount(c), c.id, auth.RoleSafeguardingLead)
}

// leadAccount is the account id of the centre's safeguarding lead (lead).
func leadAccount(c *centre) string { return fmt.Sprintf("sim-lead-%03d", c.index+1) }

// volunteer is ctx with a token of a volunteer of the centre, who keeps the supported room.
func (s *sim) volunteer(ctx context.Context, c *centre) (context.Context, error) {
	return s.c.as(ctx, fmt.Sprintf("sim-volunteer-%03d", c.index+1), c.id, auth.RoleVolunteer)
}

// nextWorkday is d, or the Monday after when d falls on a weekend: reports and reviews are office
// work.
func nextWorkday(d time.Time) time.Time {
	for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// afterSession is what happens once a session was completed on d: its report falls due when it
// was supervised, a review of the case is planned at its midpoint, and now and then someone
// raises a concern about what they saw.
func (s *sim) afterSession(ctx context.Context, f *family, b *booking, d time.Time) error {
	c := f.centre
	if b.slot.service == commonv1.ServiceType_SERVICE_TYPE_SUPERVISED {
		c.reports = append(c.reports, &report{booking: b, family: f, draftOn: nextWorkday(d.AddDate(0, 0, 1+c.rng.IntN(2))),
			checkDelay: c.rng.IntN(3), returnOnce: c.rng.Float64() < returnedShare, state: "due"})
	}
	// Supported contact is reviewed: midway through the sessions planned, the morning after.
	if b.slot.service == commonv1.ServiceType_SERVICE_TYPE_SUPPORTED && f.planned >= 4 && f.attended == f.planned/2 {
		f.reviewOn = d.AddDate(0, 0, 1)
	}
	if c.rng.Float64() >= s.concernRate {
		return nil
	}
	return s.raiseConcern(ctx, f, b, d)
}

// raiseConcern: the volunteer in the supported room, or the supervisor of a supervised session,
// raises a concern about the family after the session; the simulator decides now what the lead
// will do with it.
func (s *sim) raiseConcern(ctx context.Context, f *family, b *booking, d time.Time) error {
	c := f.centre
	k := &concern{family: f, category: pick(c.rng, concernCategories), raisedOn: d, closeAfter: 1 + c.rng.IntN(14)}
	if c.rng.Float64() < escalatedShare {
		k.escalateOn = d.AddDate(0, 0, 1+c.rng.IntN(2))
		if c.rng.Float64() < heldShare {
			k.holdReason, k.holdDays = pick(c.rng, holdReasons), 7+c.rng.IntN(22)
		}
	} else {
		k.closeOn = d.AddDate(0, 0, k.closeAfter)
	}
	var err error
	if b.slot.service == commonv1.ServiceType_SERVICE_TYPE_SUPERVISED {
		ctx, err = s.staff(ctx, c)
	} else {
		ctx, err = s.volunteer(ctx, c)
	}
	if err != nil {
		return err
	}
	resp, err := call(ctx, s.c, s.c.safeguarding.RaiseConcern, &safeguardingv1.RaiseConcernRequest{RequestId: uuid.NewString(),
		CentreId: c.id.String(), FamilyId: f.id.String(), BookingId: b.id.String(), Category: k.category,
		Description: "Seen during the session; recorded as it happened.", PersonIds: []string{f.visiting.String()}})
	if err != nil {
		return fmt.Errorf("raise concern: %w", err)
	}
	if k.id, err = uuid.Parse(resp.GetConcernId()); err != nil {
		return err
	}
	c.concerns = append(c.concerns, k)
	return nil
}

// leadsMorning is the safeguarding lead's casework: escalations (and the holds some lead to),
// holds lifted, concerns closed, then reports checked and released.
func (s *sim) leadsMorning(ctx context.Context, c *centre, d time.Time) error {
	lead, err := s.lead(ctx, c)
	if err != nil {
		return err
	}
	cid := c.id.String()
	for _, h := range c.holds {
		if !h.liftOn.Equal(d) || !h.liftedOn.IsZero() {
			continue
		}
		if _, err := call(lead, s.c, s.c.safeguarding.LiftHold, &safeguardingv1.LiftHoldRequest{RequestId: uuid.NewString(), CentreId: cid,
			FamilyId: h.family.id.String(), HoldId: h.id.String(), Note: "Reviewed with the agency: contact may resume."}); err != nil {
			return fmt.Errorf("lift hold: %w", err)
		}
		h.liftedOn = d
		// Scheduling takes bookings again once it has noted the lift, after this clock move: the
		// family is booked from tomorrow morning.
		h.family.hold = nil
		h.family.next = d.AddDate(0, 0, 1)
	}
	for _, k := range c.concerns {
		if k.escalateOn.Equal(d) && k.escalatedOn.IsZero() {
			agency := safeguardingv1.Agency_AGENCY_LOCAL_AUTHORITY_CHILDRENS_SERVICES
			if k.category == safeguardingv1.ConcernCategory_CONCERN_CATEGORY_DOMESTIC_ABUSE ||
				k.category == safeguardingv1.ConcernCategory_CONCERN_CATEGORY_ABDUCTION_RISK {
				agency = safeguardingv1.Agency_AGENCY_POLICE
			}
			if _, err := call(lead, s.c, s.c.safeguarding.EscalateConcern, &safeguardingv1.EscalateConcernRequest{RequestId: uuid.NewString(),
				CentreId: cid, ConcernId: k.id.String(), Agency: agency, Reference: fmt.Sprintf("SIM-%d-%s", k.family.seq, d.Format("0102"))}); err != nil {
				return fmt.Errorf("escalate concern: %w", err)
			}
			k.escalatedOn = d
			h, err := s.placeHold(lead, k, d)
			if err != nil {
				return err
			}
			if h != nil {
				k.closeOn = h.liftOn // closed once contact resumes
			} else {
				k.closeOn = d.AddDate(0, 0, k.closeAfter)
			}
		}
		if k.closeOn.Equal(d) && k.closedOn.IsZero() {
			// A concern closes with its outcome (decision 287): one escalated was the agency's.
			outcome := safeguardingv1.ConcernOutcome_CONCERN_OUTCOME_NO_FURTHER_ACTION
			if !k.escalatedOn.IsZero() {
				outcome = safeguardingv1.ConcernOutcome_CONCERN_OUTCOME_TAKEN_ON_BY_AGENCY
			}
			if _, err := call(lead, s.c, s.c.safeguarding.CloseConcern, &safeguardingv1.CloseConcernRequest{RequestId: uuid.NewString(),
				CentreId: cid, ConcernId: k.id.String(), Note: "No further action by the centre.", Outcome: outcome}); err != nil {
				return fmt.Errorf("close concern: %w", err)
			}
			k.closedOn = d
		}
	}
	return s.reportsMorning(ctx, lead, c, d)
}

// placeHold suspends the family's contact for an escalated concern the simulator chose to hold,
// if the family is in contact and not on hold already (a hold on a case not yet ready, or ended,
// has nothing to suspend). The platform cancels every booking whose session has not ended
// (decisions.md 44): at 08:00, that is every booking still booked, which the model cancels too.
func (s *sim) placeHold(lead context.Context, k *concern, d time.Time) (*hold, error) {
	f := k.family
	if k.holdReason == safeguardingv1.HoldReason_HOLD_REASON_UNSPECIFIED || f.step != stepContact || f.hold != nil {
		return nil, nil
	}
	c := f.centre
	h := &hold{family: f, reason: k.holdReason, placedOn: d, liftOn: d.AddDate(0, 0, k.holdDays)}
	resp, err := call(lead, s.c, s.c.safeguarding.PlaceHold, &safeguardingv1.PlaceHoldRequest{RequestId: uuid.NewString(),
		CentreId: c.id.String(), FamilyId: f.id.String(), Reason: h.reason, ReviewBy: pbDate(h.liftOn), ConcernId: k.id.String(),
		Note: "Contact suspended while the concern is looked into."})
	if err != nil {
		return nil, fmt.Errorf("place hold: %w", err)
	}
	if h.id, err = uuid.Parse(resp.GetHold().GetHoldId()); err != nil {
		return nil, err
	}
	for _, b := range f.bookings {
		if b.state == "booked" {
			b.state, b.held = "cancelled", true
		}
	}
	f.hold = h
	c.holds = append(c.holds, h)
	return h, nil
}

// reportsMorning: the supervisor drafts the reports of the sessions they supervised and submits
// them for the check; the lead checks each (returning a few with a note, redrafted the next
// working day) and releases it to the family's distribution list the day it is approved.
func (s *sim) reportsMorning(ctx context.Context, lead context.Context, c *centre, d time.Time) error {
	supervisor, err := s.staff(ctx, c)
	if err != nil {
		return err
	}
	cid := c.id.String()
	var open map[uuid.UUID]uuid.UUID // booking -> report, read once a morning when needed
	for _, r := range c.reports {
		if r.state == "due" && r.draftOn.Equal(d) {
			if r.id == uuid.Nil {
				if open == nil {
					if open, err = s.openReports(supervisor, c); err != nil {
						return err
					}
				}
				if r.id = open[r.booking.id]; r.id == uuid.Nil {
					return fmt.Errorf("the report of booking %s is not among the centre's open reports", r.booking.id)
				}
			}
			// Drafted by the session's supervisor: the report is theirs (its writer).
			writer, _, err := s.supervisor(ctx, c, r.booking.slot.room)
			if err != nil {
				return err
			}
			if err := s.draft(writer, r); err != nil {
				return err
			}
			r.state, r.checkOn = "submitted", nextWorkday(d.AddDate(0, 0, r.checkDelay))
		}
		if r.state == "submitted" && r.checkOn.Equal(d) {
			approved := !r.returnOnce || r.returned
			req := &safeguardingv1.CheckReportRequest{RequestId: uuid.NewString(), CentreId: cid, ReportId: r.id.String(), Approved: approved}
			if !approved {
				req.Note = "Say what the child did, not how it seemed."
			}
			// The second person reads what was written before checking it (decision 98).
			if _, err := call(lead, s.c, s.c.safeguarding.GetReport, &safeguardingv1.GetReportRequest{CentreId: cid, ReportId: r.id.String(),
				Purpose: "check the report"}); err != nil {
				return fmt.Errorf("read report: %w", err)
			}
			if _, err := call(lead, s.c, s.c.safeguarding.CheckReport, req); err != nil {
				return fmt.Errorf("check report: %w", err)
			}
			if !approved {
				r.returned, r.state, r.draftOn = true, "due", nextWorkday(d.AddDate(0, 0, 1))
				continue
			}
			if _, err := call(lead, s.c, s.c.safeguarding.ReleaseReport, &safeguardingv1.ReleaseReportRequest{RequestId: uuid.NewString(),
				CentreId: cid, ReportId: r.id.String(), Recipients: recipients(r.family)}); err != nil {
				return fmt.Errorf("release report: %w", err)
			}
			r.state, r.releasedOn = "released", d
		}
	}
	return nil
}

// openReports are the centre's reports not yet released, by booking.
func (s *sim) openReports(ctx context.Context, c *centre) (map[uuid.UUID]uuid.UUID, error) {
	out := map[uuid.UUID]uuid.UUID{}
	for token, more := "", true; more; more = token != "" {
		resp, err := call(ctx, s.c, s.c.safeguarding.ListOpenReports, &safeguardingv1.ListOpenReportsRequest{CentreId: c.id.String(),
			PageSize: 500, PageToken: token})
		if err != nil {
			return nil, fmt.Errorf("list open reports: %w", err)
		}
		for _, r := range resp.GetReports() {
			b, err1 := uuid.Parse(r.GetBookingId())
			id, err2 := uuid.Parse(r.GetReportId())
			if err1 == nil && err2 == nil {
				out[b] = id
			}
		}
		token = resp.GetNextPageToken()
	}
	return out, nil
}

// draft writes the report's sections (the arrival and departure times about the visiting parent,
// so that the other parent's copy withholds them) and submits it for the check.
func (s *sim) draft(supervisor context.Context, r *report) error {
	cid := r.family.centre.id.String()
	if _, err := call(supervisor, s.c, s.c.safeguarding.DraftReport, &safeguardingv1.DraftReportRequest{RequestId: uuid.NewString(),
		CentreId: cid, ReportId: r.id.String(), Sections: []*safeguardingv1.ReportSectionInput{
			{Kind: safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_OBSERVATION, Text: "They played and talked throughout."},
			{Kind: safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_CHILD_WELLBEING, Text: "The children were settled."},
			{Kind: safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_ARRIVAL_DEPARTURE, AboutPersonId: r.family.visiting.String(),
				Text: "Arrived and left at the agreed times."},
		}}); err != nil {
		return fmt.Errorf("draft report: %w", err)
	}
	if _, err := call(supervisor, s.c, s.c.safeguarding.SubmitReportForCheck, &safeguardingv1.SubmitReportForCheckRequest{
		RequestId: uuid.NewString(), CentreId: cid, ReportId: r.id.String()}); err != nil {
		return fmt.Errorf("submit report: %w", err)
	}
	return nil
}

// recipients are a report's distribution list: both parents, and the body that referred the
// family or is involved (the court, Cafcass, the local authority).
func recipients(f *family) []*safeguardingv1.RecipientInput {
	out := []*safeguardingv1.RecipientInput{
		{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_PARENT, PersonId: f.resident.String()},
		{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_PARENT, PersonId: f.visiting.String()},
	}
	if f.source == commonv1.ReferralSource_REFERRAL_SOURCE_LOCAL_AUTHORITY {
		out = append(out, &safeguardingv1.RecipientInput{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_LOCAL_AUTHORITY})
	}
	if f.cafcass {
		out = append(out, &safeguardingv1.RecipientInput{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_CAFCASS})
	}
	if f.court {
		out = append(out, &safeguardingv1.RecipientInput{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_COURT})
	}
	return out
}

// reviews: the coordinator reviews supported cases midway through their sessions, and any case
// in contact whose last review (or first session) is six months old, as referral requires.
func (s *sim) reviews(ctx context.Context, c *centre, d time.Time) error {
	for _, f := range c.families {
		if f.step != stepContact || f.truth.firstSession.IsZero() {
			continue
		}
		last := f.truth.firstSession
		if !f.reviewedOn.IsZero() {
			last = f.reviewedOn
		}
		sixMonthly := f.service == commonv1.ServiceType_SERVICE_TYPE_SUPPORTED && !d.Before(last.AddDate(0, 6, -7))
		if !f.reviewOn.Equal(d) && !sixMonthly {
			continue
		}
		if _, err := call(ctx, s.c, s.c.referral.RecordReview, &referralv1.RecordReviewRequest{RequestId: uuid.NewString(),
			ReferralId: f.referral.String(), CentreId: c.id.String(), HeldOn: pbDate(d),
			Note: "Reviewed with both parents: contact continues as agreed.", Decision: referralv1.ReviewDecision_REVIEW_DECISION_CONTINUE}); err != nil {
			return fmt.Errorf("review: %w", err)
		}
		f.reviewedOn = d
	}
	return nil
}
