package domain

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/problem"
)

var (
	monday      = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	volunteer   = Caller{Subject: "volunteer-1", Role: "volunteer"}
	other       = Caller{Subject: "volunteer-2", Role: "volunteer"}
	lead        = Caller{Subject: "lead-1", Role: "safeguarding_lead", Lead: true}
	sup         = Caller{Subject: "supervisor-1", Role: "supervisor"}
	sup2        = Caller{Subject: "supervisor-2", Role: "supervisor"}
	coordinator = Caller{Subject: "coordinator-1", Role: "coordinator"}
)

// recorded gives events ids, as the store does, so a rebuilt aggregate knows its records.
func recorded(events ...proto.Message) []Recorded {
	out := make([]Recorded, len(events))
	for i, ev := range events {
		out[i] = Recorded{ID: uuid.New(), Event: ev}
	}
	return out
}

func invalidField(t *testing.T, err error, field string) {
	t.Helper()
	var inv *problem.InvalidError
	require.ErrorAs(t, err, &inv)
	fields := []string{}
	for _, v := range inv.Violations {
		fields = append(fields, v.Field)
	}
	require.Contains(t, fields, field)
}

func raised(t *testing.T, by Caller) (*Concern, []Recorded) {
	t.Helper()
	id := uuid.New()
	_, evs, err := RaiseConcern(id, NewConcern{Family: uuid.New(), Centre: uuid.New(),
		Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_NEGLECT, Description: "what happened"}, by, monday)
	require.NoError(t, err)
	recs := recorded(evs...)
	k, err := RebuildConcern(id, recs)
	require.NoError(t, err)
	return k, recs
}

func TestRaiseConcernAlertsTheLeadAndValidates(t *testing.T) {
	_, evs, err := RaiseConcern(uuid.New(), NewConcern{Family: uuid.New(), Centre: uuid.New(),
		Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_ABDUCTION_RISK, Description: " seen "}, volunteer, monday)
	require.NoError(t, err)
	require.Len(t, evs, 2)
	require.IsType(t, &safeguardingv1.ConcernRaised{}, evs[0])
	require.IsType(t, &safeguardingv1.LeadAlerted{}, evs[1])
	require.Equal(t, "volunteer-1", evs[0].(*safeguardingv1.ConcernRaised).GetRaisedBy())

	p := uuid.New()
	for name, tc := range map[string]struct {
		n     NewConcern
		field string
	}{
		"no category":      {NewConcern{Family: uuid.New(), Description: "seen at the door"}, "category"},
		"no description":   {NewConcern{Family: uuid.New(), Category: 1, Description: "  "}, "description"},
		"no family":        {NewConcern{Category: 1, Description: "seen at the door"}, "family_id"},
		"repeated person":  {NewConcern{Family: uuid.New(), Category: 1, Description: "seen at the door", People: []uuid.UUID{p, p}}, "person_ids[1]"},
		"unknown category": {NewConcern{Family: uuid.New(), Category: 99, Description: "seen at the door"}, "category"},
	} {
		t.Run(name, func(t *testing.T) {
			_, evs, err := RaiseConcern(uuid.New(), tc.n, volunteer, monday)
			require.Nil(t, evs)
			invalidField(t, err, tc.field)
		})
	}
}

// Free text (a concern's description, a report section, a note) keeps tabs and line breaks and
// any script, but no other control character and no invisible formatting character; a purpose
// and an agency's reference are one line (decisions.md 91).
func TestTextHoldsNoControlOrFormatCharacters(t *testing.T) {
	for _, d := range []string{"Seen at the door\x1b[2J", "Father said \u202e.thgiliaht", "x\u2066y", "a\u200bb", "\ufeffx", "a\x00b", "a\u009bb"} {
		_, evs, err := RaiseConcern(uuid.New(), NewConcern{Family: uuid.New(), Centre: uuid.New(), Category: 1, Description: d}, volunteer, monday)
		require.Nil(t, evs, "%q", d)
		invalidField(t, err, "description")
	}
	for _, d := range []string{"Seen at the door.\n\tThe father shouted.\r\nHe left.", "Mae'r tad yn dweud: ŵyr", "Ojciec powiedział: łódź",
		"قال الأب", "父亲说"} {
		_, _, err := RaiseConcern(uuid.New(), NewConcern{Family: uuid.New(), Centre: uuid.New(), Category: 1, Description: d}, volunteer, monday)
		require.NoError(t, err, "%q", d)
	}
	for _, p := range []string{"strategy\nmeeting", "strategy\u202emeeting"} {
		_, err := RecordAccess(lead, Access{Family: uuid.New(), Purpose: p})
		invalidField(t, err, "purpose")
	}
	k, _ := raised(t, volunteer)
	_, err := k.Escalate(lead, safeguardingv1.Agency_AGENCY_POLICE, "REF\t123", false, monday)
	invalidField(t, err, "reference")
	r, _ := dueReport(t, "supervisor-1")
	observation := safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_OBSERVATION
	_, err = r.Draft(sup, []Section{{Kind: observation, Text: "played well\u2067 with the father"}}, monday)
	invalidField(t, err, "sections[0].text")
	_, err = r.Draft(sup, []Section{{Kind: observation, Text: "Played well.\n\tLłŵ, قال, 说."}}, monday)
	require.NoError(t, err)
}

// Volunteers see only what they raised; the centre's lead sees everything.
func TestOnlyTheRaiserAndTheLeadReadAConcern(t *testing.T) {
	k, _ := raised(t, volunteer)
	for name, tc := range map[string]struct {
		c  Caller
		ok bool
	}{
		"raiser":            {volunteer, true},
		"another volunteer": {other, false},
		"a supervisor":      {sup, false},
		"lead":              {lead, true},
		"nobody":            {Caller{}, false},
	} {
		t.Run(name, func(t *testing.T) {
			err := k.CanRead(tc.c)
			if tc.ok {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrNotRaiser)
		})
	}
}

func TestConcernLifeCycle(t *testing.T) {
	k, recs := raised(t, volunteer)
	for _, step := range []func() ([]proto.Message, error){
		func() ([]proto.Message, error) { return k.AddAction(lead, "spoke to the parent", monday) },
		func() ([]proto.Message, error) {
			return k.Escalate(lead, safeguardingv1.Agency_AGENCY_POLICE, "CR-1", false, monday)
		},
		func() ([]proto.Message, error) {
			return k.Close(lead, safeguardingv1.ConcernOutcome_CONCERN_OUTCOME_TAKEN_ON_BY_AGENCY, "resolved", monday)
		},
	} {
		evs, err := step()
		require.NoError(t, err)
		recs = append(recs, recorded(evs...)...)
	}
	require.True(t, k.Closed())
	require.True(t, k.Escalated())
	_, err := k.AddAction(lead, "more", monday)
	require.ErrorIs(t, err, ErrConcernClosed)
	_, err = k.Escalate(lead, safeguardingv1.Agency_AGENCY_POLICE, "x", false, monday)
	require.ErrorIs(t, err, ErrConcernClosed)
	_, err = k.Close(lead, safeguardingv1.ConcernOutcome_CONCERN_OUTCOME_NO_FURTHER_ACTION, "again", monday)
	require.ErrorIs(t, err, ErrConcernClosed)

	again, err := RebuildConcern(k.ID(), recs)
	require.NoError(t, err)
	require.Equal(t, int64(5), again.Version())
	require.True(t, again.Closed())

	_, err = again.Escalate(Caller{}, 0, "", false, monday)
	require.ErrorIs(t, err, ErrConcernClosed, "state first, then input")
	open, _ := raised(t, volunteer)
	_, err = open.Escalate(lead, 0, strings.Repeat("x", MaxReference+1), false, monday)
	invalidField(t, err, "agency")
	invalidField(t, err, "reference")
}

