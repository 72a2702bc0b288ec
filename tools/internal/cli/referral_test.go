package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/testkit"
	"github.com/familytime/familytime/tools/internal/devserver"
)

// exampleFile is the referral the README and docs point people at.
const exampleFile = "../../../docs/referral-example.yaml"

// The example file in docs/ is a SubmitReferralRequest as submit reads it, and the same document
// in JSON reads the same.
func TestReferralExampleFileReads(t *testing.T) {
	var fromYAML referralv1.SubmitReferralRequest
	require.NoError(t, readRequestFile(nil, exampleFile, &fromYAML))
	require.Equal(t, commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, fromYAML.GetSource())
	require.Equal(t, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, fromYAML.GetRequestedServiceType())
	d := fromYAML.GetDetails()
	require.Len(t, d.GetAdults(), 2)
	require.Equal(t, referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT, d.GetAdults()[0].GetRole())
	require.Equal(t, "07700 900481", d.GetAdults()[0].GetContact().GetPhone(), "a quoted phone number stays text")
	require.Equal(t, referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT, d.GetAdults()[1].GetRole())
	require.NotEmpty(t, d.GetAdults()[1].GetContact().GetAddressLines())
	require.Len(t, d.GetChildren(), 1)
	require.Equal(t, int32(2019), d.GetChildren()[0].GetDateOfBirth().GetYear())
	require.Equal(t, referralv1.CourtOrderKind_COURT_ORDER_KIND_CHILD_ARRANGEMENTS, d.GetCourtOrders()[0].GetKind())
	require.True(t, d.GetRisk().GetOtherConcerns())
	require.True(t, d.GetConsentGiven())
	require.Equal(t, "Helen Ward", d.GetReferrer().GetName())
	require.Empty(t, fromYAML.GetCentreId(), "the centre comes from --centre")

	b, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(&fromYAML)
	require.NoError(t, err)
	asJSON := filepath.Join(t.TempDir(), "referral.json")
	require.NoError(t, os.WriteFile(asJSON, b, 0o600))
	var fromJSON referralv1.SubmitReferralRequest
	require.NoError(t, readRequestFile(nil, asJSON, &fromJSON))
	require.True(t, proto.Equal(&fromYAML, &fromJSON))

	var fromStdin referralv1.SubmitReferralRequest
	require.NoError(t, readRequestFile(strings.NewReader(string(b)), "-", &fromStdin))
	require.True(t, proto.Equal(&fromYAML, &fromStdin))
}

