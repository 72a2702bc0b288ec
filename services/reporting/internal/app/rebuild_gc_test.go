package app

import (
	"runtime/debug"
	"testing"
)

// Overlapping rebuilds raise GOGC once and the last to end puts back what was there before the
// first, in whatever order they end; a GOGC already higher, or off, is left as it is.
func TestRebuildsCollectLessAndPutGOGCBack(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	first := collectLess()
	second := collectLess()
	if got := debug.SetGCPercent(-1); got != rebuildGCPercent {
		t.Fatalf("GOGC during the rebuilds = %d, want %d", got, rebuildGCPercent)
	}
	debug.SetGCPercent(rebuildGCPercent)
	first()
	if got := debug.SetGCPercent(rebuildGCPercent); got != rebuildGCPercent {
		t.Fatalf("GOGC while one rebuild still runs = %d, want %d", got, rebuildGCPercent)
	}
	second()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Fatalf("GOGC after both = %d, want 100 as before", got)
	}

	for _, before := range []int{-1, 800} {
		debug.SetGCPercent(before)
		done := collectLess()
		if got := debug.SetGCPercent(before); got != before {
			t.Fatalf("GOGC %d during a rebuild = %d, want it left", before, got)
		}
		done()
		if got := debug.SetGCPercent(100); got != before {
			t.Fatalf("GOGC %d after a rebuild = %d", before, got)
		}
	}
}
