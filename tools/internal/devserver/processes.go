package devserver

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	devv1 "github.com/familytime/familytime/proto/gen/go/familytime/dev/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/services/platform/clock"
	"github.com/familytime/familytime/services/platform/host"
	"github.com/familytime/familytime/services/platform/pgpool"
	"github.com/familytime/familytime/services/platform/seal"
	"github.com/familytime/familytime/services/platform/telemetry"
	"github.com/familytime/familytime/services/reporting"
)

// Process is a service running in an OS process of its own (Config.Processes).
type Process struct {
	PID int `json:"pid"`
	// MetricsURL serves the service's Prometheus metrics: Go runtime, process (resident memory),
	// pool and append metrics (docs/runbook.md).
	MetricsURL string `json:"metrics_url"`
}

// ServiceEnv carries a service process's configuration (JSON) from the dev platform to the
// process it starts; ServiceProcess acts on it.
const ServiceEnv = "FAMILYTIME_DEV_SERVICE"

// processConfig is what a service process is told: the same the dev platform builds an
// in-process service from (serviceDeps), as addresses and files rather than objects.
type processConfig struct {
	Service     string `json:"service"`
	DatabaseURL string `json:"database_url"`
	KeystoreURL string `json:"keystore_url,omitempty"`
	KEKDir      string `json:"kek_dir,omitempty"`
	NATSURL     string `json:"nats_url"`
	BusKeyFile  string `json:"bus_key_file"`
	// SigningKeyFile signs the service's own tokens; PublicKeyFile verifies its callers'.
	SigningKeyFile string `json:"signing_key_file"`
	PublicKeyFile  string `json:"public_key_file"`
	LogFile        string `json:"log_file"`
	// Clock is ClockSimulated for a simulated clock standing at Now, else the real clock.
	Clock string    `json:"clock"`
	Now   time.Time `json:"now"`
}

// readyLine is what a service process writes on its reply pipe once it serves.
type readyLine struct {
	GRPCAddr   string `json:"grpc_addr"`
	MetricsURL string `json:"metrics_url"`
}

// The control pipe (the service's fd 3) carries one command a line from the dev platform; the
// reply pipe (fd 4) carries the ready line, then one answer a line: "ok" or "error <why>".
// A closed control pipe (the dev platform gone) stops the service, as SIGTERM does.
const (
	controlFD = 3
	replyFD   = 4
	// setClock sets a simulated clock: "set <RFC 3339 time>".
	setClock = "set"
	// restartClock stands a simulated clock at a time before its own, while nothing is recorded
	// (mayGoBack): "restart <RFC 3339 time>".
	restartClock = "restart"
)

// serviceProcess is the dev platform's side of one service process.
type serviceProcess struct {
	name    string
	cmd     *exec.Cmd
	control *os.File
	replies *bufio.Reader
	mu      sync.Mutex // one command at a time on the pipes
	output  *tail
	exited  chan struct{}
	err     error // how it exited; read after exited is closed
	stop    sync.Once
	stopped chan struct{} // closed when the platform stops it: its exit is then expected
}

// startProcesses starts every service in a process of its own and waits until each serves. The
// dev process keeps small pools on the publishing services' databases, for Settle.
func (p *Platform) startProcesses(ctx context.Context, pubFile string) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find this program to start the services: %w", err)
	}
	p.Info.Processes = map[string]Process{}
	for _, svc := range publishing {
		pool, err := pgpool.Open(ctx, p.Info.Databases[svc], 2)
		if err != nil {
			return fmt.Errorf("%s database: %w", svc, err)
		}
		p.pools = append(p.pools, pool)
		p.poolOf[svc] = pool
	}
	cfg := processConfig{NATSURL: p.Info.NATSURL, BusKeyFile: p.Info.BusKeyFile, SigningKeyFile: DevKeyFile(p.Info.DataDir), PublicKeyFile: pubFile,
		LogFile: p.Info.LogFile}
	if p.clock != nil {
		cfg.Clock, cfg.Now = ClockSimulated, p.clock.Now()
	}
	for _, c := range components {
		cfg.Service, cfg.DatabaseURL, cfg.KeystoreURL, cfg.KEKDir = c.name, p.Info.Databases[c.name], p.Info.KeyStores[c.name], ""
		if cfg.KeystoreURL != "" {
			cfg.KEKDir = p.Info.KEKDir
		}
		sp, ready, err := startProcess(ctx, exe, cfg)
		if sp != nil {
			p.procs = append(p.procs, sp)
		}
		if err != nil {
			return err
		}
		p.Info.Services[c.name] = ready.GRPCAddr
		p.Info.Processes[c.name] = Process{PID: sp.cmd.Process.Pid, MetricsURL: ready.MetricsURL}
		if c.name == reporting.Name { // its page of the figures is on its own admin port
			p.Info.DashboardURL = strings.TrimSuffix(ready.MetricsURL, "/metrics") + "/dashboard"
		}
		go p.watch(sp)
	}
	return nil
}

