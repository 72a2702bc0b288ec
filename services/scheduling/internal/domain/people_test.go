package domain_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// An adult named only to bring and collect the children keeps their own role: door staff must
// know the resident parent from an escort. Whether they may take part in contact is said apart,
// and check-in still names the role.
func TestReadinessKeepsEachPersonsRole(t *testing.T) {
	g := newRig(t, func(r *domain.Readiness) {
		r.Adults[0].MayAttend = false // the resident parent brings and collects, and does not stay
	})
	f, err := domain.RebuildFamily(uuid.New(), nil)
	require.NoError(t, err)
	ev := f.NoteReady(g.readiness).(*schedulingv1.FamilyReadyNoted)
	roles := map[string]schedulingv1.PersonRole{}
	for _, a := range ev.GetAdults() {
		roles[a.GetPersonId()] = a.GetRole()
		require.NotNil(t, a.MayAttend, "may_attend is always recorded")
	}
	require.Equal(t, schedulingv1.PersonRole_PERSON_ROLE_RESIDENT_PARENT, roles[resident.String()])
	require.Equal(t, schedulingv1.PersonRole_PERSON_ROLE_VISITING_PARENT, roles[visiting.String()])
	require.Equal(t, schedulingv1.PersonRole_PERSON_ROLE_NAMED_ESCORT, roles[escort.String()])
	require.False(t, ev.GetAdults()[0].GetMayAttend())
	require.True(t, ev.GetAdults()[1].GetMayAttend())

	// Rebuilt from the event, the family knows who may attend.
	again, err := domain.RebuildFamily(f.ID(), []proto.Message{ev})
	require.NoError(t, err)
	require.Equal(t, g.readiness.Adults, again.Readiness().Adults)

	// Check-in admits the resident parent (who may bring) as the resident parent.
	b := g.book(t, day(2026, 1, 10), g.shared, jan)
	ok, role, refusal, _, err := g.family.CheckIn(b.ID, resident, at(2026, 1, 10, 9, 55))
	require.NoError(t, err)
	require.True(t, ok, refusal)
	require.Equal(t, schedulingv1.PersonRole_PERSON_ROLE_RESIDENT_PARENT, role)
}

// Keeping the role changes nobody's admission: an adult named to bring or collect is admitted
// under their role, and one named for none of attending, bringing or collecting is refused, as
// before: NOT_PERMITTED, named but not to come (review 53).
func TestCheckInStillRefusesWhoMayNotCome(t *testing.T) {
	bystander := uuid.New()
	g := newRig(t, func(r *domain.Readiness) {
		r.Adults[0].MayAttend = false
		r.Adults = append(r.Adults, domain.Adult{ID: bystander, Role: schedulingv1.PersonRole_PERSON_ROLE_OTHER_PARENTAL_RESPONSIBILITY})
	})
	b := g.book(t, day(2026, 1, 10), g.shared, jan)
	morning := at(2026, 1, 10, 9, 55)
	for p, want := range map[uuid.UUID]schedulingv1.PersonRole{resident: schedulingv1.PersonRole_PERSON_ROLE_RESIDENT_PARENT,
		escort: schedulingv1.PersonRole_PERSON_ROLE_NAMED_ESCORT, visiting: schedulingv1.PersonRole_PERSON_ROLE_VISITING_PARENT} {
		ok, role, refusal, _, err := g.family.CheckIn(b.ID, p, morning)
		require.NoError(t, err)
		require.True(t, ok, refusal)
		require.Equal(t, want, role)
	}
	ok, _, refusal, _, err := g.family.CheckIn(b.ID, bystander, morning)
	require.NoError(t, err)
	require.False(t, ok)
	require.Equal(t, "NOT_PERMITTED", refusal)
}

// What was recorded before may_attend existed gave an adult who may not attend the role of named
// escort: such an adult still may not attend, and everyone else may.
func TestMayAttendOfEventsRecordedBeforeIt(t *testing.T) {
	require.False(t, domain.MayAttend(&schedulingv1.ExpectedPerson{Role: schedulingv1.PersonRole_PERSON_ROLE_NAMED_ESCORT, MayBring: true}))
	require.True(t, domain.MayAttend(&schedulingv1.ExpectedPerson{Role: schedulingv1.PersonRole_PERSON_ROLE_VISITING_PARENT}))
	require.False(t, domain.MayAttend(&schedulingv1.ExpectedPerson{Role: schedulingv1.PersonRole_PERSON_ROLE_RESIDENT_PARENT, MayAttend: proto.Bool(false)}))
}
