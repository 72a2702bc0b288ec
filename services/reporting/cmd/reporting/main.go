// Command reporting runs the reporting service as its own process. Configuration comes from flags and
// the environment (-help lists them); SIGTERM or Ctrl-C stops it gracefully.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/familytime/familytime/services/platform/host"
	"github.com/familytime/familytime/services/reporting"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	switch {
	case errors.Is(err, flag.ErrHelp):
	case err != nil:
		fmt.Fprintln(os.Stderr, "reporting:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	return host.Main(ctx, args, reporting.Name, reporting.Migrations(), reporting.New)
}
