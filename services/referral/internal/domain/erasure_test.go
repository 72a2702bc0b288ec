package domain_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/problem"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

// A family is erased once, and only once its case is closed; every open state is refused with
// CASE_OPEN and says what closes the case from there. The erasure leaves the state as it was.
func TestErasureNeedsAClosedCaseAndHappensOnce(t *testing.T) {
	retention := referralv1.ErasureReason_ERASURE_REASON_RETENTION_ENDED
	for _, s := range domain.States {
		t.Run(s.String(), func(t *testing.T) {
			r, h := inState(t, s)
			version := r.Version()
			events, err := r.Erase(retention, today)
			if !domain.Final(s) {
				require.ErrorIs(t, err, domain.ErrCaseOpen)
				require.Regexp(t, `first; a family is erased only once its case is declined, withdrawn or ended$`, err.Error())
				require.Nil(t, events)
				require.Equal(t, version, r.Version())
				_, erased := r.ErasedOn()
				require.False(t, erased)
				return
			}
			h.ok(events, err)
			require.Len(t, events, 1)
			require.True(t, proto.Equal(&referralv1.FamilyErased{ReferralId: r.ID().String(), FamilyId: r.FamilyID().String(),
				CentreId: r.CentreID().String(), Reason: retention, ErasedOn: dates.Proto(today)}, events[0]))
			on, erased := r.ErasedOn()
			require.True(t, erased)
			require.Equal(t, today, on)
			require.Equal(t, s, r.State(), "the case still counts as it ended")

			rebuilt, err := domain.Rebuild(r.ID(), h.events)
			require.NoError(t, err)
			again, err := rebuilt.Erase(referralv1.ErasureReason_ERASURE_REASON_ERASURE_REQUESTED, today)
			require.ErrorIs(t, err, domain.ErrFamilyErased)
			require.Nil(t, again)
		})
	}
}

// An erasure names why, from the list: an unknown or missing reason is refused.
func TestErasureNeedsAReason(t *testing.T) {
	for _, reason := range []referralv1.ErasureReason{referralv1.ErasureReason_ERASURE_REASON_UNSPECIFIED, 99} {
		r, _ := inState(t, domain.Withdrawn)
		_, err := r.Erase(reason, today)
		var invalid *problem.InvalidError
		require.ErrorAs(t, err, &invalid)
		require.Equal(t, "reason", invalid.Violations[0].Field)
		_, erased := r.ErasedOn()
		require.False(t, erased)
	}
}

// Decision 408 (388's Left): a family erased at its request while safeguarding kept its records
// (a concern raised in the moment before referral heard of it) has their retention's end recorded
// once, as a second FamilyErased with reason RETENTION_ENDED, on which safeguarding destroys the
// key; never after an erasure at the retention's end, nor twice.
func TestAKeptRetentionEndsOnceAfterAnErasureAtRequest(t *testing.T) {
	requested := referralv1.ErasureReason_ERASURE_REASON_ERASURE_REQUESTED
	r, h := inState(t, domain.Withdrawn)
	_, err := r.EndKeptRetention(today)
	require.ErrorIs(t, err, domain.ErrFamilyErased, "nothing was erased yet")
	h.ok(r.Erase(requested, today))
	later := today.AddDate(6, 0, 0)
	events, err := r.EndKeptRetention(later)
	h.ok(events, err)
	require.True(t, proto.Equal(&referralv1.FamilyErased{ReferralId: r.ID().String(), FamilyId: r.FamilyID().String(),
		CentreId: r.CentreID().String(), Reason: referralv1.ErasureReason_ERASURE_REASON_RETENTION_ENDED, ErasedOn: dates.Proto(later)}, events[0]))
	rebuilt, err := domain.Rebuild(r.ID(), h.events)
	require.NoError(t, err)
	require.Equal(t, referralv1.ErasureReason_ERASURE_REASON_RETENTION_ENDED, rebuilt.ErasureReason())
	_, err = rebuilt.EndKeptRetention(later)
	require.ErrorIs(t, err, domain.ErrFamilyErased, "once")
}
