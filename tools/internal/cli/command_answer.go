package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// commandAnswer is a command's answer, safeguarding's or scheduling's: when the service carried the
// command out, and whether the answer is a retry's (the same --request-id), recorded then
// (decision 287; scheduling's too since decision 294).
type commandAnswer interface {
	proto.Message
	GetAnsweredAt() *timestamppb.Timestamp
	GetReplayed() bool
}

// alreadyRecorded is what the CLI says, on standard error, of a retry's answer: the outcome
// recorded the first time, and when.
func alreadyRecorded(at *timestamppb.Timestamp) string {
	note := "already recorded"
	if at != nil {
		note += " at " + at.AsTime().In(london).Format("2006-01-02 15:04") + " (UK time)"
	}
	return note + ": this is the answer given then"
}

// noteReplay says on standard error that a is a retry's answer, as referral's commands do (review
// 48: safeguarding's gave the first answer and said nothing, review 49 scheduling's); nothing for a
// first answer.
func noteReplay(cmd *cobra.Command, a commandAnswer) {
	if a.GetReplayed() {
		fmt.Fprintln(cmd.ErrOrStderr(), alreadyRecorded(a.GetAnsweredAt())+", not the record as it stands now")
	}
}

// printAnswer prints shown, the part of the command's answer a that the command shows (a itself,
// or the record it answers with: a hold, a concern, a report, a booking, a room), as output.one
// does, after noteReplay. With
// --json, a retry's shown carries "replayed": true and a's answered_at beside its own fields, so
// that a script reads them where it reads the rest, in the shape it always had; a first answer's
// is the record alone, as before (a script parsing it as the record's message is not broken).
func printAnswer(cmd *cobra.Command, out *output, a commandAnswer, shown proto.Message, fields [][2]string) error {
	return printAnswerWith(cmd, out, a, shown, fields)
}

// printAnswerWith is printAnswer with more of a's fields beside shown's with --json, each a
// "name":value already in JSON (decision 345: a lift's holds still in force and its warning);
// none, it is printAnswer.
func printAnswerWith(cmd *cobra.Command, out *output, a commandAnswer, shown proto.Message, fields [][2]string, more ...string) error {
	noteReplay(cmd, a)
	if !out.json || proto.Message(a) == shown || (!a.GetReplayed() && len(more) == 0) {
		return out.one(cmd.OutOrStdout(), shown, fields)
	}
	b, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(shown)
	if err != nil {
		return err
	}
	extra := append([]string(nil), more...)
	if a.GetReplayed() {
		extra = append(extra, `"replayed":true`)
		if at := a.GetAnsweredAt(); at != nil {
			t, err := protojson.Marshal(at)
			if err != nil {
				return err
			}
			extra = append(extra, `"answered_at":`+string(t))
		}
	}
	obj := strings.TrimSuffix(strings.TrimSpace(string(b)), "}")
	if strings.TrimSpace(obj) != "{" {
		obj += ","
	}
	obj += strings.Join(extra, ",")
	var indented bytes.Buffer
	if err := json.Indent(&indented, []byte(obj+"}"), "", "  "); err != nil {
		return err
	}
	_, err = fmt.Fprintln(cmd.OutOrStdout(), indented.String())
	return err
}
