package referral_test

import (
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/paging"
)

// inContact makes a new family ready for supported contact and has scheduling report its first
// session on the day given, and waits until referral has noted that contact began.
func (g *rig) inContact(t *testing.T, w *casework, on time.Time) (referral, family string) {
	t.Helper()
	referral = w.ready(supported)
	got, err := w.c.GetReferral(t.Context(), &referralv1.GetReferralRequest{ReferralId: referral, CentreId: w.centre.String()})
	require.NoError(t, err)
	family = got.GetReferral().GetFamilyId()
	f := uuid.MustParse(family)
	publish(t, g.scheduling, "family-"+family, &schedulingv1.SessionCompleted{BookingId: uuid.NewString(), FamilyId: family,
		CentreId: w.centre.String(), SessionDate: date(on), ServiceType: supported}, f, w.centre)
	require.Eventually(t, func() bool {
		got, err := w.c.GetReferral(t.Context(), &referralv1.GetReferralRequest{ReferralId: referral, CentreId: w.centre.String()})
		require.NoError(t, err)
		return got.GetReferral().GetState() == referralv1.ReferralState_REFERRAL_STATE_IN_CONTACT
	}, 30*time.Second, 10*time.Millisecond, "referral notes the first session")
	return referral, family
}

// A review records something in words, and is never dated before the case's last review or its
// first session, naming the earliest day it may be (decisions.md 90). Nothing is appended by a
// refusal, and the next review's due date never moves backwards.
func TestAReviewSaysWhatWasDecidedAndIsNotBackDated(t *testing.T) {
	g := newRig(t)
	w := g.casework(t, g.centre(t, supported))
	ctx := t.Context()
	first := today().AddDate(0, -2, 0)
	id, _ := g.inContact(t, w, first)
	review := func(on time.Time, note string) (*referralv1.RecordReviewResponse, error) {
		return w.c.RecordReview(ctx, &referralv1.RecordReviewRequest{RequestId: uuid.NewString(), ReferralId: id,
			CentreId: w.centre.String(), HeldOn: date(on), Note: note, Decision: referralv1.ReviewDecision_REVIEW_DECISION_CONTINUE})
	}
	before := g.events(t)
	for _, note := range []string{"", "  ", ".", "...", "-- --", "ok\x1b[2J"} {
		_, err := review(today(), note)
		refused(t, err, codes.InvalidArgument, "note")
	}
	_, err := review(first.AddDate(0, 0, -1), "going well")
	refused(t, err, codes.InvalidArgument, "held_on")
	require.Contains(t, status.Convert(err).Message(), "on or after "+first.Format(time.DateOnly)+", the day of the first session")
	require.Equal(t, before, g.events(t), "refusals append nothing")

	held := today().AddDate(0, 0, -7)
	reviewed, err := review(held, "Going well; parents to try handover at school")
	require.NoError(t, err)
	due := reviewed.GetReferral().GetReviewDueOn()
	before = g.events(t)
	_, err = review(held.AddDate(0, 0, -1), "A review forgotten the week before")
	refused(t, err, codes.InvalidArgument, "held_on")
	require.Contains(t, status.Convert(err).Message(), "on or after "+held.Format(time.DateOnly)+", the day of the case's last review")
	require.Equal(t, before, g.events(t))
	shown, err := w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: id, CentreId: w.centre.String()})
	require.NoError(t, err)
	require.True(t, proto.Equal(due, shown.GetReferral().GetReviewDueOn()), "the due date is not pulled backwards")
	_, err = review(held, "A second meeting the same day")
	refused(t, err, codes.FailedPrecondition, "ALREADY_REVIEWED") // one review a day (review 42)
	require.Equal(t, before, g.events(t))
}

