package reporting_test

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	reportingv1 "github.com/familytime/familytime/proto/gen/go/familytime/reporting/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/services/platform/clock"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/grpcx"
	"github.com/familytime/familytime/services/platform/paging"
)

// scenario is a realistic few months at two centres, as the three services publish it:
//   - family 1 at centre A (London): referred by a solicitor with a court involved on 5 January
//     2026, accepted for supervised contact, pre-visits, ready; a supervised session on 3 February
//     with both children, its report due, drafted, checked and released; a concern and a hold
//     (placed, then lifted); a no-show on 3 March; a session on 7 April with child 1 only; the
//     case ends on 20 April (moved on to self-arranged contact);
//   - family 2 at centre B (North West), referred by Cafcass: child 1 (the same child) attends a
//     supported session there on 17 February;
//   - family 3 at centre A, a self-referral: its only session is a no-show (24 February);
//   - centre A's staff: a volunteer since November 2025; a volunteer from 5 January whose last
//     day is 31 March; a contact supervisor from 10 January to 10 February, added again on 2
//     March (a last day of 30 September recorded for them ahead, then withdrawn: they stay).
//     Centre B's: its coordinator, since June 2025.
type scenario struct {
	a, b                     uuid.UUID
	f1, f2, f3               uuid.UUID
	c1, c2, c3               uuid.UUID
	r1                       uuid.UUID
	beforeHold, afterLifting time.Time
	f1Steps                  []string
}

func (g *rig) centre(t testing.TB, region commonv1.Region) uuid.UUID {
	return g.centreWithID(t, uuid.New(), region)
}

// centreWithID registers the centre id in region.
func (g *rig) centreWithID(t testing.TB, id uuid.UUID, region commonv1.Region) uuid.UUID {
	g.emit(t, "scheduling", "centre-"+id.String(), &schedulingv1.CentreRegistered{CentreId: id.String(), Name: "Centre " + id.String()[:8],
		Region: region, ServiceTypes: []commonv1.ServiceType{commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, commonv1.ServiceType_SERVICE_TYPE_SUPERVISED},
		AccreditationStatus: commonv1.AccreditationStatus_ACCREDITATION_STATUS_ACCREDITED}, uuid.Nil, id, "admin-1")
	return id
}

