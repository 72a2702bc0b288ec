package domain_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

// A closed case's records are kept six years after the day it closed and, with safeguarding
// concerns about the family on record, until the end of the birth month of the youngest child's
// 25th birthday when that is later (decision 322). An erasure because the retention ended is
// refused until the day after, saying the last day they are kept and why; a request is not held
// back by it (SafeguardingKept decides that), and an open case has no retention yet.
func TestTheRetentionOfAClosedCase(t *testing.T) {
	ended := referralv1.ErasureReason_ERASURE_REASON_RETENTION_ENDED
	for _, s := range []domain.State{domain.Declined, domain.Withdrawn, domain.Ended} {
		t.Run(s.String(), func(t *testing.T) {
			r, _ := inState(t, s)
			require.Equal(t, today, r.ClosedOn())
			kept := r.RetentionOf(0)
			require.Equal(t, domain.Retention{Until: time.Date(2032, 11, 23, 0, 0, 0, 0, time.UTC), Closed: today}, kept)
			err := r.RetentionNotEnded(ended, 0, today)
			require.ErrorIs(t, err, domain.ErrRetentionNotEnded)
			require.Equal(t, "the retention of the family's records has not ended: they are kept until 2032-11-23 (6 years after "+
				"the case closed on 2026-11-24), and may be erased with reason retention-ended from 2032-11-24; an erasure a person "+
				"asked for is made with reason requested", err.Error())
			require.ErrorIs(t, r.RetentionNotEnded(ended, 0, kept.Until), domain.ErrRetentionNotEnded, "the last day kept")
			require.NoError(t, r.RetentionNotEnded(ended, 0, kept.Until.AddDate(0, 0, 1)))
			require.NoError(t, r.RetentionNotEnded(referralv1.ErasureReason_ERASURE_REASON_ERASURE_REQUESTED, 0, today))

			// The fixture's child was born in April 2019: 25 in April 2044.
			safeguarding := r.RetentionOf(2)
			require.Equal(t, domain.Retention{Until: time.Date(2044, 4, 30, 0, 0, 0, 0, time.UTC), Closed: today, Safeguarding: true}, safeguarding)
			err = r.RetentionNotEnded(ended, 2, time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC))
			require.ErrorIs(t, err, domain.ErrRetentionNotEnded)
			require.Contains(t, err.Error(), "kept until 2044-04-30 (safeguarding concerns about the family are on record, which are kept "+
				"until the youngest child named on the referral is 25, and not less than 6 years after the case closed on 2026-11-24)")
			require.Contains(t, err.Error(), "reason requested, which is refused while the family's safeguarding records are kept")
			require.NotContains(t, err.Error(), "2019")
			require.ErrorIs(t, r.RetentionNotEnded(ended, 2, safeguarding.Until), domain.ErrRetentionNotEnded)
			require.NoError(t, r.RetentionNotEnded(ended, 2, safeguarding.Until.AddDate(0, 0, 1)))

			kept2 := domain.SafeguardingKept(referralv1.ErasureReason_ERASURE_REASON_ERASURE_REQUESTED, 2, 1, safeguarding)
			require.ErrorIs(t, kept2, domain.ErrSafeguardingKept)
			require.Contains(t, kept2.Error(), "they are kept until 2044-04-30, and the family may be erased with reason retention-ended from 2044-05-01")
		})
	}
	r, _ := inState(t, domain.ReadyForContact)
	require.True(t, r.ClosedOn().IsZero())
	require.Equal(t, domain.Retention{}, r.RetentionOf(1), "an open case has no retention yet")
}