// A correction is a new record pointing at the old one; the original stays in the stream as it
// was, and only its author or the lead may correct it.
func TestACorrectionNeverReplacesTheOriginal(t *testing.T) {
	k, recs := raised(t, volunteer)
	original := recs[0]
	before, err := proto.Marshal(original.Event)
	require.NoError(t, err)

	_, err = k.Correct(other, original.ID, "new text", "typo", monday)
	require.ErrorIs(t, err, ErrNotRecordAuthor)
	_, err = k.Correct(volunteer, uuid.New(), "new text", "typo", monday)
	require.ErrorIs(t, err, ErrRecordNotFound)
	_, err = k.Correct(volunteer, original.ID, "new text", " ", monday)
	invalidField(t, err, "reason")
	// Review 20 blanked a concern: a correction says something, and why, in words.
	_, err = k.Correct(volunteer, original.ID, "x", ".", monday)
	invalidField(t, err, "text")
	invalidField(t, err, "reason")
	require.Equal(t, 1, len(k.records), "nothing recorded")

	evs, err := k.Correct(volunteer, original.ID, "the corrected description", "wrong day", monday)
	require.NoError(t, err)
	require.Len(t, evs, 1)
	c := evs[0].(*safeguardingv1.RecordCorrected)
	require.Equal(t, original.ID.String(), c.GetCorrectsEventId())
	require.Equal(t, "familytime.safeguarding.v1.ConcernRaised", c.GetCorrectsEventType())
	corr := &safeguardingv1.Correction{}
	require.NoError(t, proto.Unmarshal(c.GetSealedCorrection(), corr))
	require.Equal(t, "the corrected description", corr.GetText())

	after, err := proto.Marshal(original.Event)
	require.NoError(t, err)
	require.Equal(t, before, after, "the original record is untouched")
	recs = append(recs, recorded(evs...)...)
	again, err := RebuildConcern(k.ID(), recs)
	require.NoError(t, err)
	require.True(t, again.Has(original.ID), "the original is still a record of the concern")
	require.Equal(t, int64(3), again.Version())

	// The lead corrects anyone's record, and a correction can itself be corrected.
	evs, err = again.Correct(lead, recs[2].ID, "better", "clearer", monday)
	require.NoError(t, err)
	require.Equal(t, recs[2].ID.String(), evs[0].(*safeguardingv1.RecordCorrected).GetCorrectsEventId())

	// An automatic record is superseded, not corrected.
	due := recorded(&safeguardingv1.ReportDue{ReportId: uuid.NewString(), FamilyId: uuid.NewString(),
		CentreId: uuid.NewString(), BookingId: uuid.NewString(), SessionOn: dates.Proto(monday)})
	r, err := RebuildReport(uuid.New(), due)
	require.NoError(t, err)
	_, err = r.Correct(lead, due[0].ID, "x", "y", monday)
	require.ErrorIs(t, err, ErrNotCorrectable)
}

func TestHoldLifeCycle(t *testing.T) {
	family, centre, concern := uuid.New(), uuid.New(), uuid.New()
	h, err := RebuildHolds(family, nil)
	require.NoError(t, err)
	require.Empty(t, h.InForce())

	first, second := uuid.New(), uuid.New()
	var log []proto.Message
	evs, err := h.Place(first, NewHold{Centre: centre, Concern: concern, ReviewBy: monday.AddDate(0, 0, 14),
		Reason: safeguardingv1.HoldReason_HOLD_REASON_CONCERN_UNDER_INVESTIGATION}, monday)
	require.NoError(t, err)
	log = append(log, evs...)
	placed := evs[0].(*safeguardingv1.HoldPlaced)
	require.Equal(t, concern.String(), placed.GetConcernId())
	require.Equal(t, family.String(), placed.GetFamilyId())

	_, err = h.Place(uuid.New(), NewHold{Centre: centre, Concern: concern, ReviewBy: monday.AddDate(0, 0, 14),
		Reason: safeguardingv1.HoldReason_HOLD_REASON_CONDUCT}, monday)
	require.ErrorIs(t, err, ErrConcernAlreadyHeld)

	evs, err = h.Place(second, NewHold{Centre: centre, ReviewBy: monday.AddDate(0, 1, 0),
		Reason: safeguardingv1.HoldReason_HOLD_REASON_COURT_ORDER}, monday)
	require.NoError(t, err)
	log = append(log, evs...)
	require.Len(t, h.InForce(), 2)

	evs, err = h.Lift(first, "Concern looked into: none found", monday.AddDate(0, 0, 3))
	require.NoError(t, err)
	log = append(log, evs...)
	require.Len(t, h.InForce(), 1, "the court order's hold is still in force")
	_, err = h.Lift(first, "Lifted again by mistake", monday)
	require.ErrorIs(t, err, ErrHoldNotInForce)
	_, err = h.Lift(uuid.New(), "No such hold here", monday)
	require.ErrorIs(t, err, ErrHoldNotFound)

	evs, err = h.Lift(second, "order discharged", monday.AddDate(0, 0, 4))
	require.NoError(t, err)
	log = append(log, evs...)
	require.Empty(t, h.InForce())

	again, err := RebuildHolds(family, log)
	require.NoError(t, err)
	require.Equal(t, int64(4), again.Version())
	require.Empty(t, again.InForce())
	x, _ := again.Get(first)
	require.Equal(t, monday.AddDate(0, 0, 3), x.LiftedOn)

	// A concern's hold, once lifted, may be placed again.
	_, err = again.Place(uuid.New(), NewHold{Centre: centre, Concern: concern, ReviewBy: monday.AddDate(0, 0, 30),
		Reason: safeguardingv1.HoldReason_HOLD_REASON_CONCERN_UNDER_INVESTIGATION}, monday.AddDate(0, 0, 5))
	require.NoError(t, err)

	_, err = RebuildHolds(family, []proto.Message{&safeguardingv1.HoldLifted{HoldId: uuid.NewString()}})
	require.Error(t, err, "a lifting without its placing is a broken stream")
}

func TestPlaceHoldValidates(t *testing.T) {
	h, _ := RebuildHolds(uuid.New(), nil)
	for name, tc := range map[string]struct {
		n     NewHold
		field string
	}{
		"no reason":            {NewHold{ReviewBy: monday.AddDate(0, 0, 1)}, "reason"},
		"review today":         {NewHold{Reason: 1, ReviewBy: monday}, "review_by"},
		"review ten years out": {NewHold{Reason: 1, ReviewBy: monday.AddDate(10, 0, 0)}, "review_by"},
		"review a day too far": {NewHold{Reason: 1, ReviewBy: monday.AddDate(0, 3, 1)}, "review_by"},
		"other without a note": {NewHold{Reason: safeguardingv1.HoldReason_HOLD_REASON_OTHER, ReviewBy: monday.AddDate(0, 0, 1)}, "note"},
		"other with a dot":     {NewHold{Reason: safeguardingv1.HoldReason_HOLD_REASON_OTHER, ReviewBy: monday.AddDate(0, 0, 1), Note: "."}, "note"},
	} {
		t.Run(name, func(t *testing.T) {
			evs, err := h.Place(uuid.New(), tc.n, monday)
			require.Nil(t, evs)
			invalidField(t, err, tc.field)
		})
	}
	require.Zero(t, h.Version(), "nothing was applied")
}

