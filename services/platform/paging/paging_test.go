package paging_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/services/platform/paging"
)

func TestTokenRoundTrip(t *testing.T) {
	a := paging.After{Key: "Riverside", ID: uuid.New()}
	got, err := paging.Decode(a.Encode())
	require.NoError(t, err)
	require.Equal(t, a, got)
	first, err := paging.Decode("")
	require.NoError(t, err)
	require.Equal(t, paging.After{}, first)
	for _, bad := range []string{"%%%", "bm90IGpzb24"} {
		_, err := paging.Decode(bad)
		require.ErrorIs(t, err, paging.ErrBadToken)
	}
}

// A forged token's date key is refused as a token, before any query (review 22: the database
// failed on "99999999999999999999" and the reader got Internal).
func TestADateKeyedTokenHasADate(t *testing.T) {
	a := paging.After{Key: "2026-11-30", ID: uuid.New()}
	got, err := paging.DecodeDate(a.Encode())
	require.NoError(t, err)
	require.Equal(t, a, got)
	first, err := paging.DecodeDate("")
	require.NoError(t, err)
	require.Equal(t, paging.After{}, first)
	for _, key := range []string{"99999999999999999999", "x", "", "2026-02-30", "0000-01-01T00:00", "0000-01-01"} {
		_, err := paging.DecodeDate(paging.After{Key: key, ID: uuid.New()}.Encode())
		require.ErrorIs(t, err, paging.ErrBadToken, key)
	}
}

func TestTrim(t *testing.T) {
	ids := []uuid.UUID{uuid.New(), uuid.New(), uuid.New()}
	key := func(id uuid.UUID) (string, uuid.UUID) { return "k", id }
	page, next := paging.Trim(ids, 2, key)
	require.Len(t, page, 2)
	after, err := paging.Decode(next)
	require.NoError(t, err)
	require.Equal(t, ids[1], after.ID)
	page, next = paging.Trim(ids[:2], 2, key)
	require.Len(t, page, 2)
	require.Empty(t, next, "the last page has no next token")
}
