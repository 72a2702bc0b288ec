package app

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

func envelopeOf(t *testing.T, msg proto.Message) *commonv1.EventEnvelope {
	t.Helper()
	payload, err := proto.Marshal(msg)
	require.NoError(t, err)
	return &commonv1.EventEnvelope{EventType: string(msg.ProtoReflect().Descriptor().FullName()), Payload: payload}
}

// A history is read in court: it must not say someone may attend who may only bring or collect
// the children, and it names the parties in words.
func TestDescriptionsSayWhoMayAttendAndNameThePartiesInWords(t *testing.T) {
	ready := &referralv1.FamilyReadyForContact{Adults: []*referralv1.Attendee{
		{MayAttend: true},                  // the visiting parent
		{MayBring: true, MayCollect: true}, // the resident parent hands over only
		{MayCollect: true},                 // a grandparent who collects
	}, Children: []*referralv1.ChildParty{{}}}
	require.Equal(t, "Family ready for contact: 1 adult may attend, 2 may only bring or collect the children, 1 child",
		Describe(envelopeOf(t, ready)))
	require.Equal(t, "No-show: the visiting parent did not come (explained)",
		Describe(envelopeOf(t, &schedulingv1.NoShowRecorded{Party: schedulingv1.Party_PARTY_VISITING, Explained: true})))
	require.Equal(t, "Arrived: the children (with whoever brings them)",
		Describe(envelopeOf(t, &schedulingv1.PartyArrived{Party: schedulingv1.Party_PARTY_CHILDREN})))
	// Neither came (decision 406): one no-show, naming both, never one parent alone.
	require.Equal(t, "No-show: both parties (the visiting parent, and the children with whoever brings them) did not come "+
		"(unexplained, 1 since the place was last released)",
		Describe(envelopeOf(t, &schedulingv1.NoShowRecorded{Party: schedulingv1.Party_PARTY_BOTH, UnexplainedCount: 1})))
	// A concern moved away from, and to, a family (decision 404).
	require.Equal(t, "Safeguarding concern moved: it was recorded about this family by mistake, and is about another family",
		Describe(envelopeOf(t, &safeguardingv1.ConcernMoved{})))
	require.Equal(t, "Safeguarding concern raised: neglect (first recorded about another family by mistake, and moved here by the safeguarding lead)",
		Describe(envelopeOf(t, &safeguardingv1.ConcernRaised{Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_NEGLECT,
			MovedFromConcernId: "b2d6a1b0-0000-4000-8000-000000000001"})))
	require.Equal(t, "Safeguarding concern raised again: neglect (moved back by the safeguarding lead: moving it away from this family was the mistake)",
		Describe(envelopeOf(t, &safeguardingv1.ConcernRaised{Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_NEGLECT,
			MovedFromConcernId: "b2d6a1b0-0000-4000-8000-000000000001", MovedBack: true})))
	require.Equal(t, "Safeguarding lead alerted of the hold: placed by someone the staff register had as contact supervisor that day",
		Describe(envelopeOf(t, &safeguardingv1.LeadAlertedOfHold{PlacedInRole: "supervisor"})))
	require.Equal(t, "Safeguarding lead alerted of the hold: placed by someone not on the centre's staff register that day",
		Describe(envelopeOf(t, &safeguardingv1.LeadAlertedOfHold{})))
	require.Equal(t, "Safeguarding lead checked that a possible duplicate referral is another family",
		Describe(envelopeOf(t, &referralv1.PossibleDuplicateChecked{})), "decision 205")
	require.Equal(t, "Safeguarding lead alerted of the hold: another centre's safeguarding lead checked on 2026-12-01 that a family referred there is not this family",
		Describe(envelopeOf(t, &safeguardingv1.LeadAlertedOfDuplicateCheck{CheckedOn: &commonv1.Date{Year: 2026, Month: 12, Day: 1},
			CheckedAtCentreId: "c", CheckedReferralId: "r"})), "decision 211: no id in the words")
	require.Equal(t, "Safeguarding lead alerted of the domestic-abuse finding of 2026-11-20: another centre's safeguarding lead checked on 2026-12-01 that a family referred there is not this family",
		Describe(envelopeOf(t, &safeguardingv1.LeadAlertedOfFindingCheck{FindingMadeOn: &commonv1.Date{Year: 2026, Month: 11, Day: 20},
			CheckedOn: &commonv1.Date{Year: 2026, Month: 12, Day: 1}, CheckedAtCentreId: "c", CheckedReferralId: "r"})), "decision 226")
}