func (g *rig) play(t testing.TB) scenario {
	s := scenario{a: g.centre(t, commonv1.Region_REGION_LONDON), b: g.centre(t, commonv1.Region_REGION_NORTH_WEST),
		f1: uuid.New(), f2: uuid.New(), f3: uuid.New(), c1: uuid.New(), c2: uuid.New(), c3: uuid.New(), r1: uuid.New()}
	ref := func(id uuid.UUID) string { return "referral-" + id.String() }
	fam := func(id uuid.UUID) string { return "family-" + id.String() }
	supervised, supported := commonv1.ServiceType_SERVICE_TYPE_SUPERVISED, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED
	step := func(service, stream string, msg proto.Message, family, centre uuid.UUID, actor string) {
		g.emit(t, service, stream, msg, family, centre, actor)
		if family == s.f1 {
			s.f1Steps = append(s.f1Steps, string(msg.ProtoReflect().Descriptor().FullName()))
		}
	}
	// Family 1 at A.
	r1, f1, a := s.r1.String(), s.f1.String(), s.a.String()
	room := uuid.New()
	step("scheduling", "timetable-"+a, &schedulingv1.RoomAdded{CentreId: a, RoomId: room.String(), Name: "Blue room", Capacity: 3, SupervisedSuitable: true}, uuid.Nil, s.a, "coordinator-a")
	step("scheduling", "timetable-"+a, &schedulingv1.OpeningPatternDefined{CentreId: a, Pattern: &schedulingv1.OpeningPattern{
		PatternId: uuid.NewString(), CentreId: a, Recurrence: schedulingv1.Recurrence_RECURRENCE_WEEKLY, Weekday: schedulingv1.Weekday_WEEKDAY_TUESDAY,
		StartTime: &schedulingv1.LocalTime{Hour: 10}, EndTime: &schedulingv1.LocalTime{Hour: 12}, FirstDate: date(2026, 1, 1),
		RoomIds: []string{room.String()}, ClosedDates: []*commonv1.Date{date(2026, 3, 31)}}}, uuid.Nil, s.a, "coordinator-a")
	step("referral", ref(s.r1), &referralv1.ReferralReceived{ReferralId: r1, FamilyId: f1, CentreId: a, Source: commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR,
		RequestedServiceType: supervised, ReceivedOn: date(2026, 1, 5), Facts: &referralv1.ReferralFacts{CourtInvolved: true,
			Children: []*referralv1.ChildParty{{PersonId: s.c1.String(), BirthYear: 2019, BirthMonth: 5, SealedDetails: []byte("sealed")}, {PersonId: s.c2.String(), BirthYear: 2022, BirthMonth: 1}}}},
		s.f1, s.a, "referrer-1")
	step("safeguarding", "risk-"+f1, &safeguardingv1.RiskScreenedProvisionally{FamilyId: f1, CentreId: a, ReferralId: r1, ScreenedOn: date(2026, 1, 5), Rating: safeguardingv1.RiskRating_RISK_RATING_AMBER}, s.f1, s.a, "service:safeguarding")
	step("referral", ref(s.r1), &referralv1.ScreeningRecorded{ReferralId: r1, FamilyId: f1, CentreId: a, ScreenedOn: date(2026, 1, 7), Rating: referralv1.RiskRating_RISK_RATING_AMBER}, s.f1, s.a, "coordinator-a")
	step("referral", ref(s.r1), &referralv1.ReferralAccepted{ReferralId: r1, FamilyId: f1, CentreId: a, AcceptedOn: date(2026, 1, 10), ServiceType: supervised}, s.f1, s.a, "coordinator-a")
	step("referral", ref(s.r1), &referralv1.PreVisitCompleted{ReferralId: r1, FamilyId: f1, CentreId: a, PersonId: uuid.NewString(), Role: referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT, VisitedOn: date(2026, 1, 20), GroundRulesSigned: true}, s.f1, s.a, "coordinator-a")
	step("referral", ref(s.r1), &referralv1.PreVisitCompleted{ReferralId: r1, FamilyId: f1, CentreId: a, PersonId: uuid.NewString(), Role: referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT, VisitedOn: date(2026, 1, 21), GroundRulesSigned: true}, s.f1, s.a, "coordinator-a")
	step("referral", ref(s.r1), &referralv1.ArrangementAgreed{ReferralId: r1, FamilyId: f1, CentreId: a, AgreedOn: date(2026, 1, 21), Arrangement: &referralv1.Arrangement{ServiceType: supervised, Frequency: referralv1.ContactFrequency_CONTACT_FREQUENCY_WEEKLY}}, s.f1, s.a, "coordinator-a")
	step("referral", ref(s.r1), &referralv1.FamilyReadyForContact{ReferralId: r1, FamilyId: f1, CentreId: a, Children: []*referralv1.ChildParty{{PersonId: s.c1.String(), BirthYear: 2019, BirthMonth: 5}, {PersonId: s.c2.String(), BirthYear: 2022, BirthMonth: 1}}}, s.f1, s.a, "coordinator-a")
	step("scheduling", fam(s.f1), &schedulingv1.FamilyReadyNoted{FamilyId: f1, CentreId: a, ReferralId: r1, ServiceType: supervised}, s.f1, s.a, "service:scheduling")
	b1, b2, b3 := uuid.NewString(), uuid.NewString(), uuid.NewString()
	step("scheduling", fam(s.f1), &schedulingv1.SessionBooked{BookingId: b1, FamilyId: f1, CentreId: a, RoomId: room.String(), SessionDate: date(2026, 2, 3), ServiceType: supervised}, s.f1, s.a, "coordinator-a")
	step("scheduling", fam(s.f1), &schedulingv1.SessionCompleted{BookingId: b1, FamilyId: f1, CentreId: a, RoomId: room.String(), SessionDate: date(2026, 2, 3), ServiceType: supervised,
		Children: []*schedulingv1.AttendingChild{{PersonId: s.c1.String(), AgeBand: commonv1.AgeBand_AGE_BAND_5_TO_10}, {PersonId: s.c2.String(), AgeBand: commonv1.AgeBand_AGE_BAND_2_TO_4}}}, s.f1, s.a, "supervisor-1")
	step("referral", ref(s.r1), &referralv1.FirstSessionAttended{ReferralId: r1, FamilyId: f1, CentreId: a, SessionOn: date(2026, 2, 3)}, s.f1, s.a, "service:referral")
	report := uuid.NewString()
	step("safeguarding", "report-"+report, &safeguardingv1.ReportDue{ReportId: report, FamilyId: f1, CentreId: a, BookingId: b1, SessionOn: date(2026, 2, 3)}, s.f1, s.a, "service:safeguarding")
	step("safeguarding", "report-"+report, &safeguardingv1.ReportDrafted{ReportId: report, FamilyId: f1, CentreId: a, DraftedOn: date(2026, 2, 4), SealedText: []byte("sealed")}, s.f1, s.a, "supervisor-1")
	step("safeguarding", "report-"+report, &safeguardingv1.ReportSubmittedForCheck{ReportId: report, FamilyId: f1, CentreId: a, SubmittedOn: date(2026, 2, 4)}, s.f1, s.a, "supervisor-1")
	step("safeguarding", "report-"+report, &safeguardingv1.ReportChecked{ReportId: report, FamilyId: f1, CentreId: a, CheckedOn: date(2026, 2, 5), Approved: true}, s.f1, s.a, "supervisor-2")
	step("safeguarding", "report-"+report, &safeguardingv1.ReportReleased{ReportId: report, FamilyId: f1, CentreId: a, ReleasedOn: date(2026, 2, 5), Recipients: []*safeguardingv1.Recipient{{}, {}}}, s.f1, s.a, "supervisor-2")
	g.settle(t)
	s.beforeHold = time.Now()
	concern, hold := uuid.NewString(), uuid.NewString()
	step("safeguarding", "concern-"+concern, &safeguardingv1.ConcernRaised{ConcernId: concern, FamilyId: f1, CentreId: a, Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_HANDOVER_CONDUCT, RaisedOn: date(2026, 2, 10), SealedDescription: []byte("sealed")}, s.f1, s.a, "volunteer-1")
	step("safeguarding", "hold-"+f1, &safeguardingv1.HoldPlaced{HoldId: hold, FamilyId: f1, CentreId: a, Reason: safeguardingv1.HoldReason_HOLD_REASON_CONCERN_UNDER_INVESTIGATION, PlacedOn: date(2026, 2, 11), ConcernId: concern}, s.f1, s.a, "lead-1")
	step("scheduling", fam(s.f1), &schedulingv1.HoldNoted{FamilyId: f1, CentreId: a, HoldId: hold, PlacedOn: date(2026, 2, 11)}, s.f1, s.a, "service:scheduling")
	step("referral", ref(s.r1), &referralv1.CaseSuspended{ReferralId: r1, FamilyId: f1, CentreId: a, HoldId: hold, SuspendedOn: date(2026, 2, 11), HoldsInForce: 1}, s.f1, s.a, "service:referral")
	step("safeguarding", "hold-"+f1, &safeguardingv1.HoldLifted{HoldId: hold, FamilyId: f1, CentreId: a, LiftedOn: date(2026, 2, 20)}, s.f1, s.a, "lead-1")
	step("scheduling", fam(s.f1), &schedulingv1.HoldLiftNoted{FamilyId: f1, CentreId: a, HoldId: hold}, s.f1, s.a, "service:scheduling")
	step("referral", ref(s.r1), &referralv1.CaseResumed{ReferralId: r1, FamilyId: f1, CentreId: a, HoldId: hold, ResumedOn: date(2026, 2, 20)}, s.f1, s.a, "service:referral")
	step("safeguarding", "concern-"+concern, &safeguardingv1.ConcernClosed{ConcernId: concern, FamilyId: f1, CentreId: a, ClosedOn: date(2026, 2, 21)}, s.f1, s.a, "lead-1")
	// The review after the hold changes the arrangement: shorter sessions, a longer stagger.
	weekly := func(minutes, arrive, leave int32) *referralv1.Arrangement {
		return &referralv1.Arrangement{ServiceType: supervised, Frequency: referralv1.ContactFrequency_CONTACT_FREQUENCY_WEEKLY,
			SessionMinutes: minutes, Stagger: &referralv1.Stagger{ArrivalMinutes: arrive, DepartureMinutes: leave}}
	}
	step("referral", ref(s.r1), &referralv1.ArrangementChanged{ReferralId: r1, FamilyId: f1, CentreId: a, ChangedOn: date(2026, 2, 21),
		Arrangement: weekly(60, 20, 20), PreviousArrangement: weekly(90, 15, 15)}, s.f1, s.a, "coordinator-a")
	step("scheduling", fam(s.f1), &schedulingv1.ArrangementChangeNoted{FamilyId: f1, CentreId: a, ReferralId: r1, SessionMinutes: 60,
		ArrivalStaggerMinutes: 20, DepartureStaggerMinutes: 20, ChangedOn: date(2026, 2, 21)}, s.f1, s.a, "service:scheduling")
	step("scheduling", fam(s.f1), &schedulingv1.SessionBooked{BookingId: b2, FamilyId: f1, CentreId: a, RoomId: room.String(), SessionDate: date(2026, 3, 3), ServiceType: supervised}, s.f1, s.a, "coordinator-a")
	step("scheduling", fam(s.f1), &schedulingv1.NoShowRecorded{BookingId: b2, FamilyId: f1, CentreId: a, SessionDate: date(2026, 3, 3), ServiceType: supervised, Party: schedulingv1.Party_PARTY_VISITING, UnexplainedCount: 1}, s.f1, s.a, "coordinator-a")
	step("scheduling", fam(s.f1), &schedulingv1.SessionBooked{BookingId: b3, FamilyId: f1, CentreId: a, RoomId: room.String(), SessionDate: date(2026, 4, 7), ServiceType: supervised}, s.f1, s.a, "coordinator-a")
	step("scheduling", fam(s.f1), &schedulingv1.SessionCompleted{BookingId: b3, FamilyId: f1, CentreId: a, RoomId: room.String(), SessionDate: date(2026, 4, 7), ServiceType: supervised,
		Children: []*schedulingv1.AttendingChild{{PersonId: s.c1.String(), AgeBand: commonv1.AgeBand_AGE_BAND_5_TO_10}}}, s.f1, s.a, "supervisor-1")
	step("referral", ref(s.r1), &referralv1.CaseEnded{ReferralId: r1, FamilyId: f1, CentreId: a, EndedOn: date(2026, 4, 20), Outcome: referralv1.CaseOutcome_CASE_OUTCOME_SELF_ARRANGED}, s.f1, s.a, "coordinator-a")
	step("scheduling", fam(s.f1), &schedulingv1.ContactEnded{FamilyId: f1, CentreId: a, ReferralId: r1, EndedOn: date(2026, 4, 20)}, s.f1, s.a, "service:scheduling")
	g.settle(t)
	s.afterLifting = time.Now()

	// Family 2 at B: the same child attends there.
	r2, f2, b := uuid.NewString(), s.f2.String(), s.b.String()
	g.emit(t, "referral", "referral-"+r2, &referralv1.ReferralReceived{ReferralId: r2, FamilyId: f2, CentreId: b, Source: commonv1.ReferralSource_REFERRAL_SOURCE_CAFCASS,
		RequestedServiceType: supported, ReceivedOn: date(2026, 1, 12), Facts: &referralv1.ReferralFacts{CafcassInvolved: true}}, s.f2, s.b, "referrer-2")
	g.emit(t, "referral", "referral-"+r2, &referralv1.ReferralAccepted{ReferralId: r2, FamilyId: f2, CentreId: b, AcceptedOn: date(2026, 1, 20), ServiceType: supported}, s.f2, s.b, "coordinator-b")
	b4 := uuid.NewString()
	g.emit(t, "scheduling", "family-"+f2, &schedulingv1.SessionBooked{BookingId: b4, FamilyId: f2, CentreId: b, SessionDate: date(2026, 2, 17), ServiceType: supported}, s.f2, s.b, "coordinator-b")
	g.emit(t, "scheduling", "family-"+f2, &schedulingv1.SessionCompleted{BookingId: b4, FamilyId: f2, CentreId: b, SessionDate: date(2026, 2, 17), ServiceType: supported,
		Children: []*schedulingv1.AttendingChild{{PersonId: s.c1.String(), AgeBand: commonv1.AgeBand_AGE_BAND_5_TO_10}}}, s.f2, s.b, "coordinator-b")
	g.emit(t, "referral", "referral-"+r2, &referralv1.FirstSessionAttended{ReferralId: r2, FamilyId: f2, CentreId: b, SessionOn: date(2026, 2, 17)}, s.f2, s.b, "service:referral")

	// Family 3 at A: its only session is a no-show.
	r3, f3 := uuid.NewString(), s.f3.String()
	g.emit(t, "referral", "referral-"+r3, &referralv1.ReferralReceived{ReferralId: r3, FamilyId: f3, CentreId: a, Source: commonv1.ReferralSource_REFERRAL_SOURCE_SELF,
		RequestedServiceType: supported, ReceivedOn: date(2026, 2, 2), Facts: &referralv1.ReferralFacts{Children: []*referralv1.ChildParty{{PersonId: s.c3.String(), BirthYear: 2015, BirthMonth: 3}}}}, s.f3, s.a, "parent")
	g.emit(t, "referral", "referral-"+r3, &referralv1.ReferralAccepted{ReferralId: r3, FamilyId: f3, CentreId: a, AcceptedOn: date(2026, 2, 9), ServiceType: supported}, s.f3, s.a, "coordinator-a")
	b5 := uuid.NewString()
	g.emit(t, "scheduling", "family-"+f3, &schedulingv1.SessionBooked{BookingId: b5, FamilyId: f3, CentreId: a, SessionDate: date(2026, 2, 24), ServiceType: supported}, s.f3, s.a, "coordinator-a")
	g.emit(t, "scheduling", "family-"+f3, &schedulingv1.NoShowRecorded{BookingId: b5, FamilyId: f3, CentreId: a, SessionDate: date(2026, 2, 24), ServiceType: supported,
		Party: schedulingv1.Party_PARTY_CHILDREN, Children: []*schedulingv1.AttendingChild{{PersonId: s.c3.String(), AgeBand: commonv1.AgeBand_AGE_BAND_11_TO_15}}}, s.f3, s.a, "coordinator-a")
	// Its next session, on 10 March, is recorded a no-show by mistake, withdrawn at once (decision
	// 127), and never completed: booked, not a no-show.
	b6 := uuid.NewString()
	g.emit(t, "scheduling", "family-"+f3, &schedulingv1.SessionBooked{BookingId: b6, FamilyId: f3, CentreId: a, SessionDate: date(2026, 3, 10), ServiceType: supported}, s.f3, s.a, "coordinator-a")
	g.emit(t, "scheduling", "family-"+f3, &schedulingv1.NoShowRecorded{BookingId: b6, FamilyId: f3, CentreId: a, SessionDate: date(2026, 3, 10), ServiceType: supported,
		Party: schedulingv1.Party_PARTY_VISITING}, s.f3, s.a, "volunteer-a")
	g.emit(t, "scheduling", "family-"+f3, &schedulingv1.NoShowWithdrawn{BookingId: b6, FamilyId: f3, CentreId: a, SessionDate: date(2026, 3, 10), ServiceType: supported,
		Party: schedulingv1.Party_PARTY_VISITING}, s.f3, s.a, "volunteer-a")

	// The centres' staff registers.
	volunteer, supervisor, coordinator := schedulingv1.StaffRole_STAFF_ROLE_VOLUNTEER, schedulingv1.StaffRole_STAFF_ROLE_CONTACT_SUPERVISOR, schedulingv1.StaffRole_STAFF_ROLE_COORDINATOR
	coordinatorOf := map[uuid.UUID]string{s.a: "coordinator-a", s.b: "coordinator-b"}
	added := func(centre uuid.UUID, account string, role schedulingv1.StaffRole, joined *commonv1.Date) {
		g.emit(t, "scheduling", "staff-"+centre.String(), &schedulingv1.StaffMemberAdded{CentreId: centre.String(), AccountId: account, Role: role,
			JoinedOn: joined, DbsCheckedOn: joined, TrainedOn: joined}, uuid.Nil, centre, coordinatorOf[centre])
	}
	left := func(centre uuid.UUID, account string, on *commonv1.Date) {
		g.emit(t, "scheduling", "staff-"+centre.String(), &schedulingv1.StaffMemberLeft{CentreId: centre.String(), AccountId: account, LeftOn: on},
			uuid.Nil, centre, coordinatorOf[centre])
	}
	added(s.a, "volunteer-1", volunteer, date(2025, 11, 1))
	added(s.a, "volunteer-2", volunteer, date(2026, 1, 5))
	added(s.a, "supervisor-1", supervisor, date(2026, 1, 10))
	g.emit(t, "scheduling", "staff-"+a, &schedulingv1.StaffCheckRecorded{CentreId: a, AccountId: "volunteer-1",
		Check: schedulingv1.StaffCheck_STAFF_CHECK_SAFEGUARDING_TRAINING, CheckedOn: date(2026, 1, 20)}, uuid.Nil, s.a, "coordinator-a")
	left(s.a, "supervisor-1", date(2026, 2, 10))
	added(s.a, "supervisor-1", supervisor, date(2026, 3, 2))
	left(s.a, "volunteer-2", date(2026, 7, 15)) // recorded ahead, then brought forward (decision 120)
	left(s.a, "volunteer-2", date(2026, 3, 31))
	left(s.a, "supervisor-1", date(2026, 9, 30)) // recorded ahead, then withdrawn (decision 123)
	g.emit(t, "scheduling", "staff-"+a, &schedulingv1.StaffMemberLeft{CentreId: a, AccountId: "supervisor-1", WithdrawnLeftOn: date(2026, 9, 30)},
		uuid.Nil, s.a, "coordinator-a")
	added(s.b, "coordinator-b", coordinator, date(2025, 6, 1))
	g.settle(t)
	return s
}