// startWithin is how long a service process may take to serve.
const startWithin = 60 * time.Second

func startProcess(ctx context.Context, exe string, cfg processConfig) (*serviceProcess, readyLine, error) {
	var ready readyLine
	env, err := json.Marshal(cfg)
	if err != nil {
		return nil, ready, err
	}
	controlR, controlW, err := os.Pipe()
	if err != nil {
		return nil, ready, err
	}
	replyR, replyW, err := os.Pipe()
	if err != nil {
		controlR.Close()
		controlW.Close()
		return nil, ready, err
	}
	sp := &serviceProcess{name: cfg.Service, control: controlW, replies: bufio.NewReader(replyR), output: &tail{},
		exited: make(chan struct{}), stopped: make(chan struct{})}
	// The arguments only name the process for ps: ServiceProcess acts on the environment.
	sp.cmd = exec.Command(exe, "dev-service", cfg.Service)
	sp.cmd.Env = append(os.Environ(), ServiceEnv+"="+string(env))
	sp.cmd.Stdout, sp.cmd.Stderr = sp.output, sp.output
	sp.cmd.ExtraFiles = []*os.File{controlR, replyW} // fds 3 and 4
	// Its own process group, so that Ctrl-C in a terminal reaches the dev process only, which
	// then stops the services in order; SIGTERM when the dev process dies (Linux).
	sp.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	started := make(chan error, 1)
	go func() {
		// Pdeathsig follows the thread that started the child, not the process: this goroutine
		// keeps its thread until the child has exited (Wait holds it anyway).
		runtime.LockOSThread()
		if err := sp.cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		sp.err = sp.cmd.Wait()
		close(sp.exited)
		replyR.Close()
	}()
	err = <-started
	controlR.Close()
	replyW.Close()
	if err != nil {
		controlW.Close()
		replyR.Close()
		return nil, ready, fmt.Errorf("start %s: %w", cfg.Service, err)
	}
	_ = replyR.SetReadDeadline(time.Now().Add(startWithin))
	line, err := sp.replies.ReadString('\n')
	_ = replyR.SetReadDeadline(time.Time{})
	if err == nil {
		err = json.Unmarshal([]byte(line), &ready)
	}
	if err != nil {
		select {
		case <-sp.exited:
			return sp, ready, fmt.Errorf("%s did not start: %s", cfg.Service, sp.exitReport())
		case <-ctx.Done():
			return sp, ready, ctx.Err()
		default:
			return sp, ready, fmt.Errorf("%s did not start within %s: %v%s", cfg.Service, startWithin, err, sp.output.report())
		}
	}
	return sp, ready, nil
}

// exitReport says how a process ended and what it last wrote (its fatal error or a panic; its
// logs go to the log file): after exited.
func (sp *serviceProcess) exitReport() string {
	return fmt.Sprintf("pid %d, %v%s", sp.cmd.Process.Pid, sp.err, sp.output.report())
}

// watch reports a service process that exits unless the platform stopped it.
func (p *Platform) watch(sp *serviceProcess) {
	<-sp.exited
	select {
	case <-sp.stopped:
		return
	default:
	}
	err := fmt.Errorf("the %s service exited unexpectedly (%s)", sp.name, sp.exitReport())
	if p.telemetry != nil {
		p.telemetry.Logger.Error("service process exited unexpectedly", "component", sp.name, "pid", sp.cmd.Process.Pid,
			"status", fmt.Sprint(sp.err))
	}
	select {
	case p.failed <- err:
	default:
	}
}

// Failed reports a service process that exited while the platform ran (Config.Processes): which,
// its exit status and its last output. Nothing comes on the all-in-one platform.
func (p *Platform) Failed() <-chan error { return p.failed }