// The words a rebuild writes for every event, made without fmt: the same as before.
func TestDescriptionsOfSessions(t *testing.T) {
	day := &commonv1.Date{Year: 2026, Month: 2, Day: 3}
	for range 2 { // the second time from the enums' cache
		require.Equal(t, "Session booked (supported) for 2026-02-03", Describe(envelopeOf(t,
			&schedulingv1.SessionBooked{ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, SessionDate: day})))
		require.Equal(t, "Session completed (supervised), 2 children", Describe(envelopeOf(t,
			&schedulingv1.SessionCompleted{ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPERVISED, Children: []*schedulingv1.AttendingChild{{}, {}}})))
	}
	require.Equal(t, "Booking for 0987-11-30 cancelled by the unspecified: unspecified", Describe(envelopeOf(t,
		&schedulingv1.BookingCancelled{SessionDate: &commonv1.Date{Year: 987, Month: 11, Day: 30}})))
	require.Equal(t, "Session booked (unspecified) for 12026-02-103", Describe(envelopeOf(t,
		&schedulingv1.SessionBooked{ServiceType: 77, SessionDate: &commonv1.Date{Year: 12026, Month: 2, Day: 103}})))
	require.Equal(t, "Session booked (unspecified) for an unknown date", Describe(envelopeOf(t, &schedulingv1.SessionBooked{})))
	require.Equal(t, "No-show withdrawn, recorded by mistake: the visiting parent came after all", Describe(envelopeOf(t,
		&schedulingv1.NoShowWithdrawn{Party: schedulingv1.Party_PARTY_VISITING})))
	require.Equal(t, "Check-in refused: the person's party had already left", Describe(envelopeOf(t, &schedulingv1.CheckInRefused{Reason: "ALREADY_LEFT"})))
	require.Equal(t, "Check-in refused to a person not named for the family", Describe(envelopeOf(t, &schedulingv1.CheckInRefused{Reason: "NOT_NAMED"})))
	require.Equal(t, "Check-in refused to a person named for the family but not to attend its contact",
		Describe(envelopeOf(t, &schedulingv1.CheckInRefused{Reason: "NOT_PERMITTED"})), "review 53: the person is named")
	require.Equal(t, "Check-in refused: the family's case had ended before anyone of the family came to the session",
		Describe(envelopeOf(t, &schedulingv1.CheckInRefused{Reason: "CASE_ENDED"})), "review 63: the person is named")
	require.Equal(t, "Check-in refused: the session had been recorded as a no-show",
		Describe(envelopeOf(t, &schedulingv1.CheckInRefused{Reason: "BOOKING_NO_SHOW"})), "decision 359: the person is named")
	require.Equal(t, "Check-in refused: the session had been recorded as completed",
		Describe(envelopeOf(t, &schedulingv1.CheckInRefused{Reason: "BOOKING_COMPLETED"})), "decision 359: the person is named")
	require.Equal(t, "Check-in refused: the session was over (the door checks people in until an hour after the visiting parent is due to leave)",
		Describe(envelopeOf(t, &schedulingv1.CheckInRefused{Reason: "SESSION_OVER"})), "decision 372: the person is named")
	require.Equal(t, "Check-in refusal of 10:02 withdrawn: recorded by mistake at the door", Describe(envelopeOf(t, &schedulingv1.CheckInRefusalWithdrawn{
		Reason: "NOT_NAMED", WasAt: timestamppb.New(time.Date(2026, 1, 10, 10, 2, 0, 0, time.UTC))})))
	require.Equal(t, "Check-in refused: a disclosure of domestic abuse waits for the safeguarding lead's risk assessment",
		Describe(envelopeOf(t, &schedulingv1.CheckInRefused{Reason: "DISCLOSURE_NOT_WEIGHED"})), "review 37: the person is named")
	require.Equal(t, "Referral accepted for supported contact, after a person checked the family is not the one a safeguarding hold suspends",
		Describe(envelopeOf(t, &referralv1.ReferralAccepted{ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, CheckedNotTheFamilyUnderHold: true})))

	// A movement says when the party came or left, not when it was typed in, in the centre's
	// (UK) clock; a correction says what it corrects, to which time, or that it did not happen.
	// The history is read by coordinators and courts, never by the other parent: exact times are
	// said, names never (person ids are not read).
	utc := func(month time.Month, day, hour, minute int) *timestamppb.Timestamp {
		return timestamppb.New(time.Date(2026, month, day, hour, minute, 0, 0, time.UTC))
	}
	children, visiting := schedulingv1.Party_PARTY_CHILDREN, schedulingv1.Party_PARTY_VISITING
	arrival, departure := schedulingv1.Movement_MOVEMENT_ARRIVAL, schedulingv1.Movement_MOVEMENT_DEPARTURE
	for _, c := range []struct {
		name     string
		ev       proto.Message
		recorded *timestamppb.Timestamp
		want     string
	}{
		{"an arrival typed in later says when the party came", &schedulingv1.PartyArrived{Party: children, At: utc(11, 30, 4, 30),
			PersonIds: []string{"p1"}}, utc(11, 30, 4, 38), "Arrived at 04:30 (UK time): the children (with whoever brings them)"},
		{"in summer the clock is an hour ahead of UTC", &schedulingv1.PartyArrived{Party: visiting, At: utc(7, 1, 9, 30)},
			utc(7, 1, 9, 31), "Arrived at 10:30 (UK time): the visiting parent"},
		{"seconds are not said", &schedulingv1.PartyDeparted{Party: visiting, At: timestamppb.New(time.Date(2026, 7, 1, 11, 59, 59, 0, time.UTC))},
			nil, "Left at 12:59 (UK time): the visiting parent"},
		{"the children leave with whoever collects them", &schedulingv1.PartyDeparted{Party: children, At: utc(11, 30, 12, 0)},
			utc(11, 30, 12, 0), "Left at 12:00 (UK time): the children (with whoever collects them)"},
		{"a supervised session a hold called off", &schedulingv1.SessionCalledOff{ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPERVISED},
			nil, "Session called off by a safeguarding hold with the family inside (supervised): its observation report is due"},
		{"some of the children leave first", &schedulingv1.PartyDeparted{Party: children, At: utc(11, 30, 11, 0), ChildrenRemain: true},
			utc(11, 30, 11, 0), "Left at 11:00 (UK time): some of the children (with whoever collects them; the others stay)"},
		{"a child brought later", &schedulingv1.PartyArrived{Party: children, At: utc(11, 30, 10, 40), MoreChildren: true},
			utc(11, 30, 10, 40), "Arrived at 10:40 (UK time): more of the children (with whoever brings them)"},
		// Decision 391: who brought and who collected the children, and who of the visiting party
		// came, by role (review 77: a handover's history could not say who took the child).
		{"brought by the resident parent", &schedulingv1.PartyArrived{Party: children, At: utc(11, 30, 10, 15), PersonIds: []string{"p1", "c1"},
			AdultRoles: []schedulingv1.PersonRole{schedulingv1.PersonRole_PERSON_ROLE_RESIDENT_PARENT}}, utc(11, 30, 10, 15),
			"Arrived at 10:15 (UK time): the children, brought by the resident parent"},
		{"collected by an escort and a relative", &schedulingv1.PartyDeparted{Party: children, At: utc(11, 30, 12, 0),
			AdultRoles: []schedulingv1.PersonRole{schedulingv1.PersonRole_PERSON_ROLE_NAMED_ESCORT, schedulingv1.PersonRole_PERSON_ROLE_NAMED_RELATIVE}},
			utc(11, 30, 12, 0), "Left at 12:00 (UK time): the children, collected by a named escort and a named relative"},
		{"some collected first, by role", &schedulingv1.PartyDeparted{Party: children, At: utc(11, 30, 11, 0), ChildrenRemain: true,
			AdultRoles: []schedulingv1.PersonRole{schedulingv1.PersonRole_PERSON_ROLE_VISITING_PARENT}},
			utc(11, 30, 11, 0), "Left at 11:00 (UK time): some of the children, collected by the visiting parent (the others stay)"},
		{"more of the children, by role", &schedulingv1.PartyArrived{Party: children, At: utc(11, 30, 10, 40), MoreChildren: true,
			AdultRoles: []schedulingv1.PersonRole{schedulingv1.PersonRole_PERSON_ROLE_OTHER_PARENTAL_RESPONSIBILITY}},
			utc(11, 30, 10, 40), "Arrived at 10:40 (UK time): more of the children, brought by another adult with parental responsibility"},
		{"the visiting party with a relative", &schedulingv1.PartyArrived{Party: visiting, At: utc(11, 30, 10, 0),
			AdultRoles: []schedulingv1.PersonRole{schedulingv1.PersonRole_PERSON_ROLE_VISITING_PARENT, schedulingv1.PersonRole_PERSON_ROLE_NAMED_RELATIVE}},
			utc(11, 30, 10, 0), "Arrived at 10:00 (UK time): the visiting parent and a named relative"},
		{"recorded the next day, the date is said", &schedulingv1.PartyArrived{Party: visiting, At: utc(7, 1, 22, 50)},
			utc(7, 2, 8, 0), "Arrived at 23:50 on 2026-07-01 (UK time): the visiting parent"},
		{"a time corrected", &schedulingv1.MovementCorrected{Party: children, Movement: arrival, WasAt: utc(11, 30, 10, 40),
			At: utc(11, 30, 10, 25), PersonIds: []string{"p1"}}, utc(11, 30, 11, 0),
			"Arrival corrected to 10:25 (UK time; recorded as 10:40): the children (with whoever brings them)"},
		{"who left corrected, the time as it was", &schedulingv1.MovementCorrected{Party: children, Movement: departure,
			WasAt: utc(7, 1, 11, 0), At: utc(7, 1, 11, 0), PersonIds: []string{"p2"}}, utc(7, 1, 11, 5),
			"Departure corrected for who left, at 12:00 as recorded (UK time): the children (with whoever collects them)"},
		{"a departure that did not happen", &schedulingv1.MovementCorrected{Party: children, Movement: departure,
			WasAt: utc(11, 30, 10, 30)}, utc(11, 30, 10, 45),
			"Departure withdrawn, it did not happen (recorded by mistake at 10:30, UK time): the children (with whoever collects them)"},
		{"a correction that does not say what it corrects", &schedulingv1.MovementCorrected{Party: visiting, Movement: arrival},
			nil, "Arrival withdrawn, it did not happen (recorded by mistake): the visiting parent"},
		// Late notice is someone's short notice, never a booking the platform called off (decision 128).
		{"a system cancellation is not late notice", &schedulingv1.BookingCancelled{SessionDate: day, Late: true, NoticeMinutes: 60,
			CancelledBy: schedulingv1.CancelledBy_CANCELLED_BY_SYSTEM, Reason: schedulingv1.CancellationReason_CANCELLATION_REASON_HOLD},
			nil, "Booking for 2026-02-03 cancelled by the system: hold"},
		{"a family's late cancellation is", &schedulingv1.BookingCancelled{SessionDate: day, Late: true, NoticeMinutes: 60,
			CancelledBy: schedulingv1.CancelledBy_CANCELLED_BY_RESIDENT_PARENT, Reason: schedulingv1.CancellationReason_CANCELLATION_REASON_REQUESTED},
			nil, "Booking for 2026-02-03 cancelled by the resident parent: requested (under 48 hours' notice: 1 hour before the children were due)"},
		// How much notice, not only whether it was late (review 58, decision 332).
		{"a parent's notice to the visiting party", &schedulingv1.BookingCancelled{SessionDate: day, Late: true, NoticeMinutes: 20,
			NoticeTo: schedulingv1.Party_PARTY_VISITING, CancelledBy: schedulingv1.CancelledBy_CANCELLED_BY_VISITING_PARENT,
			Reason: schedulingv1.CancellationReason_CANCELLATION_REASON_REQUESTED},
			nil, "Booking for 2026-02-03 cancelled by the visiting parent: requested (under 48 hours' notice: 20 minutes before the visiting parent was due)"},
		{"a cancellation in good time", &schedulingv1.BookingCancelled{SessionDate: day, NoticeMinutes: 3*24*60 + 125,
			CancelledBy: schedulingv1.CancelledBy_CANCELLED_BY_REFERRER, Reason: schedulingv1.CancellationReason_CANCELLATION_REASON_REQUESTED},
			nil, "Booking for 2026-02-03 cancelled by the referrer: requested (notice: 3 days 2 hours 5 minutes before the children were due)"},
		{"a cancellation once the party was due", &schedulingv1.BookingCancelled{SessionDate: day, Late: true, NoticeMinutes: -5,
			CancelledBy: schedulingv1.CancelledBy_CANCELLED_BY_RESIDENT_PARENT, Reason: schedulingv1.CancellationReason_CANCELLATION_REASON_REQUESTED},
			nil, "Booking for 2026-02-03 cancelled by the resident parent: requested (under 48 hours' notice: none: once the children were due, or after)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := envelopeOf(t, c.ev)
			env.RecordedAt = c.recorded
			require.Equal(t, c.want, Describe(env))
		})
	}
}

