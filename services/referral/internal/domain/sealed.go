package domain

import (
	"fmt"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// SealedPrefix begins the name of every field that holds personal data: a bytes field with a
// serialised details message (PersonDetails, ChildDetails, CourtOrderDetails, CaseDetails, Note).
const SealedPrefix = "sealed_"

// Transform turns the bytes of one sealed field into other bytes: sealing with the family's key
// before an event is appended, opening after it is loaded. path is where the field sits in the
// event, list positions included (for example "facts.adults[1].sealed_details"), so the
// transform can bind the sealed value to that one place: one parent's details cannot be moved
// into the other's, even within one event.
type Transform func(path string, in []byte) ([]byte, error)

// EachSealed runs f over every non-empty sealed_ field of an event, however deeply nested, and
// stores what it returns in place. Commands leave those fields in clear; the application must seal
// every event with EachSealed before it appends it, and open every loaded event with it before
// Rebuild. Finding the fields by name, not by a list, means a new sealed field cannot be missed.
// A transform that returns nil empties the field, as for a family whose data was erased.
func EachSealed(ev proto.Message, f Transform) error {
	return eachSealed(ev.ProtoReflect(), "", f)
}

func eachSealed(m protoreflect.Message, prefix string, f Transform) error {
	var err error
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		path := prefix + string(fd.Name())
		switch {
		case fd.Kind() == protoreflect.BytesKind && strings.HasPrefix(string(fd.Name()), SealedPrefix) && !fd.IsList():
			var out []byte
			if out, err = f(path, v.Bytes()); err != nil {
				err = fmt.Errorf("%s: %w", path, err)
				return false
			}
			if len(out) == 0 {
				m.Clear(fd)
			} else {
				m.Set(fd, protoreflect.ValueOfBytes(out))
			}
		case fd.Kind() == protoreflect.MessageKind && fd.IsList():
			l := v.List()
			for i := 0; i < l.Len() && err == nil; i++ {
				err = eachSealed(l.Get(i).Message(), fmt.Sprintf("%s[%d].", path, i), f)
			}
		case fd.Kind() == protoreflect.MessageKind && !fd.IsMap():
			err = eachSealed(v.Message(), path+".", f)
		}
		return err == nil
	})
	return err
}
