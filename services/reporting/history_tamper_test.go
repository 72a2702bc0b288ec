package reporting_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	reportingv1 "github.com/familytime/familytime/proto/gen/go/familytime/reporting/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/reporting/internal/app"
)

// tamper changes one row of reporting's history with the owner's rights, as someone with psql on
// reporting's database would (review 18), and returns the function that puts it back.
func (g *rig) tamper(t *testing.T, stream string, version int64, set string, args ...any) (restore func()) {
	t.Helper()
	ctx := context.Background()
	saved := "saved_" + uuid.NewString()[:8]
	_, err := g.owner.Exec(ctx, `CREATE TABLE `+saved+` AS SELECT * FROM reporting.history_events WHERE stream_id = $1 AND version = $2`, stream, version)
	require.NoError(t, err)
	require.Equal(t, 1, g.count(t, `SELECT count(*) FROM `+saved))
	var service, changedStream string
	var changedVersion int64
	require.NoError(t, g.owner.QueryRow(ctx, `UPDATE reporting.history_events SET `+set+` WHERE stream_id = $1 AND version = $2
		RETURNING service, stream_id, version`, append([]any{stream, version}, args...)...).Scan(&service, &changedStream, &changedVersion))
	return func() {
		t.Helper()
		_, err := g.owner.Exec(ctx, `DELETE FROM reporting.history_events WHERE service = $1 AND stream_id = $2 AND version = $3`, service, changedStream, changedVersion)
		require.NoError(t, err)
		_, err = g.owner.Exec(ctx, `INSERT INTO reporting.history_events SELECT * FROM `+saved)
		require.NoError(t, err)
		_, err = g.owner.Exec(ctx, `DROP TABLE `+saved)
		require.NoError(t, err)
	}
}

