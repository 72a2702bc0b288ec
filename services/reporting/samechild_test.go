package reporting_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	reportingv1 "github.com/familytime/familytime/proto/gen/go/familytime/reporting/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// Review 42: a child referred again (a supervised case stepped down to supported contact, and
// the family referred to a supported centre) has a new person id on each referral, and counted
// twice as a child served, nationally and in the region. Once a person confirms the two are one
// child (referral's SameChildConfirmed, decision 260), every distinct-children figure counts them
// once: nationally, by region, centre, service type and age band, in the quarter and the year,
// a quarter closed included; and a third referral confirmed against the second joins the group.
func TestAChildConfirmedAsReferredAgainCountsOnce(t *testing.T) {
	g := newRig(t)
	supervisedCentre, supportedCentre := g.centre(t, commonv1.Region_REGION_LONDON), g.centre(t, commonv1.Region_REGION_LONDON)
	supervised, supported := commonv1.ServiceType_SERVICE_TYPE_SUPERVISED, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED
	type referral struct{ id, family, child uuid.UUID }
	seen := func(centre uuid.UUID, st commonv1.ServiceType, month, day int) referral {
		r := referral{uuid.New(), uuid.New(), uuid.New()}
		g.emit(t, "referral", "referral-"+r.id.String(), &referralv1.ReferralReceived{ReferralId: r.id.String(), FamilyId: r.family.String(),
			CentreId: centre.String(), Source: commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, RequestedServiceType: st,
			ReceivedOn: date(2026, month, 1)}, r.family, centre, "referrer-1")
		booking := uuid.NewString()
		g.emit(t, "scheduling", "family-"+r.family.String(), &schedulingv1.SessionBooked{BookingId: booking, FamilyId: r.family.String(),
			CentreId: centre.String(), SessionDate: date(2026, month, day), ServiceType: st}, r.family, centre, "coordinator-1")
		g.emit(t, "scheduling", "family-"+r.family.String(), &schedulingv1.SessionCompleted{BookingId: booking, FamilyId: r.family.String(),
			CentreId: centre.String(), SessionDate: date(2026, month, day), ServiceType: st,
			Children: []*schedulingv1.AttendingChild{{PersonId: r.child.String(), AgeBand: commonv1.AgeBand_AGE_BAND_5_TO_10}}}, r.family, centre, "supervisor-1")
		return r
	}
	// Supervised contact in January; stepped down, referred again and seen at the supported
	// centre in March; referred a third time and seen in April.
	first := seen(supervisedCentre, supervised, 1, 13)
	second := seen(supportedCentre, supported, 3, 10)
	third := seen(supportedCentre, supported, 4, 14)
	confirm := func(r, other referral, centre uuid.UUID) {
		g.emit(t, "referral", "referral-"+r.id.String(), &referralv1.SameChildConfirmed{ReferralId: r.id.String(), FamilyId: r.family.String(),
			CentreId: centre.String(), ChildPersonId: r.child.String(), OtherReferralId: other.id.String(), OtherChildPersonId: other.child.String(),
			ConfirmedOn: date(2026, 5, 2), ConfirmerRole: referralv1.ConfirmerRole_CONFIRMER_ROLE_COORDINATOR}, r.family, centre, "coordinator-1")
	}
	g.settle(t)

	an := g.analyst(t)
	quarter, year := reportingv1.PeriodKind_PERIOD_KIND_QUARTER, reportingv1.PeriodKind_PERIOD_KIND_YEAR
	london := commonv1.Region_REGION_LONDON.String()
	type want struct{ q1, q2, year float64 }
	// Each referral's family has a new id too: families served counts the family once as its
	// children are confirmed as one (review 53, decision 309).
	families := want{1, 1, 2}
	check := func(when string, national, region, atSupported, bySupervised, bySupported, byBand want) {
		t.Helper()
		q1, q2, y := figures(t, an, quarter, 2026, 1, "", false), figures(t, an, quarter, 2026, 2, "", false), figures(t, an, year, 2026, 0, "", false)
		for name, c := range map[string]struct {
			key string
			w   want
		}{
			"nationally":                 {"children_served|national|REGION_UNSPECIFIED|||", national},
			"in the region":              {"children_served|region|" + london + "|||", region},
			"at the supported centre":    {"children_served|centre|" + london + "|" + supportedCentre.String() + "||", atSupported},
			"at the supervised centre":   {"children_served|centre|" + london + "|" + supervisedCentre.String() + "||", want{1, 0, 1}},
			"nationally, supervised":     {"children_served|national|REGION_UNSPECIFIED||service_type|SERVICE_TYPE_SUPERVISED", bySupervised},
			"nationally, supported":      {"children_served|national|REGION_UNSPECIFIED||service_type|SERVICE_TYPE_SUPPORTED", bySupported},
			"nationally, aged 5 to 10":   {"children_served|national|REGION_UNSPECIFIED||age_band|AGE_BAND_5_TO_10", byBand},
			"families served, supported": {"families_served|national|REGION_UNSPECIFIED||service_type|SERVICE_TYPE_SUPPORTED", families},
		} {
			for _, p := range []struct {
				period string
				figs   map[string]*reportingv1.Figure
				w      float64
			}{{"Q1", q1, c.w.q1}, {"Q2", q2, c.w.q2}, {"the year", y, c.w.year}} {
				require.Equal(t, p.w, p.figs[c.key].GetValue(), "%s: %s in %s", when, name, p.period)
			}
			if name == "nationally" {
				// The nation is one region here: its figure and the region's agree.
				for _, figs := range []map[string]*reportingv1.Figure{q1, q2, y} {
					require.Equal(t, figs[c.key].GetValue(), figs["children_served|region|"+london+"|||"].GetValue(), when)
				}
			}
		}
	}
	check("before any confirmation, one id per referral",
		want{2, 1, 3}, want{2, 1, 3}, want{1, 1, 2}, want{1, 0, 1}, want{1, 1, 2}, want{2, 1, 3})

	confirm(second, first, supportedCentre)
	g.settle(t)
	check("the second referral's child confirmed as the first's: Q1, closed, changes",
		want{1, 1, 2}, want{1, 1, 2}, want{1, 1, 2}, want{1, 0, 1}, want{1, 1, 2}, want{1, 1, 2})

	confirm(third, second, supportedCentre)
	confirm(third, second, supportedCentre) // carried twice by the stream: counted once
	g.settle(t)
	families = want{1, 1, 1}
	all := want{1, 1, 1}
	check("the third confirmed as the second: one child in all", all, all, all, want{1, 0, 1}, all, all)

	before := map[string]float64{}
	for k, f := range figures(t, an, year, 2026, 0, "", false) {
		before[k] = f.GetValue()
	}
	rebuilt := g.rebuilt(t)
	require.True(t, rebuilt.GetSwapped())
	require.Zero(t, rebuilt.GetSkipped())
	after := map[string]float64{}
	for k, f := range figures(t, an, year, 2026, 0, "", false) {
		after[k] = f.GetValue()
	}
	require.Equal(t, before, after, "a rebuild counts the confirmed children as the live projections did")
	check("after a rebuild", all, all, all, want{1, 0, 1}, all, all)
}

