package testsrv

import (
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"testing"
)

// ErrUnavailable is returned by the standalone functions when a server
// cannot run here (its binary is not installed). Under CI=true the same
// condition is a plain error instead, as it fails a test.
var ErrUnavailable = errors.New("testsrv: server unavailable")

// StartDovecotProcess starts a private Dovecot like StartDovecot, for
// programs that are not tests (cmd/tidings-bench). stop stops the server
// and removes its directory; call it once the server is no longer needed.
//
// The helpers of this package report failures through testing.TB and
// clean up with t.Cleanup. Rather than give each a second, error-returning
// twin, this runs them under a small stand-in for testing.TB whose Fatalf
// aborts the call and whose Cleanup collects work for stop: the code that
// tests rely on is the code the benchmark runs.
func StartDovecotProcess(users ...User) (d *Dovecot, stop func(), err error) {
	r := &standaloneTB{}
	err = r.run(func() { d = StartDovecot(r, users...) })
	if err != nil {
		r.cleanup()
		return nil, nil, err
	}
	return d, r.cleanup, nil
}

// SeedMaildir is WriteMaildir for a Dovecot started by
// StartDovecotProcess: it writes msgs into user's Maildir and has Dovecot
// index them, and returns what WriteMaildir would fail a test with.
func (d *Dovecot) SeedMaildir(user string, msgs []MaildirMessage) error {
	r := &standaloneTB{}
	defer r.cleanup()
	return r.run(func() { d.WriteMaildir(r, user, msgs) })
}

// Version returns the server's version line, as `dovecot --version`
// prints it.
func (d *Dovecot) Version() (string, error) {
	out, err := exec.Command(d.dovecot, "--version").Output()
	return strings.TrimSpace(string(out)), err
}

// standaloneTB is the part of testing.TB this package's helpers call,
// outside a test. The embedded interface is nil: it only supplies
// testing.TB's unexported method, so any other method panics, and run
// turns that panic into an error too.
type standaloneTB struct {
	testing.TB

	mu       sync.Mutex
	cleanups []func()
	errs     []string
}

// abort carries a Fatalf or Skipf out of the helper to run.
type abort struct{ err error }

// run calls fn and returns the error that aborted it, if any, or the
// errors it reported with Errorf.
func (r *standaloneTB) run(fn func()) (err error) {
	defer func() {
		if v := recover(); v != nil {
			if a, ok := v.(abort); ok {
				err = a.err
				return
			}
			err = fmt.Errorf("testsrv: %v", v)
		}
	}()
	fn()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.errs) > 0 {
		return errors.New(strings.Join(r.errs, "; "))
	}
	return nil
}

// cleanup runs the registered cleanups, last first, as testing does.
func (r *standaloneTB) cleanup() {
	r.mu.Lock()
	fns := r.cleanups
	r.cleanups = nil
	r.mu.Unlock()
	for i := len(fns) - 1; i >= 0; i-- {
		fns[i]()
	}
}

func (r *standaloneTB) Helper()      {}
func (r *standaloneTB) Name() string { return "standalone" }

func (r *standaloneTB) Cleanup(fn func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cleanups = append(r.cleanups, fn)
}

func (r *standaloneTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func (r *standaloneTB) Fatalf(format string, args ...any) {
	panic(abort{fmt.Errorf(format, args...)})
}

// Skipf is how unavailable reports a missing binary when not in CI.
func (r *standaloneTB) Skipf(format string, args ...any) {
	panic(abort{fmt.Errorf("%w: %s", ErrUnavailable, fmt.Sprintf(format, args...))})
}

func (r *standaloneTB) Logf(string, ...any) {}