// A domestic-abuse finding's effect on scheduling is described in words, and so is the
// cancellation it makes (the reason in the enum's words).
func TestDescriptionsOfADomesticAbuseFinding(t *testing.T) {
	day := &commonv1.Date{Year: 2026, Month: 2, Day: 3}
	require.Equal(t, "Supported contact ruled out by a domestic-abuse finding (risk assessed 2026-02-03): future supported bookings cancelled, none taken",
		Describe(envelopeOf(t, &schedulingv1.SupportedContactRuledOut{AssessedOn: day})))
	require.Equal(t, "Supported contact allowed again by a later risk assessment (2026-02-03)",
		Describe(envelopeOf(t, &schedulingv1.SupportedContactAllowed{AssessedOn: day})))
	red := safeguardingv1.RiskRating_RISK_RATING_RED
	require.Equal(t, "Risk screened provisionally from the referral: red", Describe(envelopeOf(t, &safeguardingv1.RiskScreenedProvisionally{Rating: red})))
	require.Equal(t, "Risk screened provisionally from a disclosure of domestic abuse carried from another referral of the child: red",
		Describe(envelopeOf(t, &safeguardingv1.RiskScreenedProvisionally{Rating: red, DisclosureCarried: true})))
	require.Equal(t, "Risk screened provisionally: red, a disclosure of domestic abuse carried to the family after the risk assessment of 2026-02-03: for the safeguarding lead to assess again",
		Describe(envelopeOf(t, &safeguardingv1.RiskScreenedProvisionally{Rating: red, DisclosureCarried: true, CarriedAfterAssessmentOn: day})))
	require.Equal(t, "Scheduling noted a disclosure of domestic abuse carried to the referral on 2026-02-03: contact other than supervised stops until the safeguarding lead's risk assessment",
		Describe(envelopeOf(t, &schedulingv1.DisclosureNoted{FlaggedOn: day})))
	require.Equal(t, "Scheduling noted a risk assessment of 2026-02-03: it weighs a disclosure noted on or before it",
		Describe(envelopeOf(t, &schedulingv1.RiskAssessmentNoted{AssessedOn: day})))
	for _, eventType := range []string{"familytime.scheduling.v1.DisclosureNoted", "familytime.scheduling.v1.RiskAssessmentNoted"} {
		_, given := parentsWords("scheduling", eventType, "anything")
		require.False(t, given, "%s: what the centre weighs of the risk is not in a parent's copy", eventType)
	}
	require.Equal(t, "Booking for 2026-02-03 cancelled by the system: domestic abuse finding", Describe(envelopeOf(t,
		&schedulingv1.BookingCancelled{SessionDate: day, CancelledBy: schedulingv1.CancelledBy_CANCELLED_BY_SYSTEM,
			Reason: schedulingv1.CancellationReason_CANCELLATION_REASON_DOMESTIC_ABUSE_FINDING})))
	require.Equal(t, "Referral noted safeguarding's risk assessment of 2026-02-03: domestic abuse found, supported contact ruled out",
		Describe(envelopeOf(t, &referralv1.RiskAssessmentNoted{AssessedOn: day, DomesticAbuseFinding: true})))
	require.Equal(t, "Referral noted safeguarding's risk assessment of 2026-02-03: no domestic abuse found",
		Describe(envelopeOf(t, &referralv1.RiskAssessmentNoted{AssessedOn: day})))
}