// Review 84 M1 (decision 411): a child referred to two centres with nothing standing on either is
// linked by referral for the figures alone (ChildMatchedForFigures, on a stream of no family).
// Nationally and in the region the child counts once, at each centre once; neither family's
// history shows the link, and both still verify; a rebuild counts as the live projections did.
func TestAChildMatchedAtTwoCentresCountsOnceNationally(t *testing.T) {
	g := newRig(t)
	ctx := t.Context()
	london := commonv1.Region_REGION_LONDON.String()
	a, b := g.centre(t, commonv1.Region_REGION_LONDON), g.centre(t, commonv1.Region_REGION_LONDON)
	supported := commonv1.ServiceType_SERVICE_TYPE_SUPPORTED
	type referral struct{ id, family, child uuid.UUID }
	seen := func(centre uuid.UUID, month, day int) referral {
		r := referral{uuid.New(), uuid.New(), uuid.New()}
		g.emit(t, "referral", "referral-"+r.id.String(), &referralv1.ReferralReceived{ReferralId: r.id.String(), FamilyId: r.family.String(),
			CentreId: centre.String(), Source: commonv1.ReferralSource_REFERRAL_SOURCE_CAFCASS, RequestedServiceType: supported,
			ReceivedOn: date(2026, month, 1)}, r.family, centre, "referrer-1")
		booking := uuid.NewString()
		g.emit(t, "scheduling", "family-"+r.family.String(), &schedulingv1.SessionBooked{BookingId: booking, FamilyId: r.family.String(),
			CentreId: centre.String(), SessionDate: date(2026, month, day), ServiceType: supported}, r.family, centre, "coordinator-1")
		g.emit(t, "scheduling", "family-"+r.family.String(), &schedulingv1.SessionCompleted{BookingId: booking, FamilyId: r.family.String(),
			CentreId: centre.String(), SessionDate: date(2026, month, day), ServiceType: supported,
			Children: []*schedulingv1.AttendingChild{{PersonId: r.child.String(), AgeBand: commonv1.AgeBand_AGE_BAND_5_TO_10}}}, r.family, centre, "volunteer-1")
		return r
	}
	atA, atB := seen(a, 1, 10), seen(b, 2, 14)
	link := uuid.New()
	g.emit(t, "referral", "figures-link-"+link.String(), &referralv1.ChildMatchedForFigures{LinkId: link.String(), ReferralId: atB.id.String(),
		ChildPersonId: atB.child.String(), OtherReferralId: atA.id.String(), OtherChildPersonId: atA.child.String(),
		MatchedOn: date(2026, 2, 1)}, uuid.Nil, b, "referrer-1")
	g.settle(t)

	an := g.analyst(t)
	quarter, year := reportingv1.PeriodKind_PERIOD_KIND_QUARTER, reportingv1.PeriodKind_PERIOD_KIND_YEAR
	want := map[string]float64{
		"children_served|national|REGION_UNSPECIFIED|||":             1,
		"children_served|region|" + london + "|||":                   1,
		"children_served|centre|" + london + "|" + a.String() + "||": 1,
		"children_served|centre|" + london + "|" + b.String() + "||": 1,
		"families_served|national|REGION_UNSPECIFIED|||":             1,
	}
	check := func(when string) {
		t.Helper()
		for _, figs := range []map[string]*reportingv1.Figure{figures(t, an, quarter, 2026, 1, "", false), figures(t, an, year, 2026, 0, "", false)} {
			for k, w := range want {
				require.Equal(t, w, figs[k].GetValue(), "%s: %s", when, k)
			}
		}
	}
	check("live")

	for _, r := range []struct {
		r      referral
		centre uuid.UUID
	}{{atA, a}, {atB, b}} {
		h, err := g.coordinator(t, r.centre).GetFamilyHistory(ctx, &reportingv1.GetFamilyHistoryRequest{FamilyId: r.r.family.String(),
			CentreId: r.centre.String(), Purpose: reportingv1.HistoryReadPurpose_HISTORY_READ_PURPOSE_CASE_REVIEW})
		require.NoError(t, err)
		for _, s := range h.GetEntries() {
			require.NotContains(t, s.GetEventType(), "ChildMatchedForFigures", "the link is told to neither centre")
			require.NotContains(t, s.GetDescription(), "another centre")
		}
		v, err := g.coordinator(t, r.centre).VerifyFamilyHistory(ctx, &reportingv1.VerifyFamilyHistoryRequest{FamilyId: r.r.family.String(),
			CentreId: r.centre.String()})
		require.NoError(t, err)
		require.True(t, v.GetVerified(), "the family's history still verifies: %s", v.GetReason())
	}

	rebuild := func() {
		t.Helper()
		rebuilt := g.rebuilt(t)
		require.True(t, rebuilt.GetSwapped())
		require.Zero(t, rebuilt.GetSkipped(), "the link is read as every event")
	}
	rebuild()
	check("after a rebuild")

	// Decision 414: a correction at the second centre gave the child another date of birth, and
	// referral withdrew the link (ChildUnmatchedForFigures, decision 413). The two person ids
	// count apart again: two children and two families nationally, in Q1 and the year alike,
	// live and rebuilt; each centre still counts its own child.
	g.emit(t, "referral", "figures-link-"+link.String(), &referralv1.ChildUnmatchedForFigures{LinkId: link.String(), ReferralId: atB.id.String(),
		ChildPersonId: atB.child.String(), UnmatchedOn: date(2026, 3, 2)}, uuid.Nil, b, "coordinator-1")
	g.settle(t)
	want["children_served|national|REGION_UNSPECIFIED|||"] = 2
	want["children_served|region|"+london+"|||"] = 2
	want["families_served|national|REGION_UNSPECIFIED|||"] = 2
	check("the link withdrawn")
	rebuild()
	check("the link withdrawn, after a rebuild")
}
