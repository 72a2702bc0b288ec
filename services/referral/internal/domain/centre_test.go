package domain_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

// A centre whose accreditation is suspended or lapsed takes no new families; one whose three
// years ran by without a renewal recorded is warned of, not refused (decisions.md 77).
func TestCentresAccreditation(t *testing.T) {
	for _, tc := range []struct {
		status commonv1.AccreditationStatus
		err    error
	}{
		{commonv1.AccreditationStatus_ACCREDITATION_STATUS_ACCREDITED, nil},
		{commonv1.AccreditationStatus_ACCREDITATION_STATUS_WORKING_TOWARDS, nil},
		{commonv1.AccreditationStatus_ACCREDITATION_STATUS_UNSPECIFIED, nil},
		{commonv1.AccreditationStatus_ACCREDITATION_STATUS_SUSPENDED, domain.ErrCentreSuspended},
		{commonv1.AccreditationStatus_ACCREDITATION_STATUS_LAPSED, domain.ErrCentreLapsed},
	} {
		err := domain.Centre{Accreditation: tc.status}.TakesNewFamilies()
		if tc.err == nil {
			require.NoError(t, err, tc.status.String())
		} else {
			require.ErrorIs(t, err, tc.err, tc.status.String())
		}
	}

	accredited := commonv1.AccreditationStatus_ACCREDITATION_STATUS_ACCREDITED
	long := domain.Centre{Accreditation: accredited, AccreditedOn: date(2010, 3, 1)}
	on, ok := long.AccreditationRanOut(today)
	require.True(t, ok)
	require.Equal(t, date(2013, 3, 1), on)
	_, ok = domain.Centre{Accreditation: accredited, AccreditedOn: today.AddDate(-3, 0, 1)}.AccreditationRanOut(today)
	require.False(t, ok, "the last day of the three years")
	_, ok = domain.Centre{Accreditation: accredited, AccreditedOn: today.AddDate(-3, 0, 0)}.AccreditationRanOut(today)
	require.True(t, ok, "three years to the day")
	_, ok = domain.Centre{Accreditation: commonv1.AccreditationStatus_ACCREDITATION_STATUS_WORKING_TOWARDS}.AccreditationRanOut(today)
	require.False(t, ok)
}
