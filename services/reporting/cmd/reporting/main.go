// Command reporting runs the reporting service as its own process. Configuration comes from
// flags and the environment (-help lists them).
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/familytime/familytime/services/platform/host"
	"github.com/familytime/familytime/services/reporting"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "reporting:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return host.Main(ctx, os.Args[1:], reporting.Name, reporting.Migrations(), reporting.New)
}