// A row of the history whose columns were changed beside its event (review 18): its family, its
// time, who acted and in what role, its centre, type, service, id, stream or version. Each is
// named by VerifyFamilyHistory (the row's stream and version, and the column), and the history
// shows the event's own values, never the column's: the screening done by the coordinator is not
// shown as the safeguarding lead's, before the referral existed, nor as of a day before it.
func TestHistoryShowsWhatItsEventsSayAndNamesAChangedColumn(t *testing.T) {
	g := newRig(t)
	s := g.play(t)
	ctx := t.Context()
	coordinator := g.coordinator(t, s.a)
	history := func(family uuid.UUID, asOf *timestamppb.Timestamp) []*reportingv1.HistoryEntry {
		t.Helper()
		h, err := coordinator.GetFamilyHistory(ctx, &reportingv1.GetFamilyHistoryRequest{FamilyId: family.String(), CentreId: s.a.String(), Purpose: reportingv1.HistoryReadPurpose_HISTORY_READ_PURPOSE_CASE_REVIEW, AsOf: asOf})
		require.NoError(t, err)
		return h.GetEntries()
	}
	verify := func(family uuid.UUID, centre uuid.UUID) *reportingv1.VerifyFamilyHistoryResponse {
		t.Helper()
		c := coordinator
		if centre != s.a {
			c = g.coordinator(t, centre)
		}
		v, err := c.VerifyFamilyHistory(ctx, &reportingv1.VerifyFamilyHistoryRequest{FamilyId: family.String(), CentreId: centre.String()})
		require.NoError(t, err)
		return v
	}
	before := history(s.f1, nil)
	require.True(t, verify(s.f1, s.a).GetVerified())
	// The screening: version 2 of the referral's stream, recorded by the centre's coordinator.
	stream := "referral-" + s.r1.String()
	var screening *reportingv1.HistoryEntry
	for _, e := range before {
		if e.GetStreamId() == stream && e.GetStreamVersion() == 2 {
			screening = e
		}
	}
	require.NotNil(t, screening)
	require.Equal(t, "familytime.referral.v1.ScreeningRecorded", screening.GetEventType())
	require.Equal(t, "coordinator-a", screening.GetActor())
	first := before[0].GetRecordedAt().AsTime()
	dayBefore := first.Add(-24 * time.Hour)

	for _, c := range []struct {
		column, set string
		args        []any
		// the row named: its service, stream and version after the change
		service, stream string
		version         int64
	}{
		{"actor", "actor = 'lead-1'", nil, "referral", stream, 2},
		{"actor_role", "actor_role = 'safeguarding_lead'", nil, "referral", stream, 2},
		{"recorded_at", "recorded_at = $3", []any{dayBefore}, "referral", stream, 2},
		{"recorded_at", "recorded_at = now() + interval '10 years'", nil, "referral", stream, 2}, // hidden from every history as of now
		{"centre_id", "centre_id = $3", []any{s.b}, "referral", stream, 2},
		{"centre_id", "centre_id = NULL", nil, "referral", stream, 2},
		{"event_type", "event_type = 'familytime.referral.v1.ReferralDeclined'", nil, "referral", stream, 2},
		{"service", "service = 'safeguarding'", nil, "safeguarding", stream, 2},
		{"event_id", "event_id = $3", []any{uuid.New()}, "referral", stream, 2},
		{"family_id", "family_id = $3", []any{s.f3}, "referral", stream, 2},
		{"version", "version = 100", nil, "referral", stream, 100},
		{"stream_id", "stream_id = 'referral-00000000-0000-0000-0000-000000000000'", nil, "referral", "referral-00000000-0000-0000-0000-000000000000", 2},
	} {
		restore := g.tamper(t, stream, 2, c.set, c.args...)
		name := c.column + ": " + c.set
		v := verify(s.f1, s.a)
		require.False(t, v.GetVerified(), name)
		require.Equal(t, c.service, v.GetService(), name)
		require.Equal(t, c.stream, v.GetStreamId(), name)
		require.Equal(t, c.version, v.GetStreamVersion(), name)
		require.Contains(t, v.GetReason(), "history's "+c.column+" of this event is not the event's own", name)

		// What is shown is the event's: the screening as it was, or (its row naming another
		// family) not at all; never the changed column.
		now := history(s.f1, nil)
		if c.column == "family_id" {
			require.Len(t, now, len(before)-1, name)
			for _, e := range history(s.f3, nil) {
				require.NotEqual(t, screening.GetEventId(), e.GetEventId(), "%s: another family's history does not show it", name)
			}
			v3 := verify(s.f3, s.a)
			require.False(t, v3.GetVerified(), "%s: nor does it verify", name)
			require.Equal(t, stream, v3.GetStreamId(), name)
			require.Contains(t, v3.GetReason(), "history's family_id", name)
		} else {
			require.Len(t, now, len(before), name)
			for i, e := range now {
				require.True(t, proto.Equal(before[i], e), "%s: entry %d is its event's: %v", name, i, e)
			}
		}
		// As of the day before the family's first step the history is empty: a changed time does
		// not bring the screening forward.
		require.Empty(t, history(s.f1, timestamppb.New(dayBefore.Add(time.Hour))), name)
		restore()
		require.True(t, verify(s.f1, s.a).GetVerified(), "%s: put back", name)
	}

	// An envelope made unreadable: named, and not shown.
	restore := g.tamper(t, stream, 2, `envelope = '\xffff'::bytea`)
	v := verify(s.f1, s.a)
	require.False(t, v.GetVerified())
	require.Equal(t, stream, v.GetStreamId())
	require.Equal(t, int64(2), v.GetStreamVersion())
	require.Contains(t, v.GetReason(), "envelope kept in the history cannot be read")
	require.Len(t, history(s.f1, nil), len(before)-1)
	restore()
	require.True(t, verify(s.f1, s.a).GetVerified())
}

