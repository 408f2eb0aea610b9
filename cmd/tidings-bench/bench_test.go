package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tidings-mail/tidings/imapproxy/message"
	"github.com/tidings-mail/tidings/internal/testsrv"
)

// TestMain lets the test binary be the load generator too: the smoke run
// re-executes it, as the benchmark re-executes itself.
func TestMain(m *testing.M) {
	if code, ok := loadgenMain(); ok {
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// TestSmoke runs the whole benchmark small (N = 500, a few repetitions,
// short throughput runs, 20 idle sessions) so that it keeps working. It
// enforces no target: timings on a shared machine are not test results.
func TestSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("a smoke run of the benchmark takes about 15 s")
	}
	out := filepath.Join(t.TempDir(), "BENCHMARKS.md")
	// Another team's section must survive the rewrite.
	if err := os.WriteFile(out, []byte("# Benchmarks\n\n## Connection pool: warm vs cold\n\nkept\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := parseFlags([]string{"-n", "500", "-reps", "3", "-min-reps", "2", "-warmup", "1", "-budget", "1s",
		"-concurrency", "1,4", "-duration", "1s", "-sessions", "20", "-mem-idle-timeout", "2s", "-out", out}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	rep, err := run(t.Context(), cfg, &log)
	if errors.Is(err, testsrv.ErrUnavailable) {
		t.Skip(err) // under CI=true testsrv reports a plain error instead
	}
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	for _, r := range rep.rows {
		if r.err != nil || len(r.t) == 0 {
			t.Errorf("%s: %v (%d samples)", r.name, r.err, len(r.t))
		}
	}
	if len(rep.diag) != len(rep.rows) {
		t.Errorf("IMAP command counts for %d of %d operations; notes: %q", len(rep.diag), len(rep.rows), rep.notes)
	}
	for _, tp := range rep.tput {
		if tp.err != nil || tp.res.Requests == 0 || tp.res.Errors > 0 {
			t.Errorf("throughput at %d: %+v, %v", tp.conc, tp.res, tp.err)
		}
	}
	if rep.mem == nil || rep.mem.HeldConns != 20 || rep.mem.LoginErrors > 0 {
		t.Errorf("memory: %+v, %v", rep.mem, rep.memErr)
	}
	md, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## Connection pool: warm vs cold\n\nkept", "<!-- tidings-bench N=500 -->",
		"| Inbox, page 1 |", "### Targets (issue 8)", "## How the Tidings benchmark works"} {
		if !bytes.Contains(md, []byte(want)) {
			t.Errorf("%s lacks %q", out, want)
		}
	}
	if t.Failed() {
		t.Log(log.String())
	}
}

func TestBuildInbox(t *testing.T) {
	ib, err := buildInbox(1000, time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for i, m := range ib.msgs {
		p, err := message.Parse(bytes.NewReader(m.Raw), message.Options{})
		if err != nil || len(p.Notices) > 0 {
			t.Fatalf("message %d: %v %q", i+1, err, p.Notices)
		}
		id := header(m.Raw, "Message-Id")
		if ids[id] {
			t.Fatalf("message %d: Message-Id %s repeats", i+1, id)
		}
		ids[id] = true
		if i > 0 && !m.Time.After(ib.msgs[i-1].Time) {
			t.Fatalf("message %d: not newer than the one before", i+1)
		}
	}
	if len(ib.fewUIDs) != fewHits || len(ib.manyUIDs) != 1000/manyEvery {
		t.Errorf("%d and %d hits, want %d and %d", len(ib.fewUIDs), len(ib.manyUIDs), fewHits, 1000/manyEvery)
	}
	for _, u := range ib.fewUIDs {
		if !strings.Contains(header(ib.msgs[u-1].Raw, "Subject"), fewWord) {
			t.Errorf("UID %d: subject lacks %s", u, fewWord)
		}
	}
}

// header returns the unfolded value of the first field called name.
func header(raw []byte, name string) string {
	end := bytes.Index(raw, []byte("\r\n\r\n"))
	for _, f := range splitFields(raw[:end+2]) {
		k, v, _ := strings.Cut(string(f), ":")
		if strings.EqualFold(k, name) {
			return strings.Join(strings.Fields(v), " ")
		}
	}
	return ""
}

func TestRewriteHeader(t *testing.T) {
	raw := "Subject: Hello\r\n there\r\nMessage-Id: <a@x>\r\nReferences: <b@x>\r\n <c@y>\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\n\r\nbody <d@x>\r\n"
	date := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	got := string(rewriteHeader([]byte(raw), 3, date, "#3 kestrel"))
	want := "Subject: Hello\r\n there #3 kestrel\r\nMessage-Id: <a.c3@x>\r\nReferences: <b.c3@x>\r\n <c.c3@y>\r\nDate: Fri, 02 Jan 2026 03:04:05 +0000\r\n\r\nbody <d@x>\r\n"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rewriteHeader (-want +got):\n%s", diff)
	}
	if got := string(rewriteHeader([]byte("From: a@x\r\n\r\nb"), 0, date, "quokka")); !strings.Contains(got, "Subject: quokka\r\n") {
		t.Errorf("no Subject added: %q", got)
	}
}

func TestQuantile(t *testing.T) {
	var s samples
	for i := 1; i <= 100; i++ {
		s = append(s, time.Duration(101-i)*time.Millisecond)
	}
	if s.median() != 50*time.Millisecond || s.p95() != 95*time.Millisecond || (samples{}).median() != 0 {
		t.Errorf("median %v, p95 %v", s.median(), s.p95())
	}
}

func TestMergeSection(t *testing.T) {
	doc := "# Benchmarks\n\n## Connection pool: warm vs cold\n\nkept\n"
	once := mergeSection(doc, "tidings-bench N=10", "## Run 1\n")
	twice := mergeSection(mergeSection(once, "tidings-bench N=20", "## Other\n"), "tidings-bench N=10", "## Run 2\n")
	want := doc + "\n<!-- tidings-bench N=10 -->\n## Run 2\n<!-- /tidings-bench N=10 -->\n\n<!-- tidings-bench N=20 -->\n## Other\n<!-- /tidings-bench N=20 -->\n"
	if diff := cmp.Diff(want, twice); diff != "" {
		t.Errorf("mergeSection (-want +got):\n%s", diff)
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 100000: "100,000", 1234567: "1,234,567"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestCommandCounter checks that literals and the lines continuing after
// them are not taken for commands.
func TestCommandCounter(t *testing.T) {
	up, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer up.Close()
	got := make(chan string, 1)
	go func() {
		c, err := up.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		b, _ := io.ReadAll(c)
		got <- string(b)
	}()
	cc, err := startCounter(up.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	c, err := net.Dial("tcp", cc.Addr())
	if err != nil {
		t.Fatal(err)
	}
	sent := "T1 LOGIN {5}\r\nalice {3+}\r\npw\n\r\nT2 NOOP\r\nT3 uid fetch 1:* (FLAGS)\r\n"
	w := bufio.NewWriter(c)
	fmt.Fprint(w, sent)
	w.Flush()
	c.Close()
	if relayed := <-got; relayed != sent {
		t.Errorf("relayed %q, want %q", relayed, sent)
	}
	if diff := cmp.Diff([]string{"LOGIN", "NOOP", "UID FETCH"}, cc.take()); diff != "" {
		t.Errorf("commands (-want +got):\n%s", diff)
	}
}
