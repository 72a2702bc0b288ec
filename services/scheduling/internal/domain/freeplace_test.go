package domain_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// A place is free in a session as Occupancy.Take would give it: never beside supervised contact,
// the room to itself for supervised contact, within capacity otherwise, with the places offered
// already counted as taken. The first such session still to come is the answer; none is
// NO_PLACE, saying whether the room is full or the pattern has no session to come (review 49).
func TestTheFirstFreePlaceIsTheFirstSessionToComeWithOne(t *testing.T) {
	today := day(2026, 1, 5)
	tt := domain.NewTimetable(centre)
	room, _, err := tt.AddRoom(uuid.New(), "Garden", 2, true)
	require.NoError(t, err)
	spec := weekly(time.Saturday, hm(10, 0), hm(12, 0), today, room.ID)
	spec.Last = day(2026, 1, 31) // four Saturdays: the 10th, 17th, 24th and 31st
	p, _, err := tt.DefinePattern(spec, today, nil)
	require.NoError(t, err)
	use := map[time.Time]domain.RoomUse{
		day(2026, 1, 10): {Booked: 2},                   // full
		day(2026, 1, 17): {Booked: 1, Supervised: true}, // supervised: the room to itself
		day(2026, 1, 24): {Booked: 1},                   // one place left
	}
	first := func(now time.Time, supervised bool, offered int) (time.Time, error) {
		s, err := tt.FirstFreePlace(p, room, supervised, offered, now, func(s domain.Session) domain.RoomUse { return use[s.Date] })
		return s.Date, err
	}
	monday := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name       string
		now        time.Time
		supervised bool
		offered    int
		want       time.Time
		says       string
	}{
		{name: "one place left on the 24th", now: monday, want: day(2026, 1, 24)},
		{name: "offered already: the empty 31st", now: monday, offered: 1, want: day(2026, 1, 31)},
		{name: "supervised contact needs the room empty", now: monday, supervised: true, want: day(2026, 1, 31)},
		{name: "offered twice, full everywhere", now: monday, offered: 2, says: "full in every session still to come"},
		{name: "supervised, offered already", now: monday, supervised: true, offered: 1, says: "supervised contact"},
		{name: "the 31st begun: none to come with a place", now: time.Date(2026, 1, 31, 10, 30, 0, 0, time.UTC), offered: 1,
			says: "no session still to come that can be booked"},
		{name: "the pattern ended", now: time.Date(2026, 4, 30, 9, 0, 0, 0, time.UTC), says: "its last date was 2026-01-31"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := first(c.now, c.supervised, c.offered)
			if c.says == "" {
				require.NoError(t, err)
				require.Equal(t, c.want, got)
				return
			}
			rule(t, err, "NO_PLACE")
			require.ErrorIs(t, err, domain.ErrNoPlace)
			require.Contains(t, err.Error(), c.says)
		})
	}
}
