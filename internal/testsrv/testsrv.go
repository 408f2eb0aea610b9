package testsrv

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// readyTimeout bounds how long a Start function waits for a server to
// accept connections before failing with the server's log tail.
const readyTimeout = 10 * time.Second

// Required reports whether the servers this package starts are required:
// in CI (CI=true) a missing binary fails the test instead of skipping it.
func Required() bool { return os.Getenv("CI") == "true" }

// unavailable skips the test, or fails it when Required, because a server
// cannot run here. The message says how to make it available.
func unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	if Required() {
		t.Fatalf("CI=true: "+format, args...)
	}
	t.Skipf(format, args...)
}

// lookBinary returns the path of the named program, looking in the sbin
// directories too (they are often missing from a non-root PATH). It skips
// or fails the test with skipMsg when the program is not installed.
func lookBinary(t testing.TB, name, skipMsg string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, dir := range []string{"/usr/sbin", "/usr/bin", "/sbin", "/usr/local/sbin", "/usr/local/bin"} {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	unavailable(t, "%s", skipMsg)
	return ""
}

// shortTempDir makes a temporary directory under os.TempDir, removed at
// cleanup. Unlike t.TempDir its path is short (Dovecot and Postfix put unix
// sockets in it, and a socket path must stay under 108 bytes) and it is
// world-searchable, because the servers' unprivileged users must reach the
// files inside.
func shortTempDir(t testing.TB, prefix string) string {
	t.Helper()
	if err := checkSearchable(os.TempDir()); err != nil {
		t.Fatalf("testsrv: %v", err)
	}
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		t.Fatalf("testsrv: %v", err)
	}
	t.Cleanup(func() {
		if err := os.RemoveAll(dir); err != nil {
			t.Errorf("testsrv: removing %s: %v", dir, err)
		}
	})
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatalf("testsrv: %v", err)
	}
	return dir
}

// checkSearchable returns an error when running as root and a directory
// on the way to dir is closed to other users: the servers' own users
// (postfix, dovecot, tidingsmail) could not reach their files.
func checkSearchable(dir string) error {
	if os.Geteuid() != 0 {
		return nil // every server process runs as us
	}
	for d := dir; ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return err
		}
		if fi.Mode().Perm()&0o001 == 0 {
			return fmt.Errorf("%s (on the way to TMPDIR %s) is not searchable by other users; the servers' unprivileged users need it: chmod o+x it or set TMPDIR", d, dir)
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}

// freePorts returns n distinct loopback ports that were free a moment ago.
// The listeners are held open together so the ports differ, then closed so
// the server can bind them; another process may take one in between, which
// is why the Start functions retry on "address in use".
func freePorts(t testing.TB, n int) []int {
	t.Helper()
	ports := make([]int, n)
	listeners := make([]net.Listener, n)
	for i := range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("testsrv: finding a free port: %v", err)
		}
		listeners[i] = l
		ports[i] = l.Addr().(*net.TCPAddr).Port
	}
	for _, l := range listeners {
		l.Close()
	}
	return ports
}

// loopback returns "127.0.0.1:port".
func loopback(port int) string { return net.JoinHostPort("127.0.0.1", fmt.Sprint(port)) }

// daemon is a server process started by this package. Its process group
// holds its helpers and nothing else: either we make it a group leader, or
// it makes itself one (Postfix's master calls setsid).
type daemon struct {
	cmd  *exec.Cmd
	opts daemonOptions
	done chan struct{} // closed when cmd.Wait returns
	err  error         // cmd.Wait's result, valid after done is closed
}

// daemonOptions says how to start a daemon.
type daemonOptions struct {
	// ownGroup puts the process in a new process group. Leave it false for
	// a daemon that calls setsid itself, which fails for a group leader.
	ownGroup bool
	// watchdog also starts a watchdog process that sends the daemon
	// SIGTERM if the test binary dies. Use it for a daemon that changes
	// its effective user (as Postfix's master does): that clears the
	// parent-death signal sysProcAttr sets.
	watchdog bool
	// termGroup makes stop send SIGTERM to every process of the group, not
	// only to the leader.
	termGroup bool
	// idle, if not nil, tells stop which processes of the group it need
	// not wait for: once only the leader and idle processes are left, stop
	// kills them.
	idle func(comm string) bool
}

