package cli

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/grpcx"
	"github.com/familytime/familytime/services/platform/problem"
)

// Review 61, finding 3, against a running dev platform (decision 340): the lead places a hold on
// a family booked on two days, and is told, on standard error, that the hold cancels both; the
// lead lifts it, and is told that both stay cancelled and the family must be booked again. The
// lead's own token reads the family's bookings. Decision 345: with a second hold placed before the
// first is lifted, the lift warns that it still stands, and lists the first's bookings; the
// second's lift, none. Decision 360: the second hold's own answer says the first is in force; a
// third hold, placed once the family is booked again, lists at its lift only the booking it
// cancelled, not the first suspension's.
func TestAHoldAndItsLiftListTheFamilysBookings(t *testing.T) {
	first := time.Now().AddDate(0, 0, 7)
	r := newReadyFamily(t, startDevPlatform(t), first, "12:00")
	centre, lead, family := r.centre, r.lead, r.family
	cmd := r.cmd
	days := []string{first.Format(time.DateOnly), first.AddDate(0, 0, 7).Format(time.DateOnly)}
	var booked []string
	for _, day := range days {
		b, err := r.book(day)
		require.NoError(t, err)
		booked = append(booked, b.GetBookingId())
	}
	list := "familytime schedule bookings --centre " + centre + " --family " + family

	var out, said string
	var err error
	require.Eventually(t, func() bool {
		out, said, err = runSaying(t, append([]string{"safeguarding", "hold", "--family", family, "--reason", "concern-under-investigation",
			"--review-by", time.Now().AddDate(0, 0, 30).Format(time.DateOnly), "--json"}, lead...)...)
		return err == nil
	}, 30*time.Second, 50*time.Millisecond, "safeguarding learns of the family")
	t.Log("\n" + said)
	var h safeguardingv1.Hold
	require.NoError(t, protojson.Unmarshal([]byte(out), &h), "--json stays one document")
	require.NotContains(t, said, "OTHER_HOLD_IN_FORCE", "no other hold was in force")
	require.Contains(t, said, "the hold cancels the family's bookings at the centre")
	require.Contains(t, said, "door refuses the family (ON_HOLD); 2 bookings cancelled:")
	for i, day := range days {
		require.Regexp(t, day+`\s+visiting parent .*Garden room\s+booking `+booked[i], said)
	}
	require.Contains(t, said, "the family's bookings: "+list)

	require.Eventually(t, func() bool {
		out, err = cmd("schedule", "bookings", "--family", family)
		return err == nil && strings.Count(out, "safeguarding hold") == 2
	}, 30*time.Second, 50*time.Millisecond, "scheduling cancels the bookings")
	// Decision 345: a second hold, placed while the first is in force, cancels nothing of its own.
	out, said, err = runSaying(t, append([]string{"safeguarding", "hold", "--family", family, "--reason", "conduct",
		"--review-by", time.Now().AddDate(0, 0, 30).Format(time.DateOnly), "--json"}, lead...)...)
	require.NoError(t, err)
	var second safeguardingv1.Hold
	require.NoError(t, protojson.UnmarshalOptions{DiscardUnknown: true}.Unmarshal([]byte(out), &second))
	require.Contains(t, said, "no booking still to come for this hold to cancel")
	// Decision 360: its own answer says the first is in force, with the command that lifts it as
	// it runs, and that lifting this one does not resume contact.
	require.Contains(t, said, "WARNING OTHER_HOLD_IN_FORCE: another hold on the family is in force already: hold "+h.GetHoldId()+
		", placed on "+ymd(h.GetPlacedOn())+" for no concern named (familytime safeguarding lift "+h.GetHoldId()+" --centre "+centre+
		" --note ...). Lifting this hold does not resume the family's contact")
	require.Contains(t, out, `"holds_in_force": [`)
	require.Contains(t, out, `"hold_warning": "OTHER_HOLD_IN_FORCE`)

	// The first lifted: the second still stands, and the bookings are the first's.
	out, said, err = runSaying(t, append([]string{"safeguarding", "lift", h.GetHoldId(), "--note", "Contact may resume", "--json"}, lead...)...)
	require.NoError(t, err)
	t.Log("\n" + said)
	require.Contains(t, said, "WARNING HOLD_STILL_IN_FORCE: another hold on the family is still in force: hold "+second.GetHoldId())
	require.Contains(t, out, `"hold_warning": "HOLD_STILL_IN_FORCE`)
	require.Contains(t, out, `"holds_still_in_force": [`)
	require.Contains(t, said, "lifting the hold restores no booking it cancelled")
	require.Contains(t, said, "only once every hold is lifted")
	require.Contains(t, said, "2 bookings still to come this hold cancelled stay cancelled, as they would under the hold "+
		"still in force (tell both parents these sessions are off):")
	for i, day := range days {
		require.Regexp(t, day+`\s+visiting parent .*Garden room\s+booking `+booked[i], said)
	}
	require.Contains(t, said, "the family's bookings: "+list)

	// The second lifted: no other hold. It cancelled none of them itself, but its lift lets
	// contact resume, so it lists the first's as the sessions to book again (decision 353).
	_, said, err = runSaying(t, append([]string{"safeguarding", "lift", second.GetHoldId(), "--note", "Contact may resume"}, lead...)...)
	require.NoError(t, err)
	t.Log("\n" + said)
	require.NotContains(t, said, "WARNING")
	require.Contains(t, said, "the family must be booked again")
	require.NotContains(t, said, "this hold cancelled no booking still to come")
	require.Contains(t, said, "no hold on the family is in force now, so contact may resume: 2 bookings still to come that the holds "+
		"of this suspension of contact cancelled (this hold or one in force with it since the family last had none) stay cancelled, "+
		"and these are the sessions to book again")
	for i, day := range days {
		require.Regexp(t, day+`\s+visiting parent .*Garden room\s+booking `+booked[i], said)
	}

	// Decision 353's Left (decision 360): the family booked again on a third day, a new hold
	// placed and lifted. Its lift lists the booking it cancelled as the session to book again,
	// and counts, without listing, the two the first suspension's holds cancelled.
	third := first.AddDate(0, 0, 14).Format(time.DateOnly)
	again, err := r.book(third)
	require.NoError(t, err, "scheduling hears both holds were lifted")
	out, said, err = runSaying(t, append([]string{"safeguarding", "hold", "--family", family, "--reason", "conduct",
		"--review-by", time.Now().AddDate(0, 0, 30).Format(time.DateOnly), "--json"}, lead...)...)
	require.NoError(t, err)
	var later safeguardingv1.Hold
	require.NoError(t, protojson.Unmarshal([]byte(out), &later), "no other hold in force: the hold alone")
	require.NotContains(t, said, "OTHER_HOLD_IN_FORCE")
	require.Eventually(t, func() bool {
		out, err = cmd("schedule", "bookings", "--family", family)
		return err == nil && strings.Count(out, "safeguarding hold") == 3
	}, 30*time.Second, 50*time.Millisecond, "scheduling cancels the third day's booking")
	_, said, err = runSaying(t, append([]string{"safeguarding", "lift", later.GetHoldId(), "--note", "Contact may resume"}, lead...)...)
	require.NoError(t, err)
	t.Log("\n" + said)
	require.Contains(t, said, "so contact may resume: 1 booking still to come that the holds of this suspension of contact cancelled "+
		"(this hold or one in force with it since the family last had none) stays cancelled")
	require.Regexp(t, third+`\s+visiting parent .*Garden room\s+booking `+again.GetBookingId(), said)
	for _, b := range booked {
		require.NotContains(t, said, "booking "+b, "the first suspension's, listed by its last lift")
	}
	require.Contains(t, said, "2 bookings still to come cancelled for a hold lifted before this suspension began are not listed")

	// Review 66 finding 3 (decision 355): a referral only received, never accepted, so scheduling
	// has no record of its family. Two holds on it and their lifts say it has no booking at the
	// centre, and give no command listing its bookings, which would answer not found.
	require.Eventually(t, func() bool {
		out, err = cmd("referral", "submit", "--file", exampleFile, "--request-id", uuid.NewString(), "--json")
		return err == nil
	}, 30*time.Second, 50*time.Millisecond)
	var received referralv1.Referral
	require.NoError(t, protojson.Unmarshal([]byte(out), &received))
	_, err = cmd("schedule", "bookings", "--family", received.GetFamilyId())
	require.ErrorContains(t, err, "family with that id at this centre", "scheduling has no record of the family")
	var holds []string
	for _, reason := range []string{"concern-under-investigation", "conduct"} {
		require.Eventually(t, func() bool {
			out, said, err = runSaying(t, append([]string{"safeguarding", "hold", "--family", received.GetFamilyId(), "--reason", reason,
				"--review-by", time.Now().AddDate(0, 0, 30).Format(time.DateOnly), "--json"}, lead...)...)
			return err == nil
		}, 30*time.Second, 50*time.Millisecond, "safeguarding learns of the family")
		t.Log("\n" + said)
		require.NoError(t, protojson.UnmarshalOptions{DiscardUnknown: true}.Unmarshal([]byte(out), &h))
		require.Equal(t, len(holds) > 0, strings.Contains(said, "WARNING OTHER_HOLD_IN_FORCE"), "the second names the first")
		holds = append(holds, h.GetHoldId())
		require.Contains(t, said, "; the hold cancels no booking: the family has no booking at the centre (scheduling has none on record for it)")
		require.NotContains(t, said, "schedule bookings")
	}
	_, said, err = runSaying(t, append([]string{"safeguarding", "lift", holds[0], "--note", "Investigated, no further threats"}, lead...)...)
	require.NoError(t, err)
	t.Log("\n" + said)
	require.Contains(t, said, "WARNING HOLD_STILL_IN_FORCE")
	require.Contains(t, said, "this hold cancelled no booking: the family has no booking at the centre")
	require.NotContains(t, said, "schedule bookings")
	_, said, err = runSaying(t, append([]string{"safeguarding", "lift", holds[1], "--note", "Investigated, no further threats"}, lead...)...)
	require.NoError(t, err)
	t.Log("\n" + said)
	require.Contains(t, said, "no hold on the family is in force now, and none of its holds cancelled a booking still to come: "+
		"the family has no booking at the centre (scheduling has none on record for it)")
	require.NotContains(t, said, "schedule bookings")
	require.NotContains(t, said, "could not")
}

// Decision 355: only scheduling's not found for the family at the centre is taken as "the family
// has no booking at the centre"; another not found, or another failure, is a read that failed.
func TestOnlySchedulingsNoFamilyHereMeansNoBooking(t *testing.T) {
	answer := func(err error) error { return grpcx.Status(context.Background(), slog.New(slog.DiscardHandler), err) }
	require.True(t, noFamilyHere(answer(problem.NotFound("family with that id at this centre (a referral's family id is on "+
		"`familytime referral show`)"))))
	require.False(t, noFamilyHere(answer(problem.NotFound("centre"))))
	require.False(t, noFamilyHere(answer(problem.NotFound("family"))))
	require.False(t, noFamilyHere(status.Error(codes.NotFound, "family with that id at this centre not found")), "no reason code")
	require.False(t, noFamilyHere(status.Error(codes.Unavailable, "connection refused")))
	require.False(t, noFamilyHere(nil))
	require.Equal(t, placedOnHold+"; the hold cancels no booking: the family has no booking at the centre (scheduling has none on "+
		"record for it)", noBookingHere(false, false))
	require.NotContains(t, noBookingHere(true, true)+noBookingHere(true, false), "schedule bookings")
}