// stopProcesses stops every service process: its control pipe closed and SIGTERM, then SIGKILL
// when ctx ends before it has.
func (p *Platform) stopProcesses(ctx context.Context) error {
	var wg sync.WaitGroup
	for _, sp := range p.procs {
		wg.Go(func() {
			sp.stop.Do(func() { close(sp.stopped) })
			sp.control.Close()
			_ = sp.cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-sp.exited:
			case <-ctx.Done():
				_ = sp.cmd.Process.Kill()
				<-sp.exited
			}
		})
	}
	wg.Wait()
	return nil
}

// send gives a service process one command and waits for its answer.
func (sp *serviceProcess) send(command string) error {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	select {
	case <-sp.exited:
		return fmt.Errorf("the %s service is not running (%s)", sp.name, sp.exitReport())
	default:
	}
	if _, err := fmt.Fprintln(sp.control, command); err != nil {
		return fmt.Errorf("%s: %w", sp.name, err)
	}
	answer, err := sp.replies.ReadString('\n')
	if err != nil {
		return fmt.Errorf("%s did not answer: %w", sp.name, err)
	}
	if answer = strings.TrimSpace(answer); answer != "ok" {
		return fmt.Errorf("%s: %s", sp.name, strings.TrimPrefix(answer, "error "))
	}
	return nil
}

// processClockService is DevClockService when the services run in processes of their own: after
// the platform has settled and the dev process's clock has moved, every service's clock is set
// before the answer, so no call made after AdvanceClock returns sees an earlier time.
type processClockService struct {
	clockService
	mu sync.Mutex // one move at a time, so that the services' clocks are set in order
}

// Register serves this DevClockService, not the embedded one's.
func (s *processClockService) Register(r grpc.ServiceRegistrar) {
	devv1.RegisterDevClockServiceServer(r, s)
}

func (s *processClockService) AdvanceClock(ctx context.Context, req *devv1.AdvanceClockRequest) (*devv1.AdvanceClockResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	was := s.p.clock.Now()
	resp, err := s.clockService.AdvanceClock(ctx, req)
	if err != nil {
		return nil, err
	}
	verb := setClock
	if resp.GetNow().AsTime().Before(was) {
		verb = restartClock
	}
	if err := s.p.setProcessClocks(verb, resp.GetNow().AsTime()); err != nil {
		return nil, status.Error(codes.Unavailable, err.Error())
	}
	return resp, nil
}