// Bad flags and bad files are refused with a message naming the flag or field, before anything
// is sent: there is no platform here, and none of these gets as far as looking for one.
func TestReferralBadInputRefusedBeforeAnyCall(t *testing.T) {
	noDev := t.TempDir()
	centre, ref, person := uuid.NewString(), uuid.NewString(), uuid.NewString()
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(text), 0o600))
		return p
	}
	misspelt := write("misspelt.yaml", "source: REFERRAL_SOURCE_SOLICITOR\ndetails:\n  childs: []\n")
	friendlyEnum := write("friendly.yaml", "source: solicitor\n")
	notYAML := write("broken.yaml", "source: [unclosed\n")
	otherCentre := write("other.json", `{"centre_id": "`+uuid.NewString()+`"}`)
	huge := write("huge.yaml", "source: REFERRAL_SOURCE_SOLICITOR\n# "+strings.Repeat("x", 5<<20)+"\n")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"screen", ref, "--centre", centre, "--rating", "purple"}, `--rating "purple" is not one of: green, amber, red`},
		{[]string{"screen", ref, "--centre", centre}, `required flag(s) "rating" not set`},
		{[]string{"screen", ref, "--rating", "amber"}, `required flag(s) "centre" not set`},
		{[]string{"accept", ref, "--centre", centre, "--service", "babysitting"}, `--service "babysitting" is not one of: supported, supervised, handover`},
		{[]string{"decline", ref, "--centre", centre, "--reason", "bored"}, `--reason "bored" is not one of: risk-too-high`},
		{[]string{"decline", ref, "--centre", centre, "--reason", "redirected", "--redirected-to", "elsewhere"}, `--redirected-to "elsewhere" is not a centre id`},
		{[]string{"decline", ref, "--centre", centre, "--reason", "redirected"}, `--reason redirected needs --redirected-to: the centre (id) the family is passed to`},
		{[]string{"decline", ref, "--centre", centre, "--reason", "out-of-area", "--redirected-to", centre}, `--redirected-to is given only with --reason redirected`},
		{[]string{"decline", ref, "--centre", centre, "--reason", "other", "--note", " "}, `--reason other needs --note saying why`},
		{[]string{"waitlist", ref, "--centre", centre, "--service", "babysitting"}, `--service "babysitting" is not one of: supported, supervised`},
		{[]string{"withdraw", ref, "--centre", centre, "--by", "aunt"}, `--by "aunt" is not one of: referrer, resident-parent`},
		{[]string{"end", ref, "--centre", centre, "--outcome", "happy", "--note", "Parents arrange it"}, `--outcome "happy" is not one of: self-arranged`},
		{[]string{"previsit", ref, "--centre", centre, "--person", person, "--on", "03/06/2026"}, `--on "03/06/2026" is not a date written YYYY-MM-DD, e.g. 2026-12-19: 03/06/2026 could be 3 June 2026 or 6 March 2026; write --on 2026-06-03 or --on 2026-03-06`},
		{[]string{"previsit", ref, "--centre", centre, "--person", "dad"}, `--person "dad" is not a person id`},
		{[]string{"review", ref, "--centre", centre, "--note", "going well", "--on", "2026-02-30"}, `--on "2026-02-30" is not a date`},
		{[]string{"review", ref, "--centre", centre}, `required flag(s) "note" not set`},
		{[]string{"review", ref, "--centre", centre, "--note", ""}, `--note must say what was discussed and decided, in words (at least 3 letters or digits, one a letter)`},
		{[]string{"review", ref, "--centre", centre, "--note", " . "}, `--note must say what was discussed and decided`},
		{[]string{"review", ref, "--centre", centre, "--note", "going well"}, `give what the review decided: --decision continue, change, move-on, refer-back`},
		{[]string{"review", ref, "--centre", centre, "--note", "going well", "--decision", "carry on"}, `--decision "carry on" is not one of: continue, change, move-on, refer-back`},
		{[]string{"change-arrangement", ref, "--centre", centre}, `give what changes: one or more of --frequency, --minutes, --arrive-before, --leave-after`},
		{[]string{"change-arrangement", ref, "--centre", centre, "--minutes", "600"}, `--minutes must be from 15 to 480, not 600`},
		{[]string{"change-arrangement", ref, "--centre", centre, "--arrive-before", "5"}, `--arrive-before must be from 10 to 60 minutes`},
		{[]string{"change-arrangement", ref, "--centre", centre, "--frequency", "daily"}, `--frequency "daily" is not one of: weekly, fortnightly, monthly, other`},
		{[]string{"change-arrangement", ref, "--centre", centre, "--service", "babysitting"}, `--service "babysitting" is not one of: supported, supervised`},
		{[]string{"reviews", "--centre", centre, "--due-by", "next week"}, `--due-by "next week" is not a date`},
		{[]string{"arrangement", ref, "--centre", centre, "--service", "supported", "--frequency", "daily", "--minutes", "60"}, `--frequency "daily" is not one of: weekly, fortnightly, monthly, other`},
		{[]string{"arrangement", ref, "--centre", centre, "--service", "supported", "--frequency", "weekly", "--minutes", "600"}, `--minutes must be from 15 to 480, not 600`},
		{[]string{"arrangement", ref, "--centre", centre, "--service", "supported", "--frequency", "weekly", "--minutes", "60", "--arrive-before", "90"}, `--arrive-before must be from 10 to 60 minutes (the parents are never due at the door within 10 minutes of each other), not 90`},
		{[]string{"list", "--centre", "riverside"}, `--centre "riverside" is not a centre id (a UUID)`},
		{[]string{"list", "--centre", centre, "--state", "lost"}, `--state "lost" is not one of: awaiting-second-party, received`},
		{[]string{"show", "42", "--centre", centre}, `referral id "42" is not a UUID`},
		{[]string{"show", "--centre", centre}, `accepts 1 arg(s), received 0`},
		{[]string{"family", ref, "--centre", centre}, `required flag(s) "purpose" not set`},
		{[]string{"family", ref, "--centre", centre, "--purpose", "  "}, `--purpose must say why`},
		{[]string{"family", ref, "--centre", centre, "--purpose", "."}, `--purpose must say why the family's details are opened, in words (at least 3 letters or digits, one a letter)`},
		{[]string{"family", ref, "--centre", centre, "--purpose", "..."}, `--purpose must say why`},
		{[]string{"family", ref, "--centre", centre, "--purpose", "letter", "--for", "mum"}, `--for "mum" is not a person id`},
		// Review 91: --for "$FATHER" with the variable unset opened the whole family.
		{[]string{"family", ref, "--centre", centre, "--purpose", "letter", "--for", ""}, `--for is empty: give the person id of the adult the copy is for`},
		{[]string{"family", ref, "--centre", centre, "--purpose", "letter", "--for="}, `--for is empty`},
		{[]string{"waitlist", ref, "--centre", centre, "--request-id", "again"}, `--request-id "again" is not a UUID`},
		{[]string{"submit", "--centre", centre}, `required flag(s) "file" not set`},
		{[]string{"submit", "--centre", centre, "--file", filepath.Join(dir, "missing.yaml")}, `no such file`},
		{[]string{"submit", "--centre", centre, "--file", misspelt}, `is not a valid SubmitReferralRequest: unknown field "childs"`},
		{[]string{"submit", "--centre", centre, "--file", friendlyEnum}, `enum values are written in full`},
		{[]string{"submit", "--centre", centre, "--file", notYAML}, `not YAML`},
		{[]string{"submit", "--centre", centre, "--file", otherCentre}, `but --centre is ` + centre},
		{[]string{"submit", "--centre", centre, "--file", huge}, `huge.yaml is larger than 4 MiB`},
		{[]string{"second-party", ref, "--centre", centre, "--file", misspelt}, `is not a valid SubmitSecondPartyApplicationRequest: unknown field "details"`},
		{[]string{"amend", ref, "--centre", centre, "--file", exampleFile}, `is not a valid AmendReferralRequest: unknown field "requested_service_type"`},
		{[]string{"erase", "smith", "--centre", centre, "--reason", "requested"}, `family id "smith" is not a UUID`},
		{[]string{"erase", ref, "--centre", centre, "--reason", "because I said so"}, `--reason "because I said so" is not one of: retention-ended, requested`},
		{[]string{"erase", ref, "--centre", centre}, `required flag(s) "reason" not set`},
		{[]string{"erase", ref, "--centre", "riverside", "--reason", "retention-ended"}, `--centre "riverside" is not a centre id (a UUID)`},
		{[]string{"erase", ref, "--centre", centre, "--reason", "requested", "--request-id", "again"}, `--request-id "again" is not a UUID`},
	} {
		t.Run(strings.Join(c.args[:1], " "), func(t *testing.T) {
			_, err := run(t, append(append([]string{"referral"}, c.args...), "--data", noDev)...)
			require.ErrorContains(t, err, c.want)
			require.NotContains(t, err.Error(), "no running familytime dev found", "refused before looking for a platform")
		})
	}
}

