package domain_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/problem"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

func TestAmend(t *testing.T) {
	r, h := inState(t, domain.Received)
	d := r.Details()
	events := h.ok(r.Amend(d, "", today, ids()))
	require.Nil(t, events, "no change, no event")

	d.Adults[0].Contact.Phone = "07700 900099"
	d.Children = append(d.Children, domain.Child{Name: "Second Child", DateOfBirth: date(2022, 1, 15)})
	events = h.ok(r.Amend(d, "", today, ids()))
	require.IsType(t, &referralv1.ReferralAmended{}, events[0])
	require.Equal(t, "07700 900099", r.Details().Adults[0].Contact.Phone)
	require.Len(t, r.Children(), 2)
	require.Equal(t, d.Children[0].ID, r.Children()[0].ID, "people keep their ids")
	require.NotEqual(t, uuid.Nil, r.Children()[1].ID, "a new child gets one")

	rebuilt, err := domain.Rebuild(r.ID(), h.events)
	require.NoError(t, err)
	require.Equal(t, r.Details(), rebuilt.Details())

	t.Run("unknown and repeated ids", func(t *testing.T) {
		d := r.Details()
		d.Adults[2].ID = uuid.New()
		d.Children[1].ID = d.Children[0].ID
		_, err := r.Amend(d, "", today, ids())
		var invalid *domain.Invalid
		require.ErrorAs(t, err, &invalid)
		require.Equal(t, "details.adults[2].person_id", invalid.Violations[0].Field)
		require.Equal(t, "details.children[1].person_id", invalid.Violations[1].Field)
	})
	t.Run("the same rules as a submission", func(t *testing.T) {
		d := r.Details()
		d.Adults = d.Adults[1:]
		_, err := r.Amend(d, "", today, ids())
		var invalid *domain.Invalid
		require.ErrorAs(t, err, &invalid)
		require.Equal(t, "details.adults", invalid.Violations[0].Field)
	})
}

func TestAmendedRiskVoidsTheScreening(t *testing.T) {
	for _, s := range []domain.State{domain.Screened, domain.Waitlisted, domain.Accepted} {
		t.Run(s.String(), func(t *testing.T) {
			r, h := inState(t, s)
			d := r.Details()
			d.Risk.AbductionRisk = true
			events := h.ok(r.Amend(d, "", today, ids()))
			require.True(t, events[0].(*referralv1.ReferralAmended).GetScreeningVoid())
			// The waitlisting or acceptance is said undone, for scheduling and the figures (decision 392).
			require.Equal(t, s != domain.Screened, events[0].(*referralv1.ReferralAmended).GetDecisionVoid())
			require.Equal(t, domain.Received, r.State(), "the decision stood on answers that no longer hold")
			_, _, screened := r.Screening()
			require.False(t, screened)

			rebuilt, err := domain.Rebuild(r.ID(), h.events)
			require.NoError(t, err)
			require.Equal(t, domain.Received, rebuilt.State())
		})
	}
	t.Run("other changes keep the screening", func(t *testing.T) {
		r, _ := inState(t, domain.Screened)
		d := r.Details()
		d.Availability = "weekday evenings"
		events, err := r.Amend(d, "", today, ids())
		require.NoError(t, err)
		require.False(t, events[0].(*referralv1.ReferralAmended).GetScreeningVoid())
		require.Equal(t, domain.Screened, r.State())
	})
}