// The family's history lists every step from the three services in the order recorded, in plain
// words, verifies, and as of a past moment leaves out what came after; other centres' coordinators
// get NotFound and other roles are refused.
func TestFamilyHistory(t *testing.T) {
	g := newRig(t)
	s := g.play(t)
	ctx := t.Context()
	coordinator := g.coordinator(t, s.a)
	h, err := coordinator.GetFamilyHistory(ctx, &reportingv1.GetFamilyHistoryRequest{FamilyId: s.f1.String(), CentreId: s.a.String(), Purpose: reportingv1.HistoryReadPurpose_HISTORY_READ_PURPOSE_CASE_REVIEW})
	require.NoError(t, err)
	var types []string
	for i, e := range h.GetEntries() {
		types = append(types, e.GetEventType())
		require.NotEmpty(t, e.GetDescription())
		if i > 0 {
			require.False(t, e.GetRecordedAt().AsTime().Before(h.GetEntries()[i-1].GetRecordedAt().AsTime()))
		}
	}
	require.Equal(t, s.f1Steps, types, "every step of family 1, in order")
	require.Equal(t, "Referral received from a solicitor for supervised contact, 2 children, court involved", h.GetEntries()[0].GetDescription())
	require.Equal(t, "referrer-1", h.GetEntries()[0].GetActor())
	require.Equal(t, "referrer", h.GetEntries()[0].GetActorRole(), "the role the actor acted in")
	for _, e := range h.GetEntries() {
		if strings.HasPrefix(e.GetActor(), "service:") {
			require.Empty(t, e.GetActorRole(), "a service reacting to an event acts in no role")
		} else {
			require.NotEmpty(t, e.GetActorRole(), e.GetEventType())
		}
	}
	byType := map[string]string{} // the first of each type
	for _, e := range h.GetEntries() {
		if _, ok := byType[e.GetEventType()]; !ok {
			byType[e.GetEventType()] = e.GetDescription()
		}
	}
	require.Equal(t, "Session completed (supervised), 2 children", byType["familytime.scheduling.v1.SessionCompleted"])
	require.Equal(t, "Hold placed: contact suspended (concern under investigation)", byType["familytime.safeguarding.v1.HoldPlaced"])
	require.Equal(t, "No-show: the visiting parent did not come (unexplained, 1 since the place was last released)", byType["familytime.scheduling.v1.NoShowRecorded"])
	require.Equal(t, "Case ended on 2026-04-20: self arranged", byType["familytime.referral.v1.CaseEnded"])
	require.Equal(t, "Contact arrangement changed for sessions booked from now on: weekly, 60-minute sessions, the visiting parent arriving "+
		"20 minutes before the children and leaving 20 after (was weekly, 90-minute sessions, the visiting parent arriving 15 minutes "+
		"before the children and leaving 15 after)", byType["familytime.referral.v1.ArrangementChanged"])
	require.Contains(t, byType["familytime.scheduling.v1.ArrangementChangeNoted"], "bookings already made keep their times")
	for _, e := range h.GetEntries() {
		require.NotContains(t, e.GetDescription(), "sealed")
	}

	v, err := coordinator.VerifyFamilyHistory(ctx, &reportingv1.VerifyFamilyHistoryRequest{FamilyId: s.f1.String(), CentreId: s.a.String()})
	require.NoError(t, err)
	require.True(t, v.GetVerified(), v.GetReason())
	require.Equal(t, int32(6), v.GetStreamsChecked(), "referral, risk, report, concern, hold and scheduling's family stream")

	past, err := coordinator.GetFamilyHistory(ctx, &reportingv1.GetFamilyHistoryRequest{FamilyId: s.f1.String(), CentreId: s.a.String(), Purpose: reportingv1.HistoryReadPurpose_HISTORY_READ_PURPOSE_CASE_REVIEW, AsOf: timestamppb.New(s.beforeHold)})
	require.NoError(t, err)
	require.Len(t, past.GetEntries(), 17, "as it stood before the concern: up to the report's release")
	for _, e := range past.GetEntries() {
		require.False(t, e.GetRecordedAt().AsTime().After(s.beforeHold))
		require.NotEqual(t, "familytime.safeguarding.v1.ConcernRaised", e.GetEventType())
	}

	_, err = g.coordinator(t, s.b).GetFamilyHistory(ctx, &reportingv1.GetFamilyHistoryRequest{FamilyId: s.f1.String(), CentreId: s.b.String(), Purpose: reportingv1.HistoryReadPurpose_HISTORY_READ_PURPOSE_CASE_REVIEW})
	require.Equal(t, codes.NotFound, status.Code(err), "another centre's family is not found")
	_, err = coordinator.GetFamilyHistory(ctx, &reportingv1.GetFamilyHistoryRequest{FamilyId: s.f1.String(), CentreId: s.b.String(), Purpose: reportingv1.HistoryReadPurpose_HISTORY_READ_PURPOSE_CASE_REVIEW})
	require.Equal(t, codes.PermissionDenied, status.Code(err), "a centre not the caller's")
	require.Equal(t, auth.ReasonOutsideCentres, reasonOf(err), "with its reason (review 50)")
	_, err = g.client(t, "volunteer-1", []auth.Role{auth.RoleVolunteer}, s.a).GetFamilyHistory(ctx, &reportingv1.GetFamilyHistoryRequest{FamilyId: s.f1.String(), CentreId: s.a.String(), Purpose: reportingv1.HistoryReadPurpose_HISTORY_READ_PURPOSE_CASE_REVIEW})
	require.Equal(t, codes.PermissionDenied, status.Code(err), "a volunteer may not read it")
	// A coordinator reads it only while the centre's staff register clears them (decision 110):
	// one never on it, or who left, keeps a token until it expires, not the history.
	weekAgo, yesterday := dates.InUK(time.Now()).AddDate(0, 0, -7), dates.InUK(time.Now()).AddDate(0, 0, -1)
	g.staffEvent(t, s.a, &schedulingv1.StaffMemberAdded{CentreId: s.a.String(), AccountId: "coordinator-left", Role: schedulingv1.StaffRole_STAFF_ROLE_COORDINATOR,
		JoinedOn: dates.Proto(weekAgo), DbsCheckedOn: dates.Proto(weekAgo), TrainedOn: dates.Proto(weekAgo)})
	leaver := g.client(t, "coordinator-left", []auth.Role{auth.RoleCoordinator}, s.a)
	_, err = leaver.GetFamilyHistory(ctx, &reportingv1.GetFamilyHistoryRequest{FamilyId: s.f1.String(), CentreId: s.a.String(), Purpose: reportingv1.HistoryReadPurpose_HISTORY_READ_PURPOSE_CASE_REVIEW})
	require.NoError(t, err, "while on the staff")
	g.staffEvent(t, s.a, &schedulingv1.StaffMemberLeft{CentreId: s.a.String(), AccountId: "coordinator-left", LeftOn: dates.Proto(yesterday)})
	for name, c := range map[string]reportingv1.ReportingServiceClient{"left": leaver, "never on it": g.client(t, "coordinator-never", []auth.Role{auth.RoleCoordinator}, s.a)} {
		_, err = c.GetFamilyHistory(ctx, &reportingv1.GetFamilyHistoryRequest{FamilyId: s.f1.String(), CentreId: s.a.String(), Purpose: reportingv1.HistoryReadPurpose_HISTORY_READ_PURPOSE_CASE_REVIEW})
		require.Equal(t, codes.FailedPrecondition, status.Code(err), name)
		require.Contains(t, status.Convert(err).Message(), "not cleared to work on the centre's families' histories and figures", name)
		_, err = c.VerifyFamilyHistory(ctx, &reportingv1.VerifyFamilyHistoryRequest{FamilyId: s.f1.String(), CentreId: s.a.String()})
		require.Equal(t, codes.FailedPrecondition, status.Code(err), name)
		_, err = c.GetFigures(ctx, &reportingv1.GetFiguresRequest{CentreId: s.a.String(),
			Period: &reportingv1.Period{Kind: reportingv1.PeriodKind_PERIOD_KIND_QUARTER, Year: 2026, Number: 1}})
		require.Equal(t, codes.FailedPrecondition, status.Code(err), "%s: nor the centre's exact figures", name)
	}
	// The register reporting keeps names no account: each is a pseudonym.
	require.Zero(t, g.count(t, `SELECT count(*) FROM staff_register_events WHERE position('coordinator-' in encode(payload, 'escape')) > 0`))
	_, err = g.analyst(t).GetFamilyHistory(ctx, &reportingv1.GetFamilyHistoryRequest{FamilyId: s.f1.String(), CentreId: s.a.String(), Purpose: reportingv1.HistoryReadPurpose_HISTORY_READ_PURPOSE_CASE_REVIEW})
	require.Equal(t, codes.PermissionDenied, status.Code(err), "an analyst sees figures, not families")
	_, err = g.client(t, "admin-1", []auth.Role{auth.RoleAdmin}).GetFamilyHistory(ctx, &reportingv1.GetFamilyHistoryRequest{FamilyId: s.f1.String(), CentreId: s.a.String(), Purpose: reportingv1.HistoryReadPurpose_HISTORY_READ_PURPOSE_CASE_REVIEW})
	require.Equal(t, codes.PermissionDenied, status.Code(err), "nor does an administrator: the history is the centre's coordinator's")
	_, err = g.client(t, "both-1", []auth.Role{auth.RoleCoordinator, auth.RoleAdmin}, s.b).GetFamilyHistory(ctx, &reportingv1.GetFamilyHistoryRequest{FamilyId: s.f1.String(), CentreId: s.a.String(), Purpose: reportingv1.HistoryReadPurpose_HISTORY_READ_PURPOSE_CASE_REVIEW})
	require.Equal(t, codes.PermissionDenied, status.Code(err), "a national role beside another centre's coordinator's opens no family")
	// A coordinator at B who volunteers at A is a volunteer at A (decision 106; review 5 read A's
	// histories with one token naming both centres and both roles).
	g.staffEvent(t, s.b, &schedulingv1.StaffMemberAdded{CentreId: s.b.String(), AccountId: "coordinator-and-volunteer", Role: schedulingv1.StaffRole_STAFF_ROLE_COORDINATOR,
		JoinedOn: dates.Proto(weekAgo), DbsCheckedOn: dates.Proto(weekAgo), TrainedOn: dates.Proto(weekAgo)})
	tok, err := auth.Mint(g.key, auth.MintOptions{Issuer: issuer, Audience: "familytime", Subject: "coordinator-and-volunteer",
		CentreRoles: map[uuid.UUID][]auth.Role{s.b: {auth.RoleCoordinator}, s.a: {auth.RoleVolunteer}}, TTL: time.Hour})
	require.NoError(t, err)
	conn, err := grpcx.Dial(g.addr, tok)
	require.NoError(t, err)
	defer conn.Close()
	_, err = reportingv1.NewReportingServiceClient(conn).GetFamilyHistory(ctx, &reportingv1.GetFamilyHistoryRequest{FamilyId: s.f1.String(), CentreId: s.a.String(), Purpose: reportingv1.HistoryReadPurpose_HISTORY_READ_PURPOSE_CASE_REVIEW})
	require.Equal(t, codes.PermissionDenied, status.Code(err), "a role held at another centre opens no family here")
	_, err = reportingv1.NewReportingServiceClient(conn).GetFigures(ctx, &reportingv1.GetFiguresRequest{CentreId: s.a.String(),
		Period: &reportingv1.Period{Kind: reportingv1.PeriodKind_PERIOD_KIND_QUARTER, Year: 2026, Number: 1}})
	require.Equal(t, codes.PermissionDenied, status.Code(err), "nor this centre's exact figures")
	require.Equal(t, auth.ReasonOutsideCentres, reasonOf(err), "with its reason (review 50)")
	_, err = reportingv1.NewReportingServiceClient(conn).GetFigures(ctx, &reportingv1.GetFiguresRequest{CentreId: s.b.String(),
		Period: &reportingv1.Period{Kind: reportingv1.PeriodKind_PERIOD_KIND_QUARTER, Year: 2026, Number: 1}})
	require.NoError(t, err, "the centre they coordinate")
	_, err = g.client(t, "admin-1", []auth.Role{auth.RoleAdmin}).VerifyFamilyHistory(ctx, &reportingv1.VerifyFamilyHistoryRequest{FamilyId: s.f1.String(), CentreId: s.a.String()})
	require.NoError(t, err, "an administrator may check the streams are whole")
	_, err = g.client(t, "admin-1", []auth.Role{auth.RoleAdmin}).VerifyFamilyHistory(ctx, &reportingv1.VerifyFamilyHistoryRequest{FamilyId: s.f1.String(), CentreId: s.b.String()})
	require.Equal(t, codes.NotFound, status.Code(err), "named with a centre not its own, the family is not found, for an administrator too")

	// A moment that is not one is refused, not read as the far future or the distant past.
	for _, at := range []*timestamppb.Timestamp{{Seconds: 1 << 62}, {Seconds: -(1 << 40)}, {Seconds: 1700000000, Nanos: 2e9}, {Seconds: 0}} {
		_, err = coordinator.GetFamilyHistory(ctx, &reportingv1.GetFamilyHistoryRequest{FamilyId: s.f1.String(), CentreId: s.a.String(), Purpose: reportingv1.HistoryReadPurpose_HISTORY_READ_PURPOSE_CASE_REVIEW, AsOf: at})
		require.Equal(t, codes.InvalidArgument, status.Code(err), "as_of %v", at)
	}
	// Nor a moment still to come: the history "as it stood" then would read as a record of it.
	_, err = coordinator.GetFamilyHistory(ctx, &reportingv1.GetFamilyHistoryRequest{FamilyId: s.f1.String(), CentreId: s.a.String(), Purpose: reportingv1.HistoryReadPurpose_HISTORY_READ_PURPOSE_CASE_REVIEW,
		AsOf: timestamppb.New(time.Now().Add(48 * time.Hour))})
	require.Equal(t, codes.InvalidArgument, status.Code(err))
	require.Contains(t, status.Convert(err).Message(), "is in the future")
}

