package main_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/familytime/familytime/tools/internal/devserver"
)

// buffer collects a process's output while the test reads it.
type buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *buffer) Write(p []byte) (int, error) { b.mu.Lock(); defer b.mu.Unlock(); return b.b.Write(p) }
func (b *buffer) String() string              { b.mu.Lock(); defer b.mu.Unlock(); return b.b.String() }

// As a new user would: build the command, start `familytime dev` with a fresh data folder and no
// DATABASE_URL (so it starts its own PostgreSQL), wait for health, use the CLI, press Ctrl-C.
func TestFamilytimeDevAsAProcess(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "familytime")
	build := exec.CommandContext(t.Context(), "go", "build", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, string(out))

	data, err := os.MkdirTemp("", "familytime-dev-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(data) })
	require.NoError(t, os.Chmod(data, 0o755)) // the private PostgreSQL runs as "nobody" under root

	env := []string{}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DATABASE_URL=") && !strings.HasPrefix(kv, "FAMILYTIME_") {
			env = append(env, kv)
		}
	}
	dev := exec.Command(bin, "dev", "--data", data)
	dev.Env = env
	var devOut buffer
	dev.Stdout, dev.Stderr = &devOut, &devOut
	require.NoError(t, dev.Start())
	exited := make(chan error, 1)
	go func() { exited <- dev.Wait() }()
	t.Cleanup(func() {
		if dev.ProcessState == nil {
			_ = dev.Process.Kill()
		}
	})

	var info devserver.Info
	require.Eventually(t, func() bool {
		b, err := os.ReadFile(devserver.InfoFile(data))
		return err == nil && json.Unmarshal(b, &info) == nil
	}, 2*time.Minute, 100*time.Millisecond, "familytime dev comes up: %s", devOut.String())
	// dev.json is written before the addresses are printed: the token follows the "up" line.
	require.Eventually(t, func() bool {
		out := devOut.String()
		return strings.Contains(out, "Familytime dev platform is up.") && strings.Contains(out, info.AdminToken)
	}, 10*time.Second, 50*time.Millisecond, "the addresses and the admin token are printed: %s", devOut.String())

	for _, svc := range []string{"scheduling", "reporting"} {
		conn, err := grpc.NewClient(info.Services[svc], grpc.WithTransportCredentials(insecure.NewCredentials()))
		require.NoError(t, err)
		resp, err := healthpb.NewHealthClient(conn).Check(t.Context(), &healthpb.HealthCheckRequest{})
		require.NoError(t, err, svc)
		require.Equal(t, healthpb.HealthCheckResponse_SERVING, resp.GetStatus(), svc)
		conn.Close()
	}

	cli := func(args ...string) (string, string, error) {
		cmd := exec.CommandContext(t.Context(), bin, append(args, "--data", data)...)
		cmd.Env = env
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		return stdout.String(), stderr.String(), err
	}

	stdout, stderr, err := cli("centre", "register", "--name", "Riverside Family Time Centre", "--region", "north-west",
		"--service", "supported,supervised", "--status", "accredited", "--accredited-on", "2025-03-01", "--json")
	require.NoError(t, err, stderr)
	var registered struct {
		CentreID string `json:"centre_id"`
		Version  string `json:"version"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &registered), stdout)
	require.NotEmpty(t, registered.CentreID)

	stdout, stderr, err = cli("centre", "show", registered.CentreID)
	require.NoError(t, err, stderr)
	require.Contains(t, stdout, "north-west")
	require.Contains(t, stdout, "supported,supervised")

	require.Eventually(t, func() bool {
		stdout, _, err := cli("centre", "list", "--source", "reporting")
		return err == nil && strings.Contains(stdout, "Riverside Family Time Centre")
	}, 30*time.Second, 200*time.Millisecond, "reporting lists the centre")

	token, stderr, err := cli("token", "--role", "coordinator")
	require.NoError(t, err, stderr)
	_, stderr, err = cli("centre", "register", "--name", "Elsewhere", "--region", "london", "--service", "handover",
		"--status", "working-towards", "--token", strings.TrimSpace(token))
	require.Error(t, err)
	require.Contains(t, stderr, "not allowed")

	_, stderr, err = cli("centre", "register", "--name", "  ", "--region", "london", "--service", "handover", "--status", "working-towards")
	require.Error(t, err)
	require.Contains(t, stderr, "details.name")

	_, stderr, err = cli("centre", "register", "--name", "X", "--region", "atlantis", "--service", "handover", "--status", "working-towards")
	require.Error(t, err)
	require.Contains(t, stderr, `--region "atlantis" is not one of: north-east`)

	require.NoError(t, dev.Process.Signal(syscall.SIGINT))
	select {
	case err := <-exited:
		require.NoError(t, err, devOut.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("familytime dev did not stop on Ctrl-C: %s", devOut.String())
	}
	require.Contains(t, devOut.String(), "stopped; data kept in")
	require.NoFileExists(t, devserver.InfoFile(data))
	_, stderr, err = cli("centre", "list")
	require.Error(t, err)
	require.Contains(t, stderr, "no running familytime dev found")
}
