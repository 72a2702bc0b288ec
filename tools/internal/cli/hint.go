package cli

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/spf13/cobra"
	"google.golang.org/grpc/codes"

	"github.com/familytime/familytime/services/platform/auth"
)

// A permission refusal is worded here, for every command (hintRefusals), from the token the
// command sent: a referrer (a solicitor, Cafcass, a parent) or a national analyst is told what
// their role does, never to mint a staff token (decision 242 did so for referral commands only;
// review 41 found schedule's, safeguarding's and the rest still told a referrer to mint a
// coordinator's); anyone else is told the token that works on familytime dev.

// hintRefusals makes every command under root word its permission refusals (refusalHint).
func hintRefusals(root *cobra.Command) {
	for _, sub := range root.Commands() {
		hintRefusals(sub)
	}
	if run := root.RunE; run != nil {
		root.RunE = func(cmd *cobra.Command, args []string) error {
			return refusalHint(run(cmd, args), cmd.CommandPath(), senderToken(cmd), flagValue(cmd, "centre"), dataDir(cmd))
		}
	}
}

// refusalHint is err with a hint on what to do when it is a service's permission refusal the
// command gave as the service worded it (describe); anything else, and a refusal the command has
// already put in its own words (an erasure's, which is an administrator's), is returned as it is.
// command is the command's path ("familytime schedule book"), so the hint names what the person
// typed rather than the service's call (review 51); token is the one the command sent, read
// unverified only to word the hint (the services verify it); centre is the command's --centre, for
// the staff token's hint; dataDir is its --data when given, so that the token command runs as
// printed beside that dev platform (review 45).
//
// A member of staff refused for their role is told who does it and to ask them: the token that
// works is given after it as a developer's way of trying the command on familytime dev, never as
// what the volunteer at the door should do (review 51 read it as teaching impersonation). Refused
// for a centre, they are told which centres their token is for, since a mistyped id is the likelier
// cause than a missing token.
func refusalHint(err error, command, token, centre, dataDir string) error {
	r, ok := err.(*refusal)
	if ok && reasonOf(r) == "NOT_CLEARED" {
		return notClearedHint(err, token, centre, dataDir)
	}
	if !ok || r.status.Code() != codes.PermissionDenied {
		return err
	}
	roles := tokenRoles(token)
	if does := nonStaffDoes(roles); does != "" {
		return fmt.Errorf("%w\n(%s)", err, does)
	}
	var hint string
	needs, at, ok := neededRoles(r.status.Message())
	if ok {
		words := make([]string, len(needs))
		for i, n := range needs {
			words[i] = roleInWords(n)
		}
		hint = command + " is done by " + orList(words) + ": ask " + askWhom(asked(needs, roles)) + " to do it"
		if other := insteadFor(command, roles); other != "" {
			hint += "; " + other
		}
	} else if needs, at, ok = outsideCentres(r.status.Message(), roles); ok {
		hint = "your token is for " + tokenCentres(token) + ", not " + at + ": check the centre's id (familytime centre list " +
			"names every centre); if you do work there, ask for a token for it in your role"
	} else {
		return err
	}
	if at != "" {
		centre = at
	}
	role := needs[0] // the policy's first, unless a staff role is named: the caller is staff
	for _, n := range needs {
		if staffRoles[n] != "" {
			role = n
			break
		}
	}
	if r, ok := centreRole(needs, roles); ok {
		// decision 321: a centre's staff are pointed at a role their centre has (review 56: a
		// volunteer refused the return was shown an administrator's token).
		role = r
	}
	mint := "familytime token --role " + string(role)
	var register string
	if !national(role) {
		if _, perr := uuid.Parse(centre); perr != nil {
			centre = "<centre id>"
		}
		mint += " --centre " + centre
		if staffRoles[role] != "" {
			// Staff act only while the centre's register clears them (NOT_CLEARED otherwise):
			// a token for an account not on it is refused next (review 45).
			mint += " --subject <an account on its staff register>"
			list := "familytime staff list --centre " + centre
			if dataDir != "" {
				list += " --data " + dataDir
			}
			register = "\n  (" + list + " shows who is on the register; on the demo, each " +
				"centre's own sim-coordinator-NNN, sim-staff-NNN and sim-lead-NNN, NNN the centre's number in its name)"
		}
	}
	if role != auth.RoleAdmin && len(roles) > 0 && !slices.ContainsFunc(roles, func(r auth.Role) bool { return r != auth.RoleAdmin }) {
		hint += "; the dev admin token sets centres up and reads summaries, but does no casework"
	}
	if dataDir != "" {
		mint += " --data " + dataDir
	}
	return fmt.Errorf("%w\n(%s.\nA developer trying it on familytime dev in that role:\n  --token \"$(%s)\"%s)", err, hint, mint, register)
}