func TestAmendOnceReady(t *testing.T) {
	for _, s := range []domain.State{domain.ReadyForContact, domain.InContact, domain.Suspended} {
		t.Run(s.String(), func(t *testing.T) {
			r, _ := inState(t, s)
			d := r.Details()
			d.Adults[1].Contact.Email = "bob.new@example.org"
			_, err := r.Amend(d, "", today, ids())
			require.NoError(t, err, "contact details may change")

			changes := map[string]func(*domain.Details){
				"a new adult": func(d *domain.Details) {
					d.Adults = append(d.Adults, domain.Adult{Role: referralv1.AdultRole_ADULT_ROLE_NAMED_ESCORT, Name: "New Escort", MayBring: true})
				},
				"a permission":  func(d *domain.Details) { d.Adults[2].MayCollect = true },
				"a risk answer": func(d *domain.Details) { d.Risk.Injunction = true },
				"a new child": func(d *domain.Details) {
					d.Children = append(d.Children, domain.Child{Name: "New Sibling", DateOfBirth: date(2024, 1, 2)})
				},
				// A child's date of birth is corrected (decision 187), but not with who may attend.
				"a permission with a birth month": func(d *domain.Details) {
					d.Adults[2].MayCollect = true
					d.Children[0].DateOfBirth = date(2019, 5, 2)
				},
			}
			for name, change := range changes {
				d := r.Details()
				change(&d)
				_, err := r.Amend(d, "the details were wrong", today, ids())
				require.ErrorIs(t, err, domain.ErrAttendeesFixed, name)
			}
			require.Equal(t, s, r.State())

			// Taking the grandmother off narrows who may come: announced for the door, with
			// what she may still do (nothing), no court order needed (review 77, decision 389).
			d = r.Details()
			gran := d.Adults[2].ID
			d.Adults = d.Adults[:2]
			_, err = r.Amend(d, "", today, ids())
			var invalid *domain.Invalid
			require.ErrorAs(t, err, &invalid, "why is required (review 81)")
			require.Equal(t, "correction_reason", invalid.Violations[0].Field)
			events, err := r.Amend(d, "the resident parent no longer agrees to the grandmother coming", today, ids())
			require.NoError(t, err)
			var off []*referralv1.AdultKeptFromChildren
			for _, ev := range events {
				if k, ok := ev.(*referralv1.AdultKeptFromChildren); ok {
					off = append(off, k)
				}
			}
			require.Len(t, off, 1)
			require.Equal(t, gran.String(), off[0].GetPersonId())
			require.True(t, off[0].GetWithdrawn())
			require.Equal(t, s, r.State())
		})
	}
}

// A child's date of birth typed wrongly is corrected while the case is open, once the family is
// ready too: the child, and who may attend, are the same (decision 184 found it refused
// ATTENDEES_FIXED). The correction says why, and a corrected birth year or month is announced
// (ChildBirthMonthCorrected: the year and month only, as FamilyReadyForContact gave them) so that
// scheduling's age bands follow it (decision 187). Before the family is ready,
// FamilyReadyForContact will carry the month as corrected.
func TestAChildsDateOfBirthIsCorrectedOnceTheFamilyIsReady(t *testing.T) {
	const why = "the child's date of birth was typed wrongly"
	for _, s := range []domain.State{domain.ReadyForContact, domain.InContact, domain.Suspended} {
		t.Run(s.String(), func(t *testing.T) {
			r, h := inState(t, s)
			version := r.Version()
			child := r.Children()[0].ID
			d := r.Details()
			d.Children[0].DateOfBirth = date(2019, 5, 2)

			_, err := r.Amend(d, "", today, ids())
			refused(t, err, "correction_reason", "a child's date of birth is corrected")
			require.Equal(t, version, r.Version(), "a refusal changes nothing")

			events := h.ok(r.Amend(d, why, today, ids()))
			require.Len(t, events, 2)
			require.IsType(t, &referralv1.ReferralAmended{}, events[0])
			corrected, ok := events[1].(*referralv1.ChildBirthMonthCorrected)
			require.True(t, ok, "%T", events[1])
			require.Equal(t, child.String(), corrected.GetPersonId())
			require.Equal(t, []int32{2019, 5}, []int32{corrected.GetBirthYear(), corrected.GetBirthMonth()})
			require.Equal(t, r.ID().String(), corrected.GetReferralId())
			require.Equal(t, r.FamilyID().String(), corrected.GetFamilyId())
			require.Equal(t, centreID.String(), corrected.GetCentreId())
			require.True(t, proto.Equal(dates.Proto(today), corrected.GetCorrectedOn()), "%v", corrected.GetCorrectedOn())
			require.Equal(t, s, r.State())
			require.Equal(t, date(2019, 5, 2), r.Details().Children[0].DateOfBirth)
			require.Equal(t, child, r.Children()[0].ID, "the same child")

			d = r.Details()
			d.Children[0].DateOfBirth = date(2019, 5, 20)
			_, err = r.Amend(d, "", today, ids())
			refused(t, err, "correction_reason", "must say why")
			events = h.ok(r.Amend(d, why, today, ids()))
			require.Len(t, events, 1, "the same birth month: nothing to announce")

			rebuilt, err := domain.Rebuild(r.ID(), h.events)
			require.NoError(t, err)
			require.Equal(t, s, rebuilt.State())
			require.Equal(t, date(2019, 5, 20), rebuilt.Details().Children[0].DateOfBirth)
			require.Equal(t, 5, rebuilt.Children()[0].BirthMonth)
		})
	}
	t.Run("not ready yet", func(t *testing.T) {
		r, h := inState(t, domain.Accepted)
		d := r.Details()
		d.Children[0].DateOfBirth = date(2019, 5, 2)
		events := h.ok(r.Amend(d, "", today, ids()))
		require.Len(t, events, 1, "FamilyReadyForContact will carry it; the reason is optional as before")
	})
}

