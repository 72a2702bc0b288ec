// Command safeguarding runs the safeguarding service as its own process. Configuration comes from
// flags and the environment (-help lists them); it needs a key store (-keystore-url) and KEKs.
// SIGTERM or Ctrl-C stops it gracefully.
package main

import (
	"context"

	"github.com/familytime/familytime/services/platform/host"
	"github.com/familytime/familytime/services/safeguarding"
)

func main() { host.Exit(safeguarding.Name, run) }

func run(ctx context.Context, args []string) error {
	return host.Main(ctx, args, safeguarding.Name, safeguarding.Migrations(), safeguarding.New)
}