// startDaemon runs name with args, stdin from /dev/null and stdout and
// stderr appended to logPath: a daemon that inherits the test's stdout
// keeps `go test` waiting for the pipe to close.
func startDaemon(logPath string, opts daemonOptions, name string, args ...string) (*daemon, error) {
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the child has its own copy
	cmd := exec.Command(name, args...)
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.SysProcAttr = sysProcAttr(opts.ownGroup)
	d := &daemon{cmd: cmd, opts: opts, done: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		// The kernel sends the parent-death signal when the thread that
		// forked the child ends, not the process; Go ends a thread when
		// the goroutine locked to it returns. So fork from a locked thread
		// and keep it, waiting, for exactly the child's life; then unlock,
		// so the thread goes back to the runtime instead of ending: other
		// children may have been forked from it before it was locked here
		// (chromedp v0.14 starts Chromium with a parent-death SIGKILL from
		// whatever thread it runs on), and its end would kill them too
		// (go.dev/issue/27505; a browser test died so, mid-run, now and
		// then, when another test's Dovecot stopped).
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		var disarm func()
		if opts.watchdog {
			var err error
			if disarm, err = startWatchdog(cmd.Process.Pid); err != nil {
				_ = cmd.Process.Kill()
				_ = cmd.Wait()
				started <- err
				return
			}
		}
		started <- nil
		d.err = cmd.Wait()
		if disarm != nil {
			disarm()
		}
		close(d.done)
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	return d, nil
}

// startWatchdog starts a shell that sends SIGTERM to pid when the pipe on
// its stdin reaches end of file, which happens when the test binary — the
// only holder of the write end — dies without running its cleanups. The
// returned disarm kills the watchdog; call it once pid has been reaped.
func startWatchdog(pid int) (disarm func(), err error) {
	r, w, err := os.Pipe() // close-on-exec: no other child inherits w
	if err != nil {
		return nil, err
	}
	defer r.Close()
	cmd := exec.Command("/bin/sh", "-c", fmt.Sprintf("read _; kill -TERM %d", pid))
	cmd.Stdin = r
	// Its own group: a ^C to the test's process group must not stop the
	// watchdog before the test binary's death makes it act.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		w.Close()
		return nil, err
	}
	return func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		w.Close() // after the kill, so the watchdog never reads EOF
	}, nil
}

// exited reports whether the process has ended.
func (d *daemon) exited() bool {
	select {
	case <-d.done:
		return true
	default:
		return false
	}
}

// stop sends SIGTERM and waits up to timeout for the process to exit, then
// kills what is left of its process group.
func (d *daemon) stop(timeout time.Duration) {
	pgid := d.cmd.Process.Pid
	target := pgid
	if d.opts.termGroup {
		target = -pgid
	}
	_ = syscall.Kill(target, syscall.SIGTERM)
	deadline := time.Now().Add(timeout)
	for i := 1; !d.exited() && time.Now().Before(deadline); i++ {
		if d.opts.idle != nil && onlyIdleLeft(pgid, d.opts.idle) {
			break
		}
		time.Sleep(10 * time.Millisecond)
		if d.opts.termGroup && i%10 == 0 {
			// Again, for processes forked after the first signal.
			_ = syscall.Kill(target, syscall.SIGTERM)
		}
	}
	killGroup(pgid)
	<-d.done
}

// onlyIdleLeft reports whether every live member of process group pgid but
// its leader is idle.
func onlyIdleLeft(pgid int, idle func(comm string) bool) bool {
	members, ok := groupMembers(pgid)
	if !ok {
		return false
	}
	for _, m := range members {
		if m.pid != pgid && !idle(m.comm) {
			return false
		}
	}
	return true
}

// killGroup sends SIGKILL to process group pgid until no live process is
// left in it. The group id is our child's pid, so it names only processes
// we started: a group id cannot be reused while the group has members.
func killGroup(pgid int) {
	for range 250 {
		if err := syscall.Kill(-pgid, syscall.SIGKILL); errors.Is(err, syscall.ESRCH) {
			return
		}
		// Zombies stay in the group until init reaps them, but hold no
		// ports or files: they do not count.
		if members, ok := groupMembers(pgid); ok && len(members) == 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// member is a live process of a process group.
type member struct {
	pid  int
	comm string
}

// groupMembers lists the live (not zombie) processes of group pgid from
// /proc. ok is false where there is no /proc.
func groupMembers(pgid int) (members []member, ok bool) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, false
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue // gone meanwhile
		}
		// pid (comm) state ppid pgrp ...; comm may hold spaces and parens.
		open, closing := bytes.IndexByte(stat, '('), bytes.LastIndexByte(stat, ')')
		if open < 0 || closing < open {
			continue
		}
		fields := strings.Fields(string(stat[closing+1:]))
		if len(fields) < 3 || fields[0] == "Z" || fields[0] == "X" || fields[2] != strconv.Itoa(pgid) {
			continue
		}
		members = append(members, member{pid: pid, comm: string(stat[open+1 : closing])})
	}
	return members, true
}

// waitReady polls until every address accepts a TCP connection and check
// (if not nil) returns nil, or until timeout or the daemon's exit.
func waitReady(d *daemon, timeout time.Duration, addrs []string, check func() error) error {
	deadline := time.Now().Add(timeout)
	for {
		err := probe(addrs, check)
		if err == nil {
			return nil
		}
		if d != nil && d.exited() {
			return fmt.Errorf("server exited (%v) before it was ready: %w", d.err, err)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("server not ready after %v: %w", timeout, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func probe(addrs []string, check func() error) error {
	for _, a := range addrs {
		c, err := net.DialTimeout("tcp", a, time.Second)
		if err != nil {
			return err
		}
		c.Close()
	}
	if check != nil {
		return check()
	}
	return nil
}

// logTail returns the last n lines of the file at path, for failure
// messages.
func logTail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(no log: %v)", err)
	}
	return "--- " + path + " (tail) ---\n" + lastLines(b, n)
}

// addrInUse reports whether a server log says a port was taken.
func addrInUse(log string) bool {
	return strings.Contains(log, "Address already in use") || strings.Contains(log, "address already in use")
}
