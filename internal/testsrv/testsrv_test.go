package testsrv

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// orphanEnv names the file a helper test binary writes its servers'
// addresses to; see TestServersDieWithTestBinary.
const orphanEnv = "TESTSRV_ORPHAN_ADDRS"

// TestServersDieWithTestBinary kills a test binary that started servers —
// as a go test timeout or ^C would, leaving no chance for cleanups — and
// checks that the servers go away with it rather than hold their ports.
func TestServersDieWithTestBinary(t *testing.T) {
	if path := os.Getenv(orphanEnv); path != "" {
		startServersAndHang(t, path)
		return
	}
	t.Parallel()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// The helper's temporary directories go here, to be removed after.
	tmp, err := os.MkdirTemp("", "orph")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(tmp) })
	if err := os.Chmod(tmp, 0o755); err != nil { // see shortTempDir
		t.Fatal(err)
	}
	addrsFile := filepath.Join(tmp, "addrs")
	outFile, err := os.Create(filepath.Join(tmp, "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer outFile.Close()
	output := func() string {
		b, _ := os.ReadFile(outFile.Name())
		return string(b)
	}
	cmd := exec.Command(exe, "-test.run=^TestServersDieWithTestBinary$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), orphanEnv+"="+addrsFile, "TMPDIR="+tmp)
	cmd.Stdout, cmd.Stderr = outFile, outFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	var addrs []string
	for deadline := time.Now().Add(30 * time.Second); addrs == nil; {
		select {
		case err := <-exited:
			if strings.Contains(output(), "--- SKIP") {
				t.Skipf("helper skipped:\n%s", output())
			}
			t.Fatalf("helper exited (%v) before its servers were up:\n%s", err, output())
		case <-time.After(50 * time.Millisecond):
		}
		if b, err := os.ReadFile(addrsFile); err == nil && bytes.HasSuffix(b, []byte("\n")) {
			addrs = strings.Fields(string(b))
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("helper did not start its servers in 30 s:\n%s", output())
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-exited

	deadline := time.Now().Add(10 * time.Second)
	for _, a := range addrs {
		for {
			c, err := net.DialTimeout("tcp", a, time.Second)
			if err != nil {
				break
			}
			c.Close()
			if time.Now().After(deadline) {
				t.Errorf("%s still accepts connections 10 s after its test binary died", a)
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// startServersAndHang is the helper side of TestServersDieWithTestBinary:
// it starts the servers, writes their addresses to path and waits to be
// killed.
func startServersAndHang(t *testing.T, path string) {
	d := StartDovecot(t, testUsers...)
	addrs := []string{d.IMAPAddr, d.IMAPSAddr, d.LMTPAddr, StartRedis(t)}
	if os.Geteuid() == 0 {
		addrs = append(addrs, StartPostfix(t, d).SubmissionAddr)
	}
	if err := os.WriteFile(path, []byte(strings.Join(addrs, " ")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Minute)
	t.Fatal("helper was not killed")
}

func TestUnavailable(t *testing.T) {
	for _, tt := range []struct {
		ci                  string
		wantFatal, wantSkip bool
	}{
		{ci: "true", wantFatal: true},
		{ci: "", wantSkip: true},
		{ci: "false", wantSkip: true},
	} {
		t.Setenv("CI", tt.ci)
		r := &recorder{TB: t}
		r.run(func() { unavailable(r, "%s not installed", "thing") })
		if (r.fatal != "") != tt.wantFatal || (r.skip != "") != tt.wantSkip {
			t.Errorf("CI=%q: Fatalf(%q) Skipf(%q), want fatal %v skip %v", tt.ci, r.fatal, r.skip, tt.wantFatal, tt.wantSkip)
		}
		if msg := r.fatal + r.skip; !strings.Contains(msg, "thing not installed") {
			t.Errorf("CI=%q: message %q does not say what is missing", tt.ci, msg)
		}
	}
}

// recorder records Fatalf and Skipf instead of ending the test. Like the
// real ones they stop the caller: they panic, and run recovers.
type recorder struct {
	testing.TB
	fatal, skip string
}

type stopped struct{}

func (r *recorder) Fatalf(format string, args ...any) {
	r.fatal = fmt.Sprintf(format, args...)
	panic(stopped{})
}

func (r *recorder) Skipf(format string, args ...any) {
	r.skip = fmt.Sprintf(format, args...)
	panic(stopped{})
}

func (r *recorder) Helper() {}

// run calls f, absorbing the stop of a recorded Fatalf or Skipf.
func (r *recorder) run(f func()) {
	defer func() {
		if p := recover(); p != nil {
			if _, ok := p.(stopped); !ok {
				panic(p)
			}
		}
	}()
	f()
}
