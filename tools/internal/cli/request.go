package cli

import (
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/spf13/pflag"
)

// requestID is the id a mutating command sends with its request. Services carry a request out at
// most once per id (platform/command): a script that is unsure whether a command went through
// (a timeout, a lost connection) runs it again with the same --request-id and gets the first
// answer instead of a second registration or booking.
type requestID struct {
	id string
}

func (r *requestID) register(flags interface {
	Var(value pflag.Value, name string, usage string)
}) {
	flags.Var(r, "request-id", "a UUID naming this request; repeat it to retry safely (default: a new one)")
}

// errEmptyRequestID refuses --request-id given empty (--request-id "" or --request-id=): taken as
// not given, it would send the default id, for submit the one made from the file, so advice such
// as --request-id "$(uuidgen)" where uuidgen is not installed sent the same request again (review
// 66 finding 2, decision 354).
var errEmptyRequestID = errors.New(`is empty: give a UUID (such as one a command printed, or uuidgen's), or leave --request-id out for the command's default`)

// Set takes the flag's value; an empty one is refused (errEmptyRequestID).
func (r *requestID) Set(v string) error {
	if v == "" {
		return errEmptyRequestID
	}
	r.id = v
	return nil
}

func (r *requestID) String() string { return r.id }

// Type is the value's kind in --help: a string, as before the flag refused an empty one.
func (r *requestID) Type() string { return "string" }

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