// Events projected before descriptions were kept (migration 0003) have none: the history
// describes them from their envelopes, in the same words.
func TestFamilyHistoryDescribesOldRows(t *testing.T) {
	g := newRig(t)
	s := g.play(t)
	coordinator := g.coordinator(t, s.a)
	req := &reportingv1.GetFamilyHistoryRequest{FamilyId: s.f1.String(), CentreId: s.a.String(), Purpose: reportingv1.HistoryReadPurpose_HISTORY_READ_PURPOSE_CASE_REVIEW}
	described, err := coordinator.GetFamilyHistory(t.Context(), req)
	require.NoError(t, err)
	_, err = g.owner.Exec(t.Context(), `UPDATE reporting.history_events SET description = NULL WHERE family_id = $1 AND version % 2 = 1`, s.f1)
	require.NoError(t, err)
	old, err := coordinator.GetFamilyHistory(t.Context(), req)
	require.NoError(t, err)
	require.Len(t, old.GetEntries(), len(described.GetEntries()))
	for i, e := range old.GetEntries() {
		require.Equal(t, described.GetEntries()[i].GetEventId(), e.GetEventId())
		require.Equal(t, described.GetEntries()[i].GetDescription(), e.GetDescription())
	}
}

// A missing event and an altered one in the copies reporting holds are each named.
func TestVerifyFamilyHistoryNamesTampering(t *testing.T) {
	g := newRig(t)
	s := g.play(t)
	ctx := t.Context()
	coordinator := g.coordinator(t, s.a)
	verify := g.verifier(t, coordinator, s.f1, s.a)
	stream := "referral-" + s.r1.String()
	var raw []byte
	require.NoError(t, g.owner.QueryRow(ctx, `SELECT envelope FROM reporting.history_events WHERE stream_id = $1 AND version = 3`, stream).Scan(&raw))
	env := &commonv1.EventEnvelope{}
	require.NoError(t, proto.Unmarshal(raw, env))
	accepted := &referralv1.ReferralAccepted{}
	require.NoError(t, proto.Unmarshal(env.GetPayload(), accepted))
	accepted.AcceptedOn = date(2026, 1, 2) // backdated
	env.Payload, _ = proto.Marshal(accepted)
	altered, _ := proto.Marshal(env)
	_, err := g.owner.Exec(ctx, `UPDATE reporting.history_events SET envelope = $3 WHERE stream_id = $1 AND version = $2`, stream, 3, altered)
	require.NoError(t, err)
	v := verify()
	require.False(t, v.GetVerified())
	require.Equal(t, stream, v.GetStreamId())
	require.Equal(t, int64(3), v.GetStreamVersion())
	require.Equal(t, "referral", v.GetService())
	require.Contains(t, v.GetReason(), "does not follow")

	_, err = g.owner.Exec(ctx, `UPDATE reporting.history_events SET envelope = $3 WHERE stream_id = $1 AND version = $2`, stream, 3, raw)
	require.NoError(t, err)
	require.True(t, verify().GetVerified())
	_, err = g.owner.Exec(ctx, `DELETE FROM reporting.history_events WHERE stream_id = $1 AND version = 1`, "hold-"+s.f1.String())
	require.NoError(t, err)
	v = verify()
	require.False(t, v.GetVerified())
	require.Equal(t, "hold-"+s.f1.String(), v.GetStreamId())
	require.Equal(t, int64(1), v.GetStreamVersion(), "HoldPlaced is missing before HoldLifted")
	require.Contains(t, v.GetReason(), "missing")
	require.Equal(t, "safeguarding", v.GetService())
	require.False(t, v.GetInSharedStream())
}

