package domain_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

// cont is the decision most reviews record: contact continues as agreed.
const cont = referralv1.ReviewDecision_REVIEW_DECISION_CONTINUE

func TestFirstSessionAndReviews(t *testing.T) {
	r, h := inState(t, domain.ReadyForContact)
	_, ok := r.ReviewDue()
	require.False(t, ok, "no review before contact begins")

	first := date(2026, 12, 31)
	later := date(2027, 6, 25) // the day reviews are recorded
	events := h.ok(r.RecordSessionAttended(first))
	require.IsType(t, &referralv1.FirstSessionAttended{}, events[0])
	require.Equal(t, domain.InContact, r.State())
	due, ok := r.ReviewDue()
	require.True(t, ok)
	require.Equal(t, date(2027, 6, 30), due, "within six months: 31 December gives 30 June, never 1 July")

	events = h.ok(r.RecordSessionAttended(first.AddDate(0, 0, 14)))
	require.Nil(t, events, "later sessions record nothing")

	t.Run("review rules", func(t *testing.T) {
		cases := []struct {
			name string
			on   time.Time
			note string
		}{
			{"no date", time.Time{}, ""},
			{"in the future", later.AddDate(0, 0, 1), ""},
			{"before the first session", first.AddDate(0, 0, -1), ""},
		}
		for _, tc := range cases {
			_, err := r.RecordReview(tc.on, cont, tc.note, later)
			var invalid *domain.Invalid
			require.ErrorAs(t, err, &invalid, tc.name)
			require.Equal(t, "held_on", invalid.Violations[0].Field, tc.name)
		}
	})

	h.ok(r.RecordReview(date(2027, 6, 20), cont, "contact going well; plan to move on", later))
	due, _ = r.ReviewDue()
	require.Equal(t, date(2027, 12, 20), due, "and every six months after")
	require.Equal(t, date(2027, 6, 20), r.LastReview())

	rebuilt, err := domain.Rebuild(r.ID(), h.events)
	require.NoError(t, err)
	rebuiltDue, _ := rebuilt.ReviewDue()
	require.Equal(t, due, rebuiltDue)

	h.ok(r.Suspend(holdID, today))
	due, ok = r.ReviewDue()
	require.True(t, ok, "a suspended case is still due its review")
	require.Equal(t, date(2027, 12, 20), due)

	h.ok(r.EndCase(referralv1.CaseOutcome_CASE_OUTCOME_ENDED_FOR_SAFETY, "Ended for the test", today))
	_, ok = r.ReviewDue()
	require.False(t, ok, "an ended case has none")
	require.Equal(t, referralv1.CaseOutcome_CASE_OUTCOME_ENDED_FOR_SAFETY, r.Outcome())
}

func TestSupervisedContactHasNoReviewClock(t *testing.T) {
	r, _ := inState(t, domain.Received)
	_, err := r.Screen(domain.Screening{Rating: referralv1.RiskRating_RISK_RATING_RED, DomesticAbuseFinding: true}, today)
	require.NoError(t, err)
	_, err = r.Accept(supervisd, both, "", today)
	require.NoError(t, err)
	for _, a := range r.Adults() {
		_, err := r.RecordPreVisit(domain.PreVisit{PersonID: a.ID, On: today, GroundRulesSigned: true}, today)
		require.NoError(t, err)
	}
	_, err = r.AgreeArrangement(arrangement(supervisd), today)
	require.NoError(t, err)
	events, err := r.RecordSessionAttended(today.AddDate(0, 0, 7))
	require.NoError(t, err)
	require.Nil(t, events[0].(*referralv1.FirstSessionAttended).GetReviewDueOn())
	_, ok := r.ReviewDue()
	require.False(t, ok)
}

func TestReviewOfACaseSuspendedBeforeContact(t *testing.T) {
	r, _ := inState(t, domain.Accepted)
	_, err := r.Suspend(holdID, today)
	require.NoError(t, err)
	_, err = r.RecordReview(today, cont, "", today)
	require.ErrorIs(t, err, domain.ErrContactNotStarted)
}

