// Command tidings-bench measures Tidings against a real Dovecot and against
// the floor: the same IMAP work done by a bare go-imap client (issue 8).
//
// It starts a private Dovecot (internal/testsrv), seeds an INBOX of -n
// messages made from the demo corpus, serves Tidings (web.New over an
// imapproxy.Pool) on loopback, and measures: latency of the main pages
// and actions next to their floor, the IMAP commands each costs,
// throughput of the Inbox page from a separate load-generator process,
// and the resident memory of the real tidings binary holding many idle
// sessions. It prints a Markdown report, checks issue 8's targets and
// writes the report into -out (BENCHMARKS.md), leaving other sections of
// that file alone.
//
//	go run ./cmd/tidings-bench -n 10000 -out BENCHMARKS.md
//	go run ./cmd/tidings-bench -n 100000 -out BENCHMARKS.md
//
// Targets are checked and printed; -strict makes a missed one exit 1.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	// The same binary is its own load generator: see loadgen.go.
	if code, ok := loadgenMain(); ok {
		os.Exit(code)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg, err := parseFlags(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "tidings-bench:", err)
		os.Exit(2)
	}
	rep, err := run(ctx, cfg, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tidings-bench:", err)
		os.Exit(1)
	}
	if cfg.strict {
		for _, c := range rep.checks() {
			if !c.known || !c.holds {
				os.Exit(1)
			}
		}
	}
}

// config is what the flags set.
type config struct {
	n           int
	rep         repeat
	out         string
	concurrency []int
	duration    time.Duration
	sessions    int
	memIdle     time.Duration
	phases      map[string]bool
	only        map[string]bool // latency scenarios to run, by key; empty: all
	cpuProfile  string
	tidingsBin  string
	moveRoute   string
	strict      bool
	command     string // as the report quotes it
}

const allPhases = "latency,throughput,memory"

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("tidings-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&c.n, "n", 10_000, "messages to seed into INBOX")
	fs.IntVar(&c.rep.Reps, "reps", 100, "repetitions of each latency scenario, at most")
	fs.IntVar(&c.rep.MinReps, "min-reps", 10, "repetitions of each latency scenario, at least")
	fs.DurationVar(&c.rep.Budget, "budget", 20*time.Second, "stop repeating a scenario after this (once -min-reps are done)")
	fs.IntVar(&c.rep.Warmup, "warmup", 2, "untimed runs of each side before timing")
	fs.StringVar(&c.out, "out", "", "Markdown file to write the report into (e.g. BENCHMARKS.md); empty: stdout only")
	conc := fs.String("concurrency", "1,8,64", "throughput runs: concurrent sessions, comma-separated")
	fs.DurationVar(&c.duration, "duration", 10*time.Second, "length of each throughput run")
	fs.IntVar(&c.sessions, "sessions", 1000, "idle sessions for the memory measurement (Dovecot allows 1,000 connections)")
	fs.DurationVar(&c.memIdle, "mem-idle-timeout", 30*time.Second, "-imap-idle-timeout of the tidings binary in the memory measurement")
	phases := fs.String("phases", allPhases, "phases to run")
	only := fs.String("scenarios", "", "latency scenarios to run, by key (page1,deep,open-html,open-html-page,open-html-body,open-plain,search-few,search-many,move,breakdown); empty: all")
	fs.StringVar(&c.cpuProfile, "cpuprofile", "", "write a CPU profile of the latency phase (Tidings server and floor) to this file")
	fs.StringVar(&c.tidingsBin, "tidings-bin", "", "tidings binary for the memory phase; empty: go build cmd/tidings")
	fs.StringVar(&c.moveRoute, "move-route", "", `the move action, e.g. "/mail/INBOX/move?uid={uid}&to=Archive"; empty: try the likely routes`)
	fs.BoolVar(&c.strict, "strict", false, "exit 1 when a target is missed or not measured")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	for _, s := range strings.Split(*conc, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || v < 1 {
			return c, fmt.Errorf("-concurrency %q: want positive integers", *conc)
		}
		c.concurrency = append(c.concurrency, v)
	}
	c.phases = map[string]bool{}
	for _, s := range strings.Split(*phases, ",") {
		if !strings.Contains(allPhases, s) || s == "" {
			return c, fmt.Errorf("-phases: unknown phase %q (want some of %s)", s, allPhases)
		}
		c.phases[s] = true
	}
	c.only = map[string]bool{}
	for _, s := range strings.Split(*only, ",") {
		if s = strings.TrimSpace(s); s != "" {
			c.only[s] = true
		}
	}
	switch {
	case c.n < 2*50:
		return c, errors.New("-n must be at least 100 (two pages)")
	case c.rep.Reps < 1 || c.rep.MinReps < 1 || c.rep.MinReps > c.rep.Reps:
		return c, errors.New("want 1 <= -min-reps <= -reps")
	case c.sessions < 1:
		return c, errors.New("-sessions must be positive")
	}
	c.command = "go run ./cmd/tidings-bench " + strings.Join(args, " ")
	return c, nil
}
