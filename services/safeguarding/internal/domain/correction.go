package domain

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/inwords"
	"github.com/familytime/familytime/services/platform/problem"
)

// record is what a stream knows of one of its records: its type, who made it, and whether a
// person may correct it.
type record struct {
	typ         string
	author      string
	correctable bool
	// of is the type of the record at the start of its chain of corrections: its own type, or for
	// a correction, the type of the record the chain corrects.
	of string
	// correctedBy is the correction of this record, if any: a record is corrected once, and a
	// later change corrects that correction, so that one text stands at the end of the chain.
	correctedBy uuid.UUID
	// root is the id of the record at the start of its chain of corrections: its own id, or for a
	// correction, the root of the record it corrects.
	root uuid.UUID
}

// ledger is the records of one stream, kept by the aggregate that owns the stream, so that a
// correction can be checked against the record it points at. It is filled from recorded events
// (Rebuild), which carry their ids.
type ledger struct {
	records map[uuid.UUID]record
}

func (l *ledger) note(id uuid.UUID, ev proto.Message, author string, correctable bool) {
	if id == uuid.Nil {
		return // applied by a command in this process: it has no id until the app gives it one
	}
	if l.records == nil {
		l.records = map[uuid.UUID]record{}
	}
	typ := string(ev.ProtoReflect().Descriptor().FullName())
	rec := record{typ: typ, author: author, correctable: correctable, of: typ, root: id}
	if c, ok := ev.(*safeguardingv1.RecordCorrected); ok {
		if target, err := uuid.Parse(c.GetCorrectsEventId()); err == nil {
			if t, ok := l.records[target]; ok {
				rec.of, rec.root = t.of, t.root
				if t.correctedBy == uuid.Nil {
					t.correctedBy = id
					l.records[target] = t
				}
			}
		}
	}
	l.records[id] = rec
}

// madeBy reports whether the stream's record id was made by account (never the empty account).
func (l *ledger) madeBy(id uuid.UUID, account string) bool {
	r, ok := l.records[id]
	return ok && account != "" && r.author == account
}

// Corrects reports whether record id is a correction in the chain that starts at record root
// (root itself is none).
func (l *ledger) Corrects(id, root uuid.UUID) bool {
	r, ok := l.records[id]
	return ok && id != root && root != uuid.Nil && r.root == root
}

// Latest is the record at the end of the chain of corrections that starts at record id: id itself
// when it was never corrected. A correction of it names this record (one correction per record).
func (l *ledger) Latest(id uuid.UUID) uuid.UUID {
	for range len(l.records) {
		r, ok := l.records[id]
		if !ok || r.correctedBy == uuid.Nil {
			break
		}
		id = r.correctedBy
	}
	return id
}

// escalationType is the record whose text is an agency's reference: a correction of it (or of a
// correction of it) is the reference as the agency gives it.
var escalationType = string((&safeguardingv1.ConcernEscalated{}).ProtoReflect().Descriptor().FullName())

// Has reports whether the stream holds the record.
func (l *ledger) Has(id uuid.UUID) bool {
	_, ok := l.records[id]
	return ok
}

// correct decides a correction of record target: its author or the centre's safeguarding lead
// may correct it; the text and the reason are required. The original is never touched: the
// correction is a new record appended to the same stream.
func (l *ledger) correct(family, centre, target uuid.UUID, c Caller, text, reason string, today time.Time) (*safeguardingv1.RecordCorrected, error) {
	r, ok := l.records[target]
	if !ok {
		return nil, ErrRecordNotFound
	}
	if !r.correctable {
		return nil, ErrNotCorrectable
	}
	if r.author != c.Subject && !c.Lead {
		return nil, ErrNotRecordAuthor
	}
	if r.correctedBy != uuid.Nil {
		// Two corrections of one record would leave the reader two texts to choose between.
		return nil, problem.Rule(ErrAlreadyCorrected.Reason, fmt.Sprintf("the record was corrected already, by record %s: correct that correction instead, so that one text stands", r.correctedBy))
	}
	text, reason = strings.TrimSpace(text), strings.TrimSpace(reason)
	var v violations
	say := []struct{ field, value, what string }{{"text", text, "what the record should say"}, {"reason", reason, "why it is corrected"}}
	if r.of == escalationType {
		// An escalation's text is the agency's reference, and so is its correction's: one line,
		// as the agency writes it ("4512/23"), often given after the escalation was recorded
		// without one (review 29). The reason still says why, in words.
		v.line("text", text, MaxReference, true)
		say = say[1:]
	} else {
		v.text("text", text, MaxText, true)
	}
	v.text("reason", reason, 2000, true)
	// A correction stands in the record's place: it says something, as the record had to, and
	// says why (review 20 blanked a concern with "x" for ".").
	for _, f := range say {
		if !slices.ContainsFunc(v.Violations, func(p problem.Violation) bool { return p.Field == f.field }) && !inwords.Says(f.value) {
			v.add(f.field, fmt.Sprintf("must say %s, in words (at least %d letters or digits, one a letter)", f.what, inwords.MinLength))
		}
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	sealed, _ := proto.Marshal(&safeguardingv1.Correction{Text: text, Reason: reason})
	return &safeguardingv1.RecordCorrected{FamilyId: family.String(), CentreId: centre.String(),
		CorrectsEventId: target.String(), CorrectsEventType: r.typ, CorrectedOn: dates.Proto(today),
		CorrectedBy: c.Subject, SealedCorrection: sealed}, nil
}
