package devserver_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/timestamppb"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	devv1 "github.com/familytime/familytime/proto/gen/go/familytime/dev/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	reportingv1 "github.com/familytime/familytime/proto/gen/go/familytime/reporting/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/grpcx"
	"github.com/familytime/familytime/tools/internal/devserver"
)

// One family's whole path through the four services, on real PostgreSQL and JetStream and the dev
// platform's simulated clock, through the gRPC APIs with each person's own token: a local
// authority refers a child for supervised contact on Tuesday 7 April 2026; the coordinator screens,
// accepts, holds the pre-visits and agrees the arrangement, and books the Tuesday after; the next
// day a volunteer raises a concern and the safeguarding lead places a hold (the booking is
// cancelled, the case suspended), lifted on the Friday (the case resumes); the family attends a
// supervised session on 21 April (its report is due, drafted by the supervisor, checked and
// released by the lead), does not come on 28 April (unexplained), and the case ends on 29 April,
// stepped down to supported contact. Reporting then holds the family's history, every step in
// order, in plain words and without personal data; it verifies; as it stood before the hold it has
// the concern and not the hold; and the figures for the quarter and the year are the ones counted
// by hand below.
func TestAFamilysWholePathThroughTheFourServices(t *testing.T) {
	p := startOnServer(t, devserver.Config{DataDir: t.TempDir(), Clock: devserver.ClockSimulated})
	s := &slice{platform: p}
	ctx := t.Context()
	const within, every = 30 * time.Second, 20 * time.Millisecond

	london, err := time.LoadLocation("Europe/London")
	require.NoError(t, err)
	day := func(month time.Month, d int) time.Time { return time.Date(2026, month, d, 0, 0, 0, 0, time.UTC) }
	at := func(d time.Time, h, m int) time.Time {
		return time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, london)
	}
	clockConn, err := grpcx.Dial(p.Info.ClockAddr, p.Info.AdminToken)
	require.NoError(t, err)
	t.Cleanup(func() { clockConn.Close() })
	clock := devv1.NewDevClockServiceClient(clockConn)
	// advance settles the platform (every event published and every consumer's reaction made),
	// then moves the services' clock to the instant.
	advance := func(to time.Time) {
		t.Helper()
		moved, err := clock.AdvanceClock(ctx, &devv1.AdvanceClockRequest{To: timestamppb.New(to)})
		require.NoError(t, err)
		require.True(t, moved.GetNow().AsTime().Equal(to))
	}

	received := day(time.April, 7)     // a Tuesday: the referral, and the room's first opening
	cancelledOn := day(time.April, 14) // the booking the hold cancels
	firstOn := day(time.April, 21)     // the session attended
	noShowOn := day(time.April, 28)    // the no-show
	advance(at(received, 8, 0))

	registered, err := s.scheduling(t, p.Info.AdminToken).RegisterCentre(ctx,
		&schedulingv1.RegisterCentreRequest{RequestId: uuid.NewString(), Details: riverside()})
	require.NoError(t, err)
	centre := registered.GetCentre().GetCentreId()
	coordinator := s.tokenFor(t, "coordinator-1", auth.RoleCoordinator, centre)
	ref, sched := s.referral(t, coordinator), s.scheduling(t, coordinator)
	door := s.scheduling(t, s.tokenFor(t, "volunteer-1", auth.RoleVolunteer, centre))
	supervisorSched := s.scheduling(t, s.tokenFor(t, "supervisor-1", auth.RoleSupervisor, centre))
	volunteer := s.safeguarding(t, s.tokenFor(t, "volunteer-1", auth.RoleVolunteer, centre))
	supervisor := s.safeguarding(t, s.tokenFor(t, "supervisor-1", auth.RoleSupervisor, centre))
	lead := s.safeguarding(t, s.tokenFor(t, "lead-1", auth.RoleSafeguardingLead, centre))
	// The supervisor, the volunteer and the lead are on the centre's staff register, DBS-checked
	// and trained: only cleared staff record a session, only a cleared contact supervisor
	// completes a supervised one, and only cleared staff write, check and release its report
	// (decisions.md 82, 88 and 96), and only cleared staff, the coordinator too, read the day
	// sheet (decision 103). The administrator adds them: a coordinator keeps the register only
	// once on it (decisions.md 93).
	for account, role := range map[string]schedulingv1.StaffRole{"coordinator-1": schedulingv1.StaffRole_STAFF_ROLE_COORDINATOR,
		"supervisor-1": schedulingv1.StaffRole_STAFF_ROLE_CONTACT_SUPERVISOR,
		"volunteer-1":  schedulingv1.StaffRole_STAFF_ROLE_VOLUNTEER, "lead-1": schedulingv1.StaffRole_STAFF_ROLE_SAFEGUARDING_LEAD} {
		_, err = s.scheduling(t, p.Info.AdminToken).AddStaffMember(ctx, &schedulingv1.AddStaffMemberRequest{RequestId: uuid.NewString(), CentreId: centre,
			AccountId: account, Role: role, DbsCheckedOn: dateOf(received.AddDate(0, -6, 0)),
			TrainedOn: dateOf(received.AddDate(0, -5, 0)), JoinedOn: dateOf(received.AddDate(0, -5, 0))})
		require.NoError(t, err)
	}

	// What was submitted about the family: none of it may appear in reporting.
	personal := struct {
		mother, father, child, referrer, organisation  string
		motherStreet, fatherStreet, postcode, phone    string
		reason, concern, observation, wellbeing, times string
		holdNote, liftNote, endNote, birthDate         string
	}{
		mother: "Harriet Lindqvist", father: "Osric Pemberton-Vale", child: "Wren Lindqvist-Vale", referrer: "Anjali Mistry-Hughes",
		organisation: "Northbridge Children's Services", motherStreet: "27 Quillfeather Row", fatherStreet: "9 Bramblecote Mews",
		postcode: "M14 7QZ", phone: "07700 900781", reason: "Contact lapsed after the father moved out of the county",
		concern: "Father shouted at the resident parent in the car park", observation: "Wren built a marble run with her father",
		wellbeing: "Wren was settled and chatty throughout", times: "Father arrived at 09:58 and left at 12:01",
		holdNote: "Pending a conversation with the allocated social worker", liftNote: "Social worker satisfied: no further risk",
		endNote: "Moving to supported contact at the Saturday centre", birthDate: "2019-11-23",
	}

	// The referral; referral learns of the centre from scheduling's stream.
	supervised := commonv1.ServiceType_SERVICE_TYPE_SUPERVISED
	submit := &referralv1.SubmitReferralRequest{RequestId: uuid.NewString(), CentreId: centre,
		Source: commonv1.ReferralSource_REFERRAL_SOURCE_LOCAL_AUTHORITY, RequestedServiceType: supervised,
		Details: &referralv1.ReferralDetails{
			Adults: []*referralv1.Adult{
				{Role: referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT, FullName: personal.mother, ParentalResponsibility: true,
					MayBring: true, MayCollect: true, Relationship: "Mother",
					Contact: &referralv1.ContactDetails{AddressLines: []string{personal.motherStreet}, Postcode: personal.postcode, Phone: personal.phone}},
				{Role: referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT, FullName: personal.father, ParentalResponsibility: true,
					MayAttend: true, Relationship: "Father",
					Contact: &referralv1.ContactDetails{AddressLines: []string{personal.fatherStreet}, Postcode: personal.postcode}},
			},
			Children:      []*referralv1.Child{{FullName: personal.child, DateOfBirth: &commonv1.Date{Year: 2019, Month: 11, Day: 23}}},
			Reason:        personal.reason,
			Risk:          &referralv1.RiskAnswers{},
			ConsentGiven:  true,
			CourtInvolved: true, CafcassInvolved: true,
			Referrer: &referralv1.Referrer{Name: personal.referrer, Organisation: personal.organisation, Phone: personal.phone},
		}}
	var submitted *referralv1.SubmitReferralResponse
	require.Eventually(t, func() bool {
		resp, err := ref.SubmitReferral(ctx, submit) // a refusal records nothing: the same request id again
		submitted = resp
		return err == nil
	}, within, every, "referral learns of the centre from scheduling's stream")
	referralID, family := submitted.GetReferral().GetReferralId(), submitted.GetReferral().GetFamilyId()
	require.Len(t, submitted.GetReferral().GetChildren(), 1)
	child := submitted.GetReferral().GetChildren()[0].GetPersonId()
	mother := adultOf(submitted.GetReferral(), referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT)
	father := adultOf(submitted.GetReferral(), referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT)
	// Later that morning (safeguarding has screened the referral provisionally from its answers)
	// the coordinator screens and accepts it, holds both pre-visits and agrees the arrangement.
	advance(at(received, 11, 0))

	_, err = ref.RecordScreening(ctx, &referralv1.RecordScreeningRequest{RequestId: uuid.NewString(), ReferralId: referralID,
		CentreId: centre, Rating: referralv1.RiskRating_RISK_RATING_AMBER})
	require.NoError(t, err)
	// Safeguarding takes the coordinator's amber screen, above the answers' green, as the family's
	// screen for the lead (decision 159): settled at the same instant, before the acceptance.
	advance(at(received, 11, 0))
	reviews, err := lead.ListRiskReviews(ctx, &safeguardingv1.ListRiskReviewsRequest{CentreId: centre})
	require.NoError(t, err)
	require.Len(t, reviews.GetReviews(), 1, "the lead's list has the coordinator's screen")
	require.Equal(t, safeguardingv1.RiskRating_RISK_RATING_AMBER, reviews.GetReviews()[0].GetRisk().GetRating())
	_, err = ref.AcceptReferral(ctx, &referralv1.AcceptReferralRequest{RequestId: uuid.NewString(), ReferralId: referralID,
		CentreId: centre, ServiceType: supervised})
	require.NoError(t, err)
	// Scheduling notes the acceptance (ReferralNoted) before the pre-visits are recorded: the
	// platform settles at the same instant, so the history's order does not race.
	advance(at(received, 11, 0))
	for _, person := range []string{mother, father} {
		_, err := ref.RecordPreVisit(ctx, &referralv1.RecordPreVisitRequest{RequestId: uuid.NewString(), ReferralId: referralID,
			CentreId: centre, PersonId: person, VisitedOn: dateOf(received), GroundRulesSigned: true})
		require.NoError(t, err)
	}
	ready, err := ref.AgreeArrangement(ctx, &referralv1.AgreeArrangementRequest{RequestId: uuid.NewString(), ReferralId: referralID,
		CentreId: centre, Arrangement: &referralv1.Arrangement{ServiceType: supervised,
			Frequency: referralv1.ContactFrequency_CONTACT_FREQUENCY_WEEKLY, SessionMinutes: 90,
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

	// Supervised contact by appointment: one room suitable for it, open Tuesdays 10:00 to 12:00
	// for five weeks from the day of the referral.
	room, err := sched.AddRoom(ctx, &schedulingv1.AddRoomRequest{RequestId: uuid.NewString(), CentreId: centre,
		Name: "Observation room", Capacity: 1, SupervisedSuitable: true})
	require.NoError(t, err)
	roomID := room.GetRoom().GetRoomId()
	pattern, err := sched.DefineOpeningPattern(ctx, &schedulingv1.DefineOpeningPatternRequest{RequestId: uuid.NewString(), CentreId: centre,
		Recurrence: schedulingv1.Recurrence_RECURRENCE_WEEKLY, Weekday: schedulingv1.Weekday_WEEKDAY_TUESDAY,
		StartTime: &schedulingv1.LocalTime{Hour: 10}, EndTime: &schedulingv1.LocalTime{Hour: 12},
		FirstDate: dateOf(received), LastDate: dateOf(received.AddDate(0, 0, 28)), RoomIds: []string{roomID}, TimeZone: "Europe/London"})
	require.NoError(t, err)
	book := func(on time.Time) *schedulingv1.BookSessionRequest {
		return &schedulingv1.BookSessionRequest{RequestId: uuid.NewString(), CentreId: centre, FamilyId: family,
			PatternId: pattern.GetPattern().GetPatternId(), Date: dateOf(on), RoomId: roomID}
	}
	bookUntil := func(req *schedulingv1.BookSessionRequest, waitingFor, msg string) *schedulingv1.Booking {
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
		require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED, resp.GetBooking().GetStatus())
		return resp.GetBooking()
	}
	cancelled := bookUntil(book(cancelledOn), "NOT_READY_FOR_CONTACT", "scheduling learns the family is ready")

	// Wednesday: a volunteer raises a concern about the handover.
	advance(at(received.AddDate(0, 0, 1), 9, 0))
	concern, err := volunteer.RaiseConcern(ctx, &safeguardingv1.RaiseConcernRequest{RequestId: uuid.NewString(), CentreId: centre,
		FamilyId: family, Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_HANDOVER_CONDUCT,
		Description: personal.concern, PersonIds: []string{father}})
	require.NoError(t, err)
	advance(at(received.AddDate(0, 0, 1), 9, 30))
	history := s.reporting(t, coordinator)
	historyReq := &reportingv1.GetFamilyHistoryRequest{FamilyId: family, CentreId: centre, Purpose: reportingv1.HistoryReadPurpose_HISTORY_READ_PURPOSE_CASE_REVIEW}
	var beforeHold *reportingv1.GetFamilyHistoryResponse
	require.Eventually(t, func() bool {
		h, err := history.GetFamilyHistory(ctx, historyReq)
		beforeHold = h
		return err == nil && len(h.GetEntries()) > 0 &&
			h.GetEntries()[len(h.GetEntries())-1].GetEventType() == "familytime.safeguarding.v1.LeadAlerted"
	}, within, every, "reporting has the concern")
	beforeHoldAt := beforeHold.GetEntries()[len(beforeHold.GetEntries())-1].GetRecordedAt()

	// The lead places a hold: scheduling cancels the booking (reason hold), referral suspends the
	// case, and no booking is taken while it is in force.
	placed, err := lead.PlaceHold(ctx, &safeguardingv1.PlaceHoldRequest{RequestId: uuid.NewString(), CentreId: centre, FamilyId: family,
		Reason: safeguardingv1.HoldReason_HOLD_REASON_CONCERN_UNDER_INVESTIGATION, ReviewBy: dateOf(received.AddDate(0, 0, 15)),
		ConcernId: concern.GetConcernId(), Note: personal.holdNote})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		sheet, err := sched.GetDaySheet(ctx, &schedulingv1.GetDaySheetRequest{CentreId: centre, Date: dateOf(cancelledOn)})
		return err == nil && len(sheet.GetEntries()) == 1 && sheet.GetEntries()[0].GetBooking().GetBookingId() == cancelled.GetBookingId() &&
			sheet.GetEntries()[0].GetBooking().GetStatus() == schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED &&
			sheet.GetEntries()[0].GetBooking().GetCancellationReason() == schedulingv1.CancellationReason_CANCELLATION_REASON_HOLD
	}, within, every, "the hold cancels the booking")
	require.Eventually(t, func() bool { return caseState() == referralv1.ReferralState_REFERRAL_STATE_SUSPENDED },
		within, every, "the hold suspends the case")
	_, err = sched.BookSession(ctx, book(firstOn))
	require.Equal(t, "ON_HOLD", reasonOf(err), "%v", err)

	// Friday: the lead lifts the hold; the case resumes and the family is booked again.
	advance(at(received.AddDate(0, 0, 3), 9, 0))
	_, err = lead.LiftHold(ctx, &safeguardingv1.LiftHoldRequest{RequestId: uuid.NewString(), CentreId: centre, FamilyId: family,
		HoldId: placed.GetHold().GetHoldId(), Note: personal.liftNote})
	require.NoError(t, err)
	require.Eventually(t, func() bool { return caseState() == referralv1.ReferralState_REFERRAL_STATE_READY_FOR_CONTACT },
		within, every, "lifting the hold resumes the case")
	attended := bookUntil(book(firstOn), "ON_HOLD", "scheduling books again once the hold is lifted")
	booked, err := sched.BookSession(ctx, book(noShowOn))
	require.NoError(t, err)
	missed := booked.GetBooking()

	// 21 April: the father and the child come, are checked in, and the session is completed by
	// the supervisor who supervised it.
	advance(at(firstOn, 10, 20))
	for _, person := range []string{father, child} {
		in, err := door.CheckIn(ctx, &schedulingv1.CheckInRequest{RequestId: uuid.NewString(), CentreId: centre,
			BookingId: attended.GetBookingId(), PersonId: person})
		require.NoError(t, err)
		require.True(t, in.GetAdmitted(), in.GetRefusal())
	}
	_, err = door.RecordArrival(ctx, &schedulingv1.RecordArrivalRequest{RequestId: uuid.NewString(), CentreId: centre,
		BookingId: attended.GetBookingId(), Party: schedulingv1.Party_PARTY_VISITING, Time: &schedulingv1.LocalTime{Hour: 10},
		PersonIds: []string{father}})
	require.NoError(t, err)
	_, err = door.RecordArrival(ctx, &schedulingv1.RecordArrivalRequest{RequestId: uuid.NewString(), CentreId: centre,
		BookingId: attended.GetBookingId(), Party: schedulingv1.Party_PARTY_CHILDREN, Time: &schedulingv1.LocalTime{Hour: 10, Minute: 15},
		PersonIds: []string{mother, child}})
	require.NoError(t, err)
	advance(at(firstOn, 12, 0))
	_, err = door.RecordDeparture(ctx, &schedulingv1.RecordDepartureRequest{RequestId: uuid.NewString(), CentreId: centre,
		BookingId: attended.GetBookingId(), Party: schedulingv1.Party_PARTY_CHILDREN, Time: &schedulingv1.LocalTime{Hour: 11, Minute: 45},
		PersonIds: []string{mother, child}})
	require.NoError(t, err)
	_, err = door.RecordDeparture(ctx, &schedulingv1.RecordDepartureRequest{RequestId: uuid.NewString(), CentreId: centre,
		BookingId: attended.GetBookingId(), Party: schedulingv1.Party_PARTY_VISITING, Time: &schedulingv1.LocalTime{Hour: 12},
		PersonIds: []string{father}})
	require.NoError(t, err)
	// The supervisor completes their own session: supervised_by unset is the token's account,
	// supervisor-1, the cleared contact supervisor on the register.
	completed, err := supervisorSched.CompleteSession(ctx, &schedulingv1.CompleteSessionRequest{RequestId: uuid.NewString(), CentreId: centre,
		BookingId: attended.GetBookingId()})
	require.NoError(t, err)
	require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_COMPLETED, completed.GetBooking().GetStatus())
	require.Eventually(t, func() bool { return caseState() == referralv1.ReferralState_REFERRAL_STATE_IN_CONTACT },
		within, every, "referral learns of the first session attended")

	// Safeguarding makes the session's report due; its id is in the report's stream name
	// (report-<id>, decisions.md 50), which the family's history shows.
	var reportID string
	require.Eventually(t, func() bool {
		h, err := history.GetFamilyHistory(ctx, historyReq)
		if err != nil {
			return false
		}
		for _, e := range h.GetEntries() {
			if e.GetEventType() == "familytime.safeguarding.v1.ReportDue" {
				reportID = strings.TrimPrefix(e.GetStreamId(), "report-")
				return true
			}
		}
		return false
	}, within, every, "the supervised session's report is due")

	// Wednesday: the supervisor drafts and submits it; the lead checks it and releases it to the
	// distribution list.
	advance(at(firstOn.AddDate(0, 0, 1), 9, 0))
	section := func(kind safeguardingv1.ReportSectionKind, about, text string) *safeguardingv1.ReportSectionInput {
		return &safeguardingv1.ReportSectionInput{Kind: kind, AboutPersonId: about, Text: text}
	}
	drafted, err := supervisor.DraftReport(ctx, &safeguardingv1.DraftReportRequest{RequestId: uuid.NewString(), CentreId: centre, ReportId: reportID,
		Sections: []*safeguardingv1.ReportSectionInput{
			section(safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_OBSERVATION, "", personal.observation),
			section(safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_CHILD_WELLBEING, "", personal.wellbeing),
			section(safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_ARRIVAL_DEPARTURE, father, personal.times),
		}})
	require.NoError(t, err)
	require.Equal(t, attended.GetBookingId(), drafted.GetReport().GetBookingId())
	require.Equal(t, "supervisor-1", drafted.GetReport().GetAuthor())
	_, err = supervisor.SubmitReportForCheck(ctx, &safeguardingv1.SubmitReportForCheckRequest{RequestId: uuid.NewString(), CentreId: centre, ReportId: reportID})
	require.NoError(t, err)
	_, err = lead.GetReport(ctx, &safeguardingv1.GetReportRequest{CentreId: centre, ReportId: reportID, Purpose: "check the report"})
	require.NoError(t, err, "the second person reads it before checking it (decision 98)")
	checked, err := lead.CheckReport(ctx, &safeguardingv1.CheckReportRequest{RequestId: uuid.NewString(), CentreId: centre, ReportId: reportID, Approved: true})
	require.NoError(t, err)
	require.Equal(t, "lead-1", checked.GetReport().GetChecker())
	released, err := lead.ReleaseReport(ctx, &safeguardingv1.ReleaseReportRequest{RequestId: uuid.NewString(), CentreId: centre, ReportId: reportID,
		Recipients: []*safeguardingv1.RecipientInput{
			{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_PARENT, PersonId: mother},
			{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_PARENT, PersonId: father},
			{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_LOCAL_AUTHORITY},
			{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_COURT},
		}})
	require.NoError(t, err)
	require.Equal(t, safeguardingv1.ReportState_REPORT_STATE_RELEASED, released.GetReport().GetState())
	require.Len(t, released.GetRecipients(), 4)

	// 28 April: the father does not come, and gives no reason.
	advance(at(noShowOn, 10, 20))
	noShow, err := door.RecordNoShow(ctx, &schedulingv1.RecordNoShowRequest{RequestId: uuid.NewString(), CentreId: centre,
		BookingId: missed.GetBookingId(), Party: schedulingv1.Party_PARTY_VISITING})
	require.NoError(t, err)
	require.Equal(t, int32(1), noShow.GetUnexplainedNoShows())
	require.False(t, noShow.GetPlaceReleased(), "one unexplained no-show does not release the place")

	// 29 April: the case ends, stepped down to supported contact.
	endedOn := noShowOn.AddDate(0, 0, 1)
	advance(at(endedOn, 9, 0))
	ended, err := ref.EndCase(ctx, &referralv1.EndCaseRequest{RequestId: uuid.NewString(), ReferralId: referralID, CentreId: centre,
		Outcome: referralv1.CaseOutcome_CASE_OUTCOME_STEPPED_DOWN_TO_SUPPORTED, Note: personal.endNote})
	require.NoError(t, err)
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_ENDED, ended.GetReferral().GetState())
	advance(at(endedOn, 9, 30))

	// The history: every step in order, from the three services, the reactions included. Each
	// group is one step; a step's events are in any order among themselves (two services react to
	// one event at once), the steps in this order.
	var h *reportingv1.GetFamilyHistoryResponse
	require.Eventually(t, func() bool {
		h, err = history.GetFamilyHistory(ctx, historyReq)
		return err == nil && len(h.GetEntries()) > 0 &&
			h.GetEntries()[len(h.GetEntries())-1].GetEventType() == "familytime.scheduling.v1.ContactEnded"
	}, within, every, "reporting has the case's end")
	const (
		referral     = "familytime.referral.v1."
		scheduling   = "familytime.scheduling.v1."
		safeguarding = "familytime.safeguarding.v1."
	)
	steps := [][]string{
		{referral + "ReferralReceived"},
		{safeguarding + "RiskScreenedProvisionally"}, // safeguarding's reaction
		{referral + "ScreeningRecorded"},
		{safeguarding + "RiskScreenedProvisionally"}, // the coordinator's screen, above the answers' (decision 159)
		{referral + "ReferralAccepted"},
		{scheduling + "ReferralNoted"}, // scheduling's reaction
		{referral + "PreVisitCompleted"},
		{referral + "PreVisitCompleted"},
		{referral + "ArrangementAgreed", referral + "FamilyReadyForContact"},
		{scheduling + "FamilyReadyNoted"}, // scheduling's reaction
		{scheduling + "SessionBooked", scheduling + "PlaceTaken"},
		{safeguarding + "ConcernRaised", safeguarding + "LeadAlerted"},
		{safeguarding + "HoldPlaced"},
		{referral + "CaseSuspended", scheduling + "HoldNoted", scheduling + "BookingCancelled", scheduling + "PlaceFreed"},
		{safeguarding + "HoldLifted"},
		{referral + "CaseResumed", scheduling + "HoldLiftNoted"},
		{scheduling + "SessionBooked", scheduling + "PlaceTaken"},
		{scheduling + "SessionBooked", scheduling + "PlaceTaken"},
		{scheduling + "PersonCheckedIn"},
		{scheduling + "PersonCheckedIn"},
		{scheduling + "PartyArrived"},
		{scheduling + "PartyArrived"},
		{scheduling + "PartyDeparted"},
		{scheduling + "PartyDeparted"},
		{scheduling + "SessionCompleted"},
		{referral + "FirstSessionAttended", safeguarding + "ReportDue"},
		{safeguarding + "ReportDrafted"},
		{safeguarding + "ReportSubmittedForCheck"},
		{safeguarding + "AccessRecorded"}, // the lead reads it before checking it (decision 98)
		{safeguarding + "ReportChecked"},
		{safeguarding + "ReportReleased"},
		{scheduling + "NoShowRecorded"},
		{referral + "CaseEnded"},
		{scheduling + "ContactEnded"},
	}
	var listed [][]string
	next := 0
	for _, step := range steps {
		end := min(next+len(step), len(h.GetEntries()))
		var got []string
		for _, e := range h.GetEntries()[next:end] {
			got = append(got, e.GetEventType())
		}
		listed = append(listed, got)
		next = end
	}
	var rest []string
	for _, e := range h.GetEntries()[next:] {
		rest = append(rest, e.GetEventType())
	}
	for i := range steps {
		require.ElementsMatch(t, steps[i], listed[i], "step %d of the history; as listed: %v", i+1, listed)
	}
	require.Empty(t, rest, "nothing after the case's end")

	// Each entry in plain words, by the person (account id) or the service that did it, and each
	// stream's events in its order.
	actors := map[string]bool{"coordinator-1": true, "volunteer-1": true, "supervisor-1": true, "lead-1": true,
		"service:referral": true, "service:scheduling": true, "service:safeguarding": true}
	versions := map[string]int64{}
	described := map[string][]string{}
	for i, e := range h.GetEntries() {
		require.NotEmpty(t, e.GetDescription(), e.GetEventType())
		require.NotContains(t, e.GetDescription(), "familytime.", "plain words, not the type")
		require.True(t, actors[e.GetActor()], "%s by %q", e.GetEventType(), e.GetActor())
		require.Equal(t, centre, e.GetCentreId(), e.GetEventType())
		require.Greater(t, e.GetStreamVersion(), versions[e.GetStreamId()], "%s in %s", e.GetEventType(), e.GetStreamId())
		versions[e.GetStreamId()] = e.GetStreamVersion()
		if i > 0 {
			require.False(t, e.GetRecordedAt().AsTime().Before(h.GetEntries()[i-1].GetRecordedAt().AsTime()), "in the order recorded")
		}
		described[e.GetEventType()] = append(described[e.GetEventType()], e.GetDescription())
	}
	for typ, words := range map[string]string{
		referral + "ReferralReceived":            "Referral received from a local authority for supervised contact, 1 child, court involved, Cafcass involved",
		scheduling + "BookingCancelled":          "Booking for 2026-04-14 cancelled by the system: hold",
		referral + "CaseSuspended":               "Case suspended by a safeguarding hold",
		referral + "CaseResumed":                 "Safeguarding hold lifted; contact resumes",
		scheduling + "SessionCompleted":          "Session completed (supervised), 1 child",
		referral + "FirstSessionAttended":        "First session attended: contact has begun",
		safeguarding + "ReportDue":               "Observation report due for the session of 2026-04-21",
		safeguarding + "ReportChecked":           "Observation report checked and approved",
		safeguarding + "ReportReleased":          "Observation report released to 4 recipients",
		referral + "CaseEnded":                   "Case ended on " + endedOn.Format(time.DateOnly) + ": stepped down to supported",
		safeguarding + "HoldPlaced":              "Hold placed: contact suspended (concern under investigation)",
		safeguarding + "ConcernRaised":           "Safeguarding concern raised: handover conduct",
		scheduling + "NoShowRecorded":            "No-show: the visiting parent did not come (unexplained, 1 since the place was last released)",
		safeguarding + "ReportSubmittedForCheck": "Observation report submitted for a second person's check",
	} {
		require.Equal(t, []string{words}, described[typ], typ)
	}
	require.Equal(t, []string{"Session booked (supervised) for 2026-04-14", "Session booked (supervised) for 2026-04-21",
		"Session booked (supervised) for 2026-04-28"}, described[scheduling+"SessionBooked"])

	// No personal data: nothing submitted about the family appears anywhere in the history.
	raw, err := protojson.Marshal(h)
	require.NoError(t, err)
	for _, words := range []string{personal.mother, personal.father, personal.child, personal.referrer, personal.organisation,
		personal.motherStreet, personal.fatherStreet, personal.postcode, personal.phone, personal.reason, personal.concern,
		personal.observation, personal.wellbeing, personal.times, personal.holdNote, personal.liftNote, personal.endNote,
		personal.birthDate, "Lindqvist", "Pemberton", "Wren", "Quillfeather", "Bramblecote", "M14"} {
		require.NotContains(t, string(raw), words)
	}

	// It verifies: every stream of the family continuous and its hash chain unbroken (the referral,
	// the risk, the concern, the hold, the report, the reads of its safeguarding records, the
	// family's bookings and the three room-sessions it took a place in).
	verified, err := history.VerifyFamilyHistory(ctx, &reportingv1.VerifyFamilyHistoryRequest{FamilyId: family, CentreId: centre})
	require.NoError(t, err)
	require.True(t, verified.GetVerified(), "%s %d: %s", verified.GetStreamId(), verified.GetStreamVersion(), verified.GetReason())
	require.Equal(t, int32(10), verified.GetStreamsChecked())
	require.Equal(t, int64(len(h.GetEntries())), verified.GetEventsChecked())

	// As it stood before the hold: the concern, not the hold nor what it set off.
	asOf, err := history.GetFamilyHistory(ctx, &reportingv1.GetFamilyHistoryRequest{FamilyId: family, CentreId: centre, Purpose: reportingv1.HistoryReadPurpose_HISTORY_READ_PURPOSE_CASE_REVIEW, AsOf: beforeHoldAt})
	require.NoError(t, err)
	require.Len(t, asOf.GetEntries(), 15, "the referral to the concern and its alert")
	for i, e := range asOf.GetEntries() {
		require.Equal(t, h.GetEntries()[i].GetEventId(), e.GetEventId(), "the same steps as now, up to the concern")
		require.False(t, e.GetRecordedAt().AsTime().After(beforeHoldAt.AsTime()))
	}
	require.Equal(t, safeguarding+"ConcernRaised", asOf.GetEntries()[13].GetEventType())
	require.Equal(t, safeguarding+"HoldPlaced", h.GetEntries()[15].GetEventType(), "the hold comes next")

	// The national figures for the quarter and the year, counted by hand. One child (6 on the
	// session day: 5 to 10) and one family served, in supervised contact; sessions dated in the
	// quarter: the one cancelled by the hold, the one attended and the no-show (2 booked and not
	// cancelled); one referral, from a local authority, with a court and Cafcass involved,
	// accepted for supervised contact; 14 days from its receipt (7 April) to its first session
	// attended (21 April), so a median and 90th percentile of 14; one case ended, stepped down to
	// supported; one concern (handover conduct), one hold placed (concern under investigation)
	// and lifted; one report released; the room (1 place) opens on 5 Tuesdays, 7 April to 5 May,
	// so 5 places, 2 of them booked: 40%; the supervisor, the volunteer and the lead are its staff. Nothing else is counted; every figure is the same
	// nationally, for the North West and for the centre.
	hand := map[string]float64{
		"children_served||": 1, "children_served|service_type|SERVICE_TYPE_SUPERVISED": 1, "children_served|age_band|AGE_BAND_5_TO_10": 1,
		"families_served||": 1, "families_served|service_type|SERVICE_TYPE_SUPERVISED": 1,
		"sessions_booked||": 2, "sessions_booked|service_type|SERVICE_TYPE_SUPERVISED": 2,
		"sessions_attended||": 1, "sessions_attended|service_type|SERVICE_TYPE_SUPERVISED": 1,
		"sessions_no_show||": 1, "sessions_no_show|service_type|SERVICE_TYPE_SUPERVISED": 1,
		"sessions_cancelled||": 1, "sessions_cancelled|service_type|SERVICE_TYPE_SUPERVISED": 1,
		"referrals_received||": 1, "referrals_received|source|REFERRAL_SOURCE_LOCAL_AUTHORITY": 1,
		"referrals_court_involved||": 1, "referrals_cafcass_involved||": 1,
		"referrals_accepted||": 1, "referrals_accepted|service_type|SERVICE_TYPE_SUPERVISED": 1,
		"waiting_days_median||": 14, "waiting_days_median|service_type|SERVICE_TYPE_SUPERVISED": 14,
		"waiting_days_p90||": 14, "waiting_days_p90|service_type|SERVICE_TYPE_SUPERVISED": 14,
		"cases_ended||": 1, "cases_ended|outcome|CASE_OUTCOME_STEPPED_DOWN_TO_SUPPORTED": 1,
		"concerns_raised||": 1, "concerns_raised|category|CONCERN_CATEGORY_HANDOVER_CONDUCT": 1,
		"holds_placed||": 1, "holds_placed|reason|HOLD_REASON_CONCERN_UNDER_INVESTIGATION": 1,
		"holds_lifted||": 1, "reports_released||": 1,
		"room_sessions_available||": 5, "places_available||": 5, "capacity_used_percent||": 40,
		// The coordinator, the supervisor, the volunteer and the lead, on the centre's staff from before the
		// referral: on it at the quarter's end and the year's.
		"staff_at_end||": 4, "staff_at_end|role|STAFF_ROLE_CONTACT_SUPERVISOR": 1, "staff_at_end|role|STAFF_ROLE_VOLUNTEER": 1,
		"staff_at_end|role|STAFF_ROLE_SAFEGUARDING_LEAD": 1, "staff_at_end|role|STAFF_ROLE_COORDINATOR": 1,
	}
	want := map[string]float64{}
	northWest := commonv1.Region_REGION_NORTH_WEST.String()
	for cell, v := range hand {
		measure, breakdown, _ := strings.Cut(cell, "|")
		want[measure+"|national|REGION_UNSPECIFIED||"+breakdown] = v
		want[measure+"|region|"+northWest+"||"+breakdown] = v
		want[measure+"|centre|"+northWest+"|"+centre+"|"+breakdown] = v
	}
	analyst := s.reporting(t, s.token(t, auth.RoleNationalAnalyst))
	figures := func(period *reportingv1.Period, publication bool) map[string]*reportingv1.Figure {
		t.Helper()
		resp, err := analyst.GetFigures(ctx, &reportingv1.GetFiguresRequest{Period: period, Publication: publication})
		require.NoError(t, err)
		out := map[string]*reportingv1.Figure{}
		for _, f := range resp.GetFigures() {
			out[f.GetMeasure()+"|"+f.GetScope()+"|"+f.GetRegion().String()+"|"+f.GetCentreId()+"|"+f.GetBreakdown()+"|"+f.GetCategory()] = f
		}
		return out
	}
	quarter := &reportingv1.Period{Kind: reportingv1.PeriodKind_PERIOD_KIND_QUARTER, Year: 2026, Number: 2}
	year := &reportingv1.Period{Kind: reportingv1.PeriodKind_PERIOD_KIND_YEAR, Year: 2026}
	for _, period := range []*reportingv1.Period{quarter, year} {
		got := map[string]float64{}
		for key, f := range figures(period, false) {
			require.False(t, f.GetSuppressed(), "exact figures for an analyst: %s", key)
			if f.GetValue() != 0 {
				got[key] = f.GetValue()
			}
		}
		require.Equal(t, want, got, "%s %d %d: every figure not zero", period.GetKind(), period.GetYear(), period.GetNumber())
	}
	exact := figures(quarter, false)["children_served|national|REGION_UNSPECIFIED|||"]
	require.Equal(t, "1", exact.GetShown())

	// Published only from the 8th day after the period ended (decisions 264 and 292): refused
	// while it is under way, and in the week after it.
	_, err = analyst.GetFigures(ctx, &reportingv1.GetFiguresRequest{Period: quarter, Publication: true})
	require.Equal(t, codes.FailedPrecondition, status.Code(err), "%v", err)
	advance(time.Date(2027, time.January, 4, 9, 0, 0, 0, london))
	_, err = analyst.GetFigures(ctx, &reportingv1.GetFiguresRequest{Period: year, Publication: true})
	require.Equal(t, codes.FailedPrecondition, status.Code(err), "the week after the year ended: %v", err)
	advance(time.Date(2027, time.January, 8, 9, 0, 0, 0, london))

	// Published, the one child is "<5" (its value not sent), as is every count of people here;
	// the waiting time over one referral is "*"; places are about rooms and are shown.
	for _, period := range []*reportingv1.Period{quarter, year} {
		published := figures(period, true)
		for _, scope := range []string{"national|REGION_UNSPECIFIED|", "region|" + northWest + "|", "centre|" + northWest + "|" + centre} {
			child := published["children_served|"+scope+"||"]
			require.NotNil(t, child, scope)
			require.Equal(t, "<5", child.GetShown(), scope)
			require.True(t, child.GetSuppressed(), scope)
			require.Zero(t, child.GetValue(), "a suppressed figure's value is not sent")
			require.Equal(t, "*", published["waiting_days_median|"+scope+"||"].GetShown(), scope)
			require.Equal(t, "5", published["places_available|"+scope+"||"].GetShown(), scope)
		}
		for key, f := range published {
			if f.GetSuppressed() {
				require.Zero(t, f.GetValue(), key)
			} else if !strings.HasPrefix(key, "places_available|") && !strings.HasPrefix(key, "room_sessions_available|") &&
				!strings.HasPrefix(key, "capacity_used_percent|") {
				require.Zero(t, f.GetValue(), "published and not zero: %s %s", key, f.GetShown())
			}
		}
	}
}
