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