// What the history says of an event is checked against the event: the hashes cover the events,
// not the words a court reads (a review changed a withdrawal into an acceptance in the
// projection, and the history still verified).
func TestVerifyFamilyHistoryChecksWhatItSays(t *testing.T) {
	g := newRig(t)
	s := g.play(t)
	ctx := t.Context()
	coordinator := g.coordinator(t, s.a)
	v, err := coordinator.VerifyFamilyHistory(ctx, &reportingv1.VerifyFamilyHistoryRequest{FamilyId: s.f1.String(), CentreId: s.a.String()})
	require.NoError(t, err)
	require.True(t, v.GetVerified())
	require.Positive(t, v.GetFamilyEventsChecked())
	require.LessOrEqual(t, v.GetFamilyEventsChecked(), v.GetEventsChecked())
	history, err := coordinator.GetFamilyHistory(ctx, &reportingv1.GetFamilyHistoryRequest{FamilyId: s.f1.String(), CentreId: s.a.String(), Purpose: reportingv1.HistoryReadPurpose_HISTORY_READ_PURPOSE_CASE_REVIEW})
	require.NoError(t, err)
	require.Equal(t, int64(len(history.GetEntries())), v.GetFamilyEventsChecked(), "the family's own events are those its history lists")

	stream := "referral-" + s.r1.String()
	_, err = g.owner.Exec(ctx, `UPDATE reporting.history_events SET description = 'Referral declined' WHERE stream_id = $1 AND version = 3`, stream)
	require.NoError(t, err)
	v, err = coordinator.VerifyFamilyHistory(ctx, &reportingv1.VerifyFamilyHistoryRequest{FamilyId: s.f1.String(), CentreId: s.a.String()})
	require.NoError(t, err)
	require.False(t, v.GetVerified())
	require.Equal(t, stream, v.GetStreamId())
	require.Equal(t, int64(3), v.GetStreamVersion())
	require.Contains(t, v.GetReason(), "does not follow from it")
}

