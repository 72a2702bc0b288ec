package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protojson"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// Decision 382 (review 76): the commands the platform prints (familytime schedule noshow B --party
// visiting, ...) name no --centre, and were refused "--centre is required" as printed. A token for
// one centre gives it: a coordinator's day sheet needs no --centre; an administrator's token (no
// centre) still needs it, and `token` never takes the caller's centre for the token it mints.
func TestATokenForOneCentreGivesTheCentre(t *testing.T) {
	dir := startDevPlatform(t)
	data := []string{"--data", dir}
	out, err := run(t, append([]string{"centre", "register", "--name", "Epsilon Family Time Centre", "--region", "wales",
		"--service", "supported", "--status", "accredited", "--accredited-on", time.Now().AddDate(-1, 0, 0).Format(time.DateOnly),
		"--json"}, data...)...)
	require.NoError(t, err)
	var c schedulingv1.Centre
	require.NoError(t, protojson.Unmarshal([]byte(out), &c))
	centre := c.GetCentreId()
	month := time.Now().AddDate(0, -1, 0).Format(time.DateOnly)
	_, err = run(t, append([]string{"staff", "add", "--centre", centre, "--account", "dev-user", "--role", "coordinator",
		"--dbs-checked", month, "--trained", month}, data...)...)
	require.NoError(t, err)
	token, err := run(t, append([]string{"token", "--role", "coordinator", "--centre", centre}, data...)...)
	require.NoError(t, err)
	coordinator := strings.TrimSpace(token)

	_, err = run(t, append([]string{"schedule", "daysheet", "--token", coordinator}, data...)...)
	require.NoError(t, err, "the token's one centre")
	_, err = run(t, append([]string{"staff", "list", "--token", coordinator}, data...)...)
	require.NoError(t, err)
	_, err = run(t, append([]string{"schedule", "daysheet"}, data...)...)
	require.ErrorContains(t, err, "--centre is required", "the administrator's token names no centre")

	t.Setenv("FAMILYTIME_TOKEN", coordinator)
	minted, err := run(t, append([]string{"token", "--role", "volunteer"}, data...)...)
	require.NoError(t, err)
	require.Empty(t, tokenBody(strings.TrimSpace(minted)).Centres, "a minted token takes no centre it was not given")
}