// insteadFor is what a role refused a command does instead, where the role has its own way to the
// same need: a safeguarding lead refused a family's history (a coordinator's) reads the family's
// safeguarding record (review 51 found the lead told only to mint a coordinator's token). Empty
// when there is none.
func insteadFor(command string, roles []auth.Role) string {
	if command == "familytime referral standing" {
		// Review 52: a coordinator was told to "ask the centre's referrer", whom a centre has not.
		return "the centre's staff read the referral itself: familytime referral show R --centre C"
	}
	if command == "familytime history" && slices.Contains(roles, auth.RoleSafeguardingLead) {
		return "a safeguarding lead reads the family's safeguarding record: familytime safeguarding record --family F --centre C --purpose \"why\""
	}
	return ""
}

// notClearedHint adds to a NOT_CLEARED refusal the account the token speaks for, read unverified
// from its body: the service's message names no account (it may be logged), but the person holding
// the token may see their own, and a register compares accounts exactly (review 51: a token for
// "Jo.New" beside a register's "jo.new" was refused with nothing to say why).
func notClearedHint(err error, token, centre, dataDir string) error {
	account := tokenSubject(token)
	if account == "" {
		return err
	}
	list := "familytime staff list --centre " + centre
	if _, perr := uuid.Parse(centre); perr != nil {
		list = "familytime staff list --centre <centre id>"
	}
	if dataDir != "" {
		list += " --data " + dataDir
	}
	return fmt.Errorf("%w\n(your token is for the account %q; the staff register compares accounts exactly, capitals included: %s shows "+
		"the accounts on it, with their checks and dates)", err, account, list)
}

// asked is the role of the person a caller refused for their role is told to ask: the policy's
// first, but for a centre's staff the role the refusal names that every centre has first
// (centreRole). Review 56 found a volunteer refused the return (national analyst, administrator
// or coordinator) told to ask "the centre's national analyst", whom a centre has not: its
// coordinator is the one to ask (decision 321).
func asked(needs []auth.Role, roles []auth.Role) auth.Role {
	if r, ok := centreRole(needs, roles); ok {
		return r
	}
	return needs[0]
}

// centreRole is, for a token of a centre's staff (centreStaff), the role the refusal names that
// every centre has first: its coordinator, then its safeguarding lead, then a contact supervisor
// and a volunteer, which a centre offering supported contact only does not have (review 73: a
// volunteer at a supported-only centre was told to ask "the centre's contact supervisor"). ok is
// false for any other token, and when the refusal names only the national body's roles (decision
// 321).
func centreRole(needs []auth.Role, roles []auth.Role) (auth.Role, bool) {
	if !centreStaff(roles) {
		return "", false
	}
	for _, r := range []auth.Role{auth.RoleCoordinator, auth.RoleSafeguardingLead, auth.RoleSupervisor, auth.RoleVolunteer} {
		if slices.Contains(needs, r) {
			return r, true
		}
	}
	for _, n := range needs {
		if staffRoles[n] != "" && !national(n) {
			return n, true
		}
	}
	return "", false
}

