package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// proc is a child process the bench started and must stop: every one is killed by its own
// pid when the bench ends, whatever happens in between.
type proc struct {
	name  string
	cmd   *exec.Cmd
	stdin io.Closer // held open: dynalite exits when its stdin closes
	done  chan struct{}
	err   error

	mu   sync.Mutex
	tail []string // the last lines it printed, for the error that explains a failure
}

const tailLines = 40

var (
	procsMu sync.Mutex
	procs   []*proc
)

// startProc runs path with env (added to the bench's own environment when inherit is set) and
// returns once it printed a line matching ready, with that line's first submatch.
func startProc(ctx context.Context, name, path string, args []string, env []string, inherit bool, ready *regexp.Regexp, wait time.Duration) (*proc, string, error) {
	cmd := exec.Command(path, args...)
	if inherit {
		env = append(os.Environ(), env...)
	}
	cmd.Env = env
	// Its own process group, so that a terminal's Ctrl-C reaches the bench, which then stops
	// its children by pid rather than leaving them to the signal.
	// Pdeathsig: a bench killed outright takes its servers with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, "", err
	}
	cmd.Stderr = cmd.Stdout
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, "", err
	}
	if err := cmd.Start(); err != nil {
		return nil, "", fmt.Errorf("start %s: %w", name, err)
	}
	p := &proc{name: name, cmd: cmd, stdin: stdin, done: make(chan struct{})}
	procsMu.Lock()
	procs = append(procs, p)
	procsMu.Unlock()

	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			p.mu.Lock()
			p.tail = append(p.tail, line)
			if len(p.tail) > tailLines {
				p.tail = p.tail[1:]
			}
			p.mu.Unlock()
			if ready != nil {
				if m := ready.FindStringSubmatch(line); m != nil {
					found <- m[len(m)-1]
					ready = nil
				}
			}
		}
		io.Copy(io.Discard, out)
		p.err = cmd.Wait()
		close(p.done)
	}()
	if ready == nil {
		return p, "", nil
	}
	select {
	case m := <-found:
		return p, m, nil
	case <-p.done:
		return nil, "", fmt.Errorf("%s exited before it was ready (%v):\n%s", name, p.err, p.output())
	case <-time.After(wait):
		p.stop()
		return nil, "", fmt.Errorf("%s was not ready within %s:\n%s", name, wait, p.output())
	case <-ctx.Done():
		p.stop()
		return nil, "", ctx.Err()
	}
}

func (p *proc) pid() int { return p.cmd.Process.Pid }

func (p *proc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.tail, "\n")
}

// stop ends the process: SIGTERM first so a server can close its store, SIGKILL if it lingers.
func (p *proc) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	p.stdin.Close()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
	}
}

// kill ends the process at once, for children whose shutdown is not what is measured.
func (p *proc) kill() {
	p.stdin.Close()
	p.cmd.Process.Kill()
	<-p.done
}

// stopAll ends every child still running; the bench calls it on its way out.
func stopAll() {
	procsMu.Lock()
	defer procsMu.Unlock()
	for _, p := range procs {
		p.stop()
	}
	procs = nil
}

// procStatus reads fields of /proc/<pid>/status in bytes: VmHWM is the peak resident set
// since the process started, VmRSS the current one.
func procStatus(pid int, field string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), field+":")
		if !ok {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) != 2 || fields[1] != "kB" {
			return 0, fmt.Errorf("/proc/%d/status: %s is %q", pid, field, rest)
		}
		kb, err := strconv.ParseInt(fields[0], 10, 64)
		return kb * 1024, err
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, errors.New("/proc/" + strconv.Itoa(pid) + "/status has no " + field)
}

// run runs a command in dir and returns its error with its output, for builds.
func run(ctx context.Context, dir string, env []string, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, out)
	}
	return nil
}
