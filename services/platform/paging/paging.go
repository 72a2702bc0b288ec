// Package paging is the one way list RPCs page: keyset pagination by a sort key and an id, with
// an opaque token that says where the next page starts.
package paging

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"time"

	"github.com/google/uuid"
)

// ErrBadToken is a page token this service did not issue.
var ErrBadToken = errors.New("page token is not one this service issued")

// After is where a page starts: after this sort key and id. The zero value is the first page.
type After struct {
	Key string    `json:"k"`
	ID  uuid.UUID `json:"i"`
}

// Decode reads a page token; the empty token is the first page.
func Decode(token string) (After, error) {
	var a After
	if token == "" {
		return a, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || json.Unmarshal(b, &a) != nil {
		return After{}, ErrBadToken
	}
	return a, nil
}

// DecodeDate reads a page token whose sort key is a date (YYYY-MM-DD): a forged token with any
// other key is ErrBadToken, not a query the database fails with (review 22: an Internal error,
// logged as an error, at any reader's will).
func DecodeDate(token string) (After, error) {
	a, err := Decode(token)
	if err != nil || token == "" {
		return a, err
	}
	// Year 0 parses in Go but is no date to PostgreSQL (review 23).
	if t, err := time.Parse(time.DateOnly, a.Key); err != nil || t.Year() < 1 {
		return After{}, ErrBadToken
	}
	return a, nil
}

// Encode makes the token of the page after a.
func (a After) Encode() string {
	b, _ := json.Marshal(a) // a string and a uuid always marshal
	return base64.RawURLEncoding.EncodeToString(b)
}

// Trim cuts a page read with size+1 rows to size, and returns the next page's token (empty on the
// last page) made from the last row's key and id.
func Trim[T any](rows []T, size int, key func(T) (string, uuid.UUID)) ([]T, string) {
	if len(rows) <= size {
		return rows, ""
	}
	rows = rows[:size]
	k, id := key(rows[size-1])
	return rows, After{Key: k, ID: id}.Encode()
}