// A request file is people's details: a value written in the wrong kind (a phone left unquoted in
// YAML reads as a number, a name where a list belongs, a stray word in JSON) is refused naming
// the field, never repeating the value, which would reach the screen and whatever collects the
// command's output.
func TestAMalformedRequestFileIsRefusedWithoutRepeatingItsValues(t *testing.T) {
	noDev := t.TempDir()
	centre := uuid.NewString()
	dir := t.TempDir()
	for _, c := range []struct{ name, text, want string }{
		{"phone.yaml", "source: REFERRAL_SOURCE_SELF\ndetails:\n  adults:\n    - full_name: Jo Bloggs\n      contact: {phone: 07700900123}\n", `invalid value for string field phone: the value is not of that kind (in YAML a phone number`},
		{"names.yaml", "source: REFERRAL_SOURCE_SELF\ndetails:\n  adults: Jo Bloggs 07700900123\n", `syntax error: unexpected value (is a comma, quote or bracket missing before it?)`},
		{"token.json", `{"source": "REFERRAL_SOURCE_SELF", "details": {"adults": [{"full_name": "Jo" "Bloggs 07700900123"}]}}`, `unexpected value (is a comma, quote or bracket missing before it?)`},
		{"enum.yaml", "source: Jo Bloggs 07700900123\n", `invalid value for enum field source: the value is not of that kind`},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(dir, c.name)
			require.NoError(t, os.WriteFile(p, []byte(c.text), 0o600))
			out, err := run(t, "referral", "submit", "--centre", centre, "--file", p, "--data", noDev)
			require.ErrorContains(t, err, c.want)
			for _, said := range []string{err.Error(), out} {
				require.NotContains(t, said, "7700900123")
				require.NotContains(t, said, "Bloggs")
			}
		})
	}
}

// Whatever a family's details hold, the referral commands never print a control character raw:
// escape codes, C1 controls, text-reordering marks and invalid UTF-8 come out escaped, in tables
// and in JSON (which reads back the same), and in errors.
func TestReferralOutputEscapesControlCharacters(t *testing.T) {
	evil := "Emma \x1b[2J\x1b[31mEVIL\x1b[0m Clarke\u009b1m\u202e\u200b\U000E0041"
	family := &referralv1.Family{FamilyId: uuid.NewString(), ReferralId: uuid.NewString(),
		Adults: []*referralv1.Adult{{Role: referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT, FullName: evil,
			Contact: &referralv1.ContactDetails{Phone: "07700\x07900123", Postcode: "M1\x7f4BT", AddressLines: []string{"1 Lane\r\x1b[A"}}}},
		Children: []*referralv1.Child{{FullName: "Lily\x1b]0;title\x07", Needs: "none\x1b[8m"}},
		Details:  &referralv1.ReferralDetails{Reason: "line one\nline two\x1b[2J", Referrer: &referralv1.Referrer{Name: "Sam\x1b[5m"}}}
	raw := func(t *testing.T, out string) {
		t.Helper()
		for _, r := range out {
			if r == '\n' {
				continue
			}
			require.False(t, unicode.IsControl(r) || unicode.Is(unicode.Cf, r), "%q printed raw in %q", r, out)
		}
	}

	var text bytes.Buffer
	require.NoError(t, printFamily(&text, &output{}, family, ""))
	raw(t, text.String())
	require.Contains(t, text.String(), `Emma \u001b[2J\u001b[31mEVIL\u001b[0m Clarke\u009b1m\u202e\u200b\udb40\udc41`)
	require.Contains(t, text.String(), `line one line two\u001b[2J`, "free text on one line")

	var asJSON bytes.Buffer
	require.NoError(t, (&output{json: true}).one(escaped(&asJSON), family, nil))
	raw(t, asJSON.String())
	var back referralv1.Family
	require.NoError(t, protojson.Unmarshal(asJSON.Bytes(), &back), asJSON.String())
	require.Equal(t, evil, back.GetAdults()[0].GetFullName(), "JSON reads back what was stored")

	var list bytes.Buffer
	require.NoError(t, printReferral(&list, &output{}, &referralv1.Referral{ReferralId: "ref\x1b[2J"}))
	raw(t, list.String())

	err := printableError(errors.New("server says \x1b[2Jno"))
	require.EqualError(t, err, `server says \u001b[2Jno`)
	plain := errors.New("nothing to escape\non two lines")
	require.Same(t, plain, printableError(plain))
}

