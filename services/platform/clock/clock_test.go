package clock

import (
	"testing"
	"time"
)

func TestSimulatedStandsStillAndOnlyMovesForward(t *testing.T) {
	start := time.Date(2026, 1, 3, 9, 0, 0, 0, time.UTC)
	c := NewSimulated(start)
	if got := c.Now(); !got.Equal(start) {
		t.Fatalf("Now = %s, want %s", got, start)
	}
	time.Sleep(2 * time.Millisecond)
	if got := c.Now(); !got.Equal(start) {
		t.Fatalf("the clock moved by itself: %s", got)
	}
	later := start.Add(26 * time.Hour)
	if err := c.Set(later); err != nil {
		t.Fatal(err)
	}
	if err := c.Set(later); err != nil {
		t.Fatalf("setting the same instant again: %v", err)
	}
	if err := c.Set(start); err == nil {
		t.Fatal("the clock went back")
	}
	if got := c.Now(); !got.Equal(later) {
		t.Fatalf("Now = %s after a refused Set, want %s", got, later)
	}
}

func TestSimulatedFollowsRealTimeOnlyFromThePast(t *testing.T) {
	ahead := NewSimulated(time.Now().Add(time.Hour))
	if err := ahead.FollowReal(); err == nil {
		t.Fatal("a clock ahead of real time went back to it")
	}
	c := NewSimulated(time.Now().Add(-48 * time.Hour))
	if err := c.FollowReal(); err != nil {
		t.Fatal(err)
	}
	if got := c.Now(); time.Since(got) > time.Minute {
		t.Fatalf("Now = %s after FollowReal, want the real time", got)
	}
	if err := c.Set(time.Now().Add(time.Hour)); err == nil {
		t.Fatal("a clock following real time was set")
	}
}

func TestOrIsRealWhenNil(t *testing.T) {
	if _, ok := Or(nil).(Real); !ok {
		t.Fatal("Or(nil) is not the real clock")
	}
	before := time.Now()
	if got := Or(nil).Now(); got.Before(before) {
		t.Fatalf("real clock %s before %s", got, before)
	}
	s := NewSimulated(time.Unix(0, 0))
	if Or(s) != Clock(s) {
		t.Fatal("Or(c) is not c")
	}
}