func TestAmendCompletesTheIntake(t *testing.T) {
	r, _ := inState(t, domain.Accepted)
	for _, a := range r.Adults()[:2] {
		_, err := r.RecordPreVisit(domain.PreVisit{PersonID: a.ID, On: today, GroundRulesSigned: true}, today)
		require.NoError(t, err)
	}
	_, err := r.AgreeArrangement(arrangement(supported), today)
	require.NoError(t, err)
	require.Equal(t, domain.Accepted, r.State(), "the grandmother has not visited")

	d := r.Details()
	d.Adults = d.Adults[:2]
	events, err := r.Amend(d, "", today, ids())
	require.NoError(t, err)
	require.Len(t, events, 2)
	require.IsType(t, &referralv1.FamilyReadyForContact{}, events[1])
	require.Equal(t, domain.ReadyForContact, r.State())
}

// A case accepted or waitlisted for escorted contact, which takes the children out of the centre,
// does not record that they may no longer leave it until it ends: recorded, the case would go on
// taking them out (decision 114). A case for contact at the centre records it.
func TestAnEscortedCaseKeepsTheChildrenLeavingUntilItEnds(t *testing.T) {
	escorted := commonv1.ServiceType_SERVICE_TYPE_ESCORTED
	offered := []commonv1.ServiceType{supported, escorted}
	mayLeave := func(r *domain.Referral, may bool) error {
		d := r.Details()
		d.ChildrenMayLeaveCentre = may
		_, err := r.Amend(d, "", today, ids())
		return err
	}
	d := details()
	d.ChildrenMayLeaveCentre = true
	r, h := submit(t, submission(d))
	h.ok(r.Screen(domain.Screening{Rating: referralv1.RiskRating_RISK_RATING_GREEN}, today))
	h.ok(r.Waitlist(escorted, offered, today))
	for _, step := range []func(){
		func() {},
		func() { h.ok(r.Accept(escorted, offered, courtAllows, today)) },
		func() {
			for _, a := range r.Adults() {
				h.ok(r.RecordPreVisit(domain.PreVisit{PersonID: a.ID, On: today.AddDate(0, 0, -3), GroundRulesSigned: true}, today))
			}
			h.ok(r.AgreeArrangement(arrangement(escorted), today))
		},
		func() { h.ok(r.RecordSessionAttended(today.AddDate(0, 0, -1))) },
	} {
		step()
		err := mayLeave(r, false)
		require.ErrorIs(t, err, domain.ErrEscortedChildrenLeave, r.State().String())
		var rule *problem.RuleError
		require.ErrorAs(t, err, &rule)
		require.Equal(t, "CHILDREN_STAY_IN_CENTRE", rule.Reason)
		require.True(t, r.Details().ChildrenMayLeaveCentre, "nothing recorded")
	}
	require.Equal(t, domain.InContact, r.State())

	inCentre, _ := inState(t, domain.InContact)
	require.NoError(t, mayLeave(inCentre, true), "supported contact: the children may go to the park")
	require.NoError(t, mayLeave(inCentre, false), "and no longer")
	require.False(t, inCentre.Details().ChildrenMayLeaveCentre)
}

