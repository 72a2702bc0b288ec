// Command scheduling runs the scheduling service as its own process. Configuration comes from flags and
// the environment (-help lists them); SIGTERM or Ctrl-C stops it gracefully. Give it a key store
// (KEYSTORE_URL) and KEKs: it seals an explained no-show's explanation, and refuses those without
// them (NO_KEY_STORE), which it logs at start.
package main

import (
	"context"

	"github.com/familytime/familytime/services/platform/host"
	"github.com/familytime/familytime/services/scheduling"
)

func main() { host.Exit(scheduling.Name, run) }

func run(ctx context.Context, args []string) error {
	return host.Main(ctx, args, scheduling.Name, scheduling.Migrations(), scheduling.New)
}
