// Package domain is the safeguarding service's model: a family's risk, concerns with their
// actions and escalations, holds on contact, and observation reports of supervised sessions, with
// the rules that protect children and the events that record them. Records are never changed: a
// correction is a new record that points at the one it corrects. No I/O: callers pass today's
// date, new ids and who is acting as values.
//
// Events carry free text in bytes fields named sealed_*. Commands fill them with the serialised
// text in clear; the application seals every such field (EachSealed) before the events leave the
// process, and opens them when someone entitled reads them. The aggregates never need the text:
// every rule is decided on ids, categories, dates and account ids.
package domain

import (
	"bytes"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/problem"
	"github.com/familytime/familytime/services/platform/text"
)

// Recorded is an event as its stream holds it: its id (corrections point at it) and message.
type Recorded struct {
	ID    uuid.UUID
	Event proto.Message
	// At is when the event was recorded in safeguarding's log (its recorded_at); zero where unknown.
	At time.Time
}

// Caller is who is acting, as far as the rules need to know: their account id (never a name),
// the role they act in (recorded with every read), and whether they act as the centre's
// safeguarding lead (the port has checked the centre scope).
type Caller struct {
	Subject string
	Role    string
	Lead    bool
	// Roles are the roles the caller's token holds that the call allows, Role first: they act in
	// another of them when the centre's staff register does not give them Role (decision 113).
	Roles []string
}

// SealedPrefix begins the name of every field that holds free text: a bytes field with a
// serialised Note, Correction or ReportText.
const SealedPrefix = "sealed_"

// EachSealed runs f over every non-empty top-level sealed_ field of an event and stores what it
// returns in place; the field's name is its path in the seal's binding. Safeguarding events keep
// their sealed fields at the top level, so the name is the whole path.
func EachSealed(ev proto.Message, f func(field string, in []byte) ([]byte, error)) error {
	m := ev.ProtoReflect()
	var err error
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		if fd.Kind() != protoreflect.BytesKind || fd.IsList() || !strings.HasPrefix(string(fd.Name()), SealedPrefix) {
			return true
		}
		var out []byte
		if out, err = f(string(fd.Name()), v.Bytes()); err != nil {
			err = fmt.Errorf("%s: %w", fd.FullName(), err)
			return false
		}
		if len(out) == 0 {
			m.Clear(fd)
		} else {
			m.Set(fd, protoreflect.ValueOfBytes(out))
		}
		return true
	})
	return err
}

// KeptWithoutText reports whether an event is still recorded for a family whose personal data
// was erased, its text dropped: a read's access record (the read is still accounted for), closing
// a concern and lifting a hold (records in use are brought to an end), and escalating a concern
// raised after the erasure without a reference (NoReferenceYet: the lead who took the account in
// person passes it on; review 38). Any other event carrying
// new text about an erased family is refused ErrFamilyErased rather than kept silently without
// it: a concern raised with no description would read as though nothing was said
// (docs/decisions.md 86).
func KeptWithoutText(ev proto.Message) bool {
	switch e := ev.(type) {
	case *safeguardingv1.AccessRecorded, *safeguardingv1.AccessRefused, *safeguardingv1.ConcernClosed, *safeguardingv1.ConcernMoved,
		*safeguardingv1.HoldLifted:
		return true
	case *safeguardingv1.ConcernEscalated:
		// Still the text as the domain wrote it: a reference given is text, not dropped silently.
		return bytes.Equal(e.GetSealedReference(), note(NoReferenceYet))
	}
	return false
}

// MaxText is the longest free text a record takes, in characters.
const MaxText = 10000

// note serialises free text as a Note for a sealed_ field; empty text gives no bytes.
func note(text string) []byte {
	if text == "" {
		return nil
	}
	b, _ := proto.Marshal(&safeguardingv1.Note{Text: text})
	return b
}

// NoteText reads an opened sealed_ Note field.
func NoteText(b []byte) (string, error) {
	n := &safeguardingv1.Note{}
	if err := proto.Unmarshal(b, n); err != nil {
		return "", fmt.Errorf("read note: %w", err)
	}
	return n.GetText(), nil
}

// violations collects invalid fields; reasons never quote the value, which may be personal.
type violations struct{ problem.InvalidError }

func (v *violations) add(field, reason string) {
	v.Violations = append(v.Violations, problem.Violation{Field: field, Reason: reason})
}

func (v *violations) err() error {
	if len(v.Violations) == 0 {
		return nil
	}
	return &v.InvalidError
}

// text checks a free-text field (a description, a note, a report section): as platform's
// text.Prose, valid UTF-8 with no control characters but tabs and line breaks and no invisible
// formatting characters (a stored escape code would reach a lead's terminal, a text-direction
// mark would show the record reordered; decisions.md 91); not blank when required; at most max
// characters.
func (v *violations) text(field, s string, max int, required bool) {
	v.check(field, s, max, required, text.Prose)
}

// line checks a one-line field (a purpose, an agency's reference): as text, and as platform's
// text.Line, not even a tab or a line break.
func (v *violations) line(field, s string, max int, required bool) {
	v.check(field, s, max, required, text.Line)
}

func (v *violations) check(field, s string, max int, required bool, kind text.Kind) {
	if reason := text.Check(s, kind); reason != "" {
		v.add(field, reason)
		return
	}
	switch {
	case required && strings.TrimSpace(s) == "":
		v.add(field, "must not be empty")
	case utf8.RuneCountInString(s) > max:
		v.add(field, fmt.Sprintf("must be at most %d characters", max))
	}
}

// known reports whether n is a defined, non-zero value of an enum.
func known(names map[int32]string, n int32) bool {
	_, ok := names[n]
	return ok && n != 0
}

func parseID(s string) uuid.UUID {
	id, _ := uuid.Parse(s)
	return id
}

func optionalID(id uuid.UUID) string {
	if id == uuid.Nil {
		return ""
	}
	return id.String()
}