func figures(t testing.TB, c reportingv1.ReportingServiceClient, kind reportingv1.PeriodKind, year, number int32, centre string, publish bool) map[string]*reportingv1.Figure {
	resp, err := c.GetFigures(context.Background(), &reportingv1.GetFiguresRequest{Period: &reportingv1.Period{Kind: kind, Year: year, Number: number}, CentreId: centre, Publication: publish})
	require.NoError(t, err)
	out := map[string]*reportingv1.Figure{}
	for _, f := range resp.GetFigures() {
		out[f.GetMeasure()+"|"+f.GetScope()+"|"+f.GetRegion().String()+"|"+f.GetCentreId()+"|"+f.GetBreakdown()+"|"+f.GetCategory()] = f
	}
	return out
}

// The national figures equal those counted by hand from the scenario. Read in January 2027 (on
// the service's clock), when every period of 2026 has ended and so is published (decision 264).
func TestFiguresByHand(t *testing.T) {
	g := newRigOn(t, clock.NewSimulated(time.Date(2027, 1, 15, 10, 0, 0, 0, time.UTC)))
	s := g.play(t)
	an := g.analyst(t)
	quarter, year, month := reportingv1.PeriodKind_PERIOD_KIND_QUARTER, reportingv1.PeriodKind_PERIOD_KIND_YEAR, reportingv1.PeriodKind_PERIOD_KIND_MONTH
	q1 := figures(t, an, quarter, 2026, 1, "", false)
	q2 := figures(t, an, quarter, 2026, 2, "", false)
	y := figures(t, an, year, 2026, 0, "", false)
	feb := figures(t, an, month, 2026, 2, "", false)
	value := func(figs map[string]*reportingv1.Figure, key string) float64 {
		f, ok := figs[key]
		if !ok {
			return 0
		}
		return f.GetValue()
	}
	london, northWest := commonv1.Region_REGION_LONDON.String(), commonv1.Region_REGION_NORTH_WEST.String()
	national := "|national|REGION_UNSPECIFIED||"
	for _, c := range []struct {
		name string
		figs map[string]*reportingv1.Figure
		key  string
		want float64
	}{
		{"child 1 seen at two centres counts once nationally", q1, "children_served" + national + "|", 2},
		{"and once at centre A", q1, "children_served|centre|" + london + "|" + s.a.String() + "||", 2},
		{"and once at centre B", q1, "children_served|centre|" + northWest + "|" + s.b.String() + "||", 1},
		{"by region", q1, "children_served|region|" + london + "|||", 2},
		{"by age band", q1, "children_served" + national + "age_band|AGE_BAND_5_TO_10", 1},
		{"child 3's only session was a no-show: not served", q1, "children_served" + national + "age_band|AGE_BAND_11_TO_15", 0},
		{"child 1 in Q2 too", q2, "children_served" + national + "|", 1},
		{"once in the year", y, "children_served" + national + "|", 2},
		{"families served", q1, "families_served" + national + "|", 2},
		{"families served, supervised", q1, "families_served" + national + "service_type|SERVICE_TYPE_SUPERVISED", 1},
		{"sessions booked: family 3's of 10 March too, its no-show withdrawn", q1, "sessions_booked" + national + "|", 5},
		{"sessions attended", q1, "sessions_attended" + national + "|", 2},
		{"no-shows", q1, "sessions_no_show" + national + "|", 2},
		{"referrals received", q1, "referrals_received" + national + "|", 3},
		{"from a solicitor", q1, "referrals_received" + national + "source|REFERRAL_SOURCE_SOLICITOR", 1},
		{"court involved", q1, "referrals_court_involved" + national + "|", 1},
		{"Cafcass involved", q1, "referrals_cafcass_involved" + national + "|", 1},
		{"accepted", q1, "referrals_accepted" + national + "|", 3},
		{"waiting time, family 1: 5 January to 3 February", q1, "waiting_days_median|centre|" + london + "|" + s.a.String() + "||", 29},
		{"waiting time nationally, median of 29 and 36", q1, "waiting_days_median" + national + "|", 32.5},
		{"cases ended", q2, "cases_ended" + national + "outcome|CASE_OUTCOME_SELF_ARRANGED", 1},
		{"concerns", q1, "concerns_raised" + national + "|", 1},
		{"holds placed", q1, "holds_placed" + national + "|", 1},
		{"holds lifted", q1, "holds_lifted" + national + "|", 1},
		{"reports released", q1, "reports_released" + national + "|", 1},
		{"places: 13 Tuesdays in Q1, one closed, 3 places each", q1, "places_available|centre|" + london + "|" + s.a.String() + "||", 36},
		{"capacity used at A: 8 of 36 (family 3's of 10 March booked, its no-show withdrawn; family 1's two supervised sessions book the room's 3 places each)", q1, "capacity_used_percent|centre|" + london + "|" + s.a.String() + "||", 22.2},
		{"staff on 31 March: A's two volunteers (the last day counts) and its supervisor, and B's coordinator", q1, "staff_at_end" + national + "|", 4},
		{"at A, its supervisor once, added again after leaving", q1, "staff_at_end|centre|" + london + "|" + s.a.String() + "||", 3},
		{"in London", q1, "staff_at_end|region|" + london + "|||", 3},
		{"at B", q1, "staff_at_end|centre|" + northWest + "|" + s.b.String() + "||", 1},
		{"volunteers on 31 March", q1, "staff_at_end" + national + "role|STAFF_ROLE_VOLUNTEER", 2},
		{"contact supervisors on 31 March", q1, "staff_at_end" + national + "role|STAFF_ROLE_CONTACT_SUPERVISOR", 1},
		{"coordinators on 31 March", q1, "staff_at_end" + national + "role|STAFF_ROLE_COORDINATOR", 1},
		{"staff on 30 June: the volunteer whose last day was brought forward to 31 March has left", q2, "staff_at_end" + national + "|", 3},
		{"volunteers on 30 June", q2, "staff_at_end" + national + "role|STAFF_ROLE_VOLUNTEER", 1},
		{"staff on 31 December: the supervisor's last day ahead was withdrawn", y, "staff_at_end" + national + "|", 3},
		{"staff on 28 February: the supervisor was between periods", feb, "staff_at_end|centre|" + london + "|" + s.a.String() + "||", 2},
		{"no supervisor on 28 February", feb, "staff_at_end" + national + "role|STAFF_ROLE_CONTACT_SUPERVISOR", 0},
	} {
		require.Equal(t, c.want, value(c.figs, c.key), c.name+" ("+c.key+")")
	}

	published := figures(t, an, quarter, 2026, 1, "", true)
	f := published["children_served"+national+"|"]
	require.True(t, f.GetSuppressed())
	require.Equal(t, "<5", f.GetShown())
	require.Zero(t, f.GetValue(), "a suppressed figure's value is not sent")
	staff := published["staff_at_end"+national+"|"]
	require.True(t, staff.GetSuppressed(), "staff are people: 4 on 31 March is suppressed like any count of people")
	require.Equal(t, "*", staff.GetShown(), "and shown \"*\", not \"<5\": London's centre, knowing its own 3, would have B's 1 from a total of at most 4 (decision 100)")
	require.Zero(t, staff.GetValue())

	// Every period of the year is published from one reading of the year (decisions.md 81): each
	// figure published is the exact figure, and one centre's publication is the nation's, kept
	// to the centre.
	for _, p := range []struct {
		kind   reportingv1.PeriodKind
		number int32
	}{{year, 0}, {quarter, 1}, {quarter, 2}, {quarter, 4}, {month, 1}, {month, 2}, {month, 3}, {month, 4}, {month, 12}} {
		exact := figures(t, an, p.kind, 2026, p.number, "", false)
		published := figures(t, an, p.kind, 2026, p.number, "", true)
		require.ElementsMatch(t, slices.Collect(maps.Keys(exact)), slices.Collect(maps.Keys(published)), "%s %d", p.kind, p.number)
		for key, f := range published {
			if f.GetSuppressed() {
				require.Zero(t, f.GetValue(), key)
				continue
			}
			require.Equal(t, exact[key].GetValue(), f.GetValue(), "%s %d: %s", p.kind, p.number, key)
		}
		// Every centre has a row for every count, 0 when nothing was counted.
		for _, centre := range []string{"centre|" + london + "|" + s.a.String(), "centre|" + northWest + "|" + s.b.String(), "region|" + northWest + "|"} {
			for _, m := range []string{"children_served", "sessions_cancelled", "referrals_declined", "concerns_escalated", "holds_lifted", "waiting_list_at_end", "staff_at_end", "places_available"} {
				require.Contains(t, published, m+"|"+centre+"||", "%s %d", p.kind, p.number)
				require.Contains(t, exact, m+"|"+centre+"||", "%s %d", p.kind, p.number)
			}
		}
		for key, f := range figures(t, an, p.kind, 2026, p.number, s.a.String(), true) {
			require.Equal(t, published[key].GetShown(), f.GetShown(), "%s %d: %s, alone and in the nation's", p.kind, p.number, key)
		}
	}

	_, err := an.GetFigures(t.Context(), &reportingv1.GetFiguresRequest{Period: &reportingv1.Period{Kind: quarter, Year: 2026, Number: 1},
		CentreId: uuid.NewString(), Publication: true})
	require.Equal(t, codes.NotFound, status.Code(err), "a centre reporting has not heard of is not an empty return")

	// A coordinator sees their own centre's figures only.
	own := figures(t, g.coordinator(t, s.b), quarter, 2026, 1, s.b.String(), false)
	require.Equal(t, 1.0, value(own, "children_served|centre|"+northWest+"|"+s.b.String()+"||"))
	_, err = g.coordinator(t, s.b).GetFigures(t.Context(), &reportingv1.GetFiguresRequest{Period: &reportingv1.Period{Kind: quarter, Year: 2026, Number: 1}})
	require.Equal(t, codes.PermissionDenied, status.Code(err))
	require.Equal(t, auth.ReasonCentreRequired, reasonOf(err), "with its reason (review 50)")
}