// A role is said in words, as the history says who acted, never by its code (decision 92).
func TestReadersAreDescribedByTheirRoleInWords(t *testing.T) {
	for _, c := range []struct {
		ev   proto.Message
		want string
	}{
		{&safeguardingv1.AccessRecorded{Role: "safeguarding_lead"}, "Safeguarding record read by the safeguarding lead"},
		{&safeguardingv1.AccessRecorded{Role: "supervisor"}, "Safeguarding record read by a contact supervisor"},
		{&safeguardingv1.AccessRecorded{Role: "admin"}, "Safeguarding record read by an administrator"},
		{&safeguardingv1.AccessRecorded{}, "Safeguarding record read by someone"},
		{&safeguardingv1.AccessRefused{Role: "coordinator", Reason: "OUTSIDE_YOUR_CENTRES"}, "Safeguarding record asked for by a coordinator of another centre: refused, nothing given"},
		{&safeguardingv1.AccessRefused{Role: "safeguarding_lead", Reason: "NOT_AT_THIS_CENTRE", AskedCentreId: "c1"}, "Safeguarding record asked for by the safeguarding lead of another centre: refused, nothing given"},
		{&safeguardingv1.AccessRefused{Role: "safeguarding_lead", Reason: "NOT_THE_LEAD"}, "Safeguarding record asked for by the safeguarding lead (as their token said; the centre's staff register does not give them that role): refused, nothing given"},
		{&safeguardingv1.AccessRefused{Role: "coordinator", Reason: "NOT_THE_RAISER_OR_LEAD"}, "Safeguarding record asked for by a coordinator: refused, nothing given"},
		{&safeguardingv1.AccessRefused{Role: "volunteer,supervisor"}, "Safeguarding record asked for by a volunteer: refused, nothing given"},
		{&safeguardingv1.AccessRefused{}, "Safeguarding record asked for by someone: refused, nothing given"},
		{&schedulingv1.WaitingListJoined{ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED,
			OfferNotTaken: schedulingv1.OfferNotTaken_OFFER_NOT_TAKEN_ON_HOLD},
			"Place offered withdrawn when a safeguarding hold was placed: back at its place on the centre's waiting list for supported contact"},
		{&schedulingv1.WaitingListJoined{ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPERVISED,
			OfferNotTaken: schedulingv1.OfferNotTaken_OFFER_NOT_TAKEN_PLACE_WITHDRAWN},
			"Place offered withdrawn when the centre changed its opening times and left it no session: back at its place on the centre's waiting list for supervised contact"},
		{&safeguardingv1.AccessRefused{Role: "safeguarding_lead", Kind: safeguardingv1.RecordKind_RECORD_KIND_CONCERN, Reason: "NOT_AT_THIS_CENTRE"},
			"A concern asked for by the safeguarding lead of another centre: refused, nothing given"},
		{&safeguardingv1.AccessRefused{Role: "coordinator", Kind: safeguardingv1.RecordKind_RECORD_KIND_SAFEGUARDING_RECORD, Reason: "ROLE_REQUIRED"},
			"The family's safeguarding record asked for by a coordinator: refused, nothing given"},
		{&safeguardingv1.AccessRefused{Role: "coordinator", Kind: safeguardingv1.RecordKind_RECORD_KIND_REPORT, Reason: "NOT_A_REPORT_READER"},
			"An observation report asked for by a coordinator: refused, nothing given"},
		{&referralv1.FamilyDetailsOpened{ReaderRoles: []string{"coordinator"}}, "Family's details opened by a coordinator"},
		{&referralv1.FamilyDetailsOpened{ReaderRoles: []string{"coordinator", "safeguarding_lead"}},
			"Family's details opened by someone with the roles coordinator, safeguarding lead"},
		{&referralv1.FamilyDetailsOpened{ReaderRoles: []string{"volunteer"}, DoorDay: &commonv1.Date{Year: 2026, Month: 12, Day: 5}},
			"Names read for the door's day sheet of 2026-12-05 by a volunteer"},
		{&referralv1.FamilyDetailsOpened{ReaderRoles: []string{"supervisor"}, DoorDay: &commonv1.Date{Year: 2026, Month: 12, Day: 5}, DoorNeeds: true},
			"Names, languages and the children's needs read for the door's day sheet of 2026-12-05 by a contact supervisor"},
		{&referralv1.FamilyDetailsOpened{ReaderRoles: []string{"coordinator"}, AfterErasure: true},
			"Family's details asked for by a coordinator after they were erased: nothing was shown"},
	} {
		require.Equal(t, c.want, Describe(envelopeOf(t, c.ev)))
	}
}

