package ports

import (
	"context"
	"time"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// ListFamilyBookings is a family's bookings at a centre, and the ending of its case once applied.
// The policy lets the centre's coordinator and safeguarding lead read it, and the staff gate has
// already refused anyone the register does not clear today (decision 110).
func (s *Server) ListFamilyBookings(ctx context.Context, req *schedulingv1.ListFamilyBookingsRequest) (*schedulingv1.ListFamilyBookingsResponse, error) {
	centre, err := id("centre_id", req.GetCentreId())
	if err != nil {
		return nil, err
	}
	family, err := id("family_id", req.GetFamilyId())
	if err != nil {
		return nil, err
	}
	var from time.Time
	if req.GetFrom() != nil {
		if from, err = domain.DateFromProto("from", req.GetFrom()); err != nil {
			return nil, err
		}
	}
	bookings, ending, err := s.app.FamilyBookings(ctx, centre, family, from)
	if err != nil {
		return nil, err
	}
	out := &schedulingv1.ListFamilyBookingsResponse{}
	for _, b := range bookings {
		out.Bookings = append(out.Bookings, &schedulingv1.FamilyBooking{Booking: bookingProto(b.Booking), RoomName: b.RoomName,
			CancelledByEnding: b.ByEnding})
	}
	if ending != nil {
		out.Ending = &schedulingv1.ContactEnding{ReferralId: ending.Referral.String(), EndedOn: dates.Proto(ending.On),
			Withdrawn: ending.Withdrawn}
	}
	return out, nil
}
