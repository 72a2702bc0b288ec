package bus_test

import (
	"encoding/base64"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/services/platform/bus"
)

// A message verifies under the key that signed it, and under a key that keeps that secret while
// a newer one signs (rotation: the streams keep events signed before it); not when its body or
// subject changed, nor under a key without the secret.
func TestABusKeyVerifiesWhatItsSecretsSigned(t *testing.T) {
	old := bus.NewKey()
	msg := nats.NewMsg("ft.safeguarding.national.HoldLifted")
	msg.Data = []byte("envelope")
	old.Sign(msg)
	require.NoError(t, old.Verify(msg.Subject, msg.Data, msg.Header))

	rotated, err := bus.ParseKey(old.String() + "\n" + bus.NewKey().String())
	require.NoError(t, err)
	require.NoError(t, rotated.Verify(msg.Subject, msg.Data, msg.Header), "an event signed before the rotation still verifies")
	fresh := nats.NewMsg(msg.Subject)
	fresh.Data = msg.Data
	rotated.Sign(fresh)
	require.NotEqual(t, msg.Header.Get(bus.HeaderEventMAC), fresh.Header.Get(bus.HeaderEventMAC), "the newest secret signs")
	require.ErrorIs(t, old.Verify(fresh.Subject, fresh.Data, fresh.Header), bus.ErrNotAuthenticated)

	require.ErrorIs(t, old.Verify(msg.Subject, []byte("envelopf"), msg.Header), bus.ErrNotAuthenticated, "another body")
	require.ErrorIs(t, old.Verify("ft.referral.national.CaseEnded", msg.Data, msg.Header), bus.ErrNotAuthenticated, "another subject")
	require.ErrorIs(t, old.Verify(msg.Subject, msg.Data, nats.Header{}), bus.ErrNotAuthenticated, "no MAC")
	require.ErrorIs(t, bus.NewKey().Verify(msg.Subject, msg.Data, msg.Header), bus.ErrNotAuthenticated, "another key")

	_, err = bus.ParseKey(old.String() + ",c2hvcnQ=")
	require.ErrorContains(t, err, "secret 2")

	// An event's MAC in its service's log (decision 157): the newest secret makes it, any verifies;
	// another service's log does not take it (decision 176).
	hash := []byte("0123456789abcdef0123456789abcdef")
	referral := old.ForLog("referral")
	mac := referral.AppendEventMAC(nil, hash)
	require.Len(t, mac, 32)
	require.True(t, rotated.ForLog("referral").VerifyEventMAC(hash, mac), "made before the rotation")
	require.False(t, referral.VerifyEventMAC(hash, rotated.ForLog("referral").AppendEventMAC(nil, hash)), "the newest secret makes it")
	require.False(t, referral.VerifyEventMAC([]byte("0123456789abcdef0123456789abcdeg"), mac), "another hash")
	require.False(t, referral.VerifyEventMAC(hash, mac[:31]), "a short MAC")
	require.False(t, bus.NewKey().ForLog("referral").VerifyEventMAC(hash, mac), "another key")
	require.False(t, old.ForLog("safeguarding").VerifyEventMAC(hash, mac), "another service's log")
	onTheBus := nats.NewMsg("ft.x")
	onTheBus.Data = hash
	old.Sign(onTheBus)
	require.NotEqual(t, base64.StdEncoding.EncodeToString(mac), onTheBus.Header.Get(bus.HeaderEventMAC), "a log's MAC is never a message's")
}