// The family's path from docs/referral-example.yaml to ready for contact and on to its end, with
// the commands a coordinator runs, against a running dev platform; and a self-referral through
// the other parent's application, an amendment, waitlisting and a decline.
func TestReferralPathOnTheDevPlatform(t *testing.T) {
	dir := startDevPlatform(t)
	data := []string{"--data", dir}

	out, err := run(t, append([]string{"centre", "register", "--name", "Riverside Family Time Centre", "--region", "north-west",
		"--service", "supported", "--service", "supervised", "--status", "accredited", "--accredited-on", "2025-03-01", "--json"}, data...)...)
	require.NoError(t, err)
	var c schedulingv1.Centre
	require.NoError(t, protojson.Unmarshal([]byte(out), &c))
	centre := c.GetCentreId()
	token, err := run(t, append([]string{"token", "--role", "coordinator", "--centre", centre}, data...)...)
	require.NoError(t, err)
	as := append([]string{"--centre", centre, "--token", strings.TrimSpace(token)}, data...)
	referral := func(args ...string) (string, error) {
		return run(t, append(append([]string{"referral"}, args...), as...)...)
	}
	asReferral := func(out string) *referralv1.Referral {
		var r referralv1.Referral
		require.NoError(t, protojson.Unmarshal([]byte(out), &r), out)
		return &r
	}

	// The dev admin token is national: it cannot do a centre's casework, and is told which can.
	_, err = run(t, append([]string{"referral", "submit", "--centre", centre, "--file", exampleFile}, data...)...)
	require.ErrorContains(t, err, "not allowed")
	require.ErrorContains(t, err, "familytime token --role coordinator --centre "+centre)

	// A coordinator with a token and no place on the centre's staff register does no casework
	// (decision 110); the administrator adds them (dev-user, the token's subject).
	_, err = referral("list")
	require.ErrorContains(t, err, "not cleared to work on the centre's referrals and families")
	month := time.Now().AddDate(0, -1, 0).Format(time.DateOnly)
	_, err = run(t, append([]string{"staff", "add", "--centre", centre, "--account", "dev-user", "--role", "coordinator",
		"--dbs-checked", month, "--trained", month}, data...)...)
	require.NoError(t, err)

	// Submit the example: the referral service learns of the new centre, and of its register, from
	// scheduling's events, so the first tries may find them not yet there; the same request id
	// makes retrying safe.
	submitted := uuid.NewString()
	require.Eventually(t, func() bool {
		out, err = referral("submit", "--file", exampleFile, "--request-id", submitted, "--json")
		if err != nil && !strings.Contains(err.Error(), "not cleared to work") {
			require.ErrorContains(t, err, "is not a centre in the directory")
		}
		return err == nil
	}, 30*time.Second, 50*time.Millisecond)
	ref := asReferral(out)
	id := ref.GetReferralId()
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_RECEIVED, ref.GetState())
	require.Equal(t, commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, ref.GetSource())
	mother, father := personIn(t, ref, referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT), personIn(t, ref, referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT)

	again, err := referral("submit", "--file", exampleFile, "--request-id", submitted, "--json")
	require.NoError(t, err)
	require.Equal(t, id, asReferral(again).GetReferralId(), "the same request id is the same referral")

	out, err = referral("list")
	require.NoError(t, err)
	require.Contains(t, out, "REFERRAL")
	require.Contains(t, out, id)
	require.Contains(t, out, "received")
	require.Contains(t, out, "supported (asked)")
	out, err = referral("list", "--json")
	require.NoError(t, err)
	listed := referralsOf(t, out)
	require.Len(t, listed, 1)
	require.Equal(t, id, listed[0].GetReferralId())
	out, err = referral("list", "--state", "ready-for-contact")
	require.NoError(t, err)
	require.Equal(t, "no referrals\n", out)

	out, err = referral("show", id)
	require.NoError(t, err)
	require.Contains(t, out, "state:")
	require.Contains(t, out, "not screened")
	require.Contains(t, out, "ROLE")
	require.Contains(t, out, "PRE-VISIT")
	require.Regexp(t, `resident parent\s+`+mother+`\s+no\s+yes\s+yes\s+yes\s+needed`, out, "the people table: role, id, attend, bring, collect, contact given, pre-visit")
	require.Regexp(t, `non-resident parent\s+`+father+`\s+yes\s+no\s+no\s+yes\s+needed`, out)
	require.Contains(t, out, "5 to 10", "the child's age band")
	require.NotContains(t, out, "Emma", "show opens no personal details")

	out, err = referral("family", id, "--purpose", "phone the parents to book their pre-visits")
	require.NoError(t, err)
	require.Regexp(t, `version:\s+\d+`, out, "the version the details were read at, for an amendment")
	for _, want := range []string{"Emma Clarke", "Daniel Clarke", "07700 900481", "07700 900752", "Lily Clarke", "2019-05-14",
		"child arrangements", "Helen Ward", "other concerns", "M19 3PQ"} {
		require.Contains(t, out, want)
	}
	out, err = referral("family", id, "--purpose", "letter to Mr Clarke confirming the pre-visit", "--for", father)
	require.NoError(t, err)
	require.Contains(t, out, "07700 900752", "his own details")
	require.Contains(t, out, "Emma Clarke")
	for _, hidden := range []string{"07700 900481", "Orchard Way", "M19 3PQ", "emma.clarke@example.org"} {
		require.NotContains(t, out, hidden, "never the other parent's details")
	}
	require.NotContains(t, out, "inhaler", "nor the children's needs, the referrer's words (review 41)")
	require.Contains(t, out, "needs: held by the centre, not given in a party's copy")
	out, err = referral("family", id, "--purpose", "export", "--json")
	require.NoError(t, err)
	var family referralv1.Family
	require.NoError(t, protojson.Unmarshal([]byte(out), &family))
	require.Equal(t, "Emma Clarke", family.GetAdults()[0].GetFullName())
	// Review 73: given the family's id, it says the command takes the referral's.
	_, err = referral("family", family.GetFamilyId(), "--purpose", "letter to the family")
	require.ErrorContains(t, err, "referral family takes the referral's id, not the family's")
	// Review 85 L1: the referral right and --for a child, it says what --for takes.
	_, err = referral("family", id, "--purpose", "letter to the child", "--for", family.GetChildren()[0].GetPersonId())
	require.ErrorContains(t, err, "--for takes an adult named on this referral")
	require.NotContains(t, err.Error(), "not the family's")

	// Screen, accept, the two pre-visits and the arrangement: ready for contact.
	out, err = referral("screen", id, "--rating", "amber", "--note", "Hostile communication; stagger arrivals")
	require.NoError(t, err)
	require.Regexp(t, `state:\s+screened`, out)
	require.Regexp(t, `screening:\s+amber`, out)
	out, err = referral("accept", id, "--service", "supported")
	require.NoError(t, err)
	require.Regexp(t, `state:\s+accepted`, out)
	_, err = referral("decline", id, "--reason", "other", "--note", "Changed our minds")
	require.ErrorContains(t, err, "the referral is accepted and is no longer declined: withdraw it", "an accepted referral is not declined")
	out, err = referral("previsit", id, "--person", mother, "--ground-rules-signed", "--note", "Came with Lily")
	require.NoError(t, err)
	require.Regexp(t, `resident parent\s+`+mother+`\s+no\s+yes\s+yes\s+yes\s+done`, out)
	require.Regexp(t, `non-resident parent\s+`+father+`.*needed`, out)
	out, err = referral("previsit", id, "--person", father, "--ground-rules-signed", "--json")
	require.NoError(t, err)
	visited := asReferral(out)
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_ACCEPTED, visited.GetState(), "no arrangement yet")
	for _, a := range visited.GetAdults() {
		require.True(t, a.GetPreVisitDone())
	}
	// The notes recorded with the steps are read with the family's details (decision 207).
	out, err = referral("family", id, "--purpose", "read what was noted at screening and the pre-visits")
	require.NoError(t, err)
	require.Regexp(t, `screening\s+Hostile communication; stagger arrivals`, out)
	require.Regexp(t, `pre-visit\s+Came with Lily`, out)
	out, err = referral("arrangement", id, "--service", "supported", "--frequency", "fortnightly", "--minutes", "120",
		"--arrive-before", "15", "--leave-after", "10")
	require.NoError(t, err)
	require.Regexp(t, `state:\s+ready for contact`, out)
	require.Contains(t, out, "supported, fortnightly, 120 minutes; visiting parent arrives 15 min before, leaves 10 min after")

	out, err = referral("show", id, "--json")
	require.NoError(t, err)
	ready := asReferral(out)
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_READY_FOR_CONTACT, ready.GetState())
	require.Equal(t, referralv1.RiskRating_RISK_RATING_AMBER, ready.GetRating())
	require.Equal(t, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, ready.GetServiceType())
	out, err = referral("list", "--state", "ready-for-contact", "--json")
	require.NoError(t, err)
	require.Len(t, referralsOf(t, out), 1)

	// Once the family is ready the arrangement is changed, not recorded again (decisions.md 90):
	// only what is given changes, and the kind of contact stays.
	_, err = referral("arrangement", id, "--service", "supported", "--frequency", "weekly", "--minutes", "90")
	require.ErrorContains(t, err, "the family is already ready for contact")
	require.ErrorContains(t, err, "familytime referral change-arrangement "+id)
	out, err = referral("change-arrangement", id, "--minutes", "90", "--arrive-before", "20")
	require.NoError(t, err)
	require.Regexp(t, `state:\s+ready for contact`, out)
	require.Contains(t, out, "supported, fortnightly, 90 minutes; visiting parent arrives 20 min before, leaves 10 min after")
	_, err = referral("change-arrangement", id, "--service", "supervised")
	require.ErrorContains(t, err, "stepping down from supervised to supported contact is a case outcome")
	out, err = referral("show", id)
	require.NoError(t, err)
	require.Regexp(t, `contact began on:\s+-`, out, "no session yet")
	require.NotContains(t, out, "supported contact:", "not in contact: nothing to flag")

	// A review needs contact to have begun; the refusal says so. No case is due a review yet.
	_, err = referral("review", id, "--decision", "continue", "--note", "too early")
	require.ErrorContains(t, err, "contact")
	out, err = referral("reviews")
	require.NoError(t, err)
	require.Contains(t, out, "no reviews due by")
	out, err = referral("reviews", "--json")
	require.NoError(t, err)
	require.JSONEq(t, "[]", out)

	// A second referral for the same child is flagged as a possible duplicate; it is withdrawn.
	// The same file sent again is a retry (review 51): a second referral is sent with its own id.
	out, err = referral("submit", "--file", exampleFile, "--request-id", uuid.NewString(), "--json")
	require.NoError(t, err)
	dupe := asReferral(out)
	require.NotEqual(t, id, dupe.GetReferralId())
	require.Equal(t, []string{id}, dupe.GetPossibleDuplicateOf())
	out, err = referral("show", dupe.GetReferralId())
	require.NoError(t, err)
	require.Regexp(t, `possible duplicate of:\s+`+id, out)
	out, err = referral("list")
	require.NoError(t, err)
	require.Regexp(t, dupe.GetReferralId()+`\s.*\s`+id[:8], out, "the list shows it too, where staff look")
	out, err = referral("withdraw", dupe.GetReferralId(), "--by", "referrer", "--note", "Sent twice by mistake")
	require.NoError(t, err)
	require.Regexp(t, `state:\s+withdrawn`, out)

	// The case ends. It never had a session, so it did not move on to contact the parents arrange
	// themselves (decision 168); it is referred back to the court, and show says how and when it
	// ended, in --json too.
	_, err = referral("end", id, "--outcome", "self-arranged", "--note", "Parents arrange contact themselves")
	require.ErrorContains(t, err, "contact has not begun")
	out, err = referral("show", id)
	require.NoError(t, err)
	require.NotContains(t, out, "outcome:", "an open case has none")
	out, err = referral("end", id, "--outcome", "referred-back-to-court", "--note", "The court is to decide again")
	require.NoError(t, err)
	require.Regexp(t, `state:\s+ended`, out)
	out, err = referral("show", id)
	require.NoError(t, err)
	require.Regexp(t, `outcome:\s+referred-back-to-court`, out)
	require.Regexp(t, `ended on:\s+\d{4}-\d{2}-\d{2}`, out)
	out, err = referral("show", id, "--json")
	require.NoError(t, err)
	require.Equal(t, referralv1.CaseOutcome_CASE_OUTCOME_REFERRED_BACK_TO_COURT, asReferral(out).GetOutcome())
	require.NotNil(t, asReferral(out).GetEndedOn())

	// The ended case's family is erased, by an administrator (the dev admin token), once: a
	// coordinator is refused and told who may, a second erasure is refused, and the summary says
	// when the family was erased. The case closed today, so its retention has not ended: the
	// refusal says until when the records are kept, why, and that a person's request is made with
	// reason requested (decision 322); the family is erased at its request.
	_, err = referral("erase", ref.GetFamilyId(), "--reason", "requested")
	require.ErrorContains(t, err, "not allowed")
	require.ErrorContains(t, err, "familytime token --role admin")
	_, err = run(t, append([]string{"referral", "erase", ref.GetFamilyId(), "--centre", centre, "--reason", "retention-ended"}, data...)...)
	require.ErrorContains(t, err, "the retention of the family's records has not ended: they are kept until ")
	require.ErrorContains(t, err, " (6 years after the case closed on ")
	require.ErrorContains(t, err, "an erasure a person asked for is made with reason requested [RETENTION_NOT_ENDED]")
	erase := append([]string{"referral", "erase", ref.GetFamilyId(), "--centre", centre, "--reason", "requested"}, data...)
	out, err = run(t, erase...)
	require.NoError(t, err)
	require.Regexp(t, `personal data erased on:\s+\d{4}-\d{2}-\d{2}`, out)
	require.Contains(t, out, "cannot be undone")
	_, err = run(t, erase...)
	require.ErrorContains(t, err, "already")
	out, err = referral("show", id)
	require.NoError(t, err)
	require.Regexp(t, `personal data erased on:`, out)

	// A self-referral waits for the other parent's application, is amended, waitlisted and
	// declined.
	var self referralv1.SubmitReferralRequest
	require.NoError(t, readRequestFile(nil, exampleFile, &self))
	self.Source = commonv1.ReferralSource_REFERRAL_SOURCE_SELF
	self.Details.Referrer = nil
	applicant := self.Details.Adults[1]
	self.Details.Adults = self.Details.Adults[:1]
	self.Details.Children[0].FullName, self.Details.Children[0].DateOfBirth = "Noah Clarke", &commonv1.Date{Year: 2021, Month: 2, Day: 3}
	files := t.TempDir()
	selfFile := writeMessage(t, files, "self.json", &self)
	out, err = referral("submit", "--file", selfFile, "--json")
	require.NoError(t, err)
	selfRef := asReferral(out)
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_AWAITING_SECOND_PARTY, selfRef.GetState())
	_, err = referral("screen", selfRef.GetReferralId(), "--rating", "green")
	require.ErrorContains(t, err, "waiting for the other parent's application")

	secondFile := writeMessage(t, files, "second.json", &referralv1.SubmitSecondPartyApplicationRequest{Parent: applicant,
		Risk: &referralv1.RiskAnswers{}, ConsentGiven: true})
	out, err = referral("second-party", selfRef.GetReferralId(), "--file", secondFile)
	require.NoError(t, err)
	require.Regexp(t, `state:\s+received`, out)

	out, err = referral("family", selfRef.GetReferralId(), "--purpose", "correct the availability", "--json")
	require.NoError(t, err)
	var opened referralv1.Family
	require.NoError(t, protojson.Unmarshal([]byte(out), &opened))
	details := opened.GetDetails()
	details.Availability = "Sunday afternoons"
	out, err = referral("show", selfRef.GetReferralId(), "--json")
	require.NoError(t, err)
	version := asReferral(out).GetVersion()
	require.Equal(t, version, opened.GetVersion(), "the details opened carry the version they were read at, for the amendment")
	amendFile := writeMessage(t, files, "amend.yaml", &referralv1.AmendReferralRequest{Details: details})
	_, err = referral("amend", selfRef.GetReferralId(), "--file", amendFile)
	require.ErrorContains(t, err, "--expected-version N", "an amendment says which version it was made from (review 16)")
	out, err = referral("show", selfRef.GetReferralId(), "--json")
	require.NoError(t, err)
	require.Equal(t, version, asReferral(out).GetVersion(), "refused before any call: nothing changed")
	_, err = referral("amend", selfRef.GetReferralId(), "--file", amendFile, "--expected-version", "1")
	require.ErrorContains(t, err, "someone else changed this record first", "a stale version is refused")
	out, err = referral("amend", selfRef.GetReferralId(), "--file", amendFile, "--expected-version", strconv.FormatInt(version, 10), "--json")
	require.NoError(t, err)
	require.Greater(t, asReferral(out).GetVersion(), version)
	// A file naming a stale version, amended knowingly as the referral now stands (review 19).
	details.Availability = "Saturday mornings"
	staleFile := writeMessage(t, files, "stale.yaml", &referralv1.AmendReferralRequest{Details: details, ExpectedVersion: version})
	_, err = referral("amend", selfRef.GetReferralId(), "--file", staleFile, "--whatever-is-current", "--expected-version", "1")
	require.ErrorContains(t, err, "give one")
	out, err = referral("amend", selfRef.GetReferralId(), "--file", staleFile, "--whatever-is-current", "--json")
	require.NoError(t, err, "the file's stale version is set aside")
	require.Greater(t, asReferral(out).GetVersion(), version+1)

	_, err = referral("screen", selfRef.GetReferralId(), "--rating", "green")
	require.NoError(t, err)
	out, err = referral("waitlist", selfRef.GetReferralId())
	require.NoError(t, err)
	require.Regexp(t, `state:\s+waitlisted`, out)
	out, err = referral("decline", selfRef.GetReferralId(), "--reason", "cannot-meet-needs", "--note", "No Sunday sessions")
	require.NoError(t, err)
	require.Regexp(t, `state:\s+declined`, out)
}