// Once FamilyReadyForContact has told scheduling whether the children may leave the centre, an
// amendment that changes the answer announces it (ChildrenLeavingChanged), for the door's day
// sheet; one that keeps it, or comes before the family is ready, does not (decision 117).
func TestAChangedAnswerOnLeavingTheCentreIsAnnouncedOnceTheFamilyIsReady(t *testing.T) {
	answer := func(r *domain.Referral, may bool) []proto.Message {
		t.Helper()
		d := r.Details()
		d.ChildrenMayLeaveCentre = may
		events, err := r.Amend(d, "", today, ids())
		require.NoError(t, err)
		return events
	}
	for _, s := range []domain.State{domain.ReadyForContact, domain.InContact, domain.Suspended} {
		t.Run(s.String(), func(t *testing.T) {
			r, _ := inState(t, s)
			require.False(t, r.Details().ChildrenMayLeaveCentre)
			events := answer(r, true)
			require.Len(t, events, 2)
			require.IsType(t, &referralv1.ReferralAmended{}, events[0])
			changed, ok := events[1].(*referralv1.ChildrenLeavingChanged)
			require.True(t, ok, "%T", events[1])
			require.True(t, changed.GetChildrenMayLeaveCentre())
			require.Equal(t, r.FamilyID().String(), changed.GetFamilyId())
			require.Equal(t, r.ID().String(), changed.GetReferralId())

			d := r.Details()
			d.Adults[1].Contact.Email = "bob.new@example.org"
			events, err := r.Amend(d, "", today, ids())
			require.NoError(t, err)
			require.Len(t, events, 1, "the answer kept: nothing to announce")

			events = answer(r, false)
			require.Len(t, events, 2)
			require.False(t, events[1].(*referralv1.ChildrenLeavingChanged).GetChildrenMayLeaveCentre())
			require.Equal(t, s, r.State())
		})
	}
	r, _ := inState(t, domain.Accepted)
	require.Len(t, answer(r, true), 1, "FamilyReadyForContact will carry it")
}

