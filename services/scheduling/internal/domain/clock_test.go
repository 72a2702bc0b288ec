package domain

import (
	"errors"
	"testing"

	"github.com/familytime/familytime/services/platform/problem"
)

// A zone is loaded once and the same Location returned after; a name that is not a zone is
// refused every time, never kept.
func TestZoneLoadedOnceAndBadNamesRefusedEveryTime(t *testing.T) {
	first, err := Zone("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	again, err := Zone("")
	if err != nil || again != first {
		t.Fatalf("the default zone is Europe/London, loaded once: %p %p %v", first, again, err)
	}
	for range 2 {
		for _, bad := range []string{"Europe/Narnia", "Local", "../../etc/passwd"} {
			_, err := Zone(bad)
			var p *problem.InvalidError
			if !errors.As(err, &p) {
				t.Fatalf("zone %q: want an invalid-argument problem, got %v", bad, err)
			}
			if _, kept := zones.Load(bad); kept {
				t.Fatalf("zone %q was kept", bad)
			}
		}
	}
}