func TestEndCaseRules(t *testing.T) {
	r, _ := inState(t, domain.InContact)
	// PLACE_RELEASED fits only a case whose place was released (TestReleasePlaceLeavesTheCaseToTheCoordinator).
	for _, outcome := range []referralv1.CaseOutcome{0, 99, referralv1.CaseOutcome_CASE_OUTCOME_PLACE_RELEASED} {
		_, err := r.EndCase(outcome, "Ended for the test", today)
		var invalid *domain.Invalid
		require.ErrorAs(t, err, &invalid)
		require.Equal(t, "outcome", invalid.Violations[0].Field)
	}
	require.Equal(t, domain.InContact, r.State())
}

// Outcomes that say where the family moved from must fit the case's kind of contact
// (decisions.md 77): stepped down to supported needs supervised contact, moved to handover a case
// that is not handover-only already.
func TestOutcomesFitTheKindOfContact(t *testing.T) {
	steppedDown, handover := referralv1.CaseOutcome_CASE_OUTCOME_STEPPED_DOWN_TO_SUPPORTED, referralv1.CaseOutcome_CASE_OUTCOME_MOVED_TO_HANDOVER
	handoverOnly := commonv1.ServiceType_SERVICE_TYPE_HANDOVER
	for _, tc := range []struct {
		service commonv1.ServiceType
		outcome referralv1.CaseOutcome
		err     error
	}{
		{supported, steppedDown, domain.ErrNotSupervisedContact},
		{handoverOnly, steppedDown, domain.ErrNotSupervisedContact},
		{supervisd, steppedDown, nil},
		{handoverOnly, handover, domain.ErrAlreadyHandover},
		{supported, handover, nil},
		{supervisd, handover, nil},
		{handoverOnly, referralv1.CaseOutcome_CASE_OUTCOME_SELF_ARRANGED, nil},
	} {
		t.Run(tc.service.String()+"/"+tc.outcome.String(), func(t *testing.T) {
			d := details()
			d.Adults[1].MayCollect = true // a handover passes the children to someone other than who brings them (review 53)
			r, _ := submit(t, submission(d))
			_, err := r.Screen(domain.Screening{Rating: referralv1.RiskRating_RISK_RATING_GREEN}, today)
			require.NoError(t, err)
			_, err = r.Accept(tc.service, []commonv1.ServiceType{supported, supervisd, handoverOnly}, courtAllows, today)
			require.NoError(t, err)
			for _, a := range r.Adults() {
				_, err := r.RecordPreVisit(domain.PreVisit{PersonID: a.ID, On: today.AddDate(0, 0, -3), GroundRulesSigned: true}, today)
				require.NoError(t, err)
			}
			_, err = r.AgreeArrangement(arrangement(tc.service), today)
			require.NoError(t, err)
			_, err = r.RecordSessionAttended(today.AddDate(0, 0, -1))
			require.NoError(t, err)
			version := r.Version()
			events, err := r.EndCase(tc.outcome, "Ended for the test", today)
			if tc.err == nil {
				require.NoError(t, err)
				require.Equal(t, domain.Ended, r.State())
				return
			}
			require.ErrorIs(t, err, tc.err)
			require.Nil(t, events)
			require.Equal(t, version, r.Version())
			require.Equal(t, domain.InContact, r.State())
		})
	}
}