// An erasure is a step of the history like any other, in words, without what was erased.
func TestDescriptionOfAnErasure(t *testing.T) {
	require.Equal(t, "Family's personal details erased: their retention ended",
		Describe(envelopeOf(t, &referralv1.FamilyErased{Reason: referralv1.ErasureReason_ERASURE_REASON_RETENTION_ENDED})))
	require.Equal(t, "Family's personal details erased at their request",
		Describe(envelopeOf(t, &referralv1.FamilyErased{Reason: referralv1.ErasureReason_ERASURE_REASON_ERASURE_REQUESTED})))
}

// A changed arrangement is described in both services' words, with what it replaced, and says that
// bookings already made keep their times (decisions.md 90).
func TestDescriptionsOfAChangedArrangement(t *testing.T) {
	weekly := func(minutes, arrive, leave int32) *referralv1.Arrangement {
		return &referralv1.Arrangement{ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, Frequency: referralv1.ContactFrequency_CONTACT_FREQUENCY_WEEKLY,
			SessionMinutes: minutes, Stagger: &referralv1.Stagger{ArrivalMinutes: arrive, DepartureMinutes: leave}}
	}
	require.Equal(t, "Contact arrangement changed for sessions booked from now on: weekly, 90-minute sessions, the visiting parent arriving 15 "+
		"minutes before the children and leaving 10 after (was weekly, 480-minute sessions, the visiting parent arriving 30 minutes before "+
		"the children and leaving 20 after)",
		Describe(envelopeOf(t, &referralv1.ArrangementChanged{Arrangement: weekly(90, 15, 10), PreviousArrangement: weekly(480, 30, 20)})))
	require.Equal(t, "Scheduling noted the changed arrangement: sessions booked from now on last 90 minutes, the visiting parent arriving 15 "+
		"minutes before the children and leaving 10 after; bookings already made keep their times",
		Describe(envelopeOf(t, &schedulingv1.ArrangementChangeNoted{SessionMinutes: 90, ArrivalStaggerMinutes: 15, DepartureStaggerMinutes: 10})))
}

