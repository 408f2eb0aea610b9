package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"time"

	"github.com/tidings-mail/tidings/handlers"
	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/imapproxy/benchfloor"
	"github.com/tidings-mail/tidings/internal/testsrv"
)

const (
	benchUser     = "alice"
	benchPassword = "wonderland"
	moveTarget    = "Archive"
)

// run is the whole benchmark. Progress goes to w, then the report.
func run(ctx context.Context, cfg config, w io.Writer) (*report, error) {
	rep := &report{n: cfg.n, perPage: handlers.PageSize, command: cfg.command}
	dir, err := os.MkdirTemp("", "tidings-bench")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)

	users := []testsrv.User{{Name: benchUser, Password: benchPassword}}
	var idle []string // the memory phase's users, one session each
	if cfg.phases["memory"] {
		for i := range cfg.sessions {
			name := fmt.Sprintf("idle%04d", i+1)
			users = append(users, testsrv.User{Name: name, Password: benchPassword})
			idle = append(idle, name)
		}
	}
	dc, stopDovecot, err := testsrv.StartDovecotProcess(users...)
	if err != nil {
		return nil, fmt.Errorf("start dovecot: %w", err)
	}
	defer stopDovecot()
	version, _ := dc.Version()
	rep.m = describeMachine(version)
	fmt.Fprintf(w, "dovecot %s on %s; load average %s\n", version, dc.IMAPSAddr, rep.m.LoadStart)

	ib, err := seed(dc, cfg.n, &rep.seed)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "seeded %d messages in %.1f s\n", cfg.n, rep.seed.Seconds())
	certFile := filepath.Join(dir, "imap-cert.pem")
	if err := os.WriteFile(certFile, dc.CertPEM, 0o644); err != nil {
		return nil, err
	}

	if cfg.phases["latency"] || cfg.phases["throughput"] {
		if err := runAppPhases(ctx, cfg, dc, ib, rep, w); err != nil {
			return nil, err
		}
	}
	if cfg.phases["memory"] {
		t0 := time.Now()
		rep.mem, rep.memErr = memoryPhase(ctx, cfg, dc, dir, certFile, idle, w)
		fmt.Fprintf(w, "memory phase: %.1f s\n", time.Since(t0).Seconds())
	}
	rep.m.LoadEnd = loadAvg()
	md := rep.markdown()
	fmt.Fprintln(w)
	fmt.Fprint(w, md)
	if cfg.out != "" {
		if err := writeSection(cfg.out, "tidings-bench about", aboutSection); err != nil {
			return rep, err
		}
		if err := writeSection(cfg.out, fmt.Sprintf("tidings-bench N=%d", cfg.n), md); err != nil {
			return rep, err
		}
		fmt.Fprintf(w, "\nwritten to %s\n", cfg.out)
	}
	return rep, nil
}

// seed fills alice's folders with the demo mailbox and INBOX with n
// messages, flushes them to disk, then frees the messages' bytes: the
// benchmark process also serves Tidings, and 300 MB of garbage would tax
// its timings.
func seed(dc *testsrv.Dovecot, n int, took *time.Duration) (*inbox, error) {
	t0 := time.Now()
	ib, err := buildInbox(n, t0)
	if err != nil {
		return nil, err
	}
	if err := dc.SeedMaildir(benchUser, append(otherFolders(t0), ib.msgs...)); err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	flushDisk()
	*took = time.Since(t0)
	ib.msgs = nil
	runtime.GC()
	debug.FreeOSMemory()
	return ib, nil
}

// tlsTo trusts the test server's self-signed certificate, for the pool
// and the floor alike: both speak implicit TLS, as production does.
func tlsTo(dc *testsrv.Dovecot) (*x509.CertPool, *tls.Config) {
	roots := dc.RootCAs()
	return roots, &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
}

