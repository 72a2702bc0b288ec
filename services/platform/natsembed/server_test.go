package natsembed_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/services/platform/natsembed"
)

func TestAServerWithCredentialsRefusesAClientWithoutThem(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "nats.credentials")
	creds, err := natsembed.LoadOrCreateCredentials(file)
	require.NoError(t, err)
	st, err := os.Stat(file)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), st.Mode().Perm(), "kept like the bus key")
	again, err := natsembed.LoadOrCreateCredentials(file)
	require.NoError(t, err)
	require.Equal(t, creds, again, "a restart reuses them")
	require.Len(t, creds.Password, 32)

	srv, err := natsembed.Start(natsembed.Options{StoreDir: filepath.Join(dir, "nats"), Credentials: &creds})
	require.NoError(t, err)
	t.Cleanup(srv.Stop)
	require.NotContains(t, srv.Address(), creds.Password)
	require.Contains(t, srv.URL(), creds.User+":"+creds.Password+"@")

	_, err = nats.Connect(srv.Address())
	require.ErrorIs(t, err, nats.ErrAuthorization, "no credentials: refused")
	_, err = nats.Connect(srv.Address(), nats.UserInfo(creds.User, "wrong"))
	require.ErrorIs(t, err, nats.ErrAuthorization, "a wrong password: refused")

	nc, err := nats.Connect(srv.URL())
	require.NoError(t, err, "the URL carries them")
	defer nc.Close()
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	_, err = js.AccountInfo(t.Context())
	require.NoError(t, err, "JetStream answers the platform's user")

	require.NoError(t, os.WriteFile(file, []byte("no colon\n"), 0o600))
	_, err = natsembed.LoadOrCreateCredentials(file)
	require.ErrorContains(t, err, "user:password")
	require.False(t, strings.Contains(err.Error(), creds.Password))
}