// Every read of a family's history is recorded before it is answered, with who, in which role,
// why and as of when (DESIGN.md; review 22 read the categories of a family's concerns and holds
// and left no trace): the centre's coordinators and safeguarding leads list the reads, a read
// whose record cannot be written shows nothing, and a read without a purpose is refused.
func TestEveryReadOfAFamilysHistoryIsRecordedWithItsPurpose(t *testing.T) {
	g := newRig(t)
	s := g.play(t)
	ctx := t.Context()
	coordinator := g.coordinator(t, s.a)
	account := "coordinator-" + s.a.String()[:8]
	reads := func(c reportingv1.ReportingServiceClient) []*reportingv1.HistoryRead {
		t.Helper()
		var out []*reportingv1.HistoryRead
		token := ""
		for range 10 {
			page, err := c.ListHistoryReads(ctx, &reportingv1.ListHistoryReadsRequest{CentreId: s.a.String(), FamilyId: s.f1.String(),
				PageSize: 1, PageToken: token})
			require.NoError(t, err)
			out = append(out, page.GetReads()...)
			if token = page.GetNextPageToken(); token == "" {
				return out
			}
		}
		t.Fatal("more pages than reads")
		return nil
	}
	require.Empty(t, reads(coordinator), "nothing read yet")

	_, err := coordinator.GetFamilyHistory(ctx, &reportingv1.GetFamilyHistoryRequest{FamilyId: s.f1.String(), CentreId: s.a.String()})
	require.Equal(t, codes.InvalidArgument, status.Code(err), "a read without a purpose")
	_, err = coordinator.GetFamilyHistory(ctx, &reportingv1.GetFamilyHistoryRequest{FamilyId: s.f1.String(), CentreId: s.a.String(),
		Purpose: reportingv1.HistoryReadPurpose(99)})
	require.Equal(t, codes.InvalidArgument, status.Code(err), "a purpose that is none of the list")
	require.Empty(t, reads(coordinator), "refused reads are not reads")

	court, read := reportingv1.HistoryReadPurpose_HISTORY_READ_PURPOSE_COURT, reportingv1.HistoryReadPurpose_HISTORY_READ_PURPOSE_CASE_REVIEW
	h, err := coordinator.GetFamilyHistory(ctx, &reportingv1.GetFamilyHistoryRequest{FamilyId: s.f1.String(), CentreId: s.a.String(),
		Purpose: court, AsOf: timestamppb.New(s.beforeHold)})
	require.NoError(t, err)
	require.NotEmpty(t, h.GetEntries())
	_, err = coordinator.GetFamilyHistory(ctx, &reportingv1.GetFamilyHistoryRequest{FamilyId: s.f1.String(), CentreId: s.a.String(), Purpose: read})
	require.NoError(t, err)
	// A coordinator elsewhere asking for the family at their own centre is told it is not found;
	// the attempt is recorded as it was asked, and listed for the family's centre as refused.
	_, err = g.coordinator(t, s.b).GetFamilyHistory(ctx, &reportingv1.GetFamilyHistoryRequest{FamilyId: s.f1.String(), CentreId: s.b.String(), Purpose: court})
	require.Equal(t, codes.NotFound, status.Code(err))

	// The centre's safeguarding lead lists them too, as the staff register clears them.
	today := dates.Proto(dates.InUK(time.Now()))
	g.staffEvent(t, s.a, &schedulingv1.StaffMemberAdded{CentreId: s.a.String(), AccountId: "lead-a", Role: schedulingv1.StaffRole_STAFF_ROLE_SAFEGUARDING_LEAD,
		JoinedOn: today, DbsCheckedOn: today, TrainedOn: today})
	lead := g.client(t, "lead-a", []auth.Role{auth.RoleSafeguardingLead}, s.a)
	for name, c := range map[string]reportingv1.ReportingServiceClient{"coordinator": coordinator, "lead": lead} {
		got := reads(c)
		require.Len(t, got, 3, name)
		require.Equal(t, account, got[0].GetReader())
		require.Equal(t, "coordinator", got[0].GetRole())
		require.Equal(t, court, got[0].GetPurpose())
		require.True(t, got[0].GetAsOf().AsTime().Equal(s.beforeHold), "as of the moment asked")
		require.Equal(t, s.a.String(), got[0].GetCentreId())
		require.Equal(t, read, got[1].GetPurpose())
		require.Nil(t, got[1].GetAsOf(), "as it stood")
		require.Equal(t, s.b.String(), got[2].GetCentreId(), "asked at another centre")
		require.False(t, got[1].GetReadAt().AsTime().Before(got[0].GetReadAt().AsTime()), "oldest first")
	}
	for name, c := range map[string]reportingv1.ReportingServiceClient{
		"a volunteer":              g.client(t, "volunteer-1", []auth.Role{auth.RoleVolunteer}, s.a),
		"an analyst":               g.analyst(t),
		"another centre's lead":    g.client(t, "lead-b", []auth.Role{auth.RoleSafeguardingLead}, s.b),
		"a national administrator": g.client(t, "admin-1", []auth.Role{auth.RoleAdmin}),
	} {
		_, err := c.ListHistoryReads(ctx, &reportingv1.ListHistoryReadsRequest{CentreId: s.a.String(), FamilyId: s.f1.String()})
		require.Equal(t, codes.PermissionDenied, status.Code(err), name)
	}
	_, err = g.coordinator(t, s.b).ListHistoryReads(ctx, &reportingv1.ListHistoryReadsRequest{CentreId: s.b.String(), FamilyId: s.f1.String()})
	require.Equal(t, codes.NotFound, status.Code(err), "another centre's family")
	for _, forged := range []string{"bm90LWEtdG9rZW4", paging.After{Key: "-100", ID: uuid.New()}.Encode(), paging.After{Key: "ten"}.Encode()} {
		_, err = coordinator.ListHistoryReads(ctx, &reportingv1.ListHistoryReadsRequest{CentreId: s.a.String(), FamilyId: s.f1.String(), PageToken: forged})
		require.Equal(t, codes.InvalidArgument, status.Code(err), "a forged page token %s", forged)
	}

	// The reads are events of reporting's own log, signed, holding no personal data, and published
	// to reporting's stream, the copy familytime verify finds a deleted read by (review 24 deleted
	// one from the log, and verify said every chain was intact).
	require.Equal(t, 3, g.count(t, `SELECT count(*) FROM events WHERE family_id = $1 AND event_type = 'familytime.reporting.v1.FamilyHistoryRead' AND mac IS NOT NULL`, s.f1))
	require.Eventually(t, func() bool {
		stream, err := g.js.Stream(ctx, bus.StreamName("reporting"))
		if err != nil {
			return false
		}
		info, err := stream.Info(ctx)
		return err == nil && info.State.Msgs == 3
	}, 30*time.Second, 10*time.Millisecond, "every read is on reporting's stream")

	// A read whose record cannot be written shows nothing.
	_, err = g.owner.Exec(ctx, `CREATE FUNCTION refuse_history_read() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'the disk is full'; END $$;
		CREATE TRIGGER refuse_history_read BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION refuse_history_read()`)
	require.NoError(t, err)
	h, err = coordinator.GetFamilyHistory(ctx, &reportingv1.GetFamilyHistoryRequest{FamilyId: s.f1.String(), CentreId: s.a.String(), Purpose: read})
	require.Error(t, err)
	require.Empty(t, h.GetEntries())
	require.NotContains(t, status.Convert(err).Message(), "disk", "the database's words stay in the log")
	_, err = g.owner.Exec(ctx, `DROP TRIGGER refuse_history_read ON events`)
	require.NoError(t, err)
	require.Len(t, reads(coordinator), 3)

	// A read whose row was changed behind the service's back is not listed as fact (review 25 put
	// another reader's name on one).
	conn, err := g.owner.Acquire(ctx)
	require.NoError(t, err)
	defer conn.Release()
	_, err = conn.Exec(ctx, `SET session_replication_role = replica`)
	require.NoError(t, err)
	_, err = conn.Exec(ctx, `UPDATE events SET actor = 'someone-else' WHERE family_id = $1 AND position = (SELECT min(position) FROM events WHERE family_id = $1)`, s.f1)
	require.NoError(t, err)
	_, err = conn.Exec(ctx, `RESET session_replication_role`)
	require.NoError(t, err)
	_, err = lead.ListHistoryReads(ctx, &reportingv1.ListHistoryReadsRequest{CentreId: s.a.String(), FamilyId: s.f1.String()})
	require.Equal(t, codes.FailedPrecondition, status.Code(err))
	require.Contains(t, status.Convert(err).Message(), "changed behind the service's back")
}