// runAppPhases runs the latency and throughput phases against one
// in-process Tidings.
func runAppPhases(ctx context.Context, cfg config, dc *testsrv.Dovecot, ib *inbox, rep *report, w io.Writer) error {
	roots, tlsCfg := tlsTo(dc)
	pc := imapproxy.DefaultConfig()
	pc.Addr, pc.TLS, pc.RootCAs = dc.IMAPSAddr, imapproxy.TLSImplicit, roots
	// Every load-generator session signs in as the one seeded user; the
	// per-user cap (6 by default, against one user hogging the server)
	// would measure queueing in the pool, not throughput.
	pc.MaxPerUser = pc.MaxTotal
	a, err := startApp(pc)
	if err != nil {
		return err
	}
	defer a.Close()
	moves := &uidSource{}
	if cfg.phases["latency"] {
		t0 := time.Now()
		e, closeEnv, err := newEnv(ctx, a, dc.IMAPSAddr, tlsCfg, ib, moves)
		if err != nil {
			return err
		}
		e.moveFlag = cfg.moveRoute
		e.deep = deepPage(e.n, e.perPage)
		err = latencyPhase(ctx, cfg, e, rep, w)
		closeEnv()
		if err != nil {
			return err
		}
		st := a.Pool.Stats()
		rep.poolStats = fmt.Sprintf("%d dials, %d reuses, %d NOOP checks, %d retries, %d busy; %d pages 1 in one round trip, %d asked again",
			st.Dials, st.Reuses, st.Checks, st.Retries, st.Busy, st.FirstPagesPipelined, st.FirstPagesAgain)
		if err := diagPhase(ctx, dc, ib, moves, e, rep); err != nil {
			rep.notes = append(rep.notes, "IMAP command count failed: "+err.Error())
		}
		fmt.Fprintf(w, "latency phase: %.1f s\n", time.Since(t0).Seconds())
	}
	if cfg.phases["throughput"] {
		t0 := time.Now()
		defer func() { fmt.Fprintf(w, "throughput phase: %.1f s\n", time.Since(t0).Seconds()) }()
		for _, c := range cfg.concurrency {
			res, err := runLoadgenProcess(ctx, loadSpec{URL: a.URL, Path: "/mail/INBOX", User: benchUser,
				Password: benchPassword, Concurrency: c, Duration: cfg.duration})
			rep.tput = append(rep.tput, tputRow{conc: c, res: res, err: err})
			if err != nil {
				fmt.Fprintf(w, "throughput at %d: %v\n", c, err)
				continue
			}
			fmt.Fprintf(w, "throughput at %3d: %7.1f req/s, median %s, p95 %s, %d errors\n", c, res.RPS(), ms(res.Median), ms(res.P95), res.Errors)
		}
	}
	return nil
}

// deepPage is page 1,000 when the folder has it, else the last page.
func deepPage(n, perPage int) int { return min(1000, (n+perPage-1)/perPage) }

// newEnv signs a browser in to a, opens a direct session on a's pool and
// a floor client on addr, selected on INBOX.
func newEnv(ctx context.Context, a *app, addr string, tlsCfg *tls.Config, ib *inbox, moves *uidSource) (*env, func(), error) {
	e := &env{b: newBrowser(a.URL, newTransport(4)), ib: ib, perPage: handlers.PageSize, moves: moves, moveTo: moveTarget}
	if err := e.b.login(ctx, benchUser, benchPassword); err != nil {
		return nil, nil, err
	}
	sid := fmt.Sprintf("bench-direct-%p", e)
	if err := a.Pool.Login(ctx, sid, benchUser, benchPassword); err != nil {
		return nil, nil, err
	}
	e.direct = a.Pool.Session(sid, benchUser, func() (string, error) { return benchPassword, nil })
	floor, err := benchfloor.Dial(addr, tlsCfg, benchUser, benchPassword)
	if err != nil {
		return nil, nil, err
	}
	n, err := floor.Select("INBOX")
	if err != nil {
		floor.Close()
		return nil, nil, err
	}
	e.floor, e.n = floor, int(n)
	moves.mu.Lock()
	e.moved = moves.next
	moves.mu.Unlock()
	if err := e.detectSearch(ctx); err != nil {
		floor.Close()
		return nil, nil, err
	}
	return e, func() { floor.Close(); a.Pool.CloseSession(sid) }, nil
}

func latencyPhase(ctx context.Context, cfg config, e *env, rep *report, w io.Writer) error {
	if cfg.cpuProfile != "" {
		f, err := os.Create(cfg.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	want := func(key string) bool { return len(cfg.only) == 0 || cfg.only[key] }
	for _, s := range e.scenarios() {
		if !want(s.key) {
			continue
		}
		t, f, err := measurePair(ctx, cfg.rep, s.tidings, s.floor)
		r := row{key: s.key, name: s.name, via: s.via, floorWhat: s.floorWhat, t: t, f: f, err: err}
		if s.key == "move" && e.moveRoute == nil {
			r.via = e.moveNote
		}
		rep.rows = append(rep.rows, r)
		if err != nil {
			fmt.Fprintf(w, "%-42s failed: %v\n", s.name, err)
			continue
		}
		line := fmt.Sprintf("%-42s tidings %s (p95 %s)", s.name, ms(t.median()), ms(t.p95()))
		if len(f) > 0 {
			line += fmt.Sprintf("  floor %s (p95 %s)  %.2f×", ms(f.median()), ms(f.p95()), float64(t.median())/float64(f.median()))
		}
		fmt.Fprintf(w, "%s  [%d reps]\n", line, len(t))
	}
	if e.moveRoute != nil {
		rep.notes = append(rep.notes, "Move action: "+e.moveNote+".")
	}
	if !want("breakdown") {
		return ctx.Err()
	}
	names, ops := e.breakdown()
	got, err := measureRound(ctx, cfg.rep, ops...)
	if err != nil {
		rep.notes = append(rep.notes, "Inbox page breakdown failed: "+err.Error())
		return ctx.Err()
	}
	for i, name := range names {
		rep.breakdown = append(rep.breakdown, row{name: name, t: got[i]})
		fmt.Fprintf(w, "  %-66s %s (p95 %s)\n", name, ms(got[i].median()), ms(got[i].p95()))
	}
	return ctx.Err()
}
