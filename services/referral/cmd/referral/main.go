// Command referral runs the referral service as its own process. Configuration comes from flags and
// the environment (-help lists them); it needs a key store (KEYSTORE_URL) and KEKs, since it holds
// personal data. SIGTERM or Ctrl-C stops it gracefully.
package main

import (
	"context"

	"github.com/familytime/familytime/services/platform/host"
	"github.com/familytime/familytime/services/referral"
)

func main() { host.Exit(referral.Name, run) }

func run(ctx context.Context, args []string) error {
	return host.Main(ctx, args, referral.Name, referral.Migrations(), referral.New)
}