// centreStaff reports whether a token's roles include a centre's staff role (coordinator,
// volunteer, supervisor, safeguarding lead): one held at a centre, not the national body's.
func centreStaff(roles []auth.Role) bool {
	return slices.ContainsFunc(roles, func(r auth.Role) bool { return staffRoles[r] != "" && !national(r) })
}

// askWhom is who a member of staff refused for their role asks to do it instead.
func askWhom(r auth.Role) string {
	switch r {
	case auth.RoleAdmin:
		return "an administrator of the national body"
	case auth.RoleNationalAnalyst:
		// The national body's, never a centre's (decision 321).
		return "a national analyst of the national body"
	case auth.RoleSafeguardingLead:
		return "the centre's safeguarding lead"
	case auth.RoleSupervisor:
		return "the centre's contact supervisor"
	case auth.RoleVolunteer:
		return "a volunteer on the day"
	case auth.RoleReferrer:
		return "the referrer who submitted it"
	}
	return "the centre's " + strings.TrimPrefix(roleInWords(r), "a ")
}

// tokenCentres names the centres a bearer token is for, read unverified from its body to word a
// refusal: "centre C", "centres A, B", or "no centre" (a national token names none).
func tokenCentres(token string) string {
	ids := tokenBody(token).centreIDs()
	switch len(ids) {
	case 0:
		return "no centre"
	case 1:
		return "centre " + ids[0]
	}
	return "centres " + strings.Join(ids, ", ")
}

// national reports whether a role is held at every centre (a token for it names none).
func national(r auth.Role) bool { return (&auth.Claims{Roles: []auth.Role{r}}).National() }

// neededRoles reads the roles a policy's refusal names (auth.RolesNeeded: "ListHolds needs one of
// the roles supervisor, coordinator at centre C"), but the services', and the centre when it names
// one; ok is false for any other refusal (a centre not the caller's, a staff register's).
func neededRoles(msg string) (needs []auth.Role, centre string, ok bool) {
	_, roles, centre, ok := auth.RolesNeeded(msg)
	if !ok {
		return nil, "", false
	}
	for _, r := range roles {
		if r != auth.RoleService {
			needs = append(needs, r)
		}
	}
	return needs, centre, len(needs) > 0
}

// outsideCentres reads a policy's refusal of a centre the caller's token does not name
// ("BookSession: centre C is outside the caller's centres"): the token that works holds the
// caller's own staff role (the first of their token's) at C; ok is false for any other refusal,
// and for a token with no staff role read.
func outsideCentres(msg string, roles []auth.Role) (needs []auth.Role, centre string, ok bool) {
	_, rest, found := strings.Cut(msg, ": centre ")
	centre, _, outside := strings.Cut(rest, " is outside the caller's centres")
	if !found || !outside {
		return nil, "", false
	}
	for _, r := range roles {
		if staffRoles[r] != "" && !national(r) {
			return []auth.Role{r}, centre, true
		}
	}
	return nil, "", false
}

// staffRoles are the roles of the people who run a centre and of the national body's
// administrators, in words: a refused caller holding one of them is told the token that works.
var staffRoles = map[auth.Role]string{
	auth.RoleCoordinator: "a coordinator", auth.RoleVolunteer: "a volunteer", auth.RoleSupervisor: "a contact supervisor",
	auth.RoleSafeguardingLead: "a safeguarding lead", auth.RoleAdmin: "an administrator",
}

// roleInWords is a role in words, with its article.
func roleInWords(r auth.Role) string {
	switch r {
	case auth.RoleReferrer:
		return "a referrer"
	case auth.RoleNationalAnalyst:
		return "a national analyst"
	}
	if w := staffRoles[r]; w != "" {
		return w
	}
	return string(r)
}