func TestProvisionalScreenThenAPersonDecides(t *testing.T) {
	for name, tc := range map[string]struct {
		a    *referralv1.RiskAnswers
		want safeguardingv1.RiskRating
	}{
		"none":            {&referralv1.RiskAnswers{}, safeguardingv1.RiskRating_RISK_RATING_GREEN},
		"substance":       {&referralv1.RiskAnswers{SubstanceMisuse: true}, safeguardingv1.RiskRating_RISK_RATING_AMBER},
		"other":           {&referralv1.RiskAnswers{OtherConcerns: true}, safeguardingv1.RiskRating_RISK_RATING_AMBER},
		"domestic abuse":  {&referralv1.RiskAnswers{DomesticAbuse: true}, safeguardingv1.RiskRating_RISK_RATING_RED},
		"injunction":      {&referralv1.RiskAnswers{Injunction: true, SubstanceMisuse: true}, safeguardingv1.RiskRating_RISK_RATING_RED},
		"abduction":       {&referralv1.RiskAnswers{AbductionRisk: true}, safeguardingv1.RiskRating_RISK_RATING_RED},
		"no answers sent": {nil, safeguardingv1.RiskRating_RISK_RATING_GREEN},
	} {
		t.Run(name, func(t *testing.T) {
			got, _ := ProvisionalScreen(tc.a, monday)
			require.Equal(t, tc.want, got)
		})
	}

	family, referral, centre := uuid.New(), uuid.New(), uuid.New()
	r, _ := RebuildRisk(family, nil)
	evs, err := r.ScreenReferral(referral, centre, &referralv1.RiskAnswers{DomesticAbuse: true}, monday)
	require.NoError(t, err)
	require.Len(t, evs, 1)
	require.True(t, r.Provisional())
	require.Equal(t, []safeguardingv1.RiskFactor{safeguardingv1.RiskFactor_RISK_FACTOR_DOMESTIC_ABUSE}, r.Factors())
	evs, err = r.ScreenReferral(referral, centre, &referralv1.RiskAnswers{}, monday)
	require.NoError(t, err)
	require.Empty(t, evs, "the same referral is screened once")

	_, err = r.Assess(lead, Assessment{Centre: centre, Rating: safeguardingv1.RiskRating_RISK_RATING_GREEN,
		DomesticAbuseFinding: true, NextReview: monday.AddDate(0, 7, 0)}, monday)
	invalidField(t, err, "rating")
	invalidField(t, err, "factors")
	invalidField(t, err, "next_review_on")
	require.True(t, r.Provisional(), "a refused assessment changes nothing")

	_, err = r.Assess(lead, Assessment{Centre: centre, Rating: safeguardingv1.RiskRating_RISK_RATING_AMBER,
		Factors: []safeguardingv1.RiskFactor{safeguardingv1.RiskFactor_RISK_FACTOR_DOMESTIC_ABUSE}, DomesticAbuseFinding: true,
		NextReview: monday.AddDate(0, 3, 0)}, monday)
	require.ErrorIs(t, err, ErrLoweringNoteRequired, "rated lower than the red screen: saying why")
	_, err = r.Assess(coordinator, Assessment{Centre: centre, Rating: safeguardingv1.RiskRating_RISK_RATING_AMBER,
		Factors: []safeguardingv1.RiskFactor{safeguardingv1.RiskFactor_RISK_FACTOR_DOMESTIC_ABUSE}, DomesticAbuseFinding: true,
		NextReview: monday.AddDate(0, 3, 0), Note: "Spoke to both parents; the allegation is historic"}, monday)
	require.ErrorIs(t, err, ErrRedLoweredByLead, "from red: the lead's")
	require.True(t, r.Provisional(), "a refused assessment changes nothing")
	_, err = r.Assess(lead, Assessment{Centre: centre, Rating: safeguardingv1.RiskRating_RISK_RATING_AMBER,
		Factors: []safeguardingv1.RiskFactor{safeguardingv1.RiskFactor_RISK_FACTOR_DOMESTIC_ABUSE}, DomesticAbuseFinding: true,
		NextReview: monday.AddDate(0, 3, 0), Note: "Spoke to both parents; the allegation is historic"}, monday)
	require.NoError(t, err)
	_, err = r.Assess(coordinator, Assessment{Centre: centre, Rating: safeguardingv1.RiskRating_RISK_RATING_RED,
		Factors: []safeguardingv1.RiskFactor{safeguardingv1.RiskFactor_RISK_FACTOR_DOMESTIC_ABUSE}, DomesticAbuseFinding: true,
		NextReview: monday.AddDate(0, 1, 0)}, monday)
	require.NoError(t, err, "rated higher: protective, anyone's, no note needed")
	_, err = r.Assess(lead, Assessment{Centre: centre, Rating: safeguardingv1.RiskRating_RISK_RATING_AMBER,
		Factors: []safeguardingv1.RiskFactor{safeguardingv1.RiskFactor_RISK_FACTOR_DOMESTIC_ABUSE}, DomesticAbuseFinding: true,
		NextReview: monday.AddDate(0, 3, 0), Note: "x."}, monday)
	require.ErrorIs(t, err, ErrLoweringNoteRequired, "a note in words")
	_, err = r.Assess(lead, Assessment{Centre: centre, Rating: safeguardingv1.RiskRating_RISK_RATING_AMBER,
		Factors: []safeguardingv1.RiskFactor{safeguardingv1.RiskFactor_RISK_FACTOR_DOMESTIC_ABUSE}, DomesticAbuseFinding: true,
		NextReview: monday.AddDate(0, 3, 0), Note: "Reviewed with the police: no new incident"}, monday)
	require.NoError(t, err)
	require.False(t, r.Provisional())
	require.Equal(t, safeguardingv1.RiskRating_RISK_RATING_AMBER, r.Rating())

	evs, err = r.ScreenReferral(uuid.New(), centre, &referralv1.RiskAnswers{DomesticAbuse: true}, monday)
	require.NoError(t, err)
	require.Empty(t, evs, "a person's assessment stands over a later referral that discloses nothing new")
	require.False(t, r.Provisional())
}

