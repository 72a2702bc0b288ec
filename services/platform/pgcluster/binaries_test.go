package pgcluster

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// A machine with no server binaries and no DATABASE_URL gets an error that says what to install
// or set, and Start changes nothing.
func TestNoBinariesSaysWhatToDo(t *testing.T) {
	saved := debianBinaries
	t.Cleanup(func() { debianBinaries = saved })
	debianBinaries = filepath.Join(t.TempDir(), "*", "bin", "initdb")
	t.Setenv("PATH", t.TempDir())

	_, err := FindBinaries()
	if !errors.Is(err, ErrNoBinaries) {
		t.Fatalf("FindBinaries: %v, want ErrNoBinaries", err)
	}
	dir := filepath.Join(t.TempDir(), "cluster")
	_, err = Start(t.Context(), Options{Dir: dir})
	if !errors.Is(err, ErrNoBinaries) {
		t.Fatalf("Start: %v, want ErrNoBinaries", err)
	}
	for _, want := range []string{"apt-get install postgresql", "DATABASE_URL"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if matches, _ := filepath.Glob(filepath.Join(dir, "*")); len(matches) > 0 {
		t.Errorf("Start left files behind: %v", matches)
	}
}
