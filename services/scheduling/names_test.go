package scheduling

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// A centre's name and a room's hold no control characters and no invisible formatting
// characters (text-direction marks, zero-width spaces): each is refused naming the field, and
// appends nothing. Names in other scripts are names (decisions.md 91).
func TestNamesHoldNoControlOrFormatCharacters(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	admin, coordinator := g.client(t, auth.RoleAdmin), g.client(t, auth.RoleCoordinator)
	centre := func(name string) *schedulingv1.CentreDetails {
		return &schedulingv1.CentreDetails{Name: name, Region: commonv1.Region_REGION_WALES,
			ServiceTypes:        []commonv1.ServiceType{commonv1.ServiceType_SERVICE_TYPE_SUPPORTED},
			AccreditationStatus: commonv1.AccreditationStatus_ACCREDITATION_STATUS_WORKING_TOWARDS}
	}
	bad := map[string]string{
		"an escape code and a bell":  "Ctl\x07\x1b[31mred",
		"a right-to-left override":   "Garden\u202emoor",
		"a right-to-left isolate":    "Garden \u2067room",
		"an Arabic letter mark":      "Garden\u061c room",
		"a left-to-right mark":       "Garden\u200e room",
		"a zero-width space":         "Garden\u200broom",
		"a byte-order mark":          "\ufeffGarden room",
		"a word joiner":              "Garden\u2060room",
		"a C1 control":               "Garden\u009b31m room",
		"a line break inside a name": "Garden\nroom",
		"a tab inside a name":        "Garden\troom",
	}
	for name, s := range bad {
		t.Run(name, func(t *testing.T) {
			before := g.count(t, "SELECT count(*) FROM events")
			_, err := coordinator.AddRoom(ctx, &schedulingv1.AddRoomRequest{CentreId: g.centre.String(), Name: s, Capacity: 2,
				RequestId: uuid.NewString()})
			code, f := field(err)
			require.Equal(t, codes.InvalidArgument, code, "%v", err)
			require.Equal(t, "name", f)
			require.NotContains(t, err.Error(), s, "the refusal does not repeat the value")

			_, err = admin.RegisterCentre(ctx, &schedulingv1.RegisterCentreRequest{RequestId: uuid.NewString(), Details: centre(s)})
			code, f = field(err)
			require.Equal(t, codes.InvalidArgument, code, "%v", err)
			require.Equal(t, "details.name", f)

			_, err = admin.UpdateCentre(ctx, &schedulingv1.UpdateCentreRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
				ExpectedVersion: 1, Details: centre(s)})
			code, f = field(err)
			require.Equal(t, codes.InvalidArgument, code, "%v", err)
			require.Equal(t, "details.name", f)
			require.Equal(t, before, g.count(t, "SELECT count(*) FROM events"), "nothing appended")
		})
	}

	// Welsh, Polish, Arabic and Chinese names are accepted, and kept as written.
	for _, name := range []string{"Ystafell Ŵyn", "Sala Łąka", "غرفة الحديقة", "花园室", "Zoë's room"} {
		r, err := coordinator.AddRoom(ctx, &schedulingv1.AddRoomRequest{CentreId: g.centre.String(), Name: name, Capacity: 2,
			RequestId: uuid.NewString()})
		require.NoError(t, err, name)
		require.Equal(t, name, r.GetRoom().GetName())
	}
	registered, err := admin.RegisterCentre(ctx, &schedulingv1.RegisterCentreRequest{RequestId: uuid.NewString(),
		Details: centre("Canolfan Cyswllt Teulu Llŷn")})
	require.NoError(t, err)
	require.Equal(t, "Canolfan Cyswllt Teulu Llŷn", registered.GetCentre().GetName())
	updated, err := admin.UpdateCentre(ctx, &schedulingv1.UpdateCentreRequest{RequestId: uuid.NewString(),
		CentreId: registered.GetCentre().GetCentreId(), ExpectedVersion: 1, Details: centre("Centrum Kontaktów Rodzinnych Łódź")})
	require.NoError(t, err)
	require.Equal(t, "Centrum Kontaktów Rodzinnych Łódź", updated.GetCentre().GetName())
}