// Review 20: risk disclosed after the referral's receipt (the other parent's own answers on a
// self-referral, an amendment, an injunction listed under the answer "no injunction") reaches the
// screen, and so the lead's list; a later answer never takes a disclosure back; after a person's
// assessment, a new disclosure puts the risk before a person again, the finding standing.
func TestRiskDisclosedLaterIsScreened(t *testing.T) {
	red, amber := safeguardingv1.RiskRating_RISK_RATING_RED, safeguardingv1.RiskRating_RISK_RATING_AMBER
	da, abduction, injunction := safeguardingv1.RiskFactor_RISK_FACTOR_DOMESTIC_ABUSE, safeguardingv1.RiskFactor_RISK_FACTOR_ABDUCTION,
		safeguardingv1.RiskFactor_RISK_FACTOR_INJUNCTION
	substance := safeguardingv1.RiskFactor_RISK_FACTOR_SUBSTANCE_MISUSE

	t.Run("an injunction listed under the answer no", func(t *testing.T) {
		for _, kind := range []referralv1.CourtOrderKind{referralv1.CourtOrderKind_COURT_ORDER_KIND_NON_MOLESTATION,
			referralv1.CourtOrderKind_COURT_ORDER_KIND_OCCUPATION} {
			rating, factors := ProvisionalScreen(&referralv1.RiskAnswers{}, monday, &referralv1.CourtOrderRecord{Kind: kind})
			require.Equal(t, red, rating, kind.String())
			require.Equal(t, []safeguardingv1.RiskFactor{injunction}, factors)
		}
		rating, _ := ProvisionalScreen(&referralv1.RiskAnswers{}, monday,
			&referralv1.CourtOrderRecord{Kind: referralv1.CourtOrderKind_COURT_ORDER_KIND_CHILD_ARRANGEMENTS})
		require.Equal(t, safeguardingv1.RiskRating_RISK_RATING_GREEN, rating, "a child arrangements order is no injunction")
	})

	t.Run("the other parent's answers, then an amendment", func(t *testing.T) {
		family, referral, centre := uuid.New(), uuid.New(), uuid.New()
		r, _ := RebuildRisk(family, nil)
		evs, err := r.ScreenReferral(referral, centre, &referralv1.RiskAnswers{}, monday)
		require.NoError(t, err)
		require.Len(t, evs, 1, "the first parent's answers: green")

		evs, err = r.Rescreen(referral, centre, &referralv1.RiskAnswers{AbductionRisk: true}, monday.AddDate(0, 0, 3))
		require.NoError(t, err)
		require.Len(t, evs, 1, "the other parent discloses a risk of abduction")
		require.True(t, r.Provisional())
		require.Equal(t, red, r.Rating())
		require.Equal(t, []safeguardingv1.RiskFactor{abduction}, r.Factors())
		require.Equal(t, monday.AddDate(0, 0, 3), r.Due(), "due the day it was disclosed")

		evs, err = r.Rescreen(referral, centre, &referralv1.RiskAnswers{}, monday.AddDate(0, 0, 4))
		require.NoError(t, err)
		require.Empty(t, evs, "an amendment answering no takes nothing back")
		require.Equal(t, red, r.Rating())

		evs, err = r.Rescreen(referral, centre, &referralv1.RiskAnswers{SubstanceMisuse: true, AbductionRisk: true}, monday.AddDate(0, 0, 5))
		require.NoError(t, err)
		require.Len(t, evs, 1)
		require.Equal(t, []safeguardingv1.RiskFactor{abduction, substance}, r.Factors())
		require.Equal(t, red, r.Rating())
	})

	t.Run("after a person's screen at referral raised it", func(t *testing.T) {
		// Review 31 (decision 214): the answers rated amber, the coordinator's screen red; a later
		// disclosure was rated from the answers alone, amber, undoing the raise before any
		// assessment.
		family, referral, centre := uuid.New(), uuid.New(), uuid.New()
		r, _ := RebuildRisk(family, nil)
		_, err := r.ScreenReferral(referral, centre, &referralv1.RiskAnswers{OtherConcerns: true}, monday)
		require.NoError(t, err)
		require.Equal(t, amber, r.Rating())
		_, err = r.ScreenedAtReferral(referral, centre, red, false, monday)
		require.NoError(t, err)
		require.Equal(t, red, r.Rating())
		evs, err := r.Rescreen(referral, centre, &referralv1.RiskAnswers{OtherConcerns: true, SubstanceMisuse: true},
			monday.AddDate(0, 0, 2))
		require.NoError(t, err)
		require.Len(t, evs, 1, "substance misuse disclosed: screened again")
		require.Equal(t, red, r.Rating(), "not lowered by the answers: lowering is an assessment's")
		require.Contains(t, r.Factors(), substance)
	})

	t.Run("after a person's assessment", func(t *testing.T) {
		family, referral, centre := uuid.New(), uuid.New(), uuid.New()
		r, _ := RebuildRisk(family, nil)
		_, err := r.ScreenReferral(referral, centre, &referralv1.RiskAnswers{DomesticAbuse: true}, monday)
		require.NoError(t, err)
		_, err = r.Assess(lead, Assessment{Centre: centre, Rating: red, Factors: []safeguardingv1.RiskFactor{da},
			DomesticAbuseFinding: true, NextReview: monday.AddDate(0, 3, 0)}, monday)
		require.NoError(t, err)
		evs, err := r.Rescreen(referral, centre, &referralv1.RiskAnswers{DomesticAbuse: true}, monday.AddDate(0, 0, 1))
		require.NoError(t, err)
		require.Empty(t, evs, "what the assessment weighed")

		evs, err = r.Rescreen(referral, centre, &referralv1.RiskAnswers{DomesticAbuse: true, SubstanceMisuse: true}, monday.AddDate(0, 0, 2))
		require.NoError(t, err)
		require.Len(t, evs, 1, "a new disclosure")
		require.True(t, r.Provisional(), "before a person again")
		require.Equal(t, red, r.Rating(), "never below the assessment's rating (substance misuse alone is amber)")
		require.Equal(t, []safeguardingv1.RiskFactor{da, substance}, r.Factors())
		require.True(t, r.DomesticAbuseFinding(), "the finding stands")
		require.Equal(t, monday.AddDate(0, 0, 2), r.Due())

		_, err = r.Assess(lead, Assessment{Centre: centre, Rating: amber, Factors: []safeguardingv1.RiskFactor{da, substance},
			DomesticAbuseFinding: true, NextReview: monday.AddDate(0, 3, 0), Note: "Substance misuse is past and treated"}, monday.AddDate(0, 0, 2))
		require.NoError(t, err)
		require.False(t, r.Provisional())
		evs, err = r.ScreenReferral(uuid.New(), centre, &referralv1.RiskAnswers{AbductionRisk: true}, monday.AddDate(0, 0, 9))
		require.NoError(t, err)
		require.Len(t, evs, 1, "a later referral disclosing a risk of abduction")
		require.Equal(t, red, r.Rating())
	})
}

func dueReport(t *testing.T, supervisor string) (*Report, []Recorded) {
	t.Helper()
	_, evs, err := ReportDueFor(CompletedSession{Booking: uuid.New(), Family: uuid.New(), Centre: uuid.New(),
		ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPERVISED, SessionOn: monday, Supervisor: supervisor})
	require.NoError(t, err)
	recs := recorded(evs...)
	r, err := RebuildReport(uuid.New(), recs)
	require.NoError(t, err)
	return r, recs
}

func TestAReportIsDueOnlyForACompletedSupervisedSession(t *testing.T) {
	booking := uuid.New()
	for _, st := range []commonv1.ServiceType{commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, commonv1.ServiceType_SERVICE_TYPE_HANDOVER,
		commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED, commonv1.ServiceType_SERVICE_TYPE_VIRTUAL} {
		r, evs, err := ReportDueFor(CompletedSession{Booking: booking, Family: uuid.New(), Centre: uuid.New(), ServiceType: st, SessionOn: monday})
		require.NoError(t, err, st)
		require.Nil(t, r, st)
		require.Empty(t, evs, st)
	}
	r, evs, err := ReportDueFor(CompletedSession{Booking: booking, Family: uuid.New(), Centre: uuid.New(),
		ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPERVISED, SessionOn: monday})
	require.NoError(t, err)
	require.Len(t, evs, 1)
	require.Equal(t, ReportDueState, r.State())
	require.Equal(t, ReportIDFor(booking), r.ID(), "one report per session, whatever the deliveries")
	require.Equal(t, ReportIDFor(booking).String(), evs[0].(*safeguardingv1.ReportDue).GetReportId())
}

var twoSections = []Section{{Kind: safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_OBSERVATION, Text: "played well"}}

// The second-person check: the author never checks their own report.
func TestTheAuthorCannotCheckTheirOwnReport(t *testing.T) {
	r, _ := dueReport(t, "")
	_, err := r.Submit(sup, monday)
	require.ErrorIs(t, err, ErrReportNotDrafted)
	_, err = r.Draft(sup, twoSections, monday)
	require.NoError(t, err)
	require.Equal(t, "supervisor-1", r.Author())
	_, err = r.Draft(sup2, twoSections, monday)
	require.ErrorIs(t, err, ErrNotReportWriter, "the first drafter is the author")
	_, err = r.Check(sup2, true, "", monday)
	require.ErrorIs(t, err, ErrReportNotAwaitingCheck)
	_, err = r.Submit(sup2, monday)
	require.ErrorIs(t, err, ErrNotAuthor)
	_, err = r.Submit(sup, monday)
	require.NoError(t, err)
	_, err = r.Draft(sup, twoSections, monday)
	require.ErrorIs(t, err, ErrReportNotDraftable)

	_, err = r.Check(sup, true, "", monday)
	require.ErrorIs(t, err, ErrSecondPersonRequired)
	_, err = r.Check(Caller{Subject: "supervisor-1", Lead: true}, true, "", monday)
	require.ErrorIs(t, err, ErrSecondPersonRequired, "not even as the lead")
	_, err = r.Check(Caller{Subject: "SUPERVISOR-1"}, true, "", monday)
	require.ErrorIs(t, err, ErrSecondPersonRequired, "nor as their account in other letter case")
	_, err = r.Check(sup2, false, "", monday)
	invalidField(t, err, "note")

	_, err = r.Check(sup2, false, "say who brought the child", monday)
	require.NoError(t, err)
	require.Equal(t, ReportDrafted, r.State(), "returned to the author")
	_, err = r.Release(lead, []Recipient{{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_COURT}}, monday)
	require.ErrorIs(t, err, ErrReportNotApproved)
	_, err = r.Draft(sup, twoSections, monday)
	require.NoError(t, err)
	_, err = r.Submit(sup, monday)
	require.NoError(t, err)
	require.NoError(t, r.CanRead(Caller{Subject: "supervisor-3", Role: "supervisor"}), "while it waits, a supervisor who may check it reads it first")
	require.ErrorIs(t, r.CanRead(Caller{Subject: "coordinator-1", Role: "coordinator"}), ErrNotReportReader)
	_, err = r.Check(lead, true, "", monday)
	require.NoError(t, err)
	require.Equal(t, ReportApproved, r.State())
	require.NoError(t, r.CanRead(sup))
	require.NoError(t, r.CanRead(lead))
	require.ErrorIs(t, r.CanRead(sup2), ErrNotReportReader)
}