// A hold's review is said in plain words with its next date, never its note; it feeds no
// projection (the hold stays as it was: in force), only the history (decision 94).
func TestDescriptionOfAHoldsReview(t *testing.T) {
	ev := &safeguardingv1.HoldReviewed{HoldId: "h", FamilyId: "f", CentreId: "c", ReviewedOn: &commonv1.Date{Year: 2026, Month: 3, Day: 2},
		NextReviewBy: &commonv1.Date{Year: 2026, Month: 5, Day: 29}, SealedNote: []byte("police investigation still open")}
	require.Equal(t, "Hold reviewed: it continues; next review by 2026-05-29", Describe(envelopeOf(t, ev)))
	require.False(t, projected[string(ev.ProtoReflect().Descriptor().FullName())], "the figures do not change when a hold is reviewed")
}

// Whether the children may leave the centre is said where the family is made ready, and where an
// amendment changes it afterwards (decision 117).
func TestDescriptionsOfLeavingTheCentre(t *testing.T) {
	require.Equal(t, "Family ready for contact: 0 adults may attend, 0 children; the children may leave the centre during contact",
		Describe(envelopeOf(t, &referralv1.FamilyReadyForContact{ChildrenMayLeaveCentre: true})))
	require.Equal(t, "Referral amended: the children stay in the centre during contact",
		Describe(envelopeOf(t, &referralv1.ChildrenLeavingChanged{})))
	require.Equal(t, "Scheduling noted the amendment: the day sheet says from now on that the children may leave the centre during contact",
		Describe(envelopeOf(t, &schedulingv1.ChildrenLeavingNoted{ChildrenMayLeaveCentre: true})))
}

// A court order linked after the family was ready is said in plain words where referral announces
// it and where scheduling notes it, without who (decision 323), and on the day it was linked.
func TestDescriptionsOfAnAdultKeptFromTheChildren(t *testing.T) {
	kept := &referralv1.AdultKeptFromChildren{PersonId: "11111111-2222-3333-4444-555555555555",
		KeptOn: &commonv1.Date{Year: 2026, Month: 12, Day: 19}}
	said := Describe(envelopeOf(t, kept))
	require.Equal(t, "Referral amended: a court order in force keeps an adult named on the referral from the children; "+
		"they may no longer attend, bring or collect them", said)
	require.NotContains(t, said, kept.GetPersonId())
	require.Equal(t, "Scheduling noted the court order: the door refuses the adult it keeps from the children from now on (decision 323)",
		Describe(envelopeOf(t, &schedulingv1.AdultKeptFromChildrenNoted{})))
	require.Equal(t, kept.GetKeptOn(), occurred(kept))
	noted := &schedulingv1.AdultKeptFromChildrenNoted{KeptOn: &commonv1.Date{Year: 2026, Month: 12, Day: 20}}
	require.Equal(t, noted.GetKeptOn(), occurred(noted))

	// Taken off the referral by amendment, with no order (decision 389).
	kept.Withdrawn = true
	said = Describe(envelopeOf(t, kept))
	require.Equal(t, "Referral amended: an adult named on the referral (not a parent) was taken off it; they may no longer attend, "+
		"bring or collect the children (decision 389)", said)
	require.NotContains(t, said, kept.GetPersonId())
	require.Equal(t, "Scheduling noted the amendment: the door refuses the adult taken off the referral from now on (decision 389)",
		Describe(envelopeOf(t, &schedulingv1.AdultKeptFromChildrenNoted{Withdrawn: true})))
}

