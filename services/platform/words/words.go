// Package words puts protobuf enum values in plain words for people to read: reporting's
// history and safeguarding's record summaries say "domestic abuse", never
// RISK_FACTOR_DOMESTIC_ABUSE.
package words

import (
	"fmt"
	"strings"
	"sync"
	"unicode"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// known are enum values already in words, by enum and number: each is worked out once.
var known sync.Map // value to string

type value struct {
	enum   protoreflect.FullName
	number protoreflect.EnumNumber
}

// Enum is an enum value in words: REFERRAL_SOURCE_LOCAL_AUTHORITY of ReferralSource is "local
// authority". The zero value, and a number this build does not know, are "unspecified".
func Enum(e protoreflect.Enum) string {
	key := value{e.Descriptor().FullName(), e.Number()}
	if s, ok := known.Load(key); ok {
		return s.(string)
	}
	s := text(e)
	if e.Descriptor().Values().ByNumber(e.Number()) != nil { // a number no build knows is not kept
		known.Store(key, s)
	}
	return s
}

// Enums are enum values in words, joined with commas: "domestic abuse, substance misuse".
func Enums[E protoreflect.Enum](es []E) string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = Enum(e)
	}
	return strings.Join(out, ", ")
}

// Event is an event type (a protobuf full name) in words:
// familytime.directory.v1.CentreRegistered is "Centre registered".
func Event(fullName string) string {
	name := fullName
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	var b strings.Builder
	for i, r := range name {
		if i > 0 && unicode.IsUpper(r) {
			b.WriteByte(' ')
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Minutes is a length of time given in minutes, in days, hours and minutes as a person says it:
// 855 is "14 hours 15 minutes", 1500 is "1 day 1 hour", 0 (or less) is "0 minutes". The CLI's
// answer to a cancellation and reporting's history say a notice alike (decision 332).
func Minutes(n int64) string {
	if n <= 0 {
		return "0 minutes"
	}
	var parts []string
	for _, p := range []struct {
		n    int64
		unit string
	}{{n / (24 * 60), "day"}, {n / 60 % 24, "hour"}, {n % 60, "minute"}} {
		switch {
		case p.n == 1:
			parts = append(parts, "1 "+p.unit)
		case p.n > 1:
			parts = append(parts, fmt.Sprintf("%d %ss", p.n, p.unit))
		}
	}
	return strings.Join(parts, " ")
}

func text(e protoreflect.Enum) string {
	v := e.Descriptor().Values().ByNumber(e.Number())
	if v == nil || e.Number() == 0 {
		return "unspecified"
	}
	prefix := upperSnake(string(e.Descriptor().Name())) + "_"
	words := strings.Split(strings.ToLower(strings.TrimPrefix(string(v.Name()), prefix)), "_")
	// "NON_RESIDENT" is one word, hyphenated: the non-resident parent.
	for i := 0; i < len(words)-1; i++ {
		if words[i] == "non" {
			words[i+1] = "non-" + words[i+1]
			words = append(words[:i], words[i+1:]...)
		}
	}
	return strings.Join(words, " ")
}

// upperSnake is an enum type's name as its values' prefix: ReferralSource is REFERRAL_SOURCE.
func upperSnake(camel string) string {
	var b strings.Builder
	for i, r := range camel {
		if i > 0 && unicode.IsUpper(r) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}
