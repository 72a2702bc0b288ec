package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
)

// A referral command's day left out is sent as no day, for the service to take the centre's
// today by its clock: the workstation's date was sent before, another day than the platform's on
// a simulated clock (familytime dev --clock simulated) and, near midnight, in another zone. A day
// given is sent as given, and each command's help says whose today the default is.
func TestADayLeftOutIsTheServicesToday(t *testing.T) {
	for _, flag := range []string{"on", "due-by"} {
		d, err := parseDate(flag, "")
		require.NoError(t, err)
		require.Nil(t, d, "--%s left out sends no date", flag)
	}
	d, err := parseDate("on", "2026-03-02")
	require.NoError(t, err)
	require.True(t, proto.Equal(&commonv1.Date{Year: 2026, Month: 3, Day: 2}, d))

	for _, command := range [][]string{{"previsit"}, {"review"}, {"reviews"}} {
		out, err := run(t, append(append([]string{"referral"}, command...), "--help")...)
		require.NoError(t, err)
		require.Contains(t, strings.Join(strings.Fields(out), " "), "the centre's today, by the platform's clock", command)
	}
}

// A retry's answer (the same --request-id) is the outcome recorded the first time: the CLI says
// so, and when, on standard error, and points at the referral as it stands now; a first answer
// gets no note.
func TestARetrysAnswerSaysItWasAlreadyRecorded(t *testing.T) {
	at := timestamppb.New(time.Date(2026, 7, 1, 13, 5, 0, 0, time.UTC))
	require.Empty(t, replayNote(&referralv1.Referral{ReferralId: "R", CentreId: "C", AnsweredAt: at}))
	require.Equal(t, "already recorded at 2026-07-01 14:05 (UK time): this is the answer given then, not the referral as it "+
		"stands now (familytime referral show R --centre C)", replayNote(&referralv1.Referral{ReferralId: "R", CentreId: "C", AnsweredAt: at, Replayed: true}))
	require.Equal(t, "already recorded at 2026-07-01 14:05 (UK time): this is the answer given then",
		replayNote(&referralv1.Referral{ReferralId: "R", AnsweredAt: at, Replayed: true}), "a referrer's answer names no centre")
	require.Equal(t, "already recorded: this is the answer given then",
		replayNote(&referralv1.Referral{ReferralId: "R", Replayed: true}), "an answer recorded before the time was")
}
