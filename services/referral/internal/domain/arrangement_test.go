package domain_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/problem"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

// A family ready for contact, or in contact, changes its agreed arrangement (decisions.md 90): the
// change is recorded with the arrangement it replaces, the same change again records nothing, and
// the values are checked as when it was agreed.
func TestChangeArrangement(t *testing.T) {
	for _, s := range []domain.State{domain.ReadyForContact, domain.InContact, domain.Suspended} {
		t.Run(s.String(), func(t *testing.T) {
			r, h := inState(t, s)
			before, _ := r.Arrangement()
			changed := before
			changed.SessionMinutes, changed.Stagger = 90, domain.Stagger{ArrivalMinutes: 20, DepartureMinutes: 10}
			changed.Frequency = referralv1.ContactFrequency_CONTACT_FREQUENCY_WEEKLY
			events := h.ok(r.ChangeArrangement(changed, today))
			require.Len(t, events, 1)
			ev := events[0].(*referralv1.ArrangementChanged)
			require.Equal(t, r.ID().String(), ev.GetReferralId())
			require.Equal(t, r.FamilyID().String(), ev.GetFamilyId())
			require.Equal(t, int32(90), ev.GetArrangement().GetSessionMinutes())
			require.Equal(t, int32(20), ev.GetArrangement().GetStagger().GetArrivalMinutes())
			require.Equal(t, int32(120), ev.GetPreviousArrangement().GetSessionMinutes())
			require.Equal(t, dates.Proto(today), ev.GetChangedOn())
			now, _ := r.Arrangement()
			require.Equal(t, changed, now)
			require.Equal(t, s, r.State(), "the case stays where it stood")

			require.Nil(t, h.ok(r.ChangeArrangement(changed, today)), "the same arrangement again records nothing")

			rebuilt, err := domain.Rebuild(r.ID(), h.events)
			require.NoError(t, err)
			again, _ := rebuilt.Arrangement()
			require.Equal(t, changed, again)
		})
	}
}

func TestChangeArrangementRules(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(*domain.Arrangement)
		field string
	}{
		{"no frequency", func(a *domain.Arrangement) { a.Frequency = 0 }, "arrangement.frequency"},
		{"too short", func(a *domain.Arrangement) { a.SessionMinutes = domain.MinSessionMinutes - 1 }, "arrangement.session_minutes"},
		{"too long", func(a *domain.Arrangement) { a.SessionMinutes = domain.MaxSessionMinutes + 1 }, "arrangement.session_minutes"},
		{"parents due at the door within 10 minutes", func(a *domain.Arrangement) { a.Stagger.ArrivalMinutes = 9 }, "arrangement.stagger.arrival_minutes"},
		{"departure stagger over an hour", func(a *domain.Arrangement) { a.Stagger.DepartureMinutes = 61 }, "arrangement.stagger.departure_minutes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := inState(t, domain.InContact)
			a, _ := r.Arrangement()
			tc.edit(&a)
			version := r.Version()
			events, err := r.ChangeArrangement(a, today)
			var invalid *domain.Invalid
			require.ErrorAs(t, err, &invalid)
			require.Equal(t, tc.field, invalid.Violations[0].Field)
			require.Nil(t, events)
			require.Equal(t, version, r.Version())
		})
	}

	t.Run("the kind of contact is fixed: stepping down is a case outcome", func(t *testing.T) {
		r, _ := inState(t, domain.InContact)
		a, _ := r.Arrangement()
		a.ServiceType = supervisd
		_, err := r.ChangeArrangement(a, today)
		require.ErrorIs(t, err, domain.ErrServiceTypeFixed)
		require.ErrorContains(t, err, "stepping down from supervised to supported contact is a case outcome")
		kept, _ := r.Arrangement()
		require.Equal(t, supported, kept.ServiceType)
	})

	t.Run("before the family is ready it is agreed again, not changed", func(t *testing.T) {
		r, _ := inState(t, domain.Accepted)
		_, err := r.ChangeArrangement(arrangement(supported), today)
		require.ErrorIs(t, err, problem.Rule("NOT_READY_FOR_CONTACT", ""))
		require.ErrorContains(t, err, "agreed again")
	})

	t.Run("once ready it is changed, not agreed again", func(t *testing.T) {
		r, _ := inState(t, domain.ReadyForContact)
		_, err := r.AgreeArrangement(arrangement(supported), today)
		require.ErrorIs(t, err, problem.Rule("ALREADY_READY", ""))
		require.ErrorContains(t, err, "change the agreed arrangement instead")
	})

	t.Run("a case suspended during its intake waits for the hold", func(t *testing.T) {
		r, _ := inState(t, domain.Accepted)
		for _, a := range r.Adults() {
			_, err := r.RecordPreVisit(domain.PreVisit{PersonID: a.ID, On: today, GroundRulesSigned: true}, today)
			require.NoError(t, err)
		}
		_, err := r.Suspend(holdID, today)
		require.NoError(t, err)
		_, err = r.ChangeArrangement(arrangement(supported), today)
		require.ErrorIs(t, err, domain.ErrCaseSuspended)
	})

	t.Run("an ended case", func(t *testing.T) {
		r, _ := inState(t, domain.Ended)
		_, err := r.ChangeArrangement(arrangement(supported), today)
		require.ErrorIs(t, err, domain.ErrReferralClosed)
	})
}