// Two unexplained no-shows release the family's place; one may be the resident parent's, and a
// record at the door is not a coordinator's decision: the case stays open, to be booked again,
// put back on the waiting list or ended by hand, the outcome PLACE_RELEASED fitting only now
// (review 22, decision 170: the release used to end the case there and then).
func TestReleasePlaceLeavesTheCaseToTheCoordinator(t *testing.T) {
	r, h := inState(t, domain.InContact)
	events := h.ok(r.ReleasePlace(today))
	noted := events[0].(*referralv1.PlaceReleasedNoted)
	require.Equal(t, int32(today.Day()), noted.GetReleasedOn().GetDay())
	require.Equal(t, domain.InContact, r.State(), "the case stays open")

	events = h.ok(r.EndCase(referralv1.CaseOutcome_CASE_OUTCOME_PLACE_RELEASED, "Ended for the test", today))
	require.Equal(t, referralv1.CaseOutcome_CASE_OUTCOME_PLACE_RELEASED, events[0].(*referralv1.CaseEnded).GetOutcome())
	require.Equal(t, domain.Ended, r.State())
	_, err := r.ReleasePlace(today)
	require.ErrorIs(t, err, domain.ErrReferralClosed, "an ended case's place is not released again")

	// A place released while a hold suspends the case is noted too (review 23 lost it).
	held, h := inState(t, domain.Suspended)
	h.ok(held.ReleasePlace(today))
	require.Equal(t, domain.Suspended, held.State())
	require.Equal(t, today, held.PlaceReleasedOn())
}

func TestHolds(t *testing.T) {
	r, h := inState(t, domain.InContact)
	second := uuid.New()
	events := h.ok(r.Suspend(holdID, today))
	require.Equal(t, int32(1), events[0].(*referralv1.CaseSuspended).GetHoldsInForce())
	require.Nil(t, h.ok(r.Suspend(holdID, today)), "a redelivered hold records nothing")
	events = h.ok(r.Suspend(second, today))
	require.Equal(t, int32(2), events[0].(*referralv1.CaseSuspended).GetHoldsInForce())

	_, err := r.Resume(uuid.New(), today)
	require.ErrorIs(t, err, domain.ErrHoldNotInForce)
	_, err = r.Suspend(uuid.Nil, today)
	var invalid *domain.Invalid
	require.ErrorAs(t, err, &invalid)

	events = h.ok(r.Resume(holdID, today))
	require.Equal(t, int32(1), events[0].(*referralv1.CaseResumed).GetHoldsInForce())
	require.Equal(t, domain.Suspended, r.State(), "the other hold still stops contact")
	h.ok(r.Resume(second, today))
	require.Equal(t, domain.InContact, r.State(), "back to where it was")
	require.Empty(t, r.HoldsInForce())

	rebuilt, err := domain.Rebuild(r.ID(), h.events)
	require.NoError(t, err)
	require.Equal(t, domain.InContact, rebuilt.State())

	t.Run("a case suspended before it was ready goes back to intake", func(t *testing.T) {
		r, _ := inState(t, domain.Accepted)
		_, err := r.Suspend(holdID, today)
		require.NoError(t, err)
		_, err = r.RecordPreVisit(domain.PreVisit{PersonID: r.Adults()[0].ID, On: today}, today)
		require.ErrorIs(t, err, domain.ErrCaseSuspended)
		_, err = r.Resume(holdID, today)
		require.NoError(t, err)
		require.Equal(t, domain.Accepted, r.State())
	})
}

