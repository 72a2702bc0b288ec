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
// before an event is appended, opening after it is loaded. field is the field's full name (for
// example familytime.referral.v1.AdultParty.sealed_details), so the transform can bind the sealed
// value to its field.
type Transform func(field protoreflect.FullName, in []byte) ([]byte, error)

// EachSealed runs f over every non-empty sealed_ field of an event, however deeply nested, and
// stores what it returns in place. Commands leave those fields in clear; the application must seal
// every event with EachSealed before it appends it, and open every loaded event with it before
// Rebuild. Finding the fields by name, not by a list, means a new sealed field cannot be missed.
// A transform that returns nil empties the field, as for a family whose data was erased.
func EachSealed(ev proto.Message, f Transform) error {
	return eachSealed(ev.ProtoReflect(), f)
}

func eachSealed(m protoreflect.Message, f Transform) error {
	var err error
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.Kind() == protoreflect.BytesKind && strings.HasPrefix(string(fd.Name()), SealedPrefix) && !fd.IsList():
			var out []byte
			if out, err = f(fd.FullName(), v.Bytes()); err != nil {
				err = fmt.Errorf("%s: %w", fd.FullName(), err)
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
				err = eachSealed(l.Get(i).Message(), f)
			}
		case fd.Kind() == protoreflect.MessageKind && !fd.IsMap():
			err = eachSealed(v.Message(), f)
		}
		return err == nil
	})
	return err
}