// setProcessClocks sets (verb: setClock or restartClock) every service process's clock to t, all
// at once, and waits for each.
func (p *Platform) setProcessClocks(verb string, t time.Time) error {
	errs := make([]error, len(p.procs))
	var wg sync.WaitGroup
	for i, sp := range p.procs {
		wg.Go(func() { errs[i] = sp.send(verb + " " + t.UTC().Format(time.RFC3339Nano)) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// tail keeps the last lines a process wrote.
type tail struct {
	mu sync.Mutex
	b  []byte
}

const tailBytes = 2048

func (t *tail) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, b...)
	if len(t.b) > 2*tailBytes {
		t.b = append(t.b[:0], t.b[len(t.b)-tailBytes:]...)
	}
	return len(b), nil
}

// report is the tail as a suffix to a message, or nothing when the process wrote nothing.
func (t *tail) report() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.b
	if len(b) > tailBytes {
		b = b[len(b)-tailBytes:]
		if i := strings.IndexByte(string(b), '\n'); i >= 0 {
			b = b[i+1:]
		}
	}
	s := strings.TrimSpace(string(b))
	if s == "" {
		return ""
	}
	return "; its last output:\n" + s
}

// ServiceProcess runs this program as one service of a dev platform started with
// Config.Processes, when the platform asked for it (ServiceEnv), and exits; otherwise it returns
// at once. Call it first in main, and in the TestMain of tests that start such a platform.
func ServiceProcess() {
	raw, ok := os.LookupEnv(ServiceEnv)
	if !ok {
		return
	}
	if err := runServiceProcess(raw); err != nil {
		fmt.Fprintln(os.Stderr, "familytime dev-service:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

func runServiceProcess(raw string) error {
	var cfg processConfig
	if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
		return fmt.Errorf("%s is not a service configuration: %w", ServiceEnv, err)
	}
	var build component
	for _, c := range components {
		if c.name == cfg.Service {
			build = c
		}
	}
	if build.build == nil {
		return fmt.Errorf("no service %q", cfg.Service)
	}
	control, replies := os.NewFile(controlFD, "control"), os.NewFile(replyFD, "replies")
	if control == nil || replies == nil {
		return errors.New("started without its control pipes: only familytime dev --processes starts a service this way")
	}
	// Ctrl-C reaches the dev process only (its own process group), which stops this one by
	// SIGTERM or by closing the control pipe.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()

	logFile, err := os.OpenFile(cfg.LogFile, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("log file: %w", err)
	}
	defer logFile.Close()
	tel, err := telemetry.Setup(ctx, telemetry.Config{ServiceName: cfg.Service, LogOutput: logFile})
	if err != nil {
		return err
	}
	defer tel.Shutdown(context.WithoutCancel(ctx)) //nolint:errcheck // best effort at exit
	log := tel.Logger.With("component", cfg.Service)

	pool, err := pgpool.Open(ctx, cfg.DatabaseURL, 0)
	if err != nil {
		return fmt.Errorf("%s database: %w", cfg.Service, err)
	}
	defer pool.Close()
	var sealer *seal.Sealer
	if cfg.KeystoreURL != "" {
		ring, err := seal.OpenKEKDir(cfg.KEKDir, "")
		if err != nil {
			return err
		}
		keyPool, err := pgpool.Open(ctx, cfg.KeystoreURL, 0)
		if err != nil {
			return fmt.Errorf("%s key store: %w", cfg.Service, err)
		}
		defer keyPool.Close()
		sealer = seal.New(keyPool, ring)
		defer host.RewrapInBackground(ctx, sealer, log)()
	}
	nc, err := nats.Connect(cfg.NATSURL, nats.MaxReconnects(-1), nats.Name("familytime-dev-"+cfg.Service))
	if err != nil {
		return fmt.Errorf("connect to the dev platform's NATS: %w", err)
	}
	defer nc.Close()
	key, err := auth.LoadOrCreateDevKey(cfg.SigningKeyFile)
	if err != nil {
		return err
	}
	busKey, err := bus.ReadKeyFile(cfg.BusKeyFile)
	if err != nil {
		return err
	}
	verifier, err := auth.NewVerifier(auth.VerifierConfig{Issuer: Issuer, Audience: Audience, KeyFile: cfg.PublicKeyFile})
	if err != nil {
		return err
	}
	var now clock.Clock // nil: the real clock
	var simulated *simClock
	if cfg.Clock == ClockSimulated {
		simulated = newSimClock(cfg.Now)
		now = simulated
	}
	svc, err := build.build(serviceDeps(cfg.Service, pool, nc, busKey, log, sealer, now, key))
	if err != nil {
		return fmt.Errorf("build %s: %w", cfg.Service, err)
	}
	if a, ok := svc.(host.AdminHandlers); ok {
		for pattern, h := range a.AdminHandlers() {
			tel.Handle(pattern, h)
		}
	}
	running, err := host.Start(ctx, svc, verifier, log, "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("start %s: %w", cfg.Service, err)
	}
	defer func() {
		stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 20*time.Second)
		defer cancel()
		running.Stop(stopCtx)
	}()
	ready, err := json.Marshal(readyLine{GRPCAddr: running.Addr, MetricsURL: "http://" + tel.AdminAddr() + "/metrics"})
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(replies, "%s\n", ready); err != nil {
		return fmt.Errorf("tell the dev platform: %w", err)
	}
	log.InfoContext(ctx, "service process started", "grpc_addr", running.Addr, "admin_addr", tel.AdminAddr(), "pid", os.Getpid())
	commands := make(chan string)
	go func() {
		defer close(commands)
		lines := bufio.NewScanner(control)
		for lines.Scan() {
			commands <- lines.Text()
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case command, ok := <-commands:
			if !ok {
				return nil // the dev platform closed the pipe, or is gone
			}
			answer := "ok"
			if err := obey(command, simulated); err != nil {
				answer = "error " + strings.ReplaceAll(err.Error(), "\n", " ")
			}
			if _, err := fmt.Fprintln(replies, answer); err != nil {
				return nil // the dev platform is gone
			}
		}
	}
}

// obey carries out one command from the dev platform.
func obey(command string, simulated *simClock) error {
	verb, arg, _ := strings.Cut(command, " ")
	switch verb {
	case setClock, restartClock:
		if simulated == nil {
			return errors.New("this service runs on the real clock")
		}
		t, err := time.Parse(time.RFC3339Nano, arg)
		if err != nil {
			return fmt.Errorf("not a time: %q", arg)
		}
		if verb == restartClock {
			simulated.restart(t)
			return nil
		}
		return simulated.Set(t)
	default:
		return fmt.Errorf("unknown command %q", verb)
	}
}
