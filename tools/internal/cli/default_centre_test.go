package cli

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Decision 382 (review 76): the commands the platform prints (familytime schedule noshow B --party
// visiting, ...) name no --centre, and were refused "--centre is required" as printed. A token for
// one centre gives it: a coordinator's day sheet needs no --centre; an administrator's token (no
// centre) still needs it, and `token` never takes the caller's centre for the token it mints.
func TestATokenForOneCentreGivesTheCentre(t *testing.T) {
	r := newReadyFamily(t, startDevPlatform(t), time.Now(), "12:00")
	coordinator := r.as[slices.Index(r.as, "--token")+1]

	_, err := run(t, append([]string{"schedule", "daysheet", "--token", coordinator}, r.data...)...)
	require.NoError(t, err, "the token's one centre")
	_, err = run(t, append([]string{"staff", "list", "--token", coordinator}, r.data...)...)
	require.NoError(t, err)
	_, err = run(t, append([]string{"schedule", "daysheet"}, r.data...)...)
	require.ErrorContains(t, err, "--centre is required", "the administrator's token names no centre")

	t.Setenv("FAMILYTIME_TOKEN", coordinator)
	minted, err := run(t, append([]string{"token", "--role", "volunteer"}, r.data...)...)
	require.NoError(t, err)
	require.Empty(t, tokenBody(strings.TrimSpace(minted)).Centres, "a minted token takes no centre it was not given")
}