// Supported contact is short-term (decisions.md 90): the reviews due say when each case's contact
// began and flag one beyond 6 months, and beyond 12 as exceptional; the referral says so too,
// also for a summary projected before it carried the first session's date.
func TestReviewsDueSayWhenContactBeganAndFlagLongSupportedContact(t *testing.T) {
	g := newRig(t)
	w := g.casework(t, g.centre(t, supported))
	ctx := t.Context()
	began := map[string]time.Time{}
	want := map[string]referralv1.SupportedContactTerm{}
	for months, term := range map[int]referralv1.SupportedContactTerm{
		13: referralv1.SupportedContactTerm_SUPPORTED_CONTACT_TERM_BEYOND_TWELVE_MONTHS,
		7:  referralv1.SupportedContactTerm_SUPPORTED_CONTACT_TERM_BEYOND_SIX_MONTHS,
		1:  referralv1.SupportedContactTerm_SUPPORTED_CONTACT_TERM_WITHIN_SIX_MONTHS,
	} {
		on := today().AddDate(0, -months, 0)
		id, _ := g.inContact(t, w, on)
		began[id], want[id] = on, term
	}
	// Every case is due its review within 6 months of its first session: by 6 months from now.
	list, err := w.c.ListReviewsDue(ctx, &referralv1.ListReviewsDueRequest{CentreId: w.centre.String(), DueBy: date(today().AddDate(0, 6, 0))})
	require.NoError(t, err)
	require.Len(t, list.GetReviews(), 3)
	for _, rv := range list.GetReviews() {
		require.True(t, proto.Equal(date(began[rv.GetReferralId()]), rv.GetFirstSessionOn()), "%v", rv)
		require.Equal(t, want[rv.GetReferralId()], rv.GetSupportedContactTerm(), "%v", rv)
	}
	dueNow, err := w.c.ListReviewsDue(ctx, &referralv1.ListReviewsDueRequest{CentreId: w.centre.String()})
	require.NoError(t, err)
	require.Len(t, dueNow.GetReviews(), 2, "the two whose first review is overdue")

	for id, term := range want {
		got, err := w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: id, CentreId: w.centre.String()})
		require.NoError(t, err)
		require.Equal(t, term, got.GetReferral().GetSupportedContactTerm())
		require.True(t, proto.Equal(date(began[id]), got.GetReferral().GetFirstSessionOn()))
	}

	// A summary stored before it carried the first session's date reads it from the event.
	var oldest string
	for id, term := range want {
		if term == referralv1.SupportedContactTerm_SUPPORTED_CONTACT_TERM_BEYOND_TWELVE_MONTHS {
			oldest = id
		}
	}
	var raw []byte
	require.NoError(t, g.owner.QueryRow(ctx, "SELECT summary FROM referrals WHERE referral_id = $1", oldest).Scan(&raw))
	var stored referralv1.Referral
	require.NoError(t, proto.Unmarshal(raw, &stored))
	stored.FirstSessionOn = nil
	raw, err = proto.Marshal(&stored)
	require.NoError(t, err)
	_, err = g.owner.Exec(ctx, "UPDATE referrals SET summary = $2 WHERE referral_id = $1", oldest, raw)
	require.NoError(t, err)
	got, err := w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: oldest, CentreId: w.centre.String()})
	require.NoError(t, err)
	require.True(t, proto.Equal(date(began[oldest]), got.GetReferral().GetFirstSessionOn()))
	require.Equal(t, referralv1.SupportedContactTerm_SUPPORTED_CONTACT_TERM_BEYOND_TWELVE_MONTHS, got.GetReferral().GetSupportedContactTerm())
	listed, err := w.c.ListReferrals(ctx, &referralv1.ListReferralsRequest{CentreId: w.centre.String(), State: referralv1.ReferralState_REFERRAL_STATE_IN_CONTACT})
	require.NoError(t, err)
	for _, r := range listed.GetReferrals() {
		require.Equal(t, want[r.GetReferralId()], r.GetSupportedContactTerm())
	}
}

// Two unexplained no-shows release a family's place (scheduling's PlaceReleased). One of them may
// be the resident parent's, and a volunteer's record at the door is not a coordinator's decision
// to end a court-ordered case: referral notes the release and the case stays open, to be booked
// again, put back on the waiting list or ended by hand, the outcome place released fitting only
// now (review 22, decision 170: the release ended the case there and then, for good).
func TestAReleasedPlaceLeavesTheCaseOpenForTheCoordinator(t *testing.T) {
	g := newRig(t)
	w := g.casework(t, g.centre(t, supported))
	ctx := t.Context()
	id, family := g.inContact(t, w, today().AddDate(0, -1, 0))
	end := func() (*referralv1.EndCaseResponse, error) {
		return w.c.EndCase(ctx, &referralv1.EndCaseRequest{RequestId: uuid.NewString(), ReferralId: id, CentreId: w.centre.String(),
			Outcome: referralv1.CaseOutcome_CASE_OUTCOME_PLACE_RELEASED, Note: "The family stopped coming"})
	}
	_, err := end()
	refused(t, err, codes.InvalidArgument, "outcome")
	require.Contains(t, status.Convert(err).Message(), "fits only a case whose regular place was released")

	publish(t, g.scheduling, "family-"+family, &schedulingv1.PlaceReleased{FamilyId: family, CentreId: w.centre.String(),
		PatternId: uuid.NewString(), RoomId: uuid.NewString(), ReleasedOn: date(today()),
		NoShowBookingIds: []string{uuid.NewString(), uuid.NewString()}}, uuid.MustParse(family), w.centre)
	require.Eventually(t, func() bool {
		return slices.Contains(g.eventTypes(t, id), "PlaceReleasedNoted")
	}, 30*time.Second, 10*time.Millisecond, "referral notes the release")
	got, err := w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: id, CentreId: w.centre.String()})
	require.NoError(t, err)
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_IN_CONTACT, got.GetReferral().GetState(), "the case stays open")
	require.NotNil(t, got.GetReferral().GetPlaceReleasedOn(), "the coordinator is told, not only the history (review 23)")

	ended, err := end()
	require.NoError(t, err)
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_ENDED, ended.GetReferral().GetState())
	require.Equal(t, []string{"PlaceReleasedNoted", "CaseEnded"}, g.eventTypes(t, id)[len(g.eventTypes(t, id))-2:])
}