// A review records something, in words, and is never dated before the case's last review or its
// first session: back-dated, it would pull the next review's due date backwards (decisions.md 90).
func TestAReviewSaysSomethingAndIsNotBackDated(t *testing.T) {
	r, h := inState(t, domain.ReadyForContact)
	first, later := date(2026, 12, 31), date(2027, 9, 1)
	h.ok(r.RecordSessionAttended(first))

	for _, tc := range []struct{ name, note string }{
		{"no note", ""}, {"blank", "   "}, {"a dot", "."}, {"punctuation alone", "-?!"}, {"two letters", "ok"},
		{"an escape code", "fine \x1b[2J"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			events, err := r.RecordReview(date(2027, 6, 1), cont, tc.note, later)
			var invalid *domain.Invalid
			require.ErrorAs(t, err, &invalid)
			require.Equal(t, "note", invalid.Violations[0].Field)
			require.Nil(t, events)
		})
	}

	_, err := r.RecordReview(first.AddDate(0, 0, -1), cont, "going well", later)
	var invalid *domain.Invalid
	require.ErrorAs(t, err, &invalid)
	require.Equal(t, "held_on", invalid.Violations[0].Field)
	require.Contains(t, invalid.Violations[0].Reason, "on or after 2026-12-31, the day of the first session")

	h.ok(r.RecordReview(date(2027, 6, 20), cont, "going well; handover at school next", later))
	due, _ := r.ReviewDue()
	require.Equal(t, date(2027, 12, 20), due)
	version := r.Version()
	events, err := r.RecordReview(date(2027, 3, 1), cont, "a review forgotten in March", later)
	require.ErrorAs(t, err, &invalid)
	require.Equal(t, "held_on", invalid.Violations[0].Field)
	require.Contains(t, invalid.Violations[0].Reason, "on or after 2027-06-20, the day of the case's last review")
	require.Nil(t, events)
	require.Equal(t, version, r.Version())
	due, _ = r.ReviewDue()
	require.Equal(t, date(2027, 12, 20), due, "the due date is not pulled backwards")

	// One review a day (review 42 recorded three the same day): a second is refused, recording nothing.
	events, err = r.RecordReview(date(2027, 6, 20), cont, "a second review the same day", later)
	require.ErrorIs(t, err, domain.ErrAlreadyReviewed)
	require.Contains(t, err.Error(), "2027-06-20")
	require.Nil(t, events)
	require.Equal(t, version, r.Version())
	h.ok(r.RecordReview(date(2027, 8, 1), cont, "moving on to handover", later))
	require.Equal(t, date(2027, 8, 1), r.LastReview())
	rebuilt, err := domain.Rebuild(r.ID(), h.events)
	require.NoError(t, err)
	require.Equal(t, date(2027, 8, 1), rebuilt.LastReview())
}

// Supported contact is short-term: beyond six months of contact it is flagged, beyond twelve it
// is exceptional, counting months as the review clock does. Supervised contact, and a case not in
// contact, are not flagged.
func TestSupportedContactTerm(t *testing.T) {
	within, beyond6, beyond12 := referralv1.SupportedContactTerm_SUPPORTED_CONTACT_TERM_WITHIN_SIX_MONTHS,
		referralv1.SupportedContactTerm_SUPPORTED_CONTACT_TERM_BEYOND_SIX_MONTHS, referralv1.SupportedContactTerm_SUPPORTED_CONTACT_TERM_BEYOND_TWELVE_MONTHS
	none := referralv1.SupportedContactTerm_SUPPORTED_CONTACT_TERM_UNSPECIFIED
	first := date(2026, 12, 31)
	for _, tc := range []struct {
		st    commonv1.ServiceType
		first time.Time
		today time.Time
		want  referralv1.SupportedContactTerm
	}{
		{supported, first, first, within},
		{supported, first, date(2027, 6, 30), within},
		{supported, first, date(2027, 7, 1), beyond6},
		{supported, first, date(2027, 12, 31), beyond6},
		{supported, first, date(2028, 1, 1), beyond12},
		{supervisd, first, date(2028, 1, 1), none},
		{supported, time.Time{}, date(2028, 1, 1), none},
	} {
		require.Equal(t, tc.want, domain.SupportedContactTermOn(tc.st, tc.first, tc.today), "%s from %v on %v", tc.st, tc.first, tc.today)
	}

	r, h := inState(t, domain.ReadyForContact)
	require.Equal(t, none, r.SupportedContactTerm(date(2028, 1, 1)), "not in contact yet")
	h.ok(r.RecordSessionAttended(first))
	require.Equal(t, beyond6, r.SupportedContactTerm(date(2027, 9, 1)))
	h.ok(r.Suspend(holdID, today))
	require.Equal(t, beyond12, r.SupportedContactTerm(date(2028, 3, 1)), "a suspended case's contact began all the same")
	h.ok(r.EndCase(referralv1.CaseOutcome_CASE_OUTCOME_ENDED_FOR_SAFETY, "Ended for the test", today))
	require.Equal(t, none, r.SupportedContactTerm(date(2028, 3, 1)), "an ended case is not flagged")
}