// startDevPlatform runs a dev platform on a fresh database and returns its data folder.
func startDevPlatform(t *testing.T) string {
	t.Helper()
	dir, _ := startDevPlatformOn(t)
	return dir
}

// startDevPlatformOn is startDevPlatform, with the test database whose owner (a superuser)
// created the platform's databases, named by its name and "_<service>".
func startDevPlatformOn(t *testing.T) (string, *testkit.Database) {
	t.Helper()
	return startDevPlatformWith(t, devserver.Config{})
}

// startDevPlatformWith is startDevPlatformOn with cfg (its clock), in a new data folder.
func startDevPlatformWith(t *testing.T, cfg devserver.Config) (string, *testkit.Database) {
	t.Helper()
	dir := t.TempDir()
	db := testkit.Postgres(t)
	prefix := db.Name + "_"
	cfg.DataDir, cfg.DatabaseURL, cfg.DatabasePrefix = dir, db.OwnerURL, prefix
	p, err := devserver.Start(t.Context(), cfg)
	require.NoError(t, err)
	t.Cleanup(func() {
		_ = p.Stop(context.Background())
		dropDevDatabases(t, db, prefix)
	})
	return dir, db
}

// dropDevDatabases drops the databases a dev platform made on db's server under prefix.
func dropDevDatabases(t *testing.T, db *testkit.Database, prefix string) {
	conn, err := pgx.Connect(context.Background(), db.OwnerURL)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	for _, svc := range devserver.Services {
		for _, name := range []string{prefix + svc, devserver.KeyStoreName(prefix, svc)} {
			_, err := conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
			require.NoError(t, err)
		}
	}
}

