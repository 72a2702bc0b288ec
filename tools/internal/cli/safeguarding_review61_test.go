package cli

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/timestamppb"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
)

// Review 61, finding 2 (decision 340): a family's record printed "escalated to police" with no
// concern, where the family had several. Each concern's record names its concern; concern show,
// all of one concern, does not repeat it; a hold's record names none.
func TestAFamilysRecordNamesEachConcernsRecordsConcern(t *testing.T) {
	at := timestamppb.New(time.Date(2026, 12, 3, 10, 30, 0, 0, time.UTC))
	entries := []*safeguardingv1.RecordEntry{
		{RecordId: "E1", Type: "familytime.safeguarding.v1.ConcernEscalated", RecordedAt: at, RecordedBy: "lead-1",
			Summary: "escalated to police", Text: "GMP/2026/123456", ConcernId: "K1"},
		{RecordId: "E2", Type: "familytime.safeguarding.v1.ConcernClosed", RecordedAt: at, RecordedBy: "lead-1",
			Summary: "concern closed: taken on by agency", ConcernId: "K1"},
		{RecordId: "E3", Type: "familytime.safeguarding.v1.HoldPlaced", RecordedAt: at, RecordedBy: "lead-1",
			Summary: "hold H placed: conduct, review by 2027-01-15"},
	}
	var b bytes.Buffer
	require.NoError(t, printEntries(&b, &output{}, nil, entries, nil, ""))
	require.Equal(t, "2026-12-03T10:30:00Z  E1  ConcernEscalated  by lead-1\n    concern K1: escalated to police\n    GMP/2026/123456\n"+
		"2026-12-03T10:30:00Z  E2  ConcernClosed  by lead-1\n    concern K1: concern closed: taken on by agency\n"+
		"2026-12-03T10:30:00Z  E3  HoldPlaced  by lead-1\n    hold H placed: conduct, review by 2027-01-15\n", b.String())

	b.Reset()
	require.NoError(t, printEntries(&b, &output{}, nil, entries[:1], nil, "K1"))
	require.Equal(t, "2026-12-03T10:30:00Z  E1  ConcernEscalated  by lead-1\n    escalated to police\n    GMP/2026/123456\n", b.String(),
		"concern show is all of the one concern")
}
