package app

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/services/safeguarding/internal/domain"
)

// Decision 345: a hold of another centre still in force is named by its id, its centre and the
// day it was placed, that centre's lead's to lift; no concern of another centre. Two or more are
// counted.
func TestStillInForceWarningNamesAnotherCentresHoldByItsCentre(t *testing.T) {
	here, there := uuid.New(), uuid.New()
	mine := domain.Hold{ID: uuid.New(), Centre: here, Concern: uuid.New(), PlacedOn: time.Date(2026, 1, 12, 0, 0, 0, 0, time.UTC)}
	theirs := domain.Hold{ID: uuid.New(), Centre: there, Concern: uuid.New(), PlacedOn: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)}
	require.Empty(t, StillInForceWarning(here, nil))
	w := StillInForceWarning(here, []domain.Hold{theirs})
	require.Contains(t, w, "another hold on the family is still in force: hold "+theirs.ID.String()+", placed on 2026-01-05 by "+
		"another centre ("+there.String()+"), whose safeguarding lead lifts it.")
	require.NotContains(t, w, theirs.Concern.String(), "another centre's concern is not this lead's")
	w = StillInForceWarning(here, []domain.Hold{theirs, mine})
	require.Contains(t, w, "HOLD_STILL_IN_FORCE: 2 other holds on the family are still in force: hold "+theirs.ID.String())
	require.Contains(t, w, "; hold "+mine.ID.String()+", placed on 2026-01-12 for concern "+mine.Concern.String())
	require.Contains(t, w, "contact stays suspended until every hold is lifted")

	// Review 65 finding 4 (decision 353): the lift named is the command as it runs, with the
	// --centre and --note lift requires; another centre's is not this lead's to lift.
	w = StillInForceWarning(here, []domain.Hold{mine, {ID: uuid.New(), Centre: here}})
	require.Contains(t, w, "for concern "+mine.Concern.String()+" (familytime safeguarding lift "+mine.ID.String()+" --centre "+
		here.String()+" --note ...)")
	require.Contains(t, w, "for no concern named (familytime safeguarding lift ")
	require.Equal(t, 2, strings.Count(w, " --centre "+here.String()+" --note ...)"))
	require.NotContains(t, StillInForceWarning(here, []domain.Hold{theirs}), "familytime safeguarding lift")
}

// Decision 345's Left (decision 360): a hold placed while others are in force says so, naming
// each as a lift's warning names a hold still in force (another centre's by its centre alone),
// and that lifting this one does not resume contact.
func TestAlreadyInForceWarningSaysLiftingThisOneDoesNotResumeContact(t *testing.T) {
	here, there := uuid.New(), uuid.New()
	mine := domain.Hold{ID: uuid.New(), Centre: here, Concern: uuid.New(), PlacedOn: time.Date(2026, 1, 12, 0, 0, 0, 0, time.UTC)}
	theirs := domain.Hold{ID: uuid.New(), Centre: there, Concern: uuid.New(), PlacedOn: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)}
	require.Empty(t, AlreadyInForceWarning(here, nil))
	require.Equal(t, "OTHER_HOLD_IN_FORCE: another hold on the family is in force already: hold "+mine.ID.String()+", placed on "+
		"2026-01-12 for concern "+mine.Concern.String()+" (familytime safeguarding lift "+mine.ID.String()+" --centre "+here.String()+
		" --note ...). Lifting this hold does not resume the family's contact: it stays suspended (nothing booked, the door refusing "+
		"the family ON_HOLD) until every hold is lifted, that one too", AlreadyInForceWarning(here, []domain.Hold{mine}))
	w := AlreadyInForceWarning(here, []domain.Hold{theirs, mine})
	require.Contains(t, w, "OTHER_HOLD_IN_FORCE: 2 other holds on the family are in force already: hold "+theirs.ID.String()+
		", placed on 2026-01-05 by another centre ("+there.String()+"), whose safeguarding lead lifts it; hold "+mine.ID.String())
	require.NotContains(t, w, theirs.Concern.String(), "another centre's concern is not this lead's")
}
