package main

import (
	"context"
	"fmt"
	"io"

	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/internal/testsrv"
)

// diagPhase runs every scenario once more, untimed, against a second
// Tidings and floor whose IMAP traffic passes a counting proxy, and
// records the commands each operation sent. The timed runs never pass
// the proxy: it would add a hop to every round trip.
func diagPhase(ctx context.Context, dc *testsrv.Dovecot, ib *inbox, moves *uidSource, main *env, rep *report) error {
	counter, err := startCounter(dc.IMAPAddr)
	if err != nil {
		return err
	}
	defer counter.Close()
	pc := imapproxy.DefaultConfig()
	pc.Addr, pc.TLS = counter.Addr(), imapproxy.TLSNone
	pc.MaxPerUser = pc.MaxTotal
	a, err := startApp(pc)
	if err != nil {
		return err
	}
	defer a.Close()
	e, closeEnv, err := newEnv(ctx, a, counter.Addr(), nil, ib, moves)
	if err != nil {
		return err
	}
	defer closeEnv()
	// Moves shrank the folder: the deep page is recomputed.
	e.deep, e.search = deepPage(e.n, e.perPage), main.search
	e.moveOnce.Do(func() {}) // reuse what the timed run found
	e.moveRoute, e.moveNote = main.moveRoute, main.moveNote
	count := func(o op) ([]string, error) {
		if o == nil {
			return nil, nil
		}
		// The first run may SELECT on a fresh connection; the second is
		// the warm case the latency table shows.
		if err := o(ctx); err != nil {
			return nil, err
		}
		counter.take()
		err := o(ctx)
		return counter.take(), err
	}
	for _, s := range e.scenarios() {
		r := rep.rowNamed(s.key)
		if r == nil {
			continue // not run this time (-scenarios)
		}
		// The timed run's name: hit counts shrink as moves take messages.
		s.name = r.name
		t, err := count(s.tidings)
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		f, err := count(s.floor)
		if err != nil {
			return fmt.Errorf("%s (floor): %w", s.name, err)
		}
		rep.diag = append(rep.diag, diagRow{name: s.name, tidings: t, floor: f})
	}
	return nil
}

// memoryPhase measures the real tidings binary holding one idle session
// per user of idle.
func memoryPhase(ctx context.Context, cfg config, dc *testsrv.Dovecot, dir, certFile string, idle []string, w io.Writer) (*memResult, error) {
	bin := cfg.tidingsBin
	if bin == "" {
		var err error
		if bin, err = buildTidings(ctx, dir); err != nil {
			fmt.Fprintln(w, "memory:", err)
			return nil, err
		}
	}
	m, err := measureMemory(ctx, memSpec{Bin: bin, IMAPAddr: dc.IMAPSAddr, CertFile: certFile, Users: idle,
		Password: benchPassword, IdleTimeout: cfg.memIdle, Dir: dir})
	if err != nil {
		fmt.Fprintln(w, "memory:", err)
		return nil, err
	}
	if m.LoginError != "" {
		fmt.Fprintf(w, "memory: %d sign-ins failed, first: %s\n", m.LoginErrors, m.LoginError)
	}
	fmt.Fprintf(w, "memory: %s base, %s with %d sessions (%d IMAP connections): %.0f KB/session; %s after release (%.0f KB/session)\n",
		mb(m.BaseKB), mb(m.HeldKB), m.Sessions, m.HeldConns, m.PerSessionKB(), mb(m.ReleasedKB), m.ReleasedPerSessionKB())
	return &m, nil
}

// aboutSection explains the benchmark once, above the runs' sections.
const aboutSection = `## How the Tidings benchmark works (cmd/tidings-bench)

` + "`go run ./cmd/tidings-bench -n 10000 -out BENCHMARKS.md`" + ` (about three minutes on two cores; ` + "`-n 100000`" + `
about seven) starts a private Dovecot (internal/testsrv), seeds an INBOX of N messages made from the demo corpus
(imapproxy/demo: plain and HTML mail, attachments, inline images, threads, several charsets; each copy
with its own Message-IDs, dates and subject number; Maildir files written directly, then indexed), and
serves Tidings (web.New over imapproxy.Pool, as cmd/tidings wires it) over HTTP on loopback. IMAP runs
over implicit TLS with the certificate verified, as in production.

- **Latency**: one signed-in session issues each request back to back with a warm pool. Each request
  alternates with its **floor**, the same IMAP work done by a bare go-imap client
  (imapproxy/benchfloor) on one connection that selected INBOX once: the ratio is the overhead
  that is ours (HTTP, session, pool, sidebar LIST, MIME parsing, sanitizing, rendering).
- **IMAP commands per operation**: counted by a proxy on an untimed run.
- **Throughput**: a separate process (the benchmark re-executed) signs in one session per worker and
  requests the Inbox page back to back.
- **Memory**: the real ` + "`tidings`" + ` binary, many users each signed in once and left idle; VmRSS
  from /proc. An idle session keeps the IMAP connection its sign-in opened until
  ` + "`-imap-idle-timeout`" + ` (5 minutes by default), so both states are reported; the target is
  checked on the larger.
- A smoke run (N = 500, a few repetitions) is part of ` + "`go test ./...`" + ` (cmd/tidings-bench), so
  the benchmark never rots; it enforces no target.

Targets (issue 8), on medians: Inbox page ≤ 1.5× floor; message open ≤ floor + 5 ms; search ≤ 1.1× floor;
page 1,000 of 100,000 ≤ 1.5× page 1; ≤ 1 MB RSS per idle session. ` + "`-strict`" + ` makes a miss exit 1.
To dig into one result: ` + "`-phases latency -scenarios page1,breakdown -cpuprofile cpu.out`" + ` (see ` + "`-help`" + `).
`