func personIn(t *testing.T, r *referralv1.Referral, role referralv1.AdultRole) string {
	t.Helper()
	for _, a := range r.GetAdults() {
		if a.GetRole() == role {
			return a.GetPersonId()
		}
	}
	t.Fatalf("no %s on the referral", role)
	return ""
}

func referralsOf(t *testing.T, out string) []*referralv1.Referral {
	t.Helper()
	return listOf[referralv1.Referral](t, out)
}

// listOf reads a command's --json output that is a list of messages of type M.
func listOf[M any, P interface {
	*M
	proto.Message
}](t *testing.T, out string) []P {
	t.Helper()
	var items []json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(out), &items), out)
	list := make([]P, len(items))
	for i, b := range items {
		list[i] = P(new(M))
		require.NoError(t, protojson.Unmarshal(b, list[i]))
	}
	return list
}

// writeMessage writes a request file as JSON, or for .yaml as YAML (JSON is YAML).
func writeMessage(t *testing.T, dir, name string, m proto.Message) string {
	t.Helper()
	b, err := protojson.MarshalOptions{UseProtoNames: true, Multiline: true}.Marshal(m)
	require.NoError(t, err)
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, b, 0o600))
	return p
}

// show says when contact began, and flags supported contact beyond 6 months as short-term and
// beyond 12 as exceptional, in the words the reviews table uses (decisions.md 90).
func TestReferralShowFlagsLongSupportedContact(t *testing.T) {
	for term, want := range map[referralv1.SupportedContactTerm]string{
		referralv1.SupportedContactTerm_SUPPORTED_CONTACT_TERM_WITHIN_SIX_MONTHS:    `supported contact:\s+within 6 months`,
		referralv1.SupportedContactTerm_SUPPORTED_CONTACT_TERM_BEYOND_SIX_MONTHS:    `supported contact:\s+beyond 6 months: supported contact is short-term`,
		referralv1.SupportedContactTerm_SUPPORTED_CONTACT_TERM_BEYOND_TWELVE_MONTHS: `supported contact:\s+beyond 12 months: exceptional`,
	} {
		var out bytes.Buffer
		require.NoError(t, printReferral(&out, &output{}, &referralv1.Referral{CentreId: uuid.NewString(), State: referralv1.ReferralState_REFERRAL_STATE_IN_CONTACT,
			FirstSessionOn: &commonv1.Date{Year: 2025, Month: 1, Day: 11}, SupportedContactTerm: term}))
		require.Regexp(t, `contact began on:\s+2025-01-11`, out.String())
		require.Regexp(t, want, out.String())
	}
}