// A child's date of birth corrected while the family is ready is said in plain words where
// referral announces it and where scheduling notes it, without the birth month or the age band it
// gives (reporting holds no personal data), and it feeds no projection: the age bands counted are
// those each completed session recorded (decision 187).
func TestDescriptionsOfACorrectedDateOfBirth(t *testing.T) {
	corrected := &referralv1.ChildBirthMonthCorrected{ReferralId: "r", FamilyId: "f", CentreId: "c", PersonId: "p",
		BirthYear: 2021, BirthMonth: 3, CorrectedOn: &commonv1.Date{Year: 2026, Month: 1, Day: 12}}
	noted := &schedulingv1.ChildBirthMonthNoted{FamilyId: "f", CentreId: "c", ReferralId: "r", PersonId: "p",
		BirthYear: 2021, BirthMonth: 3, CorrectedOn: &commonv1.Date{Year: 2026, Month: 1, Day: 12}}
	require.Equal(t, "Referral amended: a child's date of birth corrected; sessions completed from now on record the child's age band by it",
		Describe(envelopeOf(t, corrected)))
	require.Equal(t, "Scheduling noted a child's corrected date of birth: sessions completed from now on record the child's age band by it; "+
		"those completed before keep the age band they were recorded with", Describe(envelopeOf(t, noted)))
	for _, ev := range []proto.Message{corrected, noted} {
		s := Describe(envelopeOf(t, ev))
		for _, private := range []string{"2021", "March", "-03", "2 to 4", "2-4"} {
			require.NotContains(t, s, private)
		}
		require.False(t, projected[string(ev.ProtoReflect().Descriptor().FullName())])
	}
}

// A correction of a closed referral and a family's return after its place was released read as
// what they are (decision 178), not as an ordinary amendment or by their type's name.
func TestDescriptionsOfACorrectionAndAReturnAfterARelease(t *testing.T) {
	require.Equal(t, "Referral's personal details corrected after it closed (rectification; the case is unchanged)",
		Describe(envelopeOf(t, &referralv1.ReferralAmended{CorrectionAfterClose: true})))
	require.Equal(t, "Referral amended", Describe(envelopeOf(t, &referralv1.ReferralAmended{})))
	require.Equal(t, "Family attended a session on 2026-03-14 after its place was released: the release is past",
		Describe(envelopeOf(t, &referralv1.SessionAttendedAfterRelease{SessionOn: &commonv1.Date{Year: 2026, Month: 3, Day: 14}})))
}

// A no-show that did not release the place because the family came to a later session says so,
// with the session's day and the day that kept the place (decisions 181 and 183); one recorded
// before the event said so is described exactly as before, as VerifyFamilyHistory compares the
// stored description with Describe.
func TestANoShowThatKeptThePlaceSaysSo(t *testing.T) {
	late := &schedulingv1.NoShowRecorded{Party: schedulingv1.Party_PARTY_VISITING, UnexplainedCount: 2,
		SessionDate: &commonv1.Date{Year: 2026, Month: 12, Day: 5}, PlaceKeptBySessionOn: &commonv1.Date{Year: 2026, Month: 12, Day: 12}}
	require.Equal(t, "No-show on 2026-12-05: the visiting parent did not come (unexplained, 2 since the place was last released; "+
		"recorded after the family came on 2026-12-12, so the place is kept)", Describe(envelopeOf(t, late)))
	late.PlaceKeptBySessionOn = nil
	require.Equal(t, "No-show: the visiting parent did not come (unexplained, 2 since the place was last released)", Describe(envelopeOf(t, late)))
}

// An amendment that answers "no" where domestic abuse was disclosed is a retraction for the lead
// to weigh, and the history says so: it is not a plain "Referral amended" (decision 191).
func TestDescriptionsOfARetractedDisclosure(t *testing.T) {
	require.Equal(t, "Referral amended; the risk answers no longer disclose domestic abuse, but the disclosure made before stands for the safeguarding lead to weigh",
		Describe(envelopeOf(t, &referralv1.ReferralAmended{DomesticAbuseRetracted: true})))
	require.Equal(t, "Referral amended; the risk answers no longer disclose domestic abuse, but the disclosure made before stands for the safeguarding lead to weigh; it is screened again",
		Describe(envelopeOf(t, &referralv1.ReferralAmended{DomesticAbuseRetracted: true, ScreeningVoid: true})))
	require.Equal(t, "Referral amended; risk answers changed, so it is screened again",
		Describe(envelopeOf(t, &referralv1.ReferralAmended{ScreeningVoid: true})))
	// An abduction risk, an injunction or substance misuse answered no after it was disclosed is
	// said as domestic abuse's is (decision 338; its Left, done in decision 341).
	abduction, injunction := referralv1.RiskQuestion_RISK_QUESTION_ABDUCTION_RISK, referralv1.RiskQuestion_RISK_QUESTION_INJUNCTION
	require.Equal(t, "Referral amended; the risk answers no longer disclose abduction risk, but the disclosure made before stands for the safeguarding lead to weigh; it is screened again",
		Describe(envelopeOf(t, &referralv1.ReferralAmended{RisksRetracted: []referralv1.RiskQuestion{abduction}, ScreeningVoid: true})))
	require.Equal(t, "Referral amended; the risk answers no longer disclose domestic abuse, abduction risk, injunction, but the disclosures made before stand for the safeguarding lead to weigh",
		Describe(envelopeOf(t, &referralv1.ReferralAmended{DomesticAbuseRetracted: true,
			RisksRetracted: []referralv1.RiskQuestion{referralv1.RiskQuestion_RISK_QUESTION_DOMESTIC_ABUSE, abduction, injunction}})))
	words, given := parentsWords("referral", "familytime.referral.v1.ReferralAmended", "Referral amended; the risk answers no longer disclose abduction risk")
	require.True(t, given)
	require.Equal(t, "Referral amended", words, "not in a parent's copy: what was disclosed is not the other parent's to be given")
}

