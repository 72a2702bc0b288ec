package domain_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// Decision 324: a family waiting for indirect or virtual contact is passed over by an offer of a
// place, as booking it would be refused (decision 316); one waiting for contact at the centre is not.
func TestAPlaceIsNotOfferedToContactThatBringsNobodyToTheCentre(t *testing.T) {
	f, err := domain.RebuildFamily(uuid.New(), nil)
	require.NoError(t, err)
	for _, kind := range []commonv1.ServiceType{commonv1.ServiceType_SERVICE_TYPE_INDIRECT, commonv1.ServiceType_SERVICE_TYPE_VIRTUAL} {
		err := f.MayBeOffered(kind)
		rule(t, err, "NOT_AT_THE_CENTRE")
		require.ErrorContains(t, err, "brings nobody to the centre")
	}
	for _, kind := range []commonv1.ServiceType{commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, commonv1.ServiceType_SERVICE_TYPE_SUPERVISED,
		commonv1.ServiceType_SERVICE_TYPE_HANDOVER, commonv1.ServiceType_SERVICE_TYPE_ESCORTED} {
		require.NoError(t, f.MayBeOffered(kind))
	}
}
