package cli

import (
	"fmt"

	"github.com/google/uuid"
)

// requestID is the id a mutating command sends with its request. Services carry a request out at
// most once per id (platform/command): a script that is unsure whether a command went through
// (a timeout, a lost connection) runs it again with the same --request-id and gets the first
// answer instead of a second registration or booking.
type requestID struct {
	id string
}

func (r *requestID) register(flags interface {
	StringVar(p *string, name string, value string, usage string)
}) {
	flags.StringVar(&r.id, "request-id", "", "a UUID naming this request; repeat it to retry safely (default: a new one)")
}

// value is the id to send: the one given, or a new one.
func (r *requestID) value() (string, error) {
	if r.id == "" {
		return uuid.NewString(), nil
	}
	if _, err := uuid.Parse(r.id); err != nil {
		return "", fmt.Errorf("--request-id %q is not a UUID", r.id)
	}
	return r.id, nil
}
