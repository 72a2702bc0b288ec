package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/tools/internal/devserver"
)

func newTokenCommand() *cobra.Command {
	var (
		dataDir string
		roles   []string
		centres []string
		at      []string
		subject string
		ttl     time.Duration
	)
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Mint a token signed by the dev platform's key, for trying roles",
		Long: `token mints a bearer token that a familytime dev platform trusts, with the roles and centres
you give. It signs with the dev key in the data folder: it cannot make tokens for a real
deployment, whose tokens come from its identity provider.

--role and --centre give roles held at every centre named. --at CENTRE=ROLE gives a role held at
one centre only: someone who coordinates at one centre and volunteers at another holds each role
at its own centre, never both at both (decision 106).`,
		Example: `  familytime token --role coordinator --centre 6f1c0a52-3f0e-4c55-9a3e-0f8d2c1b7a10
  familytime token --at $CENTRE_A=coordinator --at $CENTRE_B=volunteer --subject vol-042
  familytime centre list --token "$(familytime token --role national_analyst)"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o := auth.MintOptions{Issuer: devserver.Issuer, Audience: devserver.Audience, Subject: subject, TTL: ttl}
			for _, r := range roles {
				role, err := tokenRole(r)
				if err != nil {
					return errPersonRole(r)
				}
				if role == auth.RoleService {
					return errServiceRole
				}
				o.Roles = append(o.Roles, role)
			}
			for _, c := range centres {
				id, err := uuid.Parse(c)
				if err != nil {
					return fmt.Errorf("--centre %q is not a centre id (a UUID)", c)
				}
				o.Centres = append(o.Centres, id)
			}
			for _, a := range at {
				c, r, ok := strings.Cut(a, "=")
				id, err := uuid.Parse(c)
				if !ok || err != nil {
					return fmt.Errorf("--at %q is not CENTRE=ROLE (a centre id, a UUID, and a role)", a)
				}
				role, err := tokenRole(r)
				if err != nil {
					return fmt.Errorf("--at %q: %w", a, errPersonRole(r))
				}
				if role == auth.RoleService {
					return errServiceRole
				}
				if (&auth.Claims{Roles: []auth.Role{role}}).National() {
					return fmt.Errorf("--at %q: %s is a national role, held at every centre: give it with --role", a, role)
				}
				if o.CentreRoles == nil {
					o.CentreRoles = map[uuid.UUID][]auth.Role{}
				}
				o.CentreRoles[id] = append(o.CentreRoles[id], role)
			}
			if len(o.Roles) == 0 && len(o.CentreRoles) == 0 {
				return fmt.Errorf("give a role: --role ROLE (with --centre), or --at CENTRE=ROLE")
			}
			if ttl <= 0 {
				return fmt.Errorf("--ttl must be positive")
			}
			if _, err := readDevInfo(dataDir); err != nil {
				return err
			}
			key, err := auth.LoadOrCreateDevKey(devserver.DevKeyFile(dataDir))
			if err != nil {
				return err
			}
			tok, err := auth.Mint(key, o)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(cmd.OutOrStdout(), tok)
			return err
		},
	}
	cmd.Flags().StringVar(&dataDir, "data", defaultDataDir, "data folder of the running familytime dev")
	cmd.Flags().StringSliceVar(&roles, "role", nil, "role(s): referrer, coordinator, volunteer, supervisor, safeguarding_lead, national_analyst, admin")
	cmd.Flags().StringSliceVar(&centres, "centre", nil, "centre id(s) the token's holder works for")
	cmd.Flags().StringArrayVar(&at, "at", nil, "CENTRE=ROLE: a role held at that centre only (repeat)")
	cmd.Flags().StringVar(&subject, "subject", "dev-user", "account id the token names (never a person's name)")
	cmd.Flags().DurationVar(&ttl, "ttl", 12*time.Hour, "how long the token is valid")
	_ = cmd.RegisterFlagCompletionFunc("role", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		names := make([]string, 0, len(auth.Roles))
		for _, r := range auth.Roles {
			names = append(names, string(r))
		}
		return names, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// errServiceRole refuses a token for the platform's own services' role, which no person holds:
// it reads what any centre's staff may, at every centre (review 73 minted one and listed every
// centre's holds). The services' tokens are minted by the platform itself.
var errServiceRole = fmt.Errorf("--role service is the platform's own services' role, which no person holds (it reads every " +
	"centre's records): give a person's role: referrer, coordinator, volunteer, supervisor, safeguarding_lead, national_analyst, admin")

// tokenRole reads --role as the staff register's --role spells it too (safeguarding-lead,
// national-analyst): review 77 was refused the one it had just given staff add.
func tokenRole(r string) (auth.Role, error) {
	return auth.ParseRole(strings.ReplaceAll(strings.TrimSpace(r), "-", "_"))
}

// errPersonRole refuses a role that is none, naming the roles a person may hold: not the
// services' own, which is refused (review 75 was told of it by this refusal).
func errPersonRole(r string) error {
	return fmt.Errorf("unknown role %q (roles: referrer, coordinator, volunteer, supervisor, safeguarding_lead, national_analyst, admin)", r)
}
