package cli

import (
	"fmt"
	"slices"

	"github.com/google/uuid"
	"github.com/spf13/cobra"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// centreUpdateFlags are the flags that change a centre's details, each optional: what is not given
// stays as the directory has it. The first is the one a refusal of none names.
var centreUpdateFlags = []string{"status", "accredited-on", "service", "name", "region"}

// newCentreUpdate records the national association's word on a centre's accreditation (renewed,
// suspended, lapsed) and changes its details. Review 59: the only way was a raw UpdateCentre call
// with a version and a request id made by hand, while referral's warning sent the administrator to
// "record its accreditation".
func newCentreUpdate(conn *connection) *cobra.Command {
	var (
		out                                output
		request                            requestID
		name, region, status, accreditedOn string
		serviceFlags                       []string
	)
	cmd := &cobra.Command{
		Use:   "update CENTRE_ID [--status S] [--accredited-on YYYY-MM-DD] [--service S ...] [--name N] [--region R]",
		Short: "Record a centre's accreditation (renewed, suspended, lapsed) or change its details (administrators only)",
		Long: `update records in the directory, which every service reads, what the national association
decided about a centre's accreditation, and changes the centre's other details. Give only what
changes: the rest stays as the directory has it. The centre is read first and the change is made
on it at the version read, so a change someone made meanwhile is not undone: the update is then
refused (ABORTED) and you run it again.

--status is the centre's accreditation: accredited, working-towards, suspended or lapsed. A centre
whose accreditation is suspended or lapsed takes no new referrals and accepts or waitlists no
family (CENTRE_SUSPENDED, CENTRE_ACCREDITATION_LAPSED); families already accepted go on
(decisions.md 77). Centres are accredited for three years at a time: a renewal gives the day the
new three years began (--accredited-on), or referral goes on warning that the accreditation ran
out three years after the day the directory has. Lifting a suspension within the three years needs
no new date. --accredited-on is never in the future, and an accredited centre must have one.

--service replaces the kinds of contact the centre offers: give each kind it offers from now on
(repeat the flag). Bookings made before a centre stopped offering a kind stand, and families
waiting for it stay on the waiting list, but neither is booked or offered a place of it again
(SERVICE_NOT_OFFERED): the update warns of them on standard error, "WARNING SERVICE_WITHDRAWN:
...", with how many, from when, and the commands that list them, for the coordinator to move
each family on (decision 377).

The answer says what changed, then the centre as the directory now has it (--json: the centre,
as centre show gives it). Administrators only.`,
		Example: `  # the national association renewed the accreditation for three years from 20 November 2026
  familytime centre update $CENTRE --status accredited --accredited-on 2026-11-20
  # it suspended the centre's accreditation, and later lifted the suspension
  familytime centre update $CENTRE --status suspended
  familytime centre update $CENTRE --status accredited
  # the accreditation ran out and was not renewed
  familytime centre update $CENTRE --status lapsed
  # the centre offers supervised contact as well from now on
  familytime centre update $CENTRE --service supported --service supervised`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			// Every flag is read before any call, so bad input changes nothing and asks nothing.
			f := cmd.Flags()
			if !slices.ContainsFunc(centreUpdateFlags, f.Changed) {
				return fmt.Errorf("give what changes: one or more of --status, --accredited-on, --service, --name, --region " +
					"(familytime centre update --help)")
			}
			if _, err := uuid.Parse(args[0]); err != nil {
				return fmt.Errorf("centre id %q is not a UUID: give the whole id, as familytime centre list prints it", args[0])
			}
			given := &schedulingv1.CentreDetails{Name: name}
			var err error
			if f.Changed("region") {
				if given.Region, err = parseEnum[commonv1.Region]("region", region, "REGION_", commonv1.Region_value); err != nil {
					return err
				}
			}
			for _, s := range serviceFlags {
				st, err := parseEnum[commonv1.ServiceType]("service", s, "SERVICE_TYPE_", commonv1.ServiceType_value)
				if err != nil {
					return err
				}
				given.ServiceTypes = append(given.ServiceTypes, st)
			}
			if f.Changed("status") {
				if given.AccreditationStatus, err = parseEnum[commonv1.AccreditationStatus]("status", status, "ACCREDITATION_STATUS_", commonv1.AccreditationStatus_value); err != nil {
					return err
				}
			}
			if f.Changed("accredited-on") {
				if given.AccreditationDate, err = dateFlag("accredited-on", accreditedOn); err != nil {
					return err
				}
			}
			id, err := request.value()
			if err != nil {
				return err
			}
			cc, err := dial(conn, "scheduling")
			if err != nil {
				return err
			}
			defer cc.Close()
			client := schedulingv1.NewSchedulingServiceClient(cc)
			read, err := client.GetCentre(cmd.Context(), &schedulingv1.GetCentreRequest{CentreId: args[0]})
			if err != nil {
				return describe(err)
			}
			before := read.GetCentre()
			d := &schedulingv1.CentreDetails{Name: before.GetName(), Region: before.GetRegion(), ServiceTypes: before.GetServiceTypes(),
				AccreditationStatus: before.GetAccreditationStatus(), AccreditationDate: before.GetAccreditationDate()}
			if f.Changed("name") {
				d.Name = given.Name
			}
			if f.Changed("region") {
				d.Region = given.Region
			}
			if f.Changed("service") {
				d.ServiceTypes = given.ServiceTypes
			}
			if f.Changed("status") {
				d.AccreditationStatus = given.AccreditationStatus
			}
			if f.Changed("accredited-on") {
				d.AccreditationDate = given.AccreditationDate
			}
			req := &schedulingv1.UpdateCentreRequest{RequestId: id, CentreId: args[0], ExpectedVersion: before.GetVersion(), Details: d}
			resp, err := client.UpdateCentre(cmd.Context(), req)
			if err != nil && request.id != "" && requestReused(err) && before.GetVersion() > 1 {
				// A retry (the same --request-id) of an update that went through reads the centre
				// it made, one version on: the request it repeats named the version before. Sent
				// so, it is the same request and is answered the first answer; any other request
				// with that id is refused again, and nothing is recorded either way.
				first := proto.CloneOf(req)
				first.ExpectedVersion = before.GetVersion() - 1
				if again, aerr := client.UpdateCentre(cmd.Context(), first); aerr == nil {
					resp, err = again, nil
				}
			}
			if err != nil && request.id != "" && requestReused(err) {
				// The id was used before, for this update at an earlier version (a retry after
				// someone else changed the centre since) or for another: either way this is not
				// recorded, and the first may well have been (review 60). Say how to find out,
				// not only "choose a new id".
				return reusedRequestID(err, request.id, args[0])
			}
			if err != nil {
				return describe(err)
			}
			// A retry's answer is the first one's, and the centre read now already has it: what
			// changed then is not what the read says.
			if !resp.GetReplayed() {
				changed := centreChanges(before, resp.GetCentre())
				if len(changed) == 0 {
					fmt.Fprintln(cmd.ErrOrStderr(), "note: the directory says so already; nothing changed")
				} else if !out.json {
					w := stdout(cmd)
					for _, c := range changed {
						fmt.Fprintln(w, c)
					}
					fmt.Fprintln(w)
				}
			}
			for _, w := range resp.GetServiceWithdrawnWarnings() {
				warnOnStderr(cmd, w)
			}
			return printAnswer(cmd, &out, resp, resp.GetCentre(), centreFields(resp.GetCentre()))
		},
	}
	f := cmd.Flags()
	f.StringVar(&name, "name", "", "the centre's new name")
	f.StringVar(&region, "region", "", "the centre's region: "+enumNames("REGION_", commonv1.Region_name))
	f.StringSliceVar(&serviceFlags, "service", nil, "every kind of contact offered from now on (replaces the list): "+enumNames("SERVICE_TYPE_", commonv1.ServiceType_name))
	f.StringVar(&status, "status", "", "accreditation status: "+enumNames("ACCREDITATION_STATUS_", commonv1.AccreditationStatus_name))
	f.StringVar(&accreditedOn, "accredited-on", "", "when the current accreditation began (YYYY-MM-DD): a renewal's first day")
	request.register(f)
	out.register(f)
	complete(cmd, "region", "REGION_", commonv1.Region_name)
	complete(cmd, "service", "SERVICE_TYPE_", commonv1.ServiceType_name)
	complete(cmd, "status", "ACCREDITATION_STATUS_", commonv1.AccreditationStatus_name)
	return cmd
}