// The whole file sent again without its person ids would give everyone new ids, and leave their
// pre-visits and other records with the old ones: an adult or child already on the referral, by
// name (case, spacing and accents aside; whatever their role or date of birth), is refused without
// its id, the field naming the id to give (decision 115). Someone new, and someone dropped and added again in a later
// amendment, take a new id.
func TestAnAmendmentKeepsThePeopleOnTheReferral(t *testing.T) {
	r, _ := inState(t, domain.Accepted)
	d := r.Details()
	for i := range d.Adults {
		d.Adults[i].ID = uuid.Nil
	}
	d.Children[0].ID = uuid.Nil
	d.Adults[0].Name = strings.ToUpper(d.Adults[0].Name)
	d.Adults[1].Name = strings.Replace(d.Adults[1].Name, " ", "  ", 1)     // review 11: spacing inside a name
	d.Adults[2].Role = referralv1.AdultRole_ADULT_ROLE_NAMED_ESCORT        // and a corrected role
	d.Children[0].DateOfBirth = d.Children[0].DateOfBirth.AddDate(0, 0, 1) // and date of birth
	_, err := r.Amend(d, "", today, ids())
	var invalid *domain.Invalid
	require.ErrorAs(t, err, &invalid)
	require.Len(t, invalid.Violations, len(d.Adults)+1, "each adult, and the child")
	require.Equal(t, "details.adults[0].person_id", invalid.Violations[0].Field)
	require.Contains(t, invalid.Violations[0].Reason, "already has this person as "+r.Adults()[0].ID.String())
	require.NotContains(t, invalid.Violations[0].Reason, r.Adults()[0].Name, "the reason names no one")

	d = r.Details()
	d.Children = append(d.Children, domain.Child{Name: "Second Child", DateOfBirth: date(2022, 1, 15)})
	_, err = r.Amend(d, "", today, ids())
	require.NoError(t, err, "someone new")

	escort := r.Adults()[2]
	d = r.Details()
	d.Adults = slices.DeleteFunc(d.Adults, func(a domain.Adult) bool { return a.ID == escort.ID })
	_, err = r.Amend(d, "", today, ids())
	require.NoError(t, err, "dropped")
	back := escort.Adult
	back.ID = uuid.Nil
	d.Adults = append(d.Adults, back)
	_, err = r.Amend(d, "", today, ids())
	require.NoError(t, err, "and added again as someone new")
	require.NotContains(t, []uuid.UUID{r.Adults()[0].ID, r.Adults()[1].ID, r.Adults()[2].ID}, escort.ID)
}

// A closed referral's personal details are corrected (decision 178): the right to rectification
// holds for as long as the record is kept, declined, withdrawn or ended. The correction says why
// and records nothing else: the state stays, nothing the centre decided on changes, and no one is
// added or removed. An erased family has nothing to correct. Amend refused every closed referral
// (REFERRAL_CLOSED).
func TestAClosedReferralsPersonalDetailsAreCorrected(t *testing.T) {
	const why = "The resident parent's surname was misspelt and her phone number has changed"
	for _, s := range []domain.State{domain.Declined, domain.Withdrawn, domain.Ended} {
		t.Run(s.String(), func(t *testing.T) {
			r, h := inState(t, s)
			d := r.Details()
			d.Adults[0].Name = "Alice Residentt"
			d.Adults[0].Contact.Phone = "07700 900009"
			d.Children[0].DateOfBirth = date(2019, 5, 2)
			d.Referrer.Email = "sam.solicitor@law.example"

			_, err := r.Amend(d, "", today, ids())
			var invalid *domain.Invalid
			require.ErrorAs(t, err, &invalid, "a correction says why")
			require.Equal(t, "correction_reason", invalid.Violations[0].Field)

			// Corrected years later: the child is grown up since, and was a child when referred.
			later := today.AddDate(12, 0, 0)
			events := h.ok(r.Amend(d, why, later, ids()))
			require.Len(t, events, 1)
			amended := events[0].(*referralv1.ReferralAmended)
			require.True(t, amended.GetCorrectionAfterClose())
			require.NotEmpty(t, amended.GetSealedCorrectionNote(), "why, sealed like every note")
			require.False(t, amended.GetScreeningVoid())
			require.Equal(t, s, r.State(), "a correction reopens nothing")
			require.Equal(t, "Alice Residentt", r.Details().Adults[0].Name)
			require.Equal(t, 5, r.Children()[0].BirthMonth)
			require.Nil(t, h.ok(r.Amend(d, why, later, ids())), "nothing more to correct")

			rebuilt, err := domain.Rebuild(r.ID(), h.events)
			require.NoError(t, err)
			require.Equal(t, s, rebuilt.State())
			require.Equal(t, "07700 900009", rebuilt.Details().Adults[0].Contact.Phone)

			// What the centre decided on, and who is on the referral, stay as they were.
			for name, change := range map[string]func(d *domain.Details){
				"details.risk":        func(d *domain.Details) { d.Risk.DomesticAbuse = true },
				"details.risk_notes":  func(d *domain.Details) { d.RiskNotes = "no worries now" },
				"details.adults[1]":   func(d *domain.Details) { d.Adults[1].MayCollect = true },
				"details.adults[2]":   func(d *domain.Details) { d.Adults[2].ParentalResponsibility = true },
				"details.court_order": func(d *domain.Details) { d.CourtOrders = nil },
				"details.children_may_leave_centre": func(d *domain.Details) {
					d.ChildrenMayLeaveCentre = true
				},
				"details.adults or details.children": func(d *domain.Details) { d.Adults = d.Adults[:2] },
			} {
				changed := r.Details()
				change(&changed)
				version := r.Version()
				events, err := r.Amend(changed, why, later, ids())
				require.ErrorIs(t, err, domain.ErrCorrectionOnly, name)
				require.ErrorContains(t, err, name)
				require.NotContains(t, err.Error(), "Alice", "the refusal names fields, not people")
				require.Nil(t, events)
				require.Equal(t, version, r.Version())
			}
			added := r.Details()
			added.Children = append(added.Children, domain.Child{Name: "New Baby", DateOfBirth: date(2026, 1, 1)})
			_, err = r.Amend(added, why, later, ids())
			require.ErrorAs(t, err, &invalid, "no one is added to a closed referral")
			require.Equal(t, "details.children[1].person_id", invalid.Violations[0].Field)

			h.ok(r.Erase(referralv1.ErasureReason_ERASURE_REASON_ERASURE_REQUESTED, later))
			_, err = r.Amend(d, why, later, ids())
			require.ErrorIs(t, err, domain.ErrErasedNotCorrected)
		})
	}
}

