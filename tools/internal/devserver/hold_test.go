package devserver_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/grpcx"
	"github.com/familytime/familytime/tools/internal/devserver"
)

// tokenFor mints a dev token for someone with the role in the centre.
func (s *slice) tokenFor(t *testing.T, subject string, role auth.Role, centre string) string {
	t.Helper()
	key, err := auth.LoadOrCreateDevKey(filepath.Join(s.platform.Info.DataDir, "dev-signing-key.pem"))
	require.NoError(t, err)
	tok, err := auth.Mint(key, auth.MintOptions{Issuer: devserver.Issuer, Audience: devserver.Audience,
		Subject: subject, Roles: []auth.Role{role}, Centres: []uuid.UUID{uuid.MustParse(centre)}, TTL: time.Hour})
	require.NoError(t, err)
	return tok
}

func (s *slice) referral(t *testing.T, token string) referralv1.ReferralServiceClient {
	conn, err := grpcx.Dial(s.platform.Info.Services["referral"], token)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	return referralv1.NewReferralServiceClient(conn)
}

func (s *slice) safeguarding(t *testing.T, token string) safeguardingv1.SafeguardingServiceClient {
	conn, err := grpcx.Dial(s.platform.Info.Services["safeguarding"], token)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	return safeguardingv1.NewSafeguardingServiceClient(conn)
}

func reasonOf(err error) string {
	for _, d := range status.Convert(err).Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			return info.GetReason()
		}
	}
	return ""
}

func londonToday() time.Time {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic(err)
	}
	now := time.Now().In(london)
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
}

func dateOf(d time.Time) *commonv1.Date {
	return &commonv1.Date{Year: int32(d.Year()), Month: int32(d.Month()), Day: int32(d.Day())}
}

func adultOf(r *referralv1.Referral, role referralv1.AdultRole) string {
	for _, a := range r.GetAdults() {
		if a.GetRole() == role {
			return a.GetPersonId()
		}
	}
	return ""
}

