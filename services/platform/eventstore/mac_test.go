package eventstore_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/testkit"
)

// Review 19: anyone with write access to the database extends a chain, since its hash is a plain
// SHA-256 of what is stored. Each event now carries a MAC of its hash under the platform's key
// (decision 157): an event inserted with its hash recomputed, by a store without the key or with
// another key, follows the chain but is named by verification, and an authenticator (the relay's)
// refuses it. Events appended before MACs are counted apart, not as broken.
func TestAnEventInsertedWithItsHashRecomputedIsFound(t *testing.T) {
	db := testkit.Postgres(t)
	db.Migrate(t, eventstore.Migrations())
	ctx := t.Context()
	keyless := eventstore.New(db.Pool(t)) // an attacker with write access, and the code, but not the key
	_, err := keyless.Append(ctx, "before-macs", eventstore.NoStream, counter(t, 1), counter(t, 2))
	require.NoError(t, err)

	service := eventstore.New(db.Pool(t)).SignWith(testkit.BusKey)
	genuine, err := service.Append(ctx, "signed", eventstore.NoStream, counter(t, 1), counter(t, 2))
	require.NoError(t, err)
	for _, r := range genuine {
		require.Len(t, r.MAC, 32)
	}
	loaded, err := service.Load(ctx, "signed")
	require.NoError(t, err)
	auth := eventstore.NewAuthenticator(testkit.BusKey)
	for i := range loaded {
		require.Equal(t, genuine[i].MAC, loaded[i].MAC, "stored as made")
		require.NoError(t, auth.Check(&loaded[i]))
	}
	unsigned, err := service.Unsigned(ctx)
	require.NoError(t, err)
	require.Equal(t, int64(2), unsigned)
	broken, err := service.VerifyAll(ctx, nil)
	require.NoError(t, err)
	require.Empty(t, broken, "events appended before MACs are not broken")

	// The attacker extends a signed stream, a stream from before MACs, and starts a new one, with
	// the chain's hashes recomputed; and extends another with a MAC of another key.
	_, err = keyless.Append(ctx, "signed", 2, counter(t, 3))
	require.NoError(t, err)
	_, err = keyless.Append(ctx, "before-macs", 2, counter(t, 3))
	require.NoError(t, err)
	_, err = keyless.Append(ctx, "made-up", eventstore.NoStream, counter(t, 1))
	require.NoError(t, err)
	_, err = service.Append(ctx, "other-key", eventstore.NoStream, counter(t, 1))
	require.NoError(t, err)
	_, err = eventstore.New(db.Pool(t)).SignWith(bus.NewKey()).Append(ctx, "other-key", 1, counter(t, 2))
	require.NoError(t, err)

	broken, err = service.VerifyAll(ctx, nil)
	require.NoError(t, err)
	reasons := map[string]string{}
	for _, b := range broken {
		reasons[b.Stream] = b.Reason
	}
	require.Len(t, reasons, 4, "%v", broken)
	require.Contains(t, reasons["signed"], "it has no MAC, where the stream's events before it have one")
	require.Contains(t, reasons["before-macs"], "recorded after the log's events were first signed")
	require.Contains(t, reasons["made-up"], "recorded after the log's events were first signed")
	require.Contains(t, reasons["other-key"], "its MAC does not verify under the platform's key")
	require.Equal(t, eventstore.ErrNotAppendedByTheService.Error(), "not appended by the service")
	for _, stream := range []string{"signed", "made-up", "other-key"} {
		events, err := service.Load(ctx, stream)
		require.NoError(t, err)
		last := events[len(events)-1]
		require.ErrorIs(t, auth.Check(&last), eventstore.ErrNotAppendedByTheService, stream)
	}
	var tamper *eventstore.TamperError
	require.ErrorAs(t, service.Verify(ctx, "signed"), &tamper)
	require.Equal(t, int64(3), tamper.Version)
	require.NoError(t, keyless.Verify(ctx, "signed"), "without the key, the chain alone cannot tell")
}
