package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	reportingv1 "github.com/familytime/familytime/proto/gen/go/familytime/reporting/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/grpcx"
)

func newCentreCommand() *cobra.Command {
	var conn connection
	cmd := &cobra.Command{
		Use:   "centre",
		Short: "The national centre directory: register, update, list and show centres",
	}
	conn.register(cmd)
	cmd.AddCommand(newCentreRegister(&conn), newCentreUpdate(&conn), newCentreList(&conn), newCentreShow(&conn))
	return cmd
}

func newCentreRegister(conn *connection) *cobra.Command {
	var (
		out                  output
		request              requestID
		name, region, status string
		accreditedOn         string
		services             []string
	)
	cmd := &cobra.Command{
		Use:   "register",
		Short: "Register a centre (administrators only)",
		Example: `  familytime centre register --name "Riverside Family Time Centre" --region north-west \
    --service supported --service supervised --status accredited --accredited-on 2025-03-01`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			d := &schedulingv1.CentreDetails{Name: name}
			var err error
			if d.Region, err = parseEnum[commonv1.Region]("region", region, "REGION_", commonv1.Region_value); err != nil {
				return err
			}
			for _, s := range services {
				st, err := parseEnum[commonv1.ServiceType]("service", s, "SERVICE_TYPE_", commonv1.ServiceType_value)
				if err != nil {
					return err
				}
				d.ServiceTypes = append(d.ServiceTypes, st)
			}
			if d.AccreditationStatus, err = parseEnum[commonv1.AccreditationStatus]("status", status, "ACCREDITATION_STATUS_", commonv1.AccreditationStatus_value); err != nil {
				return err
			}
			if accreditedOn != "" {
				if d.AccreditationDate, err = dateFlag("accredited-on", accreditedOn); err != nil {
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
			resp, err := schedulingv1.NewSchedulingServiceClient(cc).RegisterCentre(cmd.Context(), &schedulingv1.RegisterCentreRequest{RequestId: id, Details: d})
			if err != nil {
				return describe(err)
			}
			return printAnswer(cmd, &out, resp, resp.GetCentre(), centreFields(resp.GetCentre()))
		},
	}
	f := cmd.Flags()
	f.StringVar(&name, "name", "", "the centre's name")
	f.StringVar(&region, "region", "", "region: "+enumNames("REGION_", commonv1.Region_name))
	f.StringSliceVar(&services, "service", nil, "kind(s) of contact offered: "+enumNames("SERVICE_TYPE_", commonv1.ServiceType_name))
	f.StringVar(&status, "status", "", "accreditation status: "+enumNames("ACCREDITATION_STATUS_", commonv1.AccreditationStatus_name))
	f.StringVar(&accreditedOn, "accredited-on", "", "when the current accreditation began (YYYY-MM-DD); required when accredited")
	request.register(f)
	out.register(f)
	for _, req := range []string{"name", "region", "service", "status"} {
		_ = cmd.MarkFlagRequired(req)
	}
	complete(cmd, "region", "REGION_", commonv1.Region_name)
	complete(cmd, "service", "SERVICE_TYPE_", commonv1.ServiceType_name)
	complete(cmd, "status", "ACCREDITATION_STATUS_", commonv1.AccreditationStatus_name)
	return cmd
}

func newCentreList(conn *connection) *cobra.Command {
	var (
		out      output
		region   string
		source   string
		pageSize int32
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List centres by name, from the scheduling service or from reporting's projection",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r := commonv1.Region_REGION_UNSPECIFIED
			if region != "" {
				var err error
				if r, err = parseEnum[commonv1.Region]("region", region, "REGION_", commonv1.Region_value); err != nil {
					return err
				}
			}
			var msgs []proto.Message
			var rows [][]string
			add := func(c listedCentre) {
				msgs = append(msgs, c)
				rows = append(rows, []string{c.GetCentreId(), c.GetName(), friendly("REGION_", c.GetRegion().String()),
					services(c.GetServiceTypes()), friendly("ACCREDITATION_STATUS_", c.GetAccreditationStatus().String())})
			}
			if source != "scheduling" && source != "reporting" {
				return fmt.Errorf("--source must be scheduling or reporting, not %q", source)
			}
			cc, err := dial(conn, source)
			if err != nil {
				return err
			}
			defer cc.Close()
			// Every page, one request each, until the service says there is no next page.
			for token, more := "", true; more; more = token != "" {
				if source == "scheduling" {
					resp, err := schedulingv1.NewSchedulingServiceClient(cc).ListCentres(cmd.Context(),
						&schedulingv1.ListCentresRequest{Region: r, PageSize: pageSize, PageToken: token})
					if err != nil {
						return describe(err)
					}
					for _, c := range resp.GetCentres() {
						add(c)
					}
					token = resp.GetNextPageToken()
				} else {
					resp, err := reportingv1.NewReportingServiceClient(cc).ListCentres(cmd.Context(),
						&reportingv1.ListCentresRequest{Region: r, PageSize: pageSize, PageToken: token})
					if err != nil {
						return describe(err)
					}
					for _, c := range resp.GetCentres() {
						add(c)
					}
					token = resp.GetNextPageToken()
				}
			}
			if len(rows) == 0 && !out.json {
				_, err := fmt.Fprintln(cmd.OutOrStdout(), "no centres")
				return err
			}
			return out.table(cmd.OutOrStdout(), msgs, []string{"ID", "NAME", "REGION", "SERVICES", "ACCREDITATION"}, rows)
		},
	}
	f := cmd.Flags()
	f.StringVar(&region, "region", "", "only centres in this region")
	f.StringVar(&source, "source", "scheduling", "scheduling (the directory itself) or reporting (its projection)")
	f.Int32Var(&pageSize, "page-size", 100, "centres fetched per request (1-500); every page is listed")
	out.register(f)
	complete(cmd, "region", "REGION_", commonv1.Region_name)
	_ = cmd.RegisterFlagCompletionFunc("source", cobra.FixedCompletions([]string{"scheduling", "reporting"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func newCentreShow(conn *connection) *cobra.Command {
	var out output
	cmd := &cobra.Command{
		Use:     "show CENTRE_ID",
		Short:   "Show one centre",
		Example: "  familytime centre show 6f1c0a52-3f0e-4c55-9a3e-0f8d2c1b7a10",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cc, err := dial(conn, "scheduling")
			if err != nil {
				return err
			}
			defer cc.Close()
			resp, err := schedulingv1.NewSchedulingServiceClient(cc).GetCentre(cmd.Context(), &schedulingv1.GetCentreRequest{CentreId: args[0]})
			if err != nil {
				return describe(err)
			}
			return out.one(cmd.OutOrStdout(), resp.GetCentre(), centreFields(resp.GetCentre()))
		},
	}
	out.register(cmd.Flags())
	return cmd
}

// dial connects to one service of the platform the connection flags name.
func dial(conn *connection, service string) (*grpc.ClientConn, error) {
	addr, tok, err := conn.resolve(service)
	if err != nil {
		return nil, err
	}
	return grpcx.Dial(addr, tok, grpc.WithChainUnaryInterceptor(sayRequestOnNoAnswer))
}

// listedCentre is a centre as either service lists it: the directory's Centre or reporting's
// CentreSummary.
type listedCentre interface {
	proto.Message
	GetCentreId() string
	GetName() string
	GetRegion() commonv1.Region
	GetServiceTypes() []commonv1.ServiceType
	GetAccreditationStatus() commonv1.AccreditationStatus
}

func centreFields(c *schedulingv1.Centre) [][2]string {
	date := "-"
	if d := c.GetAccreditationDate(); d != nil {
		date = fmt.Sprintf("%04d-%02d-%02d", d.GetYear(), d.GetMonth(), d.GetDay())
	}
	return [][2]string{{"id", c.GetCentreId()}, {"name", c.GetName()}, {"region", friendly("REGION_", c.GetRegion().String())},
		{"services", services(c.GetServiceTypes())}, {"accreditation", friendly("ACCREDITATION_STATUS_", c.GetAccreditationStatus().String())},
		{"accredited on", date}, {"version", fmt.Sprint(c.GetVersion())}}
}

func services(types []commonv1.ServiceType) string {
	s := make([]string, len(types))
	for i, t := range types {
		s[i] = friendly("SERVICE_TYPE_", t.String())
	}
	return strings.Join(s, ",")
}

// friendly turns REGION_NORTH_WEST into north-west, the form the flags take.
func friendly(prefix, name string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(name, prefix)), "_", "-")
}

func parseEnum[E ~int32](flag, value, prefix string, values map[string]int32) (E, error) {
	word := strings.ReplaceAll(strings.ToUpper(strings.TrimSpace(value)), "-", "_")
	v, ok := values[prefix+word]
	if !ok {
		// The same person is named two ways across the services (scheduling's visiting parent is
		// referral's non-resident parent): a coordinator who learned one on one command is not
		// refused it on another (review 51).
		v, ok = values[prefix+sameParent[word]]
	}
	if !ok || v == 0 {
		return 0, fmt.Errorf("--%s %q is not one of: %s", flag, value, enumNamesOf(prefix, values))
	}
	return E(v), nil
}

// sameParent is the other name of a parent's role, as the enums spell them.
var sameParent = map[string]string{"VISITING_PARENT": "NON_RESIDENT_PARENT", "NON_RESIDENT_PARENT": "VISITING_PARENT"}

func enumNames(prefix string, names map[int32]string) string {
	values := map[string]int32{}
	for v, n := range names {
		values[n] = v
	}
	return enumNamesOf(prefix, values)
}

func enumNamesOf(prefix string, values map[string]int32) string {
	out := make([]string, len(values))
	n := 0
	for i := int32(1); int(i) < len(values); i++ {
		for name, v := range values {
			if v == i {
				out[n] = friendly(prefix, name)
				n++
			}
		}
	}
	return strings.Join(out[:n], ", ")
}

func complete(cmd *cobra.Command, flag, prefix string, names map[int32]string) {
	_ = cmd.RegisterFlagCompletionFunc(flag, func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return strings.Split(enumNames(prefix, names), ", "), cobra.ShellCompDirectiveNoFileComp
	})
}