// A report whose writer cannot write it is given by the lead to another writer, saying why, before
// it is submitted; it is due again from them, and the earlier author no longer drafts, submits or
// reads it (decision 99).
func TestTheLeadGivesAReportToAnotherWriter(t *testing.T) {
	r, _ := dueReport(t, "supervisor-1")
	require.Equal(t, "supervisor-1", r.Writer())
	_, err := r.Draft(sup, twoSections, monday)
	require.NoError(t, err)

	_, err = r.Reassign(sup2, "supervisor-2", "supervisor-1 left the centre", monday)
	require.ErrorIs(t, err, ErrReassignedByLead)
	_, err = r.Reassign(Caller{Subject: "coordinator-1", Role: "coordinator"}, "supervisor-2", "supervisor-1 left the centre", monday)
	require.ErrorIs(t, err, ErrReassignedByLead)
	for name, c := range map[string]struct{ writer, reason, field string }{
		"no writer":       {"", "supervisor-1 left the centre", "writer"},
		"a line break":    {"supervisor-2\nx", "supervisor-1 left the centre", "writer"},
		"the same writer": {"SUPERVISOR-1", "supervisor-1 left the centre", "writer"},
		"no reason":       {"supervisor-2", " ", "reason"},
		"no words":        {"supervisor-2", "-", "reason"},
	} {
		_, err = r.Reassign(lead, c.writer, c.reason, monday)
		invalidField(t, err, c.field)
		require.Equal(t, ReportDrafted, r.State(), name)
	}

	evs, err := r.Reassign(lead, " supervisor-2 ", "Supervisor-1 left the centre before writing it", monday)
	require.NoError(t, err)
	ev := evs[0].(*safeguardingv1.ReportReassigned)
	require.Equal(t, "supervisor-2", ev.GetWriter())
	require.Equal(t, "lead-1", ev.GetReassignedBy())
	require.NotEmpty(t, ev.GetSealedReason())
	require.Equal(t, ReportDueState, r.State(), "due again, from the new writer")
	require.Equal(t, "supervisor-2", r.Writer())
	require.Empty(t, r.Author())
	require.NoError(t, r.CanRead(sup2), "the writer reads the earlier draft")
	require.ErrorIs(t, r.CanRead(sup), ErrNotReportReader, "the earlier author no longer reads it")
	_, err = r.Draft(sup, twoSections, monday)
	require.ErrorIs(t, err, ErrNotReportWriter)
	_, err = r.Submit(sup, monday)
	require.ErrorIs(t, err, ErrReportNotDrafted)

	_, err = r.Draft(sup2, twoSections, monday)
	require.NoError(t, err)
	_, err = r.Submit(sup2, monday)
	require.NoError(t, err)
	_, err = r.Reassign(lead, "supervisor-3", "Supervisor-2 is away this week", monday)
	require.ErrorIs(t, err, ErrReportNotReassignable, "one submitted is checked as written")
	_, err = r.Check(sup2, true, "", monday)
	require.ErrorIs(t, err, ErrSecondPersonRequired, "the new writer is its author")
	_, err = r.Check(sup, false, "say who brought the child", monday)
	require.NoError(t, err, "the earlier author may be its second person")
	_, err = r.Reassign(lead, "lead-1", "Supervisor-2 is away this week", monday)
	require.NoError(t, err, "a report returned by its checker may be given to another writer, the lead too")
	_, err = r.Draft(lead, twoSections, monday)
	require.NoError(t, err)
}

func TestOnlyTheSessionsSupervisorDrafts(t *testing.T) {
	r, _ := dueReport(t, "supervisor-2")
	_, err := r.Draft(sup, twoSections, monday)
	require.ErrorIs(t, err, ErrNotReportWriter)
	_, err = r.Draft(sup2, []Section{{Kind: safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_ARRIVAL_DEPARTURE, Text: "10:02"}}, monday)
	invalidField(t, err, "sections[0].about_person_id")
	_, err = r.Draft(sup2, nil, monday)
	invalidField(t, err, "sections")
	_, err = r.Draft(sup2, twoSections, monday)
	require.NoError(t, err)
}

// A parent's copy never holds the other parent's whereabouts: arrival and departure times and
// address or contact details of another party are withheld from each party and whoever acts for
// them; bodies that are no party get everything. Which sections are withheld from whom is
// recorded with the release.
func TestAParentsCopyWithholdsTheOtherPartysWhereabouts(t *testing.T) {
	mother, father := uuid.New(), uuid.New()
	r, recs := dueReport(t, "")
	sections := []Section{
		{Kind: safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_OBSERVATION, Text: "warm greeting"},
		{Kind: safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_ARRIVAL_DEPARTURE, About: mother, Text: "mother 10:00-11:15"},
		{Kind: safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_ARRIVAL_DEPARTURE, About: father, Text: "father 10:15-11:00"},
		{Kind: safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_LOCATION_CONTACT, About: mother, Text: "new address"},
		{Kind: safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_CHILD_WELLBEING, Text: "happy"},
	}
	var log []proto.Message
	for _, step := range []func() ([]proto.Message, error){
		func() ([]proto.Message, error) { return r.Draft(sup, sections, monday) },
		func() ([]proto.Message, error) { return r.Submit(sup, monday) },
		func() ([]proto.Message, error) { return r.Check(sup2, true, "", monday) },
	} {
		evs, err := step()
		require.NoError(t, err)
		log = append(log, evs...)
	}
	list := []Recipient{
		{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_PARENT, Person: mother},
		{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_PARENT, Person: father},
		{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_SOLICITOR, ActingFor: father},
		{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_CAFCASS},
		{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_COURT},
	}
	evs, err := r.Release(lead, list, monday)
	require.NoError(t, err)
	log = append(log, evs...)
	released := evs[0].(*safeguardingv1.ReportReleased)
	require.Equal(t, []int32{2}, released.GetRecipients()[0].GetWithheldSections(), "the mother never sees the father's times")
	require.Equal(t, []int32{1, 3}, released.GetRecipients()[1].GetWithheldSections(), "the father never sees the mother's times or address")
	require.Equal(t, []int32{1, 3}, released.GetRecipients()[2].GetWithheldSections(), "nor does his solicitor")
	require.Empty(t, released.GetRecipients()[3].GetWithheldSections())
	require.Empty(t, released.GetRecipients()[4].GetWithheldSections())

	again, err := RebuildReport(r.ID(), append(recs, recorded(log...)...))
	require.NoError(t, err)
	require.Equal(t, ReportReleased, again.State())
	_, err = again.Release(lead, list[:1], monday)
	require.ErrorIs(t, err, ErrReportReleasedAlready, "a release is final, and says so (not 'not approved')")
	copyFor := func(i int) []int {
		c, err := again.CopyFor(i)
		require.NoError(t, err)
		return c
	}
	require.Equal(t, []int{0, 1, 3, 4}, copyFor(0))
	require.Equal(t, []int{0, 2, 4}, copyFor(1))
	require.Equal(t, []int{0, 1, 2, 3, 4}, copyFor(4))
	_, err = again.CopyFor(5)
	require.ErrorIs(t, err, ErrRecipientNotFound)

	r2, _ := dueReport(t, "")
	_, err = r2.CopyFor(0)
	require.ErrorIs(t, err, ErrNotReleased)
}

