package safeguarding_test

import (
	"bytes"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/paging"
)

// page is one list call: the rows' keys (as the test compares them) and the next page's token.
type page func(size int32, token string) ([]string, string, error)

// everyPage follows next_page_token from the first page to the last, size rows a page: every page
// but the last is full and has a token, the last has none and is never empty unless the list is.
func everyPage(t *testing.T, list page, size int32) []string {
	t.Helper()
	var all []string
	token := ""
	for pages := 0; ; pages++ {
		require.Less(t, pages, 100, "the pages never end")
		rows, next, err := list(size, token)
		require.NoError(t, err)
		all = append(all, rows...)
		if next == "" {
			require.True(t, len(rows) > 0 || pages == 0, "the last page is not an empty page after a full one")
			require.LessOrEqual(t, len(rows), int(size))
			return all
		}
		require.Len(t, rows, int(size), "a page before the last is full")
		token = next
	}
}

// pagesLikeOne checks that a list read 2 rows a page gives want, every row once, in the order of
// the list read as one page.
func pagesLikeOne(t *testing.T, name string, list page, want []string) {
	t.Helper()
	one, next, err := list(500, "")
	require.NoError(t, err)
	require.Empty(t, next, "%s: one page holds them all", name)
	require.Equal(t, want, one, name)
	require.Greater(t, len(want), 2, "%s: more rows than one page of 2", name)
	require.Equal(t, want, everyPage(t, list, 2), "%s: every row once, in order, across pages of 2", name)
}

func day(d *commonv1.Date) string {
	return fmt.Sprintf("%04d-%02d-%02d", d.GetYear(), d.GetMonth(), d.GetDay())
}

func daysAgo(n int) *commonv1.Date {
	d := time.Now().UTC().AddDate(0, 0, -n)
	return &commonv1.Date{Year: int32(d.Year()), Month: int32(d.Month()), Day: int32(d.Day())}
}

// byKey sorts rows of (key, id) by key then id, as PostgreSQL orders a date or an instant and a
// uuid (byte by byte); down reverses both.
func byKey(rows [][2]string, down bool) []string {
	slices.SortFunc(rows, func(a, b [2]string) int {
		c := bytes.Compare([]byte(a[0]), []byte(b[0]))
		if c == 0 {
			x, y := uuid.MustParse(a[1]), uuid.MustParse(b[1])
			c = bytes.Compare(x[:], y[:])
		}
		if down {
			return -c
		}
		return c
	})
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r[1]
	}
	return out
}