// A page token names where the next page starts; a forged one whose key is not a date is refused
// as a token (review 22: the database failed on it, and any reader could raise Internal errors
// and error-level log lines at will).
func TestAForgedPageTokenIsRefusedAsAToken(t *testing.T) {
	g := newRig(t)
	w := g.casework(t, g.centre(t, supported))
	for _, key := range []string{"99999999999999999999", "0000-01-01"} { // year 0 parses in Go (review 23)
		forged := paging.After{Key: key, ID: uuid.New()}.Encode()
		_, err := w.c.ListReferrals(t.Context(), &referralv1.ListReferralsRequest{CentreId: w.centre.String(), PageToken: forged})
		require.Equal(t, codes.InvalidArgument, status.Code(err), "%v", err)
		require.Contains(t, status.Convert(err).Message(), "page token is not one this service issued")
		_, err = w.c.ListReviewsDue(t.Context(), &referralv1.ListReviewsDueRequest{CentreId: w.centre.String(), PageToken: forged})
		require.Equal(t, codes.InvalidArgument, status.Code(err), "%v", err)
	}
}

// A released place is past once the coordinator books the family again and it comes (decision
// 178): referral records the first session attended after the release, `show` says the release is
// past, and ending the case "place released" is refused, appending nothing, until scheduling
// releases the place again. The release is noted on the service's today, so the session after it
// is the next day's.
func TestAPlaceReleasedIsPastOnceTheFamilyIsBookedAgainAndAttends(t *testing.T) {
	g := newRig(t)
	w := g.casework(t, g.centre(t, supported))
	ctx := t.Context()
	id, family := g.inContact(t, w, today().AddDate(0, -1, 0))
	f := uuid.MustParse(family)
	release := func(want int) {
		t.Helper()
		publish(t, g.scheduling, "family-"+family, &schedulingv1.PlaceReleased{FamilyId: family, CentreId: w.centre.String(),
			PatternId: uuid.NewString(), RoomId: uuid.NewString(), ReleasedOn: date(today()),
			NoShowBookingIds: []string{uuid.NewString(), uuid.NewString()}}, f, w.centre)
		require.Eventually(t, func() bool {
			return len(slices.DeleteFunc(g.eventTypes(t, id), func(s string) bool { return s != "PlaceReleasedNoted" })) == want
		}, 30*time.Second, 10*time.Millisecond, "referral notes the release")
	}
	release(1)
	publish(t, g.scheduling, "family-"+family, &schedulingv1.SessionCompleted{BookingId: uuid.NewString(), FamilyId: family,
		CentreId: w.centre.String(), SessionDate: date(today().AddDate(0, 0, 1)), ServiceType: supported}, f, w.centre)
	require.Eventually(t, func() bool {
		return slices.Contains(g.eventTypes(t, id), "SessionAttendedAfterRelease")
	}, 30*time.Second, 10*time.Millisecond, "referral notes the session after the release")
	got, err := w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: id, CentreId: w.centre.String()})
	require.NoError(t, err)
	require.NotNil(t, got.GetReferral().GetPlaceReleasedOn())
	require.Equal(t, date(today().AddDate(0, 0, 1)), got.GetReferral().GetAttendedSinceReleaseOn(), "show says the release is past")

	end := func(outcome referralv1.CaseOutcome) (*referralv1.EndCaseResponse, error) {
		return w.c.EndCase(ctx, &referralv1.EndCaseRequest{RequestId: uuid.NewString(), ReferralId: id, CentreId: w.centre.String(),
			Outcome: outcome, Note: "The family stopped coming"})
	}
	before := g.events(t)
	_, err = end(referralv1.CaseOutcome_CASE_OUTCOME_PLACE_RELEASED)
	refused(t, err, codes.FailedPrecondition, "PLACE_RELEASE_PAST")
	require.Contains(t, status.Convert(err).Message(), "End the case with the outcome that fits")
	require.Equal(t, before, g.events(t), "a refusal appends nothing")

	release(2) // two more no-shows
	got, err = w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: id, CentreId: w.centre.String()})
	require.NoError(t, err)
	require.Nil(t, got.GetReferral().GetAttendedSinceReleaseOn(), "released again")
	ended, err := end(referralv1.CaseOutcome_CASE_OUTCOME_PLACE_RELEASED)
	require.NoError(t, err)
	require.Equal(t, referralv1.CaseOutcome_CASE_OUTCOME_PLACE_RELEASED, ended.GetReferral().GetOutcome())
}