// A child is born by the day they are referred: the day the referral was received, or the day an
// amendment added them (review 24). A date of birth after it is refused on submission (it is in
// the future), amendment and correction alike, naming the field and never the date of birth.
func TestAChildIsBornByTheDayTheyAreReferred(t *testing.T) {
	const why = "the child's date of birth was typed wrongly"
	bornAfter := func(t *testing.T, err error, field string) {
		t.Helper()
		var invalid *domain.Invalid
		require.ErrorAs(t, err, &invalid)
		require.Equal(t, field, invalid.Violations[0].Field, "%v", err)
		require.Contains(t, invalid.Violations[0].Reason, "referred")
		require.NotContains(t, err.Error(), "2026-10-02", "the refusal names the field, not the date of birth")
	}
	t.Run("submitted", func(t *testing.T) {
		s := submission(details())
		s.Details.Children[0].DateOfBirth = submitted.AddDate(0, 0, 1)
		_, _, err := domain.Submit(s, submitted, ids())
		var invalid *domain.Invalid
		require.ErrorAs(t, err, &invalid)
		require.Equal(t, "details.children[0].date_of_birth", invalid.Violations[0].Field)
		require.Contains(t, invalid.Violations[0].Reason, "future")
	})
	for _, s := range []domain.State{domain.Received, domain.Accepted, domain.ReadyForContact, domain.InContact, domain.Declined,
		domain.Withdrawn, domain.Ended} {
		t.Run(s.String(), func(t *testing.T) {
			r, h := inState(t, s)
			version := r.Version()
			d := r.Details()
			d.Children[0].DateOfBirth = submitted.AddDate(0, 0, 1) // after the day received, before today
			events, err := r.Amend(d, why, today, ids())
			bornAfter(t, err, "details.children[0].date_of_birth")
			require.Nil(t, events)
			require.Equal(t, version, r.Version(), "a refusal changes nothing")

			d.Children[0].DateOfBirth = submitted // born the day the family was referred
			h.ok(r.Amend(d, why, today, ids()))
			require.Equal(t, submitted, r.Details().Children[0].DateOfBirth)
		})
	}
	t.Run("added by an amendment", func(t *testing.T) {
		// A sibling born while the case is open is referred the day an amendment adds them.
		r, h := inState(t, domain.Received)
		added := submitted.AddDate(0, 0, 20)
		d := r.Details()
		d.Children = append(d.Children, domain.Child{Name: "New Sibling", DateOfBirth: added.AddDate(0, 0, -5)})
		h.ok(r.Amend(d, "", added, ids()))
		d = r.Details()
		d.Adults[0].Contact.Phone = "07700 900077"
		h.ok(r.Amend(d, "", today, ids()))
		h.ok(r.Withdraw(referralv1.WithdrawnBy_WITHDRAWN_BY_REFERRER, "", today))

		rebuilt, err := domain.Rebuild(r.ID(), h.events)
		require.NoError(t, err)
		d = rebuilt.Details()
		d.Children[1].DateOfBirth = added
		h.ok(rebuilt.Amend(d, why, today, ids()))
		d.Children[1].DateOfBirth = added.AddDate(0, 0, 1)
		_, err = rebuilt.Amend(d, why, today, ids())
		var invalid *domain.Invalid
		require.ErrorAs(t, err, &invalid)
		require.Equal(t, "details.children[1].date_of_birth", invalid.Violations[0].Field)
	})
	t.Run("grown up since", func(t *testing.T) {
		// Seventeen when referred, eighteen now: the case's details are still amended.
		s := submission(details())
		s.Details.Children[0].DateOfBirth = date(2008, 11, 1)
		r, h := submit(t, s)
		d := r.Details()
		d.Adults[0].Contact.Phone = "07700 900077"
		h.ok(r.Amend(d, "", today, ids()))
		require.Equal(t, "07700 900077", r.Details().Adults[0].Contact.Phone)
	})
}