// A review's due date as scheduling noted it reads in words, not by the event's name (decision 261).
func TestDescriptionOfAReviewDueNoted(t *testing.T) {
	due := &schedulingv1.ReviewDueNoted{FamilyId: "f", CentreId: "c", ReferralId: "r",
		ReviewDueOn: &commonv1.Date{Year: 2027, Month: 7, Day: 9}, SetOn: &commonv1.Date{Year: 2027, Month: 1, Day: 9}}
	require.Equal(t, "Scheduling noted the review due by 2027-07-09: supported sessions after it are warned of and alerted until "+
		"the review is recorded", Describe(envelopeOf(t, due)))
	require.Equal(t, "Scheduling noted that no review is due", Describe(envelopeOf(t, &schedulingv1.ReviewDueNoted{FamilyId: "f", CentreId: "c"})))
}

// Two families kept apart (decision 330): each family's history names the other family by id, the
// day and the reason, never the other family's people.
func TestDescriptionsOfFamiliesKeptApart(t *testing.T) {
	day := &commonv1.Date{Year: 2026, Month: 12, Day: 3}
	kept := &schedulingv1.FamiliesKeptApart{FamilyId: "f", OtherFamilyId: "g", CentreId: "c",
		Reason: schedulingv1.KeepApartReason_KEEP_APART_REASON_SAME_ADULT, KeptOn: day}
	require.Equal(t, "Kept apart from family g at the centre from 2026-12-03 (same adult): the two are never booked at the same time there",
		Describe(envelopeOf(t, kept)))
	require.Equal(t, day, occurred(kept))
	// Carried to a family referred again (decision 363): the earlier family by id only.
	carried := &schedulingv1.FamiliesKeptApart{FamilyId: "f2", OtherFamilyId: "g", CentreId: "c",
		Reason: schedulingv1.KeepApartReason_KEEP_APART_REASON_INJUNCTION, KeptOn: day, CarriedFromFamilyId: "f"}
	require.Equal(t, "Kept apart from family g at the centre from 2026-12-03 (injunction): the two are never booked at the same "+
		"time there; carried from family f, kept apart from it so, when a child was confirmed as the same child referred again",
		Describe(envelopeOf(t, carried)))
	ended := &schedulingv1.KeepingApartEnded{FamilyId: "f", OtherFamilyId: "g", CentreId: "c", EndedOn: day}
	require.Equal(t, "No longer kept apart from family g at the centre from 2026-12-03: the two may be booked at the same time again",
		Describe(envelopeOf(t, ended)))
	// Another family of the centre, and why (the same adult, an injunction), is not a parent's to
	// be given (review 60, decision 336).
	for _, eventType := range []string{"familytime.scheduling.v1.FamiliesKeptApart", "familytime.scheduling.v1.KeepingApartEnded"} {
		_, given := parentsWords("scheduling", eventType, Describe(envelopeOf(t, kept)))
		require.False(t, given, "%s is not in a parent's copy", eventType)
	}
}

// Review 81 (H3): the waiting list's step of a decision undone says nothing of why, which a
// parent's copy would otherwise carry (the referral's own step there is "Referral amended").
func TestADecisionUndoneOnTheWaitingListSaysNotWhy(t *testing.T) {
	said := Describe(envelopeOf(t, &schedulingv1.WaitingListLeft{Reason: schedulingv1.WaitingListLeaveReason_WAITING_LIST_LEAVE_REASON_DECISION_UNDONE}))
	require.Equal(t, "Left the centre's waiting list without an offer: the referral's decision was undone, so it is decided again", said)
	require.NotContains(t, said, "risk")
}

// Review 91: a parent's copy said, after a change of arrangement, "the visiting parent arriving
// 30 minutes before the children and leaving 25 after": the resident parent knows the children's
// times, so that gave the visiting parent's door times to the minute. A parent's copy says the
// arrangement changed, not its times; the centre's copy keeps them.
func TestAParentsCopyGivesNoStaggerOfAChangedArrangement(t *testing.T) {
	arr := func(arrive, leave int32) *referralv1.Arrangement {
		return &referralv1.Arrangement{Frequency: referralv1.ContactFrequency_CONTACT_FREQUENCY_WEEKLY, SessionMinutes: 60,
			Stagger: &referralv1.Stagger{ArrivalMinutes: arrive, DepartureMinutes: leave}}
	}
	for _, ev := range []proto.Message{
		&referralv1.ArrangementChanged{Arrangement: arr(30, 25), PreviousArrangement: arr(15, 15)},
		&schedulingv1.ArrangementChangeNoted{SessionMinutes: 60, ArrivalStaggerMinutes: 30, DepartureStaggerMinutes: 25},
	} {
		env := envelopeOf(t, ev)
		centres := Describe(env)
		require.Contains(t, centres, "arriving 30 minutes before the children and leaving 25 after", "the centre's copy")
		service, _, _ := strings.Cut(strings.TrimPrefix(env.GetEventType(), "familytime."), ".")
		parents, given := parentsWords(service, env.GetEventType(), centres)
		require.True(t, given, "%s: that it changed is the parents'", env.GetEventType())
		require.NotContains(t, parents, "30")
		require.NotContains(t, parents, "25")
		require.NotContains(t, parents, "minutes")
	}
}
