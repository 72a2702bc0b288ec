package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// output prints results as readable tables for people, or as JSON (--json) for scripts.
type output struct {
	json bool
	// besides are fields printed beside a single message's own under --json: an answer's
	// warnings, which a script reads there (review 88, L4); people read them on standard error.
	besides map[string]proto.Message
}

// beside adds a field, named as the answer names it, to the JSON of the message one prints; an
// unset message (a warning not given) adds nothing.
func (o *output) beside(name string, m proto.Message) {
	if m == nil || !m.ProtoReflect().IsValid() {
		return
	}
	if o.besides == nil {
		o.besides = map[string]proto.Message{}
	}
	o.besides[name] = m
}

func (o *output) register(flags interface {
	BoolVar(p *bool, name string, value bool, usage string)
}) {
	flags.BoolVar(&o.json, "json", false, "print JSON for scripts instead of a table")
}

// table prints rows under a header, or in JSON mode the messages themselves.
func (o *output) table(w io.Writer, messages []proto.Message, header []string, rows [][]string) error {
	if o.json {
		items := make([]json.RawMessage, len(messages))
		for i, m := range messages {
			b, err := protojson.MarshalOptions{UseProtoNames: true, EmitUnpopulated: false}.Marshal(m)
			if err != nil {
				return err
			}
			items[i] = b
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(items)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}

// one prints a single message as "field: value" lines, or as JSON.
func (o *output) one(w io.Writer, m proto.Message, fields [][2]string) error {
	if o.json && len(o.besides) > 0 {
		return o.oneBeside(w, m)
	}
	if o.json {
		b, err := protojson.MarshalOptions{UseProtoNames: true, Multiline: true}.Marshal(m)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(w, string(b))
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, f := range fields {
		fmt.Fprintf(tw, "%s:\t%s\n", f[0], f[1])
	}
	return tw.Flush()
}

// oneBeside prints a message's JSON object with the fields beside it added at its top level.
func (o *output) oneBeside(w io.Writer, m proto.Message) error {
	marshal := protojson.MarshalOptions{UseProtoNames: true}
	b, err := marshal.Marshal(m)
	if err != nil {
		return err
	}
	fields := map[string]json.RawMessage{}
	if err := json.Unmarshal(b, &fields); err != nil {
		return err
	}
	for name, v := range o.besides {
		if fields[name], err = marshal.Marshal(v); err != nil {
			return err
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(fields)
}
