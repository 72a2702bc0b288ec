package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/tools/internal/devserver"
)

// memwatch reads a platform's processes from dev.json, samples them while a command runs, and
// prints each one's idle and peak resident memory; the command's exit status is its own.
func TestWatchesEachProcessWhileTheCommandRuns(t *testing.T) {
	dir := t.TempDir()
	self := os.Getpid() // stands in for every process: it is surely running
	info := devserver.Info{PID: self, Processes: map[string]devserver.Process{}}
	for _, svc := range devserver.Services {
		info.Processes[svc] = devserver.Process{PID: self}
	}
	b, err := json.Marshal(info)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(devserver.InfoFile(dir), b, 0o600))

	var out bytes.Buffer
	code, err := run([]string{"--data", dir, "--idle", "50ms", "--every", "10ms", "--", "sh", "-c", "echo simulated; exit 3"}, &out)
	require.NoError(t, err)
	require.Equal(t, 3, code, "the command's exit status")
	require.Contains(t, out.String(), "simulated")
	for _, name := range append(devserver.Services, "dev (NATS, clock)") {
		require.Contains(t, out.String(), name)
	}
	require.Contains(t, out.String(), "under 150 MiB")

	rss, hwm, err := status(self)
	require.NoError(t, err)
	require.Positive(t, rss)
	require.GreaterOrEqual(t, hwm, rss)
}

func TestSaysWhenThePlatformRunsInOneProcess(t *testing.T) {
	dir := t.TempDir()
	b, err := json.Marshal(devserver.Info{PID: os.Getpid()})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(devserver.InfoFile(dir), b, 0o600))
	_, err = run([]string{"--data", dir}, &bytes.Buffer{})
	require.ErrorContains(t, err, "start it with --processes")

	_, err = run([]string{"--data", filepath.Join(dir, "none"), "--wait", time.Millisecond.String()}, &bytes.Buffer{})
	require.ErrorContains(t, err, "no familytime dev in")
}