func TestReleaseValidatesTheDistributionList(t *testing.T) {
	r, _ := dueReport(t, "")
	for _, step := range []func() ([]proto.Message, error){
		func() ([]proto.Message, error) { return r.Draft(sup, twoSections, monday) },
		func() ([]proto.Message, error) { return r.Submit(sup, monday) },
		func() ([]proto.Message, error) { return r.Check(sup2, true, "", monday) },
	} {
		_, err := step()
		require.NoError(t, err)
	}
	p := uuid.New()
	for name, tc := range map[string]struct {
		list  []Recipient
		field string
	}{
		"empty":                 {nil, "recipients"},
		"parent without person": {[]Recipient{{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_PARENT}}, "recipients[0].person_id"},
		"solicitor for nobody":  {[]Recipient{{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_SOLICITOR}}, "recipients[0].acting_for_person_id"},
		"court naming a person": {[]Recipient{{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_COURT, Person: p}}, "recipients[0]"},
		"twice": {[]Recipient{{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_PARENT, Person: p},
			{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_PARENT, Person: p}}, "recipients[1]"},
		"no kind": {[]Recipient{{}}, "recipients[0].kind"},
		"one person under two kinds": {[]Recipient{{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_OTHER_PARENTAL_RESPONSIBILITY, Person: p},
			{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_PARENT, Person: p}}, "recipients[1]"},
		"two solicitors for one party": {[]Recipient{{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_SOLICITOR, ActingFor: p},
			{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_COURT},
			{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_SOLICITOR, ActingFor: p}}, "recipients[2]"},
		"the court twice": {[]Recipient{{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_COURT},
			{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_COURT}}, "recipients[1]"},
	} {
		t.Run(name, func(t *testing.T) {
			evs, err := r.Release(lead, tc.list, monday)
			require.Nil(t, evs)
			invalidField(t, err, tc.field)
		})
	}
	require.Equal(t, ReportApproved, r.State())

	_, err := r.Release(lead, []Recipient{{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_OTHER_PARENTAL_RESPONSIBILITY, Person: p},
		{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_PARENT, Person: p}}, monday)
	require.ErrorContains(t, err, "recipients[1]: names the same recipient as recipient 1 on the list (counted from 1)")
	require.NotContains(t, err.Error(), p.String(), "by position, not by id")
	q := uuid.New()
	_, err = r.Release(lead, []Recipient{{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_PARENT, Person: p},
		{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_PARENT, Person: q},
		{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_SOLICITOR, ActingFor: p},
		{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_SOLICITOR, ActingFor: q},
		{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_CAFCASS}, {Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_COURT}}, monday)
	require.NoError(t, err, "two parents, a solicitor for each, and two bodies")
}

func TestWorkingDaysAndOverdue(t *testing.T) {
	friday := monday.AddDate(0, 0, 4)
	for name, tc := range map[string]struct {
		from, to time.Time
		want     int
	}{
		"same day":                  {monday, monday, 0},
		"before":                    {monday, monday.AddDate(0, 0, -3), 0},
		"next day":                  {monday, monday.AddDate(0, 0, 1), 1},
		"friday to saturday":        {friday, friday.AddDate(0, 0, 1), 0},
		"friday to monday":          {friday, friday.AddDate(0, 0, 3), 1},
		"a week":                    {monday, monday.AddDate(0, 0, 7), 5},
		"a week and a day":          {monday, monday.AddDate(0, 0, 8), 6},
		"saturday to sunday":        {friday.AddDate(0, 0, 1), friday.AddDate(0, 0, 2), 0},
		"three weeks and a weekend": {friday, friday.AddDate(0, 0, 23), 15},
	} {
		t.Run(name, func(t *testing.T) { require.Equal(t, tc.want, WorkingDaysSince(tc.from, tc.to)) })
	}
	require.False(t, Overdue(monday, monday.AddDate(0, 0, 7)), "due for 5 working days is not yet overdue")
	require.True(t, Overdue(monday, monday.AddDate(0, 0, 8)))
	require.False(t, Overdue(friday, friday.AddDate(0, 0, 9)), "weekends do not count")
	require.True(t, Overdue(friday, friday.AddDate(0, 0, 10)))
}

// LastOverdueSession splits the sessions exactly where Overdue does, whatever the weekday, so
// ListOverdueReports can ask the database for sessions up to it.
func TestLastOverdueSessionIsWhereOverdueStarts(t *testing.T) {
	for i := range 14 {
		today := monday.AddDate(0, 0, i)
		last := LastOverdueSession(today)
		for d := today.AddDate(0, 0, -30); !d.After(today); d = d.AddDate(0, 0, 1) {
			require.Equal(t, Overdue(d, today), !d.After(last), "today %s, session %s", today.Format(time.DateOnly), d.Format(time.DateOnly))
		}
	}
	require.Equal(t, monday.AddDate(0, 0, -8), LastOverdueSession(monday), "the Sunday a week before: 6 working days since, the Monday after it only 5")
}

func TestAccessNeedsAPurpose(t *testing.T) {
	for _, p := range []string{"", "  ", "ok", "...", " - - ", "?!?"} {
		_, err := RecordAccess(lead, Access{Family: uuid.New(), Purpose: p})
		invalidField(t, err, "purpose")
	}
	ev, err := RecordAccess(lead, Access{Family: uuid.New(), Centre: uuid.New(), Kind: safeguardingv1.RecordKind_RECORD_KIND_CONCERN,
		Record: uuid.New(), Purpose: "strategy meeting"})
	require.NoError(t, err)
	a := ev.(*safeguardingv1.AccessRecorded)
	require.Equal(t, "lead-1", a.GetSubject())
	require.Equal(t, "safeguarding_lead", a.GetRole())
	text, err := NoteText(a.GetSealedPurpose())
	require.NoError(t, err)
	require.Equal(t, "strategy meeting", text)
}

func TestEachSealedFindsEverySealedField(t *testing.T) {
	ev := &safeguardingv1.ConcernRaised{ConcernId: "c", SealedDescription: []byte("clear")}
	var seen []string
	require.NoError(t, EachSealed(ev, func(field string, in []byte) ([]byte, error) {
		seen = append(seen, field)
		return append([]byte("sealed:"), in...), nil
	}))
	require.Equal(t, []string{"sealed_description"}, seen)
	require.Equal(t, "sealed:clear", string(ev.GetSealedDescription()))
	require.NoError(t, EachSealed(ev, func(string, []byte) ([]byte, error) { return nil, nil }))
	require.Empty(t, ev.GetSealedDescription(), "nil clears the field")
}