// A whole stream of the family's gone from its history: its rows no longer naming the family, or
// removed. The records reporting keeps of the family (its referral, concerns, holds and reports)
// each name events the history must hold, and reporting's consumer's cursors the last version of
// each stream it handled: the concern (review 18's finding), its last event, and the hold are
// each found missing, and named.
func TestVerifyFamilyHistoryFindsAStreamGone(t *testing.T) {
	g := newRig(t)
	s := g.play(t)
	ctx := t.Context()
	coordinator := g.coordinator(t, s.a)
	verify := g.verifier(t, coordinator, s.f1, s.a)
	v := verify()
	require.True(t, v.GetVerified(), v.GetReason())
	require.Contains(t, v.GetReason(), "Not checked", "a verified answer says what it did not check")
	// An administrator checks the same, and is not told the family's records (decision 415,
	// review 86): no counts, which count its concerns and holds.
	admin := g.verifier(t, g.client(t, "admin-1", []auth.Role{auth.RoleAdmin}), s.f1, s.a)
	a := admin()
	require.True(t, a.GetVerified(), a.GetReason())
	require.Zero(t, a.GetStreamsChecked())
	require.Zero(t, a.GetEventsChecked())
	require.Zero(t, a.GetFamilyEventsChecked())
	require.Equal(t, app.CheckedToAdministrator, a.GetReason())
	require.NotRegexp(t, `[0-9]`, strings.ReplaceAll(a.GetReason(), "version 1", ""), "no count")
	var concern uuid.UUID
	require.NoError(t, g.owner.QueryRow(ctx, `SELECT concern_id FROM reporting.concerns WHERE family_id = $1`, s.f1).Scan(&concern))
	stream := "concern-" + concern.String()
	exec := func(sql string, args ...any) {
		t.Helper()
		_, err := g.owner.Exec(ctx, sql, args...)
		require.NoError(t, err)
	}
	exec(`CREATE TABLE saved AS SELECT * FROM reporting.history_events WHERE stream_id = $1`, stream)
	restore := func() {
		exec(`DELETE FROM reporting.history_events WHERE stream_id = $1`, stream)
		exec(`INSERT INTO reporting.history_events SELECT * FROM saved`)
		require.True(t, verify().GetVerified())
	}

	// Its rows no longer name the family: the first is named, with the column.
	exec(`UPDATE reporting.history_events SET family_id = NULL WHERE stream_id = $1`, stream)
	v = verify()
	require.False(t, v.GetVerified())
	require.Equal(t, "safeguarding", v.GetService())
	require.Equal(t, stream, v.GetStreamId())
	require.Equal(t, int64(1), v.GetStreamVersion())
	require.Contains(t, v.GetReason(), "history's family_id of this event is not the event's own")
	require.Contains(t, v.GetReason(), "concern "+concern.String()+" (raised on 2026-02-10)")
	// The administrator is told where, to restore the stream from backup, not the concern's day.
	a = admin()
	require.False(t, a.GetVerified())
	require.Equal(t, "safeguarding", a.GetService())
	require.Equal(t, stream, a.GetStreamId())
	require.Equal(t, int64(1), a.GetStreamVersion())
	require.Contains(t, a.GetReason(), "history's family_id of this event is not the event's own")
	require.Contains(t, a.GetReason(), "hold its concern, and no event")
	require.NotContains(t, a.GetReason(), "2026-02-10")
	require.Zero(t, a.GetStreamsChecked())
	restore()

	// Removed: reporting's consumer handled both its versions.
	exec(`DELETE FROM reporting.history_events WHERE stream_id = $1`, stream)
	v = verify()
	require.False(t, v.GetVerified())
	require.Equal(t, stream, v.GetStreamId())
	require.Equal(t, int64(1), v.GetStreamVersion())
	require.Contains(t, v.GetReason(), "versions 1 to 2 are missing")
	restore()

	// Its last event (the concern closed) removed: the chain cannot show it, the cursor does.
	exec(`DELETE FROM reporting.history_events WHERE stream_id = $1 AND version = 2`, stream)
	v = verify()
	require.False(t, v.GetVerified())
	require.Equal(t, stream, v.GetStreamId())
	require.Equal(t, int64(2), v.GetStreamVersion())
	require.Contains(t, v.GetReason(), "handled this stream to version 2, and the history holds it only to version 1")
	restore()

	// The hold's stream no longer the family's: the hold is named.
	var hold uuid.UUID
	require.NoError(t, g.owner.QueryRow(ctx, `SELECT hold_id FROM reporting.holds WHERE family_id = $1`, s.f1).Scan(&hold))
	exec(`UPDATE reporting.history_events SET family_id = NULL WHERE stream_id = $1`, "hold-"+s.f1.String())
	v = verify()
	require.False(t, v.GetVerified())
	require.Equal(t, "safeguarding", v.GetService())
	require.Equal(t, "hold-"+s.f1.String(), v.GetStreamId(), "the family's hold stream")
	require.Equal(t, int64(1), v.GetStreamVersion())
	require.Contains(t, v.GetReason(), "history's family_id of this event is not the event's own")
	require.Contains(t, v.GetReason(), "hold "+hold.String()+" (placed on 2026-02-11)")
	exec(`UPDATE reporting.history_events SET family_id = $2 WHERE stream_id = $1`, "hold-"+s.f1.String(), s.f1)
	require.True(t, verify().GetVerified())
}

