package cli

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/tools/internal/devserver"
)

// Review 51: the banner's "Try: familytime centre list" found no platform beside one started with
// --data, and the refusal did not name the flag that fixes it.
func TestTheDevBannersFirstCommandRunsAsPrinted(t *testing.T) {
	var out bytes.Buffer
	printInfo(&out, devserver.Info{DataDir: "data", AdminToken: "t"})
	require.Contains(t, out.String(), "Try: familytime centre list --data data ")
	out.Reset()
	printInfo(&out, devserver.Info{DataDir: defaultDataDir, AdminToken: "t"})
	require.Contains(t, out.String(), "Try: familytime centre list   (")

	_, err := readDevInfo(t.TempDir())
	require.ErrorContains(t, err, "give --data DIR if it was started with --data")
}
