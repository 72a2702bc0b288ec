package domain_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// Supervised contact past its time is the children and the visiting party both inside after the
// children's booked end, a whole minute or more, until the first of them leaves (decision 333).
func TestOverrunIsBothPartiesInsideAfterTheChildrensTime(t *testing.T) {
	at := func(h, m int) *time.Time { v := time.Date(2026, 1, 10, h, m, 0, 0, time.UTC); return &v }
	end := *at(11, 15)
	supervised := commonv1.ServiceType_SERVICE_TYPE_SUPERVISED
	for _, c := range []struct {
		name        string
		m           domain.LeftTimes
		now         time.Time
		ok, running bool
		from, until time.Time
		minutes     int
	}{
		{name: "children collected first", m: domain.LeftTimes{ServiceType: supervised, ChildrenLeave: end, ChildrenArrived: at(10, 30),
			VisitingArrived: at(10, 0), ChildrenDeparted: at(11, 40), VisitingDeparted: at(11, 50)}, now: *at(12, 0),
			ok: true, from: end, until: *at(11, 40), minutes: 25},
		{name: "visiting party left first", m: domain.LeftTimes{ServiceType: supervised, ChildrenLeave: end, ChildrenArrived: at(10, 30),
			VisitingArrived: at(10, 0), ChildrenDeparted: at(11, 50), VisitingDeparted: at(11, 20)}, now: *at(12, 0),
			ok: true, from: end, until: *at(11, 20), minutes: 5},
		{name: "running", m: domain.LeftTimes{ServiceType: supervised, ChildrenLeave: end, ChildrenArrived: at(10, 30),
			VisitingArrived: at(10, 0)}, now: *at(11, 22), ok: true, running: true, from: end, until: *at(11, 22), minutes: 7},
		{name: "the visiting parent came after the children's time", m: domain.LeftTimes{ServiceType: supervised, ChildrenLeave: end,
			ChildrenArrived: at(10, 15), VisitingArrived: at(11, 20), VisitingDeparted: at(11, 30)}, now: *at(12, 0),
			ok: true, from: *at(11, 20), until: *at(11, 30), minutes: 10},
		{name: "seconds are no overrun", m: domain.LeftTimes{ServiceType: supervised, ChildrenLeave: end, ChildrenArrived: at(10, 15),
			VisitingArrived: at(10, 0)}, now: end.Add(59 * time.Second)},
		{name: "the stagger", m: domain.LeftTimes{ServiceType: supervised, ChildrenLeave: end, ChildrenArrived: at(10, 15),
			VisitingArrived: at(10, 0), ChildrenDeparted: at(11, 15), VisitingDeparted: at(11, 30)}, now: *at(12, 0)},
		{name: "the visiting party never came", m: domain.LeftTimes{ServiceType: supervised, ChildrenLeave: end, ChildrenArrived: at(10, 15)},
			now: *at(11, 30)},
		{name: "supported contact", m: domain.LeftTimes{ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, ChildrenLeave: end,
			ChildrenArrived: at(10, 15), VisitingArrived: at(10, 0), ChildrenDeparted: at(11, 40)}, now: *at(12, 0)},
		{name: "completed, neither recorded leaving", m: domain.LeftTimes{ServiceType: supervised, Completed: true, ChildrenLeave: end,
			ChildrenArrived: at(10, 15), VisitingArrived: at(10, 0)}, now: *at(14, 0)},
	} {
		t.Run(c.name, func(t *testing.T) {
			o, ok := c.m.Overrun(c.now)
			require.Equal(t, c.ok, ok)
			if !ok {
				return
			}
			require.Equal(t, c.running, o.Running)
			require.Equal(t, c.from, o.From)
			require.Equal(t, c.until, o.Until)
			require.Equal(t, c.minutes, o.Minutes())
		})
	}
}