// The cross-service flow of a safeguarding hold, through the real services on one JetStream:
// referral makes a family ready and scheduling learns of it; the family is booked; a volunteer's
// concern leads the safeguarding lead to place a hold, which cancels the booking in scheduling
// (reason hold), suspends the case in referral and refuses new bookings; lifting it resumes the
// case and bookings are taken again.
func TestHoldCancelsBookingsAndSuspendsTheCaseUntilLifted(t *testing.T) {
	s := startSlice(t)
	ctx := t.Context()
	const within, every = 30 * time.Second, 20 * time.Millisecond

	registered, err := s.scheduling(t, s.platform.Info.AdminToken).RegisterCentre(ctx,
		&schedulingv1.RegisterCentreRequest{RequestId: uuid.NewString(), Details: riverside()})
	require.NoError(t, err)
	centre := registered.GetCentre().GetCentreId()
	coordinator := s.tokenFor(t, "coordinator-1", auth.RoleCoordinator, centre)
	ref := s.referral(t, coordinator)
	sched := s.scheduling(t, coordinator)
	// The coordinator is on the centre's staff register: only cleared staff read the day sheet
	// (decision 103). The administrator adds them (decisions.md 93).
	trained := dateOf(londonToday().AddDate(0, -3, 0))
	_, err = s.scheduling(t, s.platform.Info.AdminToken).AddStaffMember(ctx, &schedulingv1.AddStaffMemberRequest{RequestId: uuid.NewString(),
		CentreId: centre, AccountId: "coordinator-1", Role: schedulingv1.StaffRole_STAFF_ROLE_COORDINATOR, DbsCheckedOn: trained,
		TrainedOn: trained, JoinedOn: trained})
	require.NoError(t, err)

	// A family's path to ready for contact; referral learns of the centre from scheduling's stream.
	supported := commonv1.ServiceType_SERVICE_TYPE_SUPPORTED
	today := londonToday()
	submit := &referralv1.SubmitReferralRequest{RequestId: uuid.NewString(), CentreId: centre,
		Source: commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, RequestedServiceType: supported,
		Details: &referralv1.ReferralDetails{
			Adults: []*referralv1.Adult{
				{Role: referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT, FullName: "Amelia Primrose", ParentalResponsibility: true, MayAttend: true, MayBring: true, MayCollect: true,
					Contact: &referralv1.ContactDetails{AddressLines: []string{"12 Primrose Lane"}, Postcode: "M1 4BT", Phone: "07700 900123"}},
				{Role: referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT, FullName: "Jordan Kestrel", ParentalResponsibility: true, MayAttend: true,
					Contact: &referralv1.ContactDetails{AddressLines: []string{"4 Kestrel Court"}, Postcode: "M1 4BT", Phone: "07700 900456"}},
			},
			Children: []*referralv1.Child{{FullName: "Amelia Kestrel Junior", DateOfBirth: dateOf(today.AddDate(-6, -2, 0))}},
			Reason:   "Contact broke down after separation", Risk: &referralv1.RiskAnswers{}, ConsentGiven: true,
			Referrer: &referralv1.Referrer{Name: "Sam Solicitor", Organisation: "Law & Co"},
		}}
	var submitted *referralv1.SubmitReferralResponse
	require.Eventually(t, func() bool {
		resp, err := ref.SubmitReferral(ctx, submit) // a refusal records nothing: the same request id again
		submitted = resp
		return err == nil
	}, within, every, "referral learns of the centre from scheduling's stream")
	referralID, family := submitted.GetReferral().GetReferralId(), submitted.GetReferral().GetFamilyId()

	_, err = ref.RecordScreening(ctx, &referralv1.RecordScreeningRequest{RequestId: uuid.NewString(), ReferralId: referralID,
		CentreId: centre, Rating: referralv1.RiskRating_RISK_RATING_AMBER})
	require.NoError(t, err)
	accepted, err := ref.AcceptReferral(ctx, &referralv1.AcceptReferralRequest{RequestId: uuid.NewString(), ReferralId: referralID,
		CentreId: centre, ServiceType: supported})
	require.NoError(t, err)
	for _, role := range []referralv1.AdultRole{referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT, referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT} {
		_, err := ref.RecordPreVisit(ctx, &referralv1.RecordPreVisitRequest{RequestId: uuid.NewString(), ReferralId: referralID,
			CentreId: centre, PersonId: adultOf(accepted.GetReferral(), role), VisitedOn: dateOf(today), GroundRulesSigned: true})
		require.NoError(t, err)
	}
	ready, err := ref.AgreeArrangement(ctx, &referralv1.AgreeArrangementRequest{RequestId: uuid.NewString(), ReferralId: referralID,
		CentreId: centre, Arrangement: &referralv1.Arrangement{ServiceType: supported,
			Frequency: referralv1.ContactFrequency_CONTACT_FREQUENCY_FORTNIGHTLY, SessionMinutes: 120,
			Stagger: &referralv1.Stagger{ArrivalMinutes: 15, DepartureMinutes: 15}}})
	require.NoError(t, err)
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_READY_FOR_CONTACT, ready.GetReferral().GetState())
	caseState := func() referralv1.ReferralState {
		got, err := ref.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: referralID, CentreId: centre})
		if err != nil {
			return referralv1.ReferralState_REFERRAL_STATE_UNSPECIFIED
		}
		return got.GetReferral().GetState()
	}
	// bookUntil books until scheduling stops refusing for the reason it gives while an event is on
	// its way; any other answer ends the wait.
	bookUntil := func(req *schedulingv1.BookSessionRequest, waitingFor, msg string) *schedulingv1.BookSessionResponse {
		t.Helper()
		var resp *schedulingv1.BookSessionResponse
		var err error
		require.Eventually(t, func() bool {
			resp, err = sched.BookSession(ctx, req) // a refusal records nothing: the same request id again
			// Until referral's events reach it, scheduling may not know the family at all: not
			// found (decision 301), then not ready.
			return err == nil || reasonOf(err) != waitingFor && status.Code(err) != codes.NotFound
		}, within, every, msg)
		require.NoError(t, err, msg)
		return resp
	}

	// The centre's timetable: a room and a weekly opening on the weekday a week from today, for
	// the next weeks (the pre-visit was today, so the earliest bookable day is tomorrow).
	room, err := sched.AddRoom(ctx, &schedulingv1.AddRoomRequest{RequestId: uuid.NewString(), CentreId: centre, Name: "Garden room", Capacity: 4})
	require.NoError(t, err)
	roomID := room.GetRoom().GetRoomId()
	first, second := today.AddDate(0, 0, 7), today.AddDate(0, 0, 14)
	pattern, err := sched.DefineOpeningPattern(ctx, &schedulingv1.DefineOpeningPatternRequest{RequestId: uuid.NewString(), CentreId: centre,
		Recurrence: schedulingv1.Recurrence_RECURRENCE_WEEKLY, Weekday: schedulingv1.Weekday(int(first.Weekday()+6)%7 + 1),
		StartTime: &schedulingv1.LocalTime{Hour: 10}, EndTime: &schedulingv1.LocalTime{Hour: 12, Minute: 30},
		FirstDate: dateOf(today), LastDate: dateOf(today.AddDate(0, 0, 42)), RoomIds: []string{roomID}})
	require.NoError(t, err)
	book := func(on time.Time) *schedulingv1.BookSessionRequest {
		return &schedulingv1.BookSessionRequest{RequestId: uuid.NewString(), CentreId: centre, FamilyId: family,
			PatternId: pattern.GetPattern().GetPatternId(), Date: dateOf(on), RoomId: roomID}
	}

	// Scheduling learns the family is ready from referral's FamilyReadyForContact.
	booked := bookUntil(book(first), "NOT_READY_FOR_CONTACT", "scheduling learns the family is ready")
	bookingID := booked.GetBooking().GetBookingId()
	require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED, booked.GetBooking().GetStatus())

	// A volunteer raises a concern; the lead places a hold for it.
	volunteer := s.safeguarding(t, s.tokenFor(t, "volunteer-1", auth.RoleVolunteer, centre))
	lead := s.safeguarding(t, s.tokenFor(t, "lead-1", auth.RoleSafeguardingLead, centre))
	// The lead lifts the hold while the register clears them (decision 109).
	_, err = s.scheduling(t, s.platform.Info.AdminToken).AddStaffMember(ctx, &schedulingv1.AddStaffMemberRequest{RequestId: uuid.NewString(),
		CentreId: centre, AccountId: "lead-1", Role: schedulingv1.StaffRole_STAFF_ROLE_SAFEGUARDING_LEAD, DbsCheckedOn: trained,
		TrainedOn: trained, JoinedOn: trained})
	require.NoError(t, err)
	concern, err := volunteer.RaiseConcern(ctx, &safeguardingv1.RaiseConcernRequest{RequestId: uuid.NewString(), CentreId: centre,
		FamilyId: family, Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_HANDOVER_CONDUCT,
		Description: "Raised voices at the door at handover", PersonIds: []string{adultOf(accepted.GetReferral(), referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT)}})
	require.NoError(t, err)
	placed, err := lead.PlaceHold(ctx, &safeguardingv1.PlaceHoldRequest{RequestId: uuid.NewString(), CentreId: centre, FamilyId: family,
		Reason: safeguardingv1.HoldReason_HOLD_REASON_CONCERN_UNDER_INVESTIGATION, ReviewBy: dateOf(today.AddDate(0, 0, 14)),
		ConcernId: concern.GetConcernId()})
	require.NoError(t, err)

	// Scheduling cancels the booking (reason hold) and the day sheet says so.
	var entry *schedulingv1.DaySheetEntry
	require.Eventually(t, func() bool {
		sheet, err := sched.GetDaySheet(ctx, &schedulingv1.GetDaySheetRequest{CentreId: centre, Date: dateOf(first)})
		if err != nil || len(sheet.GetEntries()) != 1 {
			return false
		}
		entry = sheet.GetEntries()[0]
		return entry.GetBooking().GetStatus() == schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED
	}, within, every, "the hold cancels the family's future booking")
	require.Equal(t, bookingID, entry.GetBooking().GetBookingId())
	require.Equal(t, schedulingv1.CancellationReason_CANCELLATION_REASON_HOLD, entry.GetBooking().GetCancellationReason())
	require.Contains(t, entry.GetAlerts(), schedulingv1.Alert_ALERT_ON_HOLD)

	// Referral suspends the case.
	require.Eventually(t, func() bool { return caseState() == referralv1.ReferralState_REFERRAL_STATE_SUSPENDED },
		within, every, "the hold suspends the case")

	// No new booking while the hold is in force.
	_, err = sched.BookSession(ctx, book(second))
	require.Equal(t, codes.FailedPrecondition, status.Code(err), "%v", err)
	require.Equal(t, "ON_HOLD", reasonOf(err))

	// Lifting the hold resumes the case and bookings are taken again.
	_, err = lead.LiftHold(ctx, &safeguardingv1.LiftHoldRequest{RequestId: uuid.NewString(), CentreId: centre, FamilyId: family,
		HoldId: placed.GetHold().GetHoldId(), Note: "Investigated: no further risk"})
	require.NoError(t, err)
	require.Eventually(t, func() bool { return caseState() == referralv1.ReferralState_REFERRAL_STATE_READY_FOR_CONTACT },
		within, every, "lifting the hold resumes the case")
	booked = bookUntil(book(second), "ON_HOLD", "scheduling takes bookings again once the hold is lifted")
	require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED, booked.GetBooking().GetStatus())
	require.Equal(t, dateOf(second).String(), booked.GetBooking().GetDate().String())

	// The cancelled booking stays cancelled: lifting a hold does not restore what it cancelled.
	sheet, err := sched.GetDaySheet(ctx, &schedulingv1.GetDaySheetRequest{CentreId: centre, Date: dateOf(first)})
	require.NoError(t, err)
	require.Len(t, sheet.GetEntries(), 1)
	require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED, sheet.GetEntries()[0].GetBooking().GetStatus())
}