// describe turns a gRPC error into a message for a person: the code in words, the fields at fault,
// and the rule's reason code, which the README and the help name (review 11: they named codes the
// command never printed).
func describe(err error) error {
	if described(err) {
		return err // already in words (a command's own describe wraps this one)
	}
	var u *unanswered
	if errors.As(err, &u) {
		return &refusal{text: u.words(), status: u.GRPCStatus()}
	}
	var n *unreached
	if errors.As(err, &n) {
		// Its words end with its reason already (review 90 L1 read it twice).
		return &refusal{text: n.words(), status: n.GRPCStatus()}
	}
	st := status.Convert(err)
	var b strings.Builder
	switch st.Code() {
	case codes.Unauthenticated:
		b.WriteString("not signed in: ")
	case codes.PermissionDenied:
		b.WriteString("not allowed: ")
	case codes.Unavailable:
		if !refusedOutright(err) {
			return &refusal{text: fmt.Sprintf("the platform does not answer (%s): is familytime dev running?", st.Message()), status: st}
		}
		// A service answered, refusing for a reason of its own (DATABASE_BEHIND_ITS_STREAM): its
		// words and reason, below.
	case codes.ResourceExhausted:
		return &refusal{text: fmt.Sprintf("the request is too large for the platform (%s)", st.Message()), status: st}
	}
	b.WriteString(st.Message())
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok && len(br.GetFieldViolations()) > 1 {
			for _, v := range br.GetFieldViolations()[1:] {
				fmt.Fprintf(&b, "; %s: %s", v.GetField(), v.GetDescription())
			}
		}
	}
	for _, d := range st.Details() {
		// The generic reasons say nothing the code and message do not; --json carries them.
		if info, ok := d.(*errdetails.ErrorInfo); ok && info.GetReason() != "" &&
			info.GetReason() != grpcx.ReasonFieldInvalid && info.GetReason() != grpcx.ReasonNotFound {
			fmt.Fprintf(&b, " [%s]", info.GetReason())
			switch info.GetReason() {
			case auth.ReasonTokenExpired:
				b.WriteString("; sign in again for a new token (on a dev platform: familytime token --help)")
			case auth.ReasonTokenMalformed:
				b.WriteString("; give the whole token, as it was issued (--token, or FAMILYTIME_TOKEN)")
			}
		}
	}
	return &refusal{text: b.String(), status: st}
}

// refusal is a service's answer to a failed call in words for a person, keeping the answer itself
// for --json (printFailure).
type refusal struct {
	text   string
	status *status.Status
}

func (r *refusal) Error() string { return r.text }

// described reports whether err is already a refusal in words (describe).
func described(err error) bool {
	var r *refusal
	return errors.As(err, &r)
}

// GRPCStatus is the service's answer, so status.Code and status.FromError see through the words.
func (r *refusal) GRPCStatus() *status.Status { return r.status }
