// Command familytime runs the Familytime platform for development and talks to a running one.
// `familytime --help` lists its commands.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/familytime/familytime/tools/internal/cli"
	"github.com/familytime/familytime/tools/internal/devserver"
)

func main() {
	// A service of `familytime dev --processes` runs as this program again, told so by its
	// environment; it never reaches the commands.
	devserver.ServiceProcess()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "familytime:", cli.PrintableError(err))
		// A command whose answer is no (a person refused at the door) says so by its status.
		var status interface{ ExitCode() int }
		if errors.As(err, &status) {
			os.Exit(status.ExitCode())
		}
		os.Exit(1)
	}
}

func run() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return cli.Execute(ctx, cli.NewRoot(), os.Args[1:])
}
