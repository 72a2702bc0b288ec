// Command scheduling runs the scheduling service as its own process. Configuration comes from flags and
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
	"github.com/familytime/familytime/services/scheduling"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	switch {
	case errors.Is(err, flag.ErrHelp):
	case err != nil:
		fmt.Fprintln(os.Stderr, "scheduling:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	return host.Main(ctx, args, scheduling.Name, scheduling.Migrations(), scheduling.New)
}