// A second parent's answer is the referral's id and state (decision 97): show prints those, not a
// summary of blanks and "no" that would read as facts about the family.
func TestReferralApplicantsAnswerPrintsIDAndState(t *testing.T) {
	var out bytes.Buffer
	id := uuid.NewString()
	require.NoError(t, printReferral(&out, &output{}, &referralv1.Referral{ReferralId: id, State: referralv1.ReferralState_REFERRAL_STATE_RECEIVED}))
	require.Regexp(t, `referral:\s+`+id, out.String())
	require.Regexp(t, `state:\s+received`, out.String())
	require.NotContains(t, out.String(), "domestic abuse")
	require.NotContains(t, out.String(), "version")
}

// show says a disclosure of domestic abuse later answered "no" (decision 191), and a second
// applicant whose details matched the first's, for the coordinator to check (decision 192).
func TestReferralShowSaysARetractionAndAnApplicantsMatch(t *testing.T) {
	disclosed := &commonv1.Date{Year: 2026, Month: 11, Day: 2}
	var out bytes.Buffer
	require.NoError(t, printReferral(&out, &output{}, &referralv1.Referral{CentreId: uuid.NewString(),
		State: referralv1.ReferralState_REFERRAL_STATE_RECEIVED, DomesticAbuseDisclosedOn: disclosed,
		SecondApplicantMatches: []referralv1.ApplicantDetail{referralv1.ApplicantDetail_APPLICANT_DETAIL_PHONE,
			referralv1.ApplicantDetail_APPLICANT_DETAIL_FULL_NAME}}))
	require.Regexp(t, `domestic abuse finding:\s+no finding recorded \(only the safeguarding lead screens it without a finding\); `+
		`domestic abuse disclosed on 2026-11-02, later answered no: for the lead to weigh`, out.String())
	require.Regexp(t, `second applicant matches the first's:\s+phone, full name: check with each parent that the two applicants are two people`, out.String())

	out.Reset()
	require.NoError(t, printReferral(&out, &output{}, &referralv1.Referral{CentreId: uuid.NewString(),
		State: referralv1.ReferralState_REFERRAL_STATE_SCREENED, DomesticAbuseFinding: true, DomesticAbuseDisclosedOn: disclosed,
		RiskAnswersDiscloseDomesticAbuse: true,
		SecondApplicantMatches:           []referralv1.ApplicantDetail{referralv1.ApplicantDetail_APPLICANT_DETAIL_ROLE}, SecondApplicantChecked: true}))
	require.Regexp(t, `domestic abuse finding:\s+yes\n`, out.String())
	require.Regexp(t, `second applicant matches the first's:\s+role \(checked at screening: two people\)`, out.String())
}