// A standing domestic-abuse finding is cleared only by the centre's lead, with a note in words;
// the factor and the finding agree (decision 92).
func TestOnlyTheLeadClearsADomesticAbuseFindingAndSaysWhy(t *testing.T) {
	da := []safeguardingv1.RiskFactor{safeguardingv1.RiskFactor_RISK_FACTOR_DOMESTIC_ABUSE}
	coordinator := Caller{Subject: "coordinator-1", Role: "coordinator"}
	centre := uuid.New()
	found := Assessment{Centre: centre, Rating: safeguardingv1.RiskRating_RISK_RATING_AMBER, Factors: da,
		DomesticAbuseFinding: true, NextReview: monday.AddDate(0, 3, 0)}
	cleared := func(note string) Assessment {
		return Assessment{Centre: centre, Rating: safeguardingv1.RiskRating_RISK_RATING_GREEN,
			NextReview: monday.AddDate(0, 3, 0), Note: note}
	}

	t.Run("factor and finding agree", func(t *testing.T) {
		r, _ := RebuildRisk(uuid.New(), nil)
		_, err := r.Assess(lead, Assessment{Centre: centre, Rating: safeguardingv1.RiskRating_RISK_RATING_AMBER, Factors: da,
			NextReview: monday.AddDate(0, 3, 0)}, monday)
		invalidField(t, err, "domestic_abuse_finding")
		_, err = r.Assess(lead, Assessment{Centre: centre, Rating: safeguardingv1.RiskRating_RISK_RATING_AMBER,
			DomesticAbuseFinding: true, NextReview: monday.AddDate(0, 3, 0)}, monday)
		invalidField(t, err, "factors")
		require.Zero(t, r.Version(), "nothing was applied")
	})

	t.Run("a coordinator records a finding but does not clear it", func(t *testing.T) {
		r, _ := RebuildRisk(uuid.New(), nil)
		_, err := r.Assess(coordinator, found, monday)
		require.NoError(t, err)
		for _, note := range []string{"", "reviewed with the family and the police"} {
			evs, err := r.Assess(coordinator, cleared(note), monday)
			require.Nil(t, evs)
			require.ErrorIs(t, err, ErrFindingClearedByLead)
		}
		require.True(t, r.DomesticAbuseFinding())
		require.EqualValues(t, 1, r.Version())
		_, err = r.Assess(coordinator, found, monday)
		require.NoError(t, err, "the same finding again is the coordinator's to record")
	})

	t.Run("the lead clears it saying why", func(t *testing.T) {
		r, _ := RebuildRisk(uuid.New(), nil)
		_, err := r.Assess(coordinator, found, monday)
		require.NoError(t, err)
		for _, note := range []string{"", "  ", "ok", "...", "- -"} {
			evs, err := r.Assess(lead, cleared(note), monday)
			require.Nil(t, evs)
			require.ErrorIs(t, err, ErrNoteRequired, "note %q", note)
		}
		require.True(t, r.DomesticAbuseFinding())
		evs, err := r.Assess(lead, cleared("court found the allegations unproven"), monday)
		require.NoError(t, err)
		require.Len(t, evs, 1)
		require.False(t, r.DomesticAbuseFinding())
		_, err = r.Assess(coordinator, cleared(""), monday)
		require.NoError(t, err, "no finding standing: a coordinator's assessment without one needs no note")
	})

	t.Run("a lead acting in another role is not the lead", func(t *testing.T) {
		r, _ := RebuildRisk(uuid.New(), nil)
		_, err := r.Assess(lead, found, monday)
		require.NoError(t, err)
		_, err = r.Assess(Caller{Subject: "lead-1", Role: "coordinator"}, cleared("unproven"), monday)
		require.ErrorIs(t, err, ErrFindingClearedByLead)
	})
}

// A hold's review is at most 3 months after it is placed, and the error says the latest date
// allowed; a hold in force past its review date is overdue (decision 92).
func TestAHoldIsReviewedWithinThreeMonths(t *testing.T) {
	h, _ := RebuildHolds(uuid.New(), nil)
	_, err := h.Place(uuid.New(), NewHold{Reason: 1, ReviewBy: monday.AddDate(10, 0, 0)}, monday)
	var inv *problem.InvalidError
	require.ErrorAs(t, err, &inv)
	require.Equal(t, "must be at most 3 months ahead, by 2026-06-02 at the latest", inv.Violations[0].Reason)
	id := uuid.New()
	_, err = h.Place(id, NewHold{Reason: 1, ReviewBy: LatestHoldReview(monday)}, monday)
	require.NoError(t, err, "the latest date itself is allowed")
	x, _ := h.Get(id)
	require.False(t, x.ReviewOverdue(x.ReviewBy), "due on its review date")
	require.True(t, x.ReviewOverdue(x.ReviewBy.AddDate(0, 0, 1)), "overdue the day after")
	_, err = h.Lift(id, "", monday.AddDate(0, 4, 0))
	invalidField(t, err, "note")
	_, err = h.Lift(id, ".", monday.AddDate(0, 4, 0))
	invalidField(t, err, "note")
	_, err = h.Lift(id, "Police closed the investigation", monday.AddDate(0, 4, 0))
	require.NoError(t, err)
	x, _ = h.Get(id)
	require.False(t, x.ReviewOverdue(monday.AddDate(0, 5, 0)), "a lifted hold needs no review")
}

// A record is corrected once: a second correction of it is refused ALREADY_CORRECTED, naming the
// correction to correct instead, which may be corrected in turn; and a report a second person has
// checked is corrected only by the safeguarding lead, not its author alone (decisions.md 95).
func TestOneCorrectionStandsAndACheckedReportIsTheLeads(t *testing.T) {
	k, recs := raised(t, volunteer)
	evs, err := k.Correct(volunteer, recs[0].ID, "the corrected description", "wrong day", monday)
	require.NoError(t, err)
	recs = append(recs, recorded(evs...)...)
	again, err := RebuildConcern(k.ID(), recs)
	require.NoError(t, err)
	_, err = again.Correct(lead, recs[0].ID, "another text", "clearer", monday)
	require.ErrorIs(t, err, ErrAlreadyCorrected)
	require.ErrorContains(t, err, recs[len(recs)-1].ID.String())
	_, err = again.Correct(lead, recs[len(recs)-1].ID, "another text", "clearer", monday)
	require.NoError(t, err, "the correction is corrected instead")

	r, due := dueReport(t, "")
	var log []proto.Message
	step := func(evs []proto.Message, err error) {
		t.Helper()
		require.NoError(t, err)
		log = append(log, evs...)
	}
	step(r.Draft(sup, twoSections, monday))
	step(r.Submit(sup, monday))
	step(r.Check(sup2, true, "", monday))
	all := append(due, recorded(log...)...)
	checked, err := RebuildReport(r.ID(), all)
	require.NoError(t, err)
	require.Equal(t, ReportApproved, checked.State())
	draft := all[len(due)].ID
	_, err = checked.Correct(lead, draft, "what the mother said instead", "misheard", monday)
	require.ErrorIs(t, err, ErrReportNotReleased, "approved, not released: it is returned and drafted again")
	log = nil
	step(checked.Release(lead, []Recipient{{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_COURT}}, monday))
	all = append(all, recorded(log...)...)
	released, err := RebuildReport(r.ID(), all)
	require.NoError(t, err)
	_, err = released.Correct(sup, draft, "what the mother said instead", "misheard", monday)
	require.ErrorIs(t, err, ErrReportCheckedCorrectedByLead)
	_, err = released.Correct(lead, draft, "what the mother said instead", "misheard", monday)
	require.NoError(t, err)
}

// reportLog keeps a report's records as a test records them, each with its id: recs reads them,
// step adds what a command returned (failing the test on its error), rebuild replays them.
func reportLog(t *testing.T, r *Report, due []Recorded) (recs func() []Recorded, step func([]proto.Message, error), rebuild func() *Report) {
	log := slices.Clone(due)
	recs = func() []Recorded { return log }
	step = func(evs []proto.Message, err error) {
		t.Helper()
		require.NoError(t, err)
		log = append(log, recorded(evs...)...)
	}
	rebuild = func() *Report {
		t.Helper()
		got, err := RebuildReport(r.ID(), log)
		require.NoError(t, err)
		return got
	}
	return recs, step, rebuild
}

