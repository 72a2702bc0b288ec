package domain_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/problem"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

var today = time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)

func valid() domain.Details {
	return domain.Details{
		Name:          "  Riverside Family Time Centre ",
		Region:        commonv1.Region_REGION_NORTH_WEST,
		ServiceTypes:  []commonv1.ServiceType{commonv1.ServiceType_SERVICE_TYPE_SUPERVISED, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED},
		Accreditation: commonv1.AccreditationStatus_ACCREDITATION_STATUS_ACCREDITED,
		AccreditedOn:  time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC),
	}
}

func TestRegisterCentre(t *testing.T) {
	id := uuid.New()
	c, ev, err := domain.RegisterCentre(id, valid(), today)
	require.NoError(t, err)
	require.Equal(t, "Riverside Family Time Centre", c.Details().Name, "the name is trimmed")
	require.Equal(t, []commonv1.ServiceType{commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, commonv1.ServiceType_SERVICE_TYPE_SUPERVISED},
		c.Details().ServiceTypes, "service types are kept in one order")
	require.Equal(t, int64(1), c.Version())
	reg, ok := ev.(*schedulingv1.CentreRegistered)
	require.True(t, ok)
	require.Equal(t, id.String(), reg.GetCentreId())
	require.Equal(t, int32(2025), reg.GetAccreditationDate().GetYear())

	rebuilt, err := domain.RebuildCentre(id, []proto.Message{ev})
	require.NoError(t, err)
	require.Equal(t, c.Details(), rebuilt.Details())
}

func TestDetailsRules(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*domain.Details)
		field string
	}{
		{"empty name", func(d *domain.Details) { d.Name = "   " }, "name"},
		{"long name", func(d *domain.Details) { d.Name = strings.Repeat("é", domain.MaxNameLength+1) }, "name"},
		{"an escape code in the name", func(d *domain.Details) { d.Name = "Riverside\x1b[31m Centre" }, "name"},
		{"a right-to-left override in the name", func(d *domain.Details) { d.Name = "Riverside \u202eertneC" }, "name"},
		{"a zero-width space in the name", func(d *domain.Details) { d.Name = "River\u200bside" }, "name"},
		{"no region", func(d *domain.Details) { d.Region = 0 }, "region"},
		{"unknown region", func(d *domain.Details) { d.Region = 99 }, "region"},
		{"no service type", func(d *domain.Details) { d.ServiceTypes = nil }, "service_types"},
		{"repeated service type", func(d *domain.Details) {
			d.ServiceTypes = []commonv1.ServiceType{commonv1.ServiceType_SERVICE_TYPE_HANDOVER, commonv1.ServiceType_SERVICE_TYPE_HANDOVER}
		}, "service_types"},
		{"unknown service type", func(d *domain.Details) { d.ServiceTypes = []commonv1.ServiceType{42} }, "service_types"},
		{"no accreditation status", func(d *domain.Details) { d.Accreditation = 0 }, "accreditation_status"},
		{"accredited without a date", func(d *domain.Details) { d.AccreditedOn = time.Time{} }, "accreditation_date"},
		{"accredited in the future", func(d *domain.Details) { d.AccreditedOn = today.AddDate(0, 0, 1) }, "accreditation_date"},
		{"accredited before accreditation existed", func(d *domain.Details) { d.AccreditedOn = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC) }, "accreditation_date"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := valid()
			tc.edit(&d)
			_, _, err := domain.RegisterCentre(uuid.New(), d, today)
			var invalid *domain.Invalid
			require.ErrorAs(t, err, &invalid)
			require.Equal(t, tc.field, invalid.Violations[0].Field)
		})
	}
	t.Run("working towards accreditation needs no date", func(t *testing.T) {
		d := valid()
		d.Accreditation, d.AccreditedOn = commonv1.AccreditationStatus_ACCREDITATION_STATUS_WORKING_TOWARDS, time.Time{}
		_, _, err := domain.RegisterCentre(uuid.New(), d, today)
		require.NoError(t, err)
	})
}

func TestUpdateCentre(t *testing.T) {
	c, _, err := domain.RegisterCentre(uuid.New(), valid(), today)
	require.NoError(t, err)
	ev, err := c.Update(valid(), today)
	require.NoError(t, err)
	require.Nil(t, ev, "no change, no event")
	require.Equal(t, int64(1), c.Version())

	d := valid()
	d.Accreditation = commonv1.AccreditationStatus_ACCREDITATION_STATUS_SUSPENDED
	ev, err = c.Update(d, today)
	require.NoError(t, err)
	require.IsType(t, &schedulingv1.CentreUpdated{}, ev)
	require.Equal(t, int64(2), c.Version())

	d.Name = ""
	_, err = c.Update(d, today)
	require.Error(t, err)
	require.Equal(t, commonv1.AccreditationStatus_ACCREDITATION_STATUS_SUSPENDED, c.Details().Accreditation, "a refused update changes nothing")
}

func TestRebuildUnknownCentre(t *testing.T) {
	_, err := domain.RebuildCentre(uuid.New(), nil)
	require.ErrorIs(t, err, domain.ErrCentreNotFound)
}

// A centre takes a family from or onto its waiting list unless its accreditation is suspended or
// recorded lapsed, with referral's reasons; an accreditation whose three years ran out by date is
// not refused, as referral only warns of it (decision 326).
func TestTakesNewFamilies(t *testing.T) {
	ran := valid()
	ran.AccreditedOn = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		status commonv1.AccreditationStatus
		reason string
	}{
		{commonv1.AccreditationStatus_ACCREDITATION_STATUS_ACCREDITED, ""},
		{commonv1.AccreditationStatus_ACCREDITATION_STATUS_WORKING_TOWARDS, ""},
		{commonv1.AccreditationStatus_ACCREDITATION_STATUS_SUSPENDED, "CENTRE_SUSPENDED"},
		{commonv1.AccreditationStatus_ACCREDITATION_STATUS_LAPSED, "CENTRE_ACCREDITATION_LAPSED"},
	} {
		t.Run(tc.status.String(), func(t *testing.T) {
			d := ran
			d.Accreditation = tc.status
			err := d.TakesNewFamilies()
			if tc.reason == "" {
				require.NoError(t, err)
				return
			}
			var rule *problem.RuleError
			require.ErrorAs(t, err, &rule)
			require.Equal(t, tc.reason, rule.Reason)
		})
	}
}
