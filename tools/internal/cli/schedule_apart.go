package cli

import (
	"fmt"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// keepApart records, or with --end ends, that two families of the centre are kept apart
// (decision 330).
func (s *schedule) keepApart() *cobra.Command {
	var (
		out      output
		request  requestID
		families []string
		reason   string
		end      bool
	)
	cmd := &cobra.Command{
		Use:   "keep-apart",
		Short: "Record that two families of the centre are kept apart: never booked at the same time there (--end ends it)",
		Long: `keep-apart records that two families the centre knows are kept apart: the same adult is a parent
in both (the stagger keeps each family's own parents apart, not one adult from himself), an
injunction one family's parent holds against an adult of the other, or safety on the safeguarding
lead's advice. Scheduling knows people by id only and cannot see that two families share an
adult: the centre records the pair here, by the families' ids and a reason, never names.

From then on booking or moving either family into a session whose time at the centre (its first
party's arrival to its last party's departure) overlaps a booking of the other the same day at the
centre, in any room, or comes less than the door's window from it, is refused FAMILIES_KEPT_APART,
naming that booking: the two are kept at least 10 minutes apart at the door, or the longer
stagger either family agreed between its own parents (decision 334). Recording the same pair
again records nothing and says "already recorded". Bookings the two already have at times so
close are listed: the pair is recorded all the same, move one of each (familytime schedule
reschedule); the day sheet alerts both family-kept-apart-booked-alongside until then.

The door is cautioned, never refused (decision 343): a check-in, admitted or refused, and an
arrival or departure recorded as it happens of either family, while the other has someone inside,
left or was turned away at the door less than the two bookings' gap before, or is due at the door
within it (a session running late, an early arrival), carries "CAUTION
FAMILY_KEPT_APART_AT_CENTRE: ..." naming the other booking, its room and its times only: never its
family, its people or why the two are kept apart. The door keeps the two apart and tells the
coordinator if they meet (familytime schedule checkin --help).

When the two families share an adult (same-adult), or either of them shares an adult with a
third family, a WARNING names each pair that adult may bring together and that is not kept apart
("also record: familytime schedule keep-apart ..."): for instance F1 and F3 share the father and
F1 is kept apart from F5, so F3 and F5 may need keeping apart too. Nothing is recorded for them:
the reason does not say which adult it concerns, so record the pair if it applies.
A family whose personal data was erased is not kept apart from anyone, and no WARNING names it:
keeping it apart is refused FAMILY_ERASED and records nothing (decision 363).

A family referred again is kept apart as the earlier one was: once a child on its referral is
confirmed as the child on the earlier family's (familytime referral same-child), the service
keeps it apart from every family of the centre the earlier family was kept apart from, for the
same reason, and each family's history says it was carried from the earlier family. Booked
before that confirmation, the booking stands (the day sheet alerts it once the pair is carried);
until then only the possible-duplicate warning says the family may be one referred again.

--end ends it: the two may be booked at the same time again (refused NOT_KEPT_APART when they are
not kept apart). Both families must be known to scheduling at the centre (not found otherwise).
The centre's coordinators and its safeguarding lead.`,
		Example: `  familytime schedule keep-apart --centre $CENTRE --family $FAMILY1 --family $FAMILY2 --reason same-adult
  familytime schedule keep-apart --centre $CENTRE --family $FAMILY1 --family $FAMILY2 --reason injunction
  familytime schedule keep-apart --centre $CENTRE --family $FAMILY1 --family $FAMILY2 --end`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(families) != 2 {
				return fmt.Errorf("name the two families kept apart: --family A --family B")
			}
			for _, f := range families {
				if _, err := uuid.Parse(f); err != nil {
					return fmt.Errorf("family id %q is not a UUID", f)
				}
			}
			if families[0] == families[1] {
				return fmt.Errorf("--family names the same family twice: name two families")
			}
			var why schedulingv1.KeepApartReason
			switch {
			case end && reason != "":
				return fmt.Errorf("--end ends the keeping apart whatever its reason: leave --reason out")
			case !end && reason == "":
				return fmt.Errorf("--reason is required: %s", enumNamesOf("KEEP_APART_REASON_", schedulingv1.KeepApartReason_value))
			case !end:
				var err error
				if why, err = parseEnum[schedulingv1.KeepApartReason]("reason", reason, "KEEP_APART_REASON_", schedulingv1.KeepApartReason_value); err != nil {
					return err
				}
			}
			id, err := request.value()
			if err != nil {
				return err
			}
			c, done, err := s.client(cmd)
			if err != nil {
				return err
			}
			defer done()
			if end {
				resp, err := c.EndKeepingApart(cmd.Context(), &schedulingv1.EndKeepingApartRequest{CentreId: s.centre,
					FamilyId: families[0], OtherFamilyId: families[1], RequestId: id})
				if err != nil {
					return s.describe(err)
				}
				return printAnswer(cmd, &out, resp, resp, [][2]string{{"families", families[0] + " " + families[1]},
					{"kept apart", "no longer (they had been: " + friendly("KEEP_APART_REASON_", resp.GetReason().String()) + ")"}})
			}
			resp, err := c.KeepFamiliesApart(cmd.Context(), &schedulingv1.KeepFamiliesApartRequest{CentreId: s.centre,
				FamilyId: families[0], OtherFamilyId: families[1], Reason: why, RequestId: id})
			if err != nil {
				return s.describe(err)
			}
			if resp.GetAlreadyRecorded() {
				fmt.Fprintln(cmd.ErrOrStderr(), "already recorded: the two families are kept apart already; nothing new recorded")
			}
			fields := [][2]string{{"families", families[0] + " " + families[1]},
				{"kept apart", friendly("KEEP_APART_REASON_", resp.GetReason().String())}}
			for _, b := range resp.GetBookedAlongside() {
				fields = append(fields, [2]string{"booked alongside", fmt.Sprintf("%s: booking %s and booking %s (move one of them)",
					ymd(b.GetSessionDate()), b.GetBookingId(), b.GetAlongsideBookingId())})
			}
			for _, x := range resp.GetAlsoKeepApart() {
				warnOnStderr(cmd, alsoKeepApartWords(s.centre, x))
			}
			return printAnswer(cmd, &out, resp, resp, fields)
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&families, "family", nil, "a family kept apart (UUID); give it twice, once for each family")
	f.StringVar(&reason, "reason", "", "why: "+enumNamesOf("KEEP_APART_REASON_", schedulingv1.KeepApartReason_value))
	f.BoolVar(&end, "end", false, "end the keeping apart of the two families")
	request.register(f)
	out.register(f)
	return cmd
}

// alsoKeepApartWords warn of a pair the same adult may bring together that is not kept apart
// (decision 334), by ids only, with the command that records it.
func alsoKeepApartWords(centre string, x *schedulingv1.AlsoKeepApart) string {
	why := friendly("KEEP_APART_REASON_", x.GetReason().String())
	return fmt.Sprintf("family %s shares an adult with family %s, which is kept apart from family %s (%s); the two are not kept "+
		"apart. If that adult is the one concerned, also record: familytime schedule keep-apart --centre %s --family %s --family %s "+
		"--reason %s", x.GetFamilyId(), x.GetThroughFamilyId(), x.GetOtherFamilyId(), why, centre, x.GetFamilyId(),
		x.GetOtherFamilyId(), why)
}