// Every safeguarding list pages (package paging) instead of stopping at 1000 rows: read 2 rows a
// page, a family's access records, the lead's alerts, the holds (with lifted ones), the open
// concerns and the overdue reports come back every row once, in the list's order, the last page
// without a token. A token the service did not issue, or one of another list, is InvalidArgument
// naming page_token, as is a page size over 500, and changes nothing.
func TestEveryListPagesThroughEveryRowOnceInOrder(t *testing.T) {
	g := newRig(t)
	ctx := t.Context()
	vol := g.as(t, "volunteer-1", auth.RoleVolunteer)
	lead := g.as(t, "lead-1", auth.RoleSafeguardingLead)
	cleared := today().AddDate(0, -3, 0) // the lead lists reports while the register clears them
	g.staffRegister(t).add(t, "lead-1", schedulingv1.StaffRole_STAFF_ROLE_SAFEGUARDING_LEAD, cleared, cleared)
	centre := g.centre.String()
	fams := g.families(t, 2)
	family, second := fams[0].String(), fams[1].String()

	// Overdue reports: three supervised sessions weeks ago, oldest last, and one today (due, not
	// overdue).
	var overdueBookings []string
	var dueToday string
	var sessions []proto.Message
	for _, ago := range []int{21, 23, 22, 0} {
		b := uuid.NewString()
		if ago > 0 {
			overdueBookings = append(overdueBookings, b)
		} else {
			dueToday = b
		}
		sessions = append(sessions, &schedulingv1.SessionCompleted{BookingId: b, FamilyId: family, CentreId: centre,
			ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPERVISED, SupervisedBy: "supervisor-1", SessionDate: daysAgo(ago)})
	}
	g.other(t, "scheduling", fams[0], g.centre, sessions...)

	// Five concerns (five alerts), about both families.
	var concerns []string
	for i := range 5 {
		f := family
		if i%2 == 1 {
			f = second
		}
		raised, err := vol.RaiseConcern(ctx, &safeguardingv1.RaiseConcernRequest{RequestId: uuid.NewString(), CentreId: centre,
			FamilyId: f, Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_OTHER, Description: fmt.Sprintf("concern %d", i)})
		require.NoError(t, err)
		concerns = append(concerns, raised.GetConcernId())
	}
	// Five holds, the first lifted.
	var holds [][2]string
	for i := range 5 {
		f := family
		if i%2 == 1 {
			f = second
		}
		placed, err := lead.PlaceHold(ctx, &safeguardingv1.PlaceHoldRequest{RequestId: uuid.NewString(), CentreId: centre,
			FamilyId: f, Reason: safeguardingv1.HoldReason_HOLD_REASON_CONDUCT, ReviewBy: review(14)})
		require.NoError(t, err)
		holds = append(holds, [2]string{day(placed.GetHold().GetPlacedOn()), placed.GetHold().GetHoldId()})
	}
	_, err := lead.LiftHold(ctx, &safeguardingv1.LiftHoldRequest{RequestId: uuid.NewString(), CentreId: centre, FamilyId: family,
		HoldId: holds[0][1], Note: "Looked into: contact may resume"})
	require.NoError(t, err)
	// Five reads of the family's record (five access records), and one of the other family's.
	var purposes []string
	for i := range 5 {
		purposes = append(purposes, fmt.Sprintf("read %d", i+1))
		_, err := lead.GetSafeguardingRecord(ctx, &safeguardingv1.GetSafeguardingRecordRequest{CentreId: centre, FamilyId: family,
			Purpose: purposes[i]})
		require.NoError(t, err)
	}
	_, err = lead.GetSafeguardingRecord(ctx, &safeguardingv1.GetSafeguardingRecordRequest{CentreId: centre, FamilyId: second,
		Purpose: "the other family"})
	require.NoError(t, err)

	access := func(size int32, token string) ([]string, string, error) {
		resp, err := lead.ListAccessRecords(ctx, &safeguardingv1.ListAccessRecordsRequest{CentreId: centre, FamilyId: family,
			PageSize: size, PageToken: token})
		var out []string
		for _, r := range resp.GetRecords() {
			out = append(out, r.GetPurpose())
		}
		return out, resp.GetNextPageToken(), err
	}
	pagesLikeOne(t, "access records, oldest first", access, purposes)

	alerts := func(size int32, token string) ([]string, string, error) {
		resp, err := lead.ListAlerts(ctx, &safeguardingv1.ListAlertsRequest{CentreId: centre, PageSize: size, PageToken: token})
		var out []string
		for _, a := range resp.GetAlerts() {
			out = append(out, a.GetConcernId())
		}
		return out, resp.GetNextPageToken(), err
	}
	newestFirst := slices.Clone(concerns)
	slices.Reverse(newestFirst)
	pagesLikeOne(t, "alerts, newest first", alerts, newestFirst)

	holdList := func(lifted bool) page {
		return func(size int32, token string) ([]string, string, error) {
			resp, err := lead.ListHolds(ctx, &safeguardingv1.ListHoldsRequest{CentreId: centre, IncludeLifted: lifted,
				PageSize: size, PageToken: token})
			var out []string
			for _, h := range resp.GetHolds() {
				out = append(out, h.GetHoldId())
			}
			return out, resp.GetNextPageToken(), err
		}
	}
	pagesLikeOne(t, "holds with lifted ones, newest placed first", holdList(true), byKey(slices.Clone(holds), true))
	pagesLikeOne(t, "holds in force", holdList(false), byKey(slices.Clone(holds[1:]), true))

	openConcerns := func(size int32, token string) ([]string, string, error) {
		resp, err := lead.ListOpenConcerns(ctx, &safeguardingv1.ListOpenConcernsRequest{CentreId: centre, PageSize: size, PageToken: token})
		var out []string
		for _, k := range resp.GetConcerns() {
			out = append(out, k.GetConcernId())
		}
		return out, resp.GetNextPageToken(), err
	}
	// All raised today, listed in the order they were raised, not of their random ids (review 61).
	pagesLikeOne(t, "open concerns, oldest first", openConcerns, concerns)

	overdue := func(size int32, token string) ([]string, string, error) {
		resp, err := lead.ListOverdueReports(ctx, &safeguardingv1.ListOverdueReportsRequest{CentreId: centre, PageSize: size, PageToken: token})
		var out []string
		for _, r := range resp.GetReports() {
			out = append(out, r.GetBookingId())
		}
		return out, resp.GetNextPageToken(), err
	}
	require.Eventually(t, func() bool {
		open, err := lead.ListOpenReports(ctx, &safeguardingv1.ListOpenReportsRequest{CentreId: centre})
		return err == nil && len(open.GetReports()) == 4
	}, 30*time.Second, 20*time.Millisecond, "the four sessions' reports are due")
	pagesLikeOne(t, "overdue reports, oldest session first", overdue,
		[]string{overdueBookings[1], overdueBookings[2], overdueBookings[0]})
	open := func(size int32, token string) ([]string, string, error) {
		resp, err := lead.ListOpenReports(ctx, &safeguardingv1.ListOpenReportsRequest{CentreId: centre, PageSize: size, PageToken: token})
		var out []string
		for _, r := range resp.GetReports() {
			out = append(out, r.GetBookingId())
		}
		return out, resp.GetNextPageToken(), err
	}
	pagesLikeOne(t, "open reports, oldest session first, today's too", open,
		[]string{overdueBookings[1], overdueBookings[2], overdueBookings[0], dueToday})

	// Tokens this service did not issue, and tokens of another list, are refused; nothing changes.
	before := g.events(t)
	_, alertsToken, err := alerts(2, "")
	require.NoError(t, err)
	_, holdsToken, err := holdList(true)(2, "")
	require.NoError(t, err)
	notOurs := paging.After{Key: "not a date", ID: uuid.New()}.Encode()
	for name, list := range map[string]page{"access records": access, "alerts": alerts, "holds": holdList(true),
		"open concerns": openConcerns, "overdue reports": overdue, "open reports": open} {
		for _, token := range []string{"not-a-token%", "bm90IGpzb24", notOurs} {
			_, _, err := list(2, token)
			require.Equal(t, "page_token", badField(t, err), "%s, token %q", name, token)
		}
		_, _, err := list(501, "")
		require.Equal(t, "page_size", badField(t, err), name)
	}
	_, _, err = access(2, holdsToken)
	require.Equal(t, "page_token", badField(t, err), "a date-keyed token is not an access records token")
	_, _, err = holdList(true)(2, alertsToken)
	require.Equal(t, "page_token", badField(t, err), "an instant-keyed token is not a holds token")
	require.Equal(t, before, g.events(t), "a refused page records nothing")
	require.Equal(t, codes.PermissionDenied, code(t, func() error {
		_, err := vol.ListAccessRecords(ctx, &safeguardingv1.ListAccessRecordsRequest{CentreId: centre, FamilyId: family, PageSize: 2})
		return err
	}()), "paging changes nothing about who may list")
}
