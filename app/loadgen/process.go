package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// process is a server the bench started: the real binary or the ceiling.
type process struct {
	cmd    *exec.Cmd
	addr   string
	stderr bytes.Buffer
	done   chan error
}

// freeAddr asks the kernel for a free loopback port.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("loadgen: free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// startWait is how long start waits for /healthz.
const startWait = 2 * time.Minute

// start runs name with args plus addrFlag set to a free loopback port and
// waits until GET /healthz answers 200.
func start(ctx context.Context, env []string, addrFlag, name string, args ...string) (*process, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	p := &process{addr: addr, done: make(chan error, 1)}
	p.cmd = exec.Command(name, append(args, addrFlag, addr)...)
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stderr = &p.stderr
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("loadgen: start %s: %w", name, err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	// A server on a big database may take a while to start (the baseline
	// of the desk's rows scans its answers at start: 20 s at a million).
	deadline := time.Now().Add(startWait)
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p, nil
			}
		}
		select {
		case err := <-p.done:
			return nil, fmt.Errorf("loadgen: %s exited before answering: %v\n%s", name, err, p.stderr.String())
		case <-ctx.Done():
			p.kill()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			p.kill()
			return nil, fmt.Errorf("loadgen: %s did not answer /healthz in %s\n%s", name, startWait, p.stderr.String())
		}
	}
}

// peakRSS is the process's high-water mark of resident memory (VmHWM), the
// most physical memory it held at any moment since it started.
func (p *process) peakRSS() (int64, error) {
	return peakRSSOf(p.cmd.Process.Pid)
}

func peakRSSOf(pid int) (int64, error) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, fmt.Errorf("loadgen: read memory: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("loadgen: read memory: %w", err)
			}
			return kb * 1024, nil
		}
	}
	return 0, errors.New("loadgen: no VmHWM in /proc status")
}

// clockTick is the unit of the CPU times in /proc/<pid>/stat (USER_HZ, 100
// on Linux whatever the kernel's own tick).
const clockTick = 10 * time.Millisecond

// processCPU is the user plus system CPU time pid has used so far.
func processCPU(pid int) (time.Duration, error) {
	if pid <= 0 {
		return 0, errors.New("loadgen: no process")
	}
	f, err := statFields(pid)
	if err != nil {
		return 0, err
	}
	if len(f) < 13 {
		return 0, errors.New("loadgen: short /proc stat")
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("loadgen: read CPU time: %w", err)
	}
	return time.Duration(utime+stime) * clockTick, nil
}

// statFields are the fields of /proc/<pid>/stat after the command name
// (field 2), which may hold spaces: the state first, then the parent's pid.
func statFields(pid int) ([]string, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return nil, fmt.Errorf("loadgen: read /proc stat: %w", err)
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return nil, errors.New("loadgen: odd /proc stat")
	}
	return strings.Fields(string(b[i+1:])), nil
}

// stop asks the process to finish (SIGTERM) and waits for it; the real
// server then commits what it holds and closes the database.
func (p *process) stop() error {
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return fmt.Errorf("loadgen: stop: %w", err)
	}
	select {
	case err := <-p.done:
		if err != nil {
			return fmt.Errorf("loadgen: server exited with %v\n%s", err, p.stderr.String())
		}
		return nil
	case <-time.After(30 * time.Second):
		p.kill()
		return errors.New("loadgen: server did not stop within 30 s")
	}
}

func (p *process) kill() {
	_ = p.cmd.Process.Kill()
	<-p.done
}
