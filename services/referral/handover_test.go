package referral_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
)

// Review 53, finding 3: a handover-only referral on which only the resident parent may bring and
// collect the children was accepted, arranged and booked, and the non-resident parent was refused
// at the door; a handover passes the children from the adult who brings them to another who
// collects them. It is refused at submission and amendment, at the other parent's may_collect,
// recording nothing and quoting nothing of the family; the father collecting puts it right.
func TestAHandoverNobodyCanBeHandedToIsRefused(t *testing.T) {
	g := newRig(t)
	ctx := t.Context()
	handover := commonv1.ServiceType_SERVICE_TYPE_HANDOVER
	w := g.casework(t, g.centre(t, handover, supported))
	onlyTheMother := func(d *referralv1.ReferralDetails) {
		d.Adults[1].MayAttend, d.Adults[1].MayBring, d.Adults[1].MayCollect = false, false, false
	}
	const field = "details.adults[1].may_collect"

	before := g.events(t)
	d := details(resident(), nonResident())
	onlyTheMother(d)
	_, err := w.c.SubmitReferral(ctx, submitRequest(w.centre, commonv1.ReferralSource_REFERRAL_SOURCE_CAFCASS, handover, d))
	refused(t, err, codes.InvalidArgument, field)
	require.Contains(t, violation(t, err, field), "only the one adult who may bring them may collect them")
	for _, secret := range secrets {
		require.NotContains(t, violation(t, err, field), secret)
	}
	require.Equal(t, before, g.events(t), "a refusal appends nothing")

	ref := w.submit(handover, func(d *referralv1.ReferralDetails) {
		onlyTheMother(d)
		d.Adults[1].MayCollect = true
	})
	opened, err := w.c.GetFamily(ctx, &referralv1.GetFamilyRequest{ReferralId: ref.GetReferralId(), CentreId: w.centre.String(),
		Purpose: "amend the details"})
	require.NoError(t, err)
	amended := proto.Clone(opened.GetFamily().GetDetails()).(*referralv1.ReferralDetails)
	amended.Adults[1].MayCollect = false
	before = g.events(t)
	_, err = w.c.AmendReferral(ctx, &referralv1.AmendReferralRequest{RequestId: uuid.NewString(), ReferralId: ref.GetReferralId(),
		CentreId: w.centre.String(), Details: amended})
	refused(t, err, codes.InvalidArgument, field)
	require.Equal(t, before, g.events(t), "a refusal appends nothing")
}