// A disclosure on an earlier referral of the child is said without naming that referral's family
// or centre, and an erased family's children show no birth month (decision 194).
func TestReferralShowSaysAnEarlierDisclosureAndNoBirthMonthOnceErased(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, printReferral(&out, &output{}, &referralv1.Referral{CentreId: uuid.NewString(),
		State: referralv1.ReferralState_REFERRAL_STATE_RECEIVED, DomesticAbuseDisclosedEarlier: true}))
	require.Regexp(t, `domestic abuse finding:\s+no finding recorded \(only the safeguarding lead screens it without a finding\); `+
		`domestic abuse disclosed on another referral of this child: for the lead to weigh`, out.String())

	out.Reset()
	child := uuid.NewString()
	require.NoError(t, printReferral(&out, &output{}, &referralv1.Referral{CentreId: uuid.NewString(),
		State: referralv1.ReferralState_REFERRAL_STATE_WITHDRAWN, ErasedOn: &commonv1.Date{Year: 2026, Month: 11, Day: 30},
		Children: []*referralv1.ChildSummary{{PersonId: child}}}))
	require.Regexp(t, child+`\s+-\s`, out.String())
	require.NotContains(t, out.String(), "0000-00")
}

// Past screening a disclosure with no finding recorded points at what the lead can do, a risk
// assessment, not at the screen, which is refused there (review 28, decision 197).
func TestReferralShowPointsPastScreeningAtTheLeadsAssessment(t *testing.T) {
	family := uuid.NewString()
	for _, state := range []referralv1.ReferralState{referralv1.ReferralState_REFERRAL_STATE_ACCEPTED,
		referralv1.ReferralState_REFERRAL_STATE_READY_FOR_CONTACT, referralv1.ReferralState_REFERRAL_STATE_WITHDRAWN} {
		var out bytes.Buffer
		require.NoError(t, printReferral(&out, &output{}, &referralv1.Referral{CentreId: uuid.NewString(), FamilyId: family,
			State: state, DomesticAbuseDisclosedEarlier: true}))
		require.Regexp(t, `domestic abuse finding:\s+no finding recorded \(past screening: the safeguarding lead weighs it by a risk `+
			`assessment, familytime safeguarding risk --family `+family+`\); domestic abuse disclosed on another referral`, out.String(), state)
		require.NotContains(t, out.String(), "screens it", state)
	}
}