// A case a safeguarding hold suspends ends referred back to the court, withdrawn or for safety,
// never as contact that went well while the hold stands (decision 122, review 12).
func TestACaseUnderAHoldDoesNotEndAsMovingOn(t *testing.T) {
	for _, outcome := range []referralv1.CaseOutcome{referralv1.CaseOutcome_CASE_OUTCOME_SELF_ARRANGED,
		referralv1.CaseOutcome_CASE_OUTCOME_MOVED_TO_HANDOVER, referralv1.CaseOutcome_CASE_OUTCOME_STEPPED_DOWN_TO_SUPPORTED} {
		r, _ := inState(t, domain.Suspended)
		_, err := r.EndCase(outcome, "Ended for the test", today)
		require.ErrorIs(t, err, domain.ErrOutcomeUnderHold, outcome.String())
		require.Equal(t, domain.Suspended, r.State(), "nothing recorded")
	}
	for _, outcome := range []referralv1.CaseOutcome{referralv1.CaseOutcome_CASE_OUTCOME_REFERRED_BACK_TO_COURT,
		referralv1.CaseOutcome_CASE_OUTCOME_WITHDRAWN, referralv1.CaseOutcome_CASE_OUTCOME_ENDED_FOR_SAFETY} {
		r, _ := inState(t, domain.Suspended)
		_, err := r.EndCase(outcome, "Ended for the test", today)
		require.NoError(t, err, outcome.String())
		require.Equal(t, domain.Ended, r.State())
	}
}

// A place released after two no-shows is past once the coordinator books the family again and it
// comes (decision 178): the outcome place released no longer fits, and ending the case so would
// count in the national figures a case that went on as one that ended on two no-shows. A session
// on the release's own day may be the one before the no-show, and does not count; a new release
// makes the outcome fit again. Referral used to record nothing of a session after the first.
func TestAPlaceReleasedIsPastOnceTheFamilyAttendsAgain(t *testing.T) {
	placeReleased := referralv1.CaseOutcome_CASE_OUTCOME_PLACE_RELEASED
	r, h := inState(t, domain.InContact)
	h.ok(r.ReleasePlace(today))
	require.Nil(t, h.ok(r.RecordSessionAttended(today)), "a session of the release's day may be the one before it")
	_, past := r.AttendedSinceRelease()
	require.False(t, past)

	events := h.ok(r.RecordSessionAttended(today.AddDate(0, 0, 14)))
	require.Len(t, events, 1)
	noted := events[0].(*referralv1.SessionAttendedAfterRelease)
	require.Equal(t, int32(8), noted.GetSessionOn().GetDay())
	require.Nil(t, h.ok(r.RecordSessionAttended(today.AddDate(0, 0, 28))), "recorded once a release")
	on, past := r.AttendedSinceRelease()
	require.True(t, past)
	require.Equal(t, today.AddDate(0, 0, 14), on)

	version := r.Version()
	events, err := r.EndCase(placeReleased, "Ended for the test", today.AddDate(0, 0, 30))
	require.ErrorIs(t, err, domain.ErrPlaceReleasePast)
	require.ErrorContains(t, err, "released on 2026-11-24")
	require.ErrorContains(t, err, "attended a session on 2026-12-08")
	require.ErrorContains(t, err, "outcome that fits")
	require.Nil(t, events)
	require.Equal(t, version, r.Version(), "a refusal records nothing")
	require.Equal(t, domain.InContact, r.State())

	rebuilt, err := domain.Rebuild(r.ID(), h.events)
	require.NoError(t, err)
	on, past = rebuilt.AttendedSinceRelease()
	require.True(t, past, "the record says so")
	require.Equal(t, today.AddDate(0, 0, 14), on)

	// Two more no-shows: released again, the outcome fits again.
	h.ok(r.ReleasePlace(today.AddDate(0, 0, 42)))
	_, past = r.AttendedSinceRelease()
	require.False(t, past)
	events = h.ok(r.EndCase(placeReleased, "Ended for the test", today.AddDate(0, 0, 43)))
	require.Equal(t, placeReleased, events[0].(*referralv1.CaseEnded).GetOutcome())

	t.Run("released before contact began, the first session is after it", func(t *testing.T) {
		r, h := inState(t, domain.ReadyForContact)
		h.ok(r.ReleasePlace(today))
		h.ok(r.RecordSessionAttended(today.AddDate(0, 0, 7)))
		require.Equal(t, domain.InContact, r.State())
		_, err := r.EndCase(placeReleased, "Ended for the test", today.AddDate(0, 0, 8))
		require.ErrorIs(t, err, domain.ErrPlaceReleasePast)
		require.Equal(t, domain.InContact, r.State())
	})
	t.Run("a session under way when a hold was placed is completed while suspended", func(t *testing.T) {
		r, h := inState(t, domain.InContact)
		h.ok(r.ReleasePlace(today))
		h.ok(r.Suspend(holdID, today.AddDate(0, 0, 7)))
		events := h.ok(r.RecordSessionAttended(today.AddDate(0, 0, 7)))
		require.IsType(t, &referralv1.SessionAttendedAfterRelease{}, events[0])
		require.Equal(t, domain.Suspended, r.State(), "still suspended")
		_, err := r.EndCase(placeReleased, "Ended for the test", today.AddDate(0, 0, 8))
		require.ErrorIs(t, err, domain.ErrPlaceReleasePast)
		_, err = r.RecordSessionAttended(today.AddDate(0, 0, 8))
		require.ErrorIs(t, err, domain.ErrCaseSuspended, "otherwise a suspended case records no session, as before")
	})
}