// orList joins words as "a, b or c".
func orList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// What the roles no staff token is minted for do, said to a caller refused with such a token alone.
const (
	referrerDoes = `your token is a referrer's: a referrer submits a referral (referral submit), or a second
parent's application to a self-referral (referral second-party), to a centre the token names,
and is answered the referral's id and state only; later, referral standing R --centre C says
where a referral you submitted stands. The centre's coordinator answers questions about the
referral.`
	analystDoes = `your token is a national analyst's: a national analyst reads the national figures
(familytime return, and the dashboard) and the centres (familytime centre list), never a
centre's families, bookings, staff or safeguarding records: those are its staff's.`
)

// nonStaffDoes says what the roles of a token that holds only a referrer's or a national
// analyst's do; empty for any other token (a staff role among its roles, or none read).
func nonStaffDoes(roles []auth.Role) string {
	if len(roles) == 0 || slices.ContainsFunc(roles, func(r auth.Role) bool {
		return r != auth.RoleReferrer && r != auth.RoleNationalAnalyst
	}) {
		return ""
	}
	var does []string
	if slices.Contains(roles, auth.RoleReferrer) {
		does = append(does, referrerDoes)
	}
	if slices.Contains(roles, auth.RoleNationalAnalyst) {
		does = append(does, analystDoes)
	}
	return strings.Join(does, "\n")
}

// referrerToken reports whether a bearer token's roles are the referrer's alone (referrer).
func referrerToken(token string) bool {
	roles := tokenRoles(token)
	return len(roles) > 0 && !slices.ContainsFunc(roles, func(r auth.Role) bool { return r != auth.RoleReferrer })
}

// tokenRoles are the roles a bearer token's body names, at every centre and at each (duplicates
// kept); none for what is not a token. The body is read, not verified, only to word a refusal.
func tokenRoles(token string) []auth.Role {
	claims := tokenBody(token)
	var roles []auth.Role
	for _, r := range claims.Roles {
		roles = append(roles, auth.Role(r))
	}
	for _, rs := range claims.CentreRoles {
		for _, r := range rs {
			roles = append(roles, auth.Role(r))
		}
	}
	return roles
}

// tokenSubject is the account (sub) a bearer token's body names; empty for what is not a token.
func tokenSubject(token string) string { return tokenBody(token).Subject }

// tokenClaims are the parts of a bearer token's body the CLI reads to word a refusal or to make a
// retry's key: never to decide anything (the services verify the token).
type tokenClaims struct {
	Subject     string              `json:"sub"`
	Roles       []string            `json:"roles"`
	Centres     []string            `json:"centres"`
	CentreRoles map[string][]string `json:"centre_roles"`
}

// centreIDs are the centres the token's roles are held at, sorted, each once: those of --centre
// and those of --at.
func (c tokenClaims) centreIDs() []string {
	ids := slices.Clone(c.Centres)
	for id := range c.CentreRoles {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// tokenBody is a bearer token's body, read unverified (one place for tokenRoles, tokenCentres and
// tokenSubject); empty for what is not a token.
func tokenBody(token string) tokenClaims {
	var claims tokenClaims
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return claims
	}
	body, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil || json.Unmarshal(body, &claims) != nil {
		return tokenClaims{}
	}
	return claims
}

// senderToken is the token a command sends, found as connection.resolve finds it: --token, else
// FAMILYTIME_TOKEN, else the admin token of the familytime dev in --data. Empty when none.
func senderToken(cmd *cobra.Command) string {
	if t := first(flagValue(cmd, "token"), os.Getenv("FAMILYTIME_TOKEN")); t != "" {
		return t
	}
	if cmd.Flag("data") == nil {
		return ""
	}
	info, err := readDevInfo(flagValue(cmd, "data"))
	if err != nil {
		return ""
	}
	return info.AdminToken
}

// flagValue is a command's flag's value, its own or a parent's; empty when it has none.
func flagValue(cmd *cobra.Command, name string) string {
	if f := cmd.Flag(name); f != nil {
		return f.Value.String()
	}
	return ""
}