// A report not yet released is changed by drafting it again, and checked again: a correction
// changed neither what the checker read nor the copies, which are made from the draft (review 16:
// an address "taken out" by a correction went to the other parent). An approved report is
// returned by the lead.
func TestAReportIsChangedBeforeReleaseByDraftingItAgain(t *testing.T) {
	r, due := dueReport(t, "")
	recs, step, rebuild := reportLog(t, r, due)
	step(r.Draft(sup, twoSections, monday))
	draft := recs()[len(recs())-1].ID
	drafted := rebuild()
	_, err := drafted.Correct(sup, draft, "Good session.", "took out the mother's address", monday)
	require.ErrorIs(t, err, ErrReportNotReleased)
	require.ErrorContains(t, err, "drafts it again")

	step(r.Submit(sup, monday))
	_, err = rebuild().Correct(sup, draft, "Good session.", "took out the mother's address", monday)
	require.ErrorIs(t, err, ErrReportNotReleased)
	require.ErrorContains(t, err, "check --return", "the checker returns it")

	step(r.Check(sup2, true, "", monday))
	approved := rebuild()
	_, err = approved.Correct(lead, draft, "Good session.", "took out the mother's address", monday)
	require.ErrorIs(t, err, ErrReportNotReleased)
	_, err = approved.Check(sup2, false, "the address must come out", monday)
	require.ErrorIs(t, err, ErrReportNotAwaitingCheck, "only the lead returns an approved report")
	_, err = approved.Check(lead, false, "", monday)
	require.Error(t, err, "returning it says why")
	step(r.Check(lead, false, "the mother's address must come out", monday))
	require.Equal(t, ReportDrafted, r.State(), "returned to its writer")
	step(r.Draft(sup, twoSections, monday))
	step(r.Submit(sup, monday))
	step(r.Check(sup2, true, "", monday))
	require.Equal(t, ReportApproved, r.State(), "checked again by a second person")

	// A check's note is not what goes out: its checker may still correct it before release.
	var note uuid.UUID
	for _, rec := range recs() {
		if _, ok := rec.Event.(*safeguardingv1.ReportChecked); ok {
			note = rec.ID
			break
		}
	}
	_, err = rebuild().Correct(lead, note, "approved once the address came out", "said why", monday)
	require.NoError(t, err)
}

// A report its check returned is drafted again before it is submitted again: its author's
// submission of the text returned is refused REPORT_RETURNED, nothing recorded, whether its
// checker returned it or the lead returned it approved. That it was returned is derived from the
// events as they are replayed (no event says it), so a report returned before this rule, rebuilt
// from its stream, is held to it too.
func TestAReturnedReportIsDraftedAgainBeforeItIsSubmittedAgain(t *testing.T) {
	r, due := dueReport(t, "supervisor-1")
	_, step, rebuild := reportLog(t, r, due)
	refused := func(by string) {
		t.Helper()
		got := rebuild()
		require.Equal(t, ReportDrafted, got.State(), "a returned report is in ReportDrafted, as before")
		require.True(t, got.Returned())
		version := got.Version()
		evs, err := got.Submit(sup, monday)
		require.ErrorIs(t, err, ErrReportReturned)
		require.ErrorContains(t, err, by)
		require.ErrorContains(t, err, "report draft")
		require.Empty(t, evs)
		require.Equal(t, version, got.Version(), "nothing recorded")
		require.Equal(t, ReportDrafted, got.State())
		_, err = got.Submit(sup2, monday)
		require.ErrorIs(t, err, ErrNotAuthor, "anyone else is refused as before")
	}

	step(r.Draft(sup, twoSections, monday))
	require.False(t, rebuild().Returned())
	step(r.Submit(sup, monday))
	step(r.Check(sup2, false, "say who brought the child", monday))
	refused("its checker returned it")
	_, err := r.Submit(sup, monday)
	require.ErrorIs(t, err, ErrReportReturned, "the aggregate that recorded the return refuses it too")
	step(r.Draft(sup, twoSections, monday))
	require.False(t, rebuild().Returned(), "drafted again")
	step(rebuild().Submit(sup, monday))
	r = rebuild()
	require.Equal(t, ReportAwaitingCheck, r.State(), "the new draft goes to its check")

	step(r.Check(sup2, true, "", monday))
	step(r.Check(lead, false, "the mother's address must come out", monday))
	refused("the centre's safeguarding lead returned it")
	step(r.Draft(sup, twoSections, monday))
	step(r.Submit(sup, monday))
	require.Equal(t, ReportAwaitingCheck, rebuild().State())

	// Given to another writer after its return, it is due from them and drafted whole anyway.
	r = rebuild()
	step(r.Check(sup2, false, "say who brought the child", monday))
	step(r.Reassign(lead, "supervisor-2", "Supervisor-1 is away this week", monday))
	require.False(t, rebuild().Returned())
	_, err = rebuild().Submit(sup2, monday)
	require.ErrorIs(t, err, ErrReportNotDrafted)
}

// A concern, an action, a concern's closing and an "other" hold's reason say something in words,
// as a hold's review does: "x" and "." record nothing of why (reviews 14 and 15).
func TestSafeguardingRecordsSayWhyInWords(t *testing.T) {
	k, _ := raised(t, volunteer)
	for _, bad := range []string{"x", ".", " - "} {
		_, _, err := RaiseConcern(uuid.New(), NewConcern{Family: uuid.New(), Centre: uuid.New(),
			Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_NEGLECT, Description: bad}, volunteer, monday)
		invalidField(t, err, "description")
		_, err = k.AddAction(lead, bad, monday)
		invalidField(t, err, "action")
		_, err = k.Close(lead, safeguardingv1.ConcernOutcome_CONCERN_OUTCOME_NO_FURTHER_ACTION, bad, monday)
		invalidField(t, err, "note")
	}
	require.False(t, k.Closed(), "nothing recorded")
	_, err := k.Close(lead, safeguardingv1.ConcernOutcome_CONCERN_OUTCOME_NO_FURTHER_ACTION, "no further concern", monday)
	require.NoError(t, err)
}

// Review 21: an assessment at the same rating that drops a factor the risk names (abduction,
// an injunction) took the family off the lead's list; it lowers the risk too. A confirmation
// neither raises nor lowers; adding a factor raises.
func TestDroppingARiskFactorLowersTheRisk(t *testing.T) {
	red := safeguardingv1.RiskRating_RISK_RATING_RED
	abduction, injunction := safeguardingv1.RiskFactor_RISK_FACTOR_ABDUCTION, safeguardingv1.RiskFactor_RISK_FACTOR_INJUNCTION
	r, _ := RebuildRisk(uuid.New(), nil)
	centre := uuid.New()
	_, err := r.ScreenReferral(uuid.New(), centre, &referralv1.RiskAnswers{AbductionRisk: true, Injunction: true}, monday)
	require.NoError(t, err)
	both := []safeguardingv1.RiskFactor{injunction, abduction}
	require.True(t, r.Lowers(red, []safeguardingv1.RiskFactor{injunction}), "abduction dropped")
	require.True(t, r.Lowers(red, nil))
	require.False(t, r.Lowers(red, both))
	require.False(t, r.Raises(red, both), "a confirmation")
	require.True(t, r.Raises(red, append(both, safeguardingv1.RiskFactor_RISK_FACTOR_OTHER)))
	_, err = r.Assess(coordinator, Assessment{Centre: centre, Rating: red, Factors: []safeguardingv1.RiskFactor{injunction},
		NextReview: monday.AddDate(0, 1, 0), Note: "Abduction risk was a misunderstanding"}, monday)
	require.ErrorIs(t, err, ErrRedLoweredByLead)
	_, err = r.Assess(lead, Assessment{Centre: centre, Rating: red, NextReview: monday.AddDate(0, 1, 0)}, monday)
	require.ErrorIs(t, err, ErrLoweringNoteRequired)
	_, err = r.Assess(coordinator, Assessment{Centre: centre, Rating: red, Factors: both, NextReview: monday.AddDate(0, 1, 0)}, monday)
	require.NoError(t, err, "confirmed as it stands")
}
