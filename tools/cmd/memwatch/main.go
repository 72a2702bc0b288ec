// Command memwatch measures the resident memory of each process of a `familytime dev
// --processes` platform: each service's, and the dev process's own (NATS, the clock, Settle).
// It waits for the platform's dev.json, samples VmRSS from /proc/<pid>/status for --idle (the
// idle figure is the last sample), then runs the command given after "--" (a simulation) while
// sampling every --every, and prints per process the idle figure, the peak of the samples and
// the kernel's high-water mark (VmHWM, which catches what falls between samples). Without a
// command it samples until Ctrl-C. It exits with the command's status.
//
//	memwatch --data .familytime --idle 10s -- familytime simulate --data .familytime ...
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/familytime/familytime/tools/internal/devserver"
)

func main() {
	code, err := run(os.Args[1:], os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "memwatch:", err)
		os.Exit(2)
	}
	os.Exit(code)
}

// process is one process watched.
type process struct {
	name       string
	pid        int
	service    bool
	idle, peak int64 // kB
	hwm        int64 // kB, the last VmHWM read
	gone       bool
}

func run(args []string, out io.Writer) (int, error) {
	fs := flag.NewFlagSet("memwatch", flag.ContinueOnError)
	data := fs.String("data", ".familytime", "the data folder of a running familytime dev --processes")
	idle := fs.Duration("idle", 10*time.Second, "how long to watch the idle platform before the command starts")
	every := fs.Duration("every", time.Second, "how often to sample")
	wait := fs.Duration("wait", 2*time.Minute, "how long to wait for the platform's dev.json")
	if err := fs.Parse(args); err != nil {
		return 2, err
	}
	procs, err := waitForPlatform(*data, *wait)
	if err != nil {
		return 2, err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	sampleFor(ctx, procs, *idle, *every)
	for _, p := range procs {
		p.idle = p.peak
		if rss, _, err := status(p.pid); err == nil {
			p.idle = rss
		}
	}

	code := 0
	if command := fs.Args(); len(command) > 0 {
		cmd := exec.CommandContext(ctx, command[0], command[1:]...)
		cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, out, os.Stderr
		if err := cmd.Start(); err != nil {
			return 2, err
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		tick := time.NewTicker(*every)
		defer tick.Stop()
	watch:
		for {
			select {
			case err := <-done:
				var exit *exec.ExitError
				if errors.As(err, &exit) {
					code = exit.ExitCode()
				} else if err != nil {
					return 2, err
				}
				break watch
			case <-tick.C:
				sample(procs)
			}
		}
	} else {
		fmt.Fprintln(os.Stderr, "memwatch: sampling until Ctrl-C")
		sampleFor(ctx, procs, 0, *every)
	}
	sample(procs)
	report(out, procs, *idle, *every)
	return code, nil
}

// waitForPlatform reads dev.json once it names the services' processes.
func waitForPlatform(data string, wait time.Duration) ([]*process, error) {
	deadline := time.Now().Add(wait)
	for {
		b, err := os.ReadFile(devserver.InfoFile(data))
		if err == nil {
			var info devserver.Info
			if err := json.Unmarshal(b, &info); err != nil {
				return nil, fmt.Errorf("%s: %w", devserver.InfoFile(data), err)
			}
			if len(info.Processes) == 0 {
				return nil, fmt.Errorf("the familytime dev in %s runs every service in one process: start it with --processes", data)
			}
			var procs []*process
			for _, svc := range devserver.Services {
				if proc, ok := info.Processes[svc]; ok {
					procs = append(procs, &process{name: svc, pid: proc.PID, service: true})
				}
			}
			return append(procs, &process{name: "dev (NATS, clock)", pid: info.PID}), nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("no familytime dev in %s after %s: %w", data, wait, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// sampleFor samples every interval for d, or until ctx ends when d is 0.
func sampleFor(ctx context.Context, procs []*process, d, every time.Duration) {
	sample(procs)
	var end <-chan time.Time
	if d > 0 {
		end = time.After(d)
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-end:
			return
		case <-tick.C:
			sample(procs)
		}
	}
}

func sample(procs []*process) {
	for _, p := range procs {
		if p.gone {
			continue
		}
		rss, hwm, err := status(p.pid)
		if err != nil {
			p.gone = true
			continue
		}
		p.peak = max(p.peak, rss)
		p.hwm = hwm
	}
}

// status reads VmRSS and VmHWM (kB) from /proc/<pid>/status.
func status(pid int) (rss, hwm int64, err error) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		key, value, ok := strings.Cut(lines.Text(), ":")
		if !ok || (key != "VmRSS" && key != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("/proc/%d/status %s: %w", pid, key, err)
		}
		if key == "VmRSS" {
			rss = kb
		} else {
			hwm = kb
		}
	}
	return rss, hwm, lines.Err()
}

// target is issue 12's bound on a service's resident memory.
const target = 150 << 10 // kB

func report(w io.Writer, procs []*process, idle, every time.Duration) {
	fmt.Fprintf(w, "\nResident memory per process (VmRSS from /proc/<pid>/status; idle: after %s of the platform alone; "+
		"peak: the most of samples every %s while the command ran; VmHWM: the kernel's high-water mark, since the process started)\n",
		idle, every)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "process\tpid\tidle MiB\tpeak MiB\tVmHWM MiB\tunder 150 MiB\t")
	for _, p := range procs {
		met := "yes"
		switch {
		case !p.service:
			met = "(not a service)"
		case max(p.peak, p.hwm) >= target:
			met = "no"
		}
		if p.gone {
			met += " (exited)"
		}
		fmt.Fprintf(tw, "%s\t%d\t%.1f\t%.1f\t%.1f\t%s\t\n", p.name, p.pid, mib(p.idle), mib(p.peak), mib(p.hwm), met)
	}
	tw.Flush()
}

func mib(kb int64) float64 { return float64(kb) / 1024 }
