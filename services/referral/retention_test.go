package referral_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/clock"
)

// The retention's end is a rule the service checks, not a label the administrator picks (review 56,
// decision 322): an erasure with reason RETENTION_ENDED the day a case closed was accepted, straight
// after the family's request was refused for its safeguarding records. It is refused
// RETENTION_NOT_ENDED, saying until when the records are kept and why, and that a person's request
// is made with reason requested, appending nothing, until six years after the case closed; with a
// concern on record, until the end of the birth month of the youngest child's 25th birthday. The
// refusal of a request names the day the safeguarding records' retention ends. On the service's
// clock, moved on as the dev platform's simulated clock is.
func TestTheRetentionsEndIsCheckedNotTakenOnTrust(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	require.NoError(t, err)
	now := time.Now().In(london)
	sim := clock.NewSimulated(time.Date(now.Year(), now.Month(), now.Day(), 12, 0, 0, 0, london))
	g := newRigOn(t, sim)
	ctx := t.Context()
	centre := g.centre(t, supported)
	w := g.casework(t, centre)
	admin := g.client(t, "admin-1", []auth.Role{auth.RoleAdmin})
	closedOn := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	day := func(t time.Time) string { return t.Format(time.DateOnly) }
	on := func(d time.Time) {
		t.Helper()
		require.NoError(t, sim.Set(time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, london)))
	}

	// Two families withdrawn today; the second has a younger child too, and two concerns on record,
	// both closed, one referred to the police.
	born := today().AddDate(-6, -2, 0)
	youngest := today().AddDate(-2, -5, 0)
	withdrawn := func(edit ...func(*referralv1.ReferralDetails)) uuid.UUID {
		ref := w.submit(supported, edit...)
		_, err := w.c.WithdrawReferral(ctx, &referralv1.WithdrawReferralRequest{RequestId: uuid.NewString(), ReferralId: ref.GetReferralId(),
			CentreId: centre.String(), WithdrawnBy: referralv1.WithdrawnBy_WITHDRAWN_BY_REFERRER})
		require.NoError(t, err)
		return uuid.MustParse(ref.GetFamilyId())
	}
	plain := withdrawn()
	kept := withdrawn(func(d *referralv1.ReferralDetails) {
		d.Children = append(d.Children, &referralv1.Child{FullName: "Robin Kestrel", DateOfBirth: date(youngest)})
	})
	raised, referredOn := uuid.New(), uuid.New()
	for _, concern := range []uuid.UUID{raised, referredOn} {
		publish(t, g.safeguarding, "concern-"+concern.String(), &safeguardingv1.ConcernRaised{ConcernId: concern.String(),
			FamilyId: kept.String(), CentreId: centre.String(), Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_OTHER}, kept, centre)
	}
	publish(t, g.safeguarding, "concern-"+referredOn.String(), &safeguardingv1.ConcernEscalated{ConcernId: referredOn.String(),
		FamilyId: kept.String(), CentreId: centre.String(), Agency: safeguardingv1.Agency_AGENCY_POLICE}, kept, centre)
	for _, concern := range []uuid.UUID{raised, referredOn} {
		publish(t, g.safeguarding, "concern-"+concern.String(), &safeguardingv1.ConcernClosed{ConcernId: concern.String(),
			FamilyId: kept.String(), CentreId: centre.String()}, kept, centre)
	}
	require.Eventually(t, func() bool {
		return g.count(t, "SELECT count(*) FROM safeguarding_concerns WHERE family_id = $1 AND escalated", kept) == 1 &&
			g.count(t, "SELECT count(*) FROM safeguarding_open WHERE family_id = $1", kept) == 0
	}, 30*time.Second, 10*time.Millisecond, "referral keeps both concerns, both closed")

	erase := func(family uuid.UUID, reason referralv1.ErasureReason) error {
		_, err := admin.EraseFamily(ctx, &referralv1.EraseFamilyRequest{RequestId: uuid.NewString(), FamilyId: family.String(),
			CentreId: centre.String(), Reason: reason})
		return err
	}
	retentionEnded, requested := referralv1.ErasureReason_ERASURE_REASON_RETENTION_ENDED, referralv1.ErasureReason_ERASURE_REASON_ERASURE_REQUESTED
	sixYears := closedOn.AddDate(6, 0, 0)                                                     // the first day the plain family may be erased
	twentyFifth := time.Date(youngest.Year()+25, youngest.Month()+1, 1, 0, 0, 0, 0, time.UTC) // the day after the youngest child's 25th birthday month
	noPersonalData := func(err error) {
		t.Helper()
		msg := status.Convert(err).Message()
		for _, s := range append(secrets, "Robin", day(born), day(youngest), born.Format("2006-01"), youngest.Format("2006-01")) {
			require.NotContains(t, msg, s, "the refusal names the family's retention dates, nothing of theirs")
		}
	}

	// The day the case closed: the retention has not ended, whatever the administrator says.
	before := g.events(t)
	err = erase(plain, retentionEnded)
	refused(t, err, codes.FailedPrecondition, "RETENTION_NOT_ENDED")
	msg := status.Convert(err).Message()
	require.Contains(t, msg, "kept until "+day(sixYears.AddDate(0, 0, -1))+" (6 years after the case closed on "+day(closedOn)+")")
	require.Contains(t, msg, "may be erased with reason retention-ended from "+day(sixYears))
	require.Contains(t, msg, "an erasure a person asked for is made with reason requested")
	noPersonalData(err)

	// The request for the family with concerns on record is refused, naming the day its
	// safeguarding records' retention ends, and retention-ended is refused with the same day.
	err = erase(kept, requested)
	refused(t, err, codes.FailedPrecondition, "SAFEGUARDING_RECORDS_KEPT")
	require.Contains(t, status.Convert(err).Message(), "they are kept until "+day(twentyFifth.AddDate(0, 0, -1))+
		", and the family may be erased with reason retention-ended from "+day(twentyFifth))
	require.NotContains(t, status.Convert(err).Message(), "once the retention ends", "no invitation to erase it at once")
	noPersonalData(err)
	err = erase(kept, retentionEnded)
	refused(t, err, codes.FailedPrecondition, "RETENTION_NOT_ENDED")
	msg = status.Convert(err).Message()
	require.Contains(t, msg, "kept until "+day(twentyFifth.AddDate(0, 0, -1))+" (safeguarding concerns about the family are on record, "+
		"which are kept until the youngest child named on the referral is 25, and not less than 6 years after the case closed on "+day(closedOn)+")")
	require.Contains(t, msg, "reason requested, which is refused while the family's safeguarding records are kept")
	noPersonalData(err)
	require.Equal(t, before, g.events(t), "a refused erasure appends nothing")

	// The last day of the six years: still kept.
	on(sixYears.AddDate(0, 0, -1))
	refused(t, erase(plain, retentionEnded), codes.FailedPrecondition, "RETENTION_NOT_ENDED")
	require.Equal(t, before, g.events(t), "a refused erasure appends nothing")

	// Six years on: the plain family's retention has ended; the other's has not.
	on(sixYears)
	require.NoError(t, erase(plain, retentionEnded), "six years after the case closed: erased")
	refused(t, erase(kept, retentionEnded), codes.FailedPrecondition, "RETENTION_NOT_ENDED")
	refused(t, erase(kept, requested), codes.FailedPrecondition, "SAFEGUARDING_RECORDS_KEPT")

	// The last day of the youngest child's 25th birthday month, and the day after.
	on(twentyFifth.AddDate(0, 0, -1))
	before = g.events(t)
	refused(t, erase(kept, retentionEnded), codes.FailedPrecondition, "RETENTION_NOT_ENDED")
	require.Equal(t, before, g.events(t), "a refused erasure appends nothing")
	on(twentyFifth)
	erased, err := admin.EraseFamily(ctx, &referralv1.EraseFamilyRequest{RequestId: uuid.NewString(), FamilyId: kept.String(),
		CentreId: centre.String(), Reason: retentionEnded})
	require.NoError(t, err, "the youngest child is 25: the safeguarding records' retention has ended")
	require.Equal(t, date(twentyFifth), erased.GetReferral().GetErasedOn())
}

// pastSafeguardingRetention moves the service's clock to the first day on which a family of the
// tests' referral (details: one child, born six years and two months ago), with concerns on
// record, may be erased because the retention ended: the month after its child's 25th birthday
// month (decision 322).
func pastSafeguardingRetention(t *testing.T, sim *clock.Simulated) {
	t.Helper()
	born := today().AddDate(-6, -2, 0)
	after := time.Date(born.Year()+25, born.Month()+1, 1, 12, 0, 0, 0, born.Location())
	require.NoError(t, sim.Set(after))
}