// A review records what it decided, and the date it was due as it stood when it was held, so a
// review held late says so (review 42: a review kept nothing of what was decided, nor when it was
// due). A review without a decision, or with one that is none of them, is refused.
func TestAReviewRecordsItsDecisionAndWhenItWasDue(t *testing.T) {
	r, h := inState(t, domain.ReadyForContact)
	first, later := date(2026, 12, 31), date(2027, 9, 1)
	h.ok(r.RecordSessionAttended(first))
	for _, decision := range []referralv1.ReviewDecision{0, 99} {
		events, err := r.RecordReview(date(2027, 7, 10), decision, "going well", later)
		var invalid *domain.Invalid
		require.ErrorAs(t, err, &invalid)
		require.Equal(t, "decision", invalid.Violations[0].Field)
		require.Nil(t, events)
	}
	events := h.ok(r.RecordReview(date(2027, 7, 10), referralv1.ReviewDecision_REVIEW_DECISION_CHANGE, "longer sessions from August", later))
	held := events[0].(*referralv1.ReviewHeld)
	require.Equal(t, referralv1.ReviewDecision_REVIEW_DECISION_CHANGE, held.GetDecision())
	require.Equal(t, date(2027, 6, 30), dates.Time(held.GetDueOn()), "due within six months of the first session: held ten days late")
	require.Equal(t, date(2028, 1, 10), dates.Time(held.GetNextReviewDueOn()))
	events = h.ok(r.RecordReview(date(2027, 8, 1), referralv1.ReviewDecision_REVIEW_DECISION_MOVE_ON, "parents ready to arrange it", later))
	require.Equal(t, date(2028, 1, 10), dates.Time(events[0].(*referralv1.ReviewHeld).GetDueOn()), "the due date the last review set")
}

// A review is overdue from the day after its due date, by the centre's today; none is overdue
// when none is due.
func TestOverdueDays(t *testing.T) {
	due := date(2027, 8, 6)
	require.Zero(t, domain.OverdueDays(due, date(2027, 8, 5)))
	require.Zero(t, domain.OverdueDays(due, due), "due today is not overdue yet")
	require.Equal(t, 1, domain.OverdueDays(due, date(2027, 8, 7)))
	require.Equal(t, 184, domain.OverdueDays(due, date(2028, 2, 6)))
	require.Zero(t, domain.OverdueDays(time.Time{}, due), "no review due")
}