// A correction of a closed referral puts a parent's contact details right and does not remove
// them (review 24): a parent who could be reached keeps a way to be reached, as on an open
// referral past screening. Erasure removes a family's personal data, by its own command and checks.
func TestACorrectionKeepsEachParentReachable(t *testing.T) {
	const why = "both parents say their details were recorded wrongly"
	for _, s := range []domain.State{domain.Declined, domain.Withdrawn, domain.Ended} {
		t.Run(s.String(), func(t *testing.T) {
			r, h := inState(t, s)
			version := r.Version()
			d := r.Details()
			d.Adults[0].Contact, d.Adults[1].Contact = domain.ContactDetails{}, domain.ContactDetails{}
			events, err := r.Amend(d, why, today, ids())
			var invalid *domain.Invalid
			require.ErrorAs(t, err, &invalid)
			require.Len(t, invalid.Violations, 2)
			require.Equal(t, "details.adults[0].contact", invalid.Violations[0].Field)
			require.Equal(t, "details.adults[1].contact", invalid.Violations[1].Field)
			require.NotContains(t, err.Error(), "Alice", "the refusal names fields, not people")
			require.Nil(t, events)
			require.Equal(t, version, r.Version(), "a refusal changes nothing")

			// Put right: the old address goes, a new phone stays.
			d = r.Details()
			d.Adults[1].Contact = domain.ContactDetails{Phone: "07700 900088"}
			h.ok(r.Amend(d, why, today, ids()))
			require.Equal(t, domain.ContactDetails{Phone: "07700 900088"}, r.Details().Adults[1].Contact)
		})
	}
	t.Run("a parent never reachable", func(t *testing.T) {
		// Withdrawn before screening, which would have needed it: there is nothing to keep.
		d := details()
		d.Adults[1].Contact = domain.ContactDetails{}
		r, h := submit(t, submission(d))
		h.ok(r.Withdraw(referralv1.WithdrawnBy_WITHDRAWN_BY_REFERRER, "", today))
		d = r.Details()
		d.Adults[0].Name = "Alice Resident-Smith"
		h.ok(r.Amend(d, why, today, ids()))
		d.Adults[0].Contact = domain.ContactDetails{}
		_, err := r.Amend(d, why, today, ids())
		var invalid *domain.Invalid
		require.ErrorAs(t, err, &invalid)
		require.Equal(t, "details.adults[0].contact", invalid.Violations[0].Field)
	})
}
