package cli

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/timestamppb"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// Review 49: a scheduling command's retry says it was replayed, as safeguarding's do (decision
// 287): on standard error, and under --json beside the booking a booking's answer shows, in the
// shape it had; a first answer's --json is the booking as before.
func TestASchedulingAnswerSaysItWasReplayed(t *testing.T) {
	at := timestamppb.New(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC))
	b := &schedulingv1.Booking{BookingId: "b-1", FamilyId: "f-1"}
	print := func(json, replayed bool) (string, string) {
		cmd := &cobra.Command{}
		var out, said bytes.Buffer
		cmd.SetOut(&out)
		cmd.SetErr(&said)
		resp := &schedulingv1.BookSessionResponse{Booking: b, AnsweredAt: at, Replayed: replayed}
		require.NoError(t, answerBooking(cmd, &output{json: json}, resp, b, nil))
		return out.String(), said.String()
	}
	out, said := print(false, false)
	require.Empty(t, said, "a first answer says nothing more")
	require.Contains(t, out, "b-1")
	out, said = print(false, true)
	require.Equal(t, "already recorded at 2026-01-05 09:00 (UK time): this is the answer given then, not the record as it stands now\n", said)
	require.Contains(t, out, "b-1")

	out, _ = print(true, true)
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &got), out)
	require.Equal(t, "b-1", got["booking_id"])
	require.Equal(t, true, got["replayed"])
	require.Equal(t, "2026-01-05T09:00:00Z", got["answered_at"])
	out, _ = print(true, false)
	got = nil
	require.NoError(t, json.Unmarshal([]byte(out), &got), out)
	require.NotContains(t, got, "replayed", "a first answer: the booking as before")
	require.NotContains(t, got, "answered_at")
}