// requestReused says whether err is the service's refusal of a request id it answered another
// request with.
// reusedRequestID is the refusal of an update whose --request-id was used before, in words that
// say how to find out whether that update stands.
func reusedRequestID(err error, id, centre string) error {
	return &refusal{status: status.Convert(err), text: fmt.Sprintf("--request-id %s was used before, for an update of the centre "+
		"as it stood then (it has changed since, perhaps by that update, or by someone else's); nothing is recorded now. "+
		"familytime centre show %s says what the directory has: if your change is not there, run the update again "+
		"without --request-id", id, centre)}
}

func requestReused(err error) bool {
	st := status.Convert(err)
	if st.Code() != codes.InvalidArgument {
		return false
	}
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				if v.GetField() == "request_id" {
					return true
				}
			}
		}
	}
	return false
}

// centreChanges says, a line each, what differs between a centre's details before and after
// ("accreditation: lapsed -> accredited"), in centre show's words; the id and version are not
// details.
func centreChanges(before, after *schedulingv1.Centre) []string {
	was, now := centreFields(before), centreFields(after)
	var changed []string
	for i, f := range now {
		if f[0] == "id" || f[0] == "version" || f[1] == was[i][1] {
			continue
		}
		changed = append(changed, fmt.Sprintf("changed %s: %s -> %s", f[0], was[i][1], f[1]))
	}
	return changed
}
