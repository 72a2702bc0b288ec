package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"
	"google.golang.org/grpc/codes"

	"github.com/familytime/familytime/tools/internal/devserver"
)

// connection flags shared by every command that talks to a platform.
type connection struct {
	dataDir string
	addr    string
	token   string
}

// defaultDataDir is the dev platform's data folder when --data is not given.
const defaultDataDir = ".familytime"

func (c *connection) register(cmd *cobra.Command) {
	f := cmd.PersistentFlags()
	f.StringVar(&c.dataDir, "data", defaultDataDir, "data folder of a running familytime dev, to find it without --addr and --token")
	f.StringVar(&c.addr, "addr", "", "gRPC address of the platform (env FAMILYTIME_ADDR); default: the running familytime dev")
	f.StringVar(&c.token, "token", "", "bearer token (env FAMILYTIME_TOKEN); default: the running familytime dev's admin token")
}

// resolve finds the platform: --addr/--token, else FAMILYTIME_ADDR/FAMILYTIME_TOKEN, else the
// dev.json of a running familytime dev. A real deployment serves every service behind one
// address (its gateway), so --addr names them all.
func (c *connection) resolve(service string) (string, string, error) {
	addr, token := first(c.addr, os.Getenv("FAMILYTIME_ADDR")), first(c.token, os.Getenv("FAMILYTIME_TOKEN"))
	if addr != "" && token != "" {
		return addr, token, nil
	}
	info, err := readDevInfo(c.dataDir)
	if err != nil {
		return "", "", err
	}
	if addr == "" {
		addr = info.Services[service]
	}
	if token == "" {
		token = info.AdminToken
	}
	if addr == "" {
		return "", "", fmt.Errorf("the running familytime dev has no %s service", service)
	}
	return addr, token, nil
}

func readDevInfo(dataDir string) (devserver.Info, error) {
	var info devserver.Info
	b, err := os.ReadFile(devserver.InfoFile(dataDir))
	if errors.Is(err, fs.ErrNotExist) {
		return info, refuse(codes.FailedPrecondition, ReasonDevNotRunning, fmt.Sprintf(
			"no running familytime dev found in %s: start one with `familytime dev` (or `make run`), give --data DIR if it was "+
				"started with --data, or give --addr and --token", dataDir))
	}
	if err != nil {
		return info, fmt.Errorf("read %s: %w", devserver.InfoFile(dataDir), err)
	}
	if err := json.Unmarshal(b, &info); err != nil {
		return info, fmt.Errorf("read %s: %w", devserver.InfoFile(dataDir), err)
	}
	return info, nil
}

func first(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
