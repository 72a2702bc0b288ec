package scheduling

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Review 89: a family accepted for supervised contact after its screening found domestic abuse
// joined the waiting list by hand for supported contact, and the shared room's place was offered
// to it, though it could never be booked there (its arrangement keeps the kind it was accepted
// for). A family accepted, or made ready, waits only for the kind it was accepted for
// (NOT_THE_KIND_ACCEPTED, appending nothing); one only waitlisted is still put right by a join
// naming another kind (decision 183), its acceptance being referral's to check (decision 422).
func TestAFamilyWaitsOnlyForTheKindItWasAcceptedFor(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	g.timetable(t, saturday(0), true, 4, 1)
	c := g.client(t, auth.RoleCoordinator)
	supported, supervised := commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, commonv1.ServiceType_SERVICE_TYPE_SUPERVISED
	events := func() int { return g.count(t, "SELECT count(*) FROM events") }
	join := func(family uuid.UUID, st commonv1.ServiceType) error {
		_, err := c.JoinWaitingList(ctx, &schedulingv1.JoinWaitingListRequest{CentreId: g.centre.String(), FamilyId: family.String(),
			ServiceType: st, RequestId: uuid.NewString()})
		return err
	}
	notTheKind := func(err error) {
		t.Helper()
		code, reason := field(err)
		require.Equal(t, codes.FailedPrecondition, code, "%v", err)
		require.Equal(t, "NOT_THE_KIND_ACCEPTED", reason)
		require.Contains(t, status.Convert(err).Message(), "accepted for supervised contact")
		require.Contains(t, status.Convert(err).Message(), "not supported")
	}

	// Ready for supervised contact: supported is refused, supervised joins.
	ready := g.ready(t, 1, supervised)[0]
	before := events()
	notTheKind(join(ready.id, supported))
	require.Equal(t, before, events(), "nothing appended")
	require.NoError(t, join(ready.id, supervised))

	// Only waitlisted (for supervised): put right to supported by a join naming it, as before.
	waiting, referral := g.waitlist(t, g.centre, supervised)
	require.NoError(t, join(waiting, supported))
	_, kinds := g.queue(t, g.centre)
	require.Equal(t, supported, kinds[len(kinds)-1], "at the end, for the kind named")

	// Accepted for supervised contact: it leaves the list, and waits for supervised contact only.
	g.accept(t, waiting, referral, supervised)
	before = events()
	notTheKind(join(waiting, supported))
	require.Equal(t, before, events(), "nothing appended")
	require.NoError(t, join(waiting, commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED), "the kind left out is the kind accepted")
	ids, kinds := g.queue(t, g.centre)
	require.Equal(t, waiting, ids[len(ids)-1])
	require.Equal(t, supervised, kinds[len(kinds)-1])
}