// A family's own stream moved to another family (review 19): its hold's rows and record, which
// hid the hold from the family's history while the referral's "Case suspended by a safeguarding
// hold" stayed in it, and the history verified. The service's runtime role may no longer change
// the history (its UPDATE, DELETE and TRUNCATE are refused; it still updates the hold's record,
// as the projections do); with the owner's rights the rows are moved, then removed, and the
// family's verification names its hold stream each time, by its name: reporting's consumer
// handled it, and the family's history holds none of it.
func TestVerifyFamilyHistoryFindsTheFamilysOwnStreamMoved(t *testing.T) {
	g := newRig(t)
	s := g.play(t)
	ctx := t.Context()
	coordinator := g.coordinator(t, s.a)
	verify := g.verifier(t, coordinator, s.f1, s.a)
	v := verify()
	require.True(t, v.GetVerified(), v.GetReason())
	hold := "hold-" + s.f1.String()
	require.Equal(t, 2, g.count(t, `SELECT count(*) FROM reporting.history_events WHERE stream_id = $1 AND family_id = $2`, hold, s.f1))

	// As the runtime role: the history is append-only.
	for _, sql := range []string{
		`UPDATE reporting.history_events SET family_id = $2 WHERE stream_id = $1`,
		`DELETE FROM reporting.history_events WHERE stream_id = $1 OR family_id = $2`,
	} {
		_, err := g.runtime.Exec(ctx, sql, hold, s.f3)
		require.ErrorContains(t, err, "permission denied", sql)
	}
	_, err := g.runtime.Exec(ctx, `TRUNCATE reporting.history_events`)
	require.ErrorContains(t, err, "permission denied")
	_, err = g.runtime.Exec(ctx, `UPDATE reporting.holds SET family_id = $2 WHERE family_id = $1`, s.f1, s.f3)
	require.NoError(t, err, "the hold's record is the runtime role's to update")
	require.Equal(t, 2, g.count(t, `SELECT count(*) FROM reporting.history_events WHERE stream_id = $1 AND family_id = $2`, hold, s.f1))

	exec := func(sql string, args ...any) {
		t.Helper()
		_, err := g.owner.Exec(ctx, sql, args...)
		require.NoError(t, err)
	}
	exec(`CREATE TABLE saved_hold AS SELECT * FROM reporting.history_events WHERE stream_id = $1`, hold)
	handled := "reporting handled versions 1 to 2 of stream " + hold + ", the family's own, but the family's history holds none of them"

	// Its rows moved to another family, with the owner's rights: the first is named, with the column.
	exec(`UPDATE reporting.history_events SET family_id = $2 WHERE stream_id = $1`, hold, s.f3)
	v = verify()
	require.False(t, v.GetVerified())
	require.Equal(t, "safeguarding", v.GetService())
	require.Equal(t, hold, v.GetStreamId())
	require.Equal(t, int64(1), v.GetStreamVersion())
	require.Contains(t, v.GetReason(), "history's family_id of this event is not the event's own")
	require.Contains(t, v.GetReason(), handled)

	// Removed.
	exec(`DELETE FROM reporting.history_events WHERE stream_id = $1`, hold)
	v = verify()
	require.False(t, v.GetVerified())
	require.Equal(t, hold, v.GetStreamId())
	require.Equal(t, int64(1), v.GetStreamVersion())
	require.Contains(t, v.GetReason(), "versions 1 to 2 are missing: "+handled)

	exec(`INSERT INTO reporting.history_events SELECT * FROM saved_hold`)
	exec(`UPDATE reporting.holds SET family_id = $2 WHERE family_id = $1`, s.f3, s.f1)
	v = verify()
	require.True(t, v.GetVerified(), v.GetReason())
}

// verifier asks reporting, as client, whether the family's history verifies.
func (g *rig) verifier(t *testing.T, client reportingv1.ReportingServiceClient, family, centre uuid.UUID) func() *reportingv1.VerifyFamilyHistoryResponse {
	return func() *reportingv1.VerifyFamilyHistoryResponse {
		t.Helper()
		v, err := client.VerifyFamilyHistory(t.Context(), &reportingv1.VerifyFamilyHistoryRequest{FamilyId: family.String(), CentreId: centre.String()})
		require.NoError(t, err)
		return v
	}
}
