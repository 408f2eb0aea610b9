package main

import (
	"fmt"
	"os"
	"strings"
	"time"
)

// row is one latency scenario's result.
type row struct {
	key, name, via, floorWhat string
	t, f                      samples
	err                       error
}

type tputRow struct {
	conc int
	res  loadResult
	err  error
}

type diagRow struct {
	name           string
	tidings, floor []string
}

// check is one target of issue 8.
type check struct {
	target, measured string
	holds, known     bool
}

// report is everything one run found.
type report struct {
	n         int
	perPage   int
	command   string
	m         machine
	seed      time.Duration
	rows      []row
	breakdown []row // the Inbox page taken apart, one interleaved measurement
	diag      []diagRow
	tput      []tputRow
	mem       *memResult
	memErr    error
	poolStats string
	notes     []string
}

// row returns the measured row of key; nil if it failed or is missing.
func (r *report) row(key string) *row {
	for i := range r.rows {
		if r.rows[i].key == key && r.rows[i].err == nil && len(r.rows[i].t) > 0 {
			return &r.rows[i]
		}
	}
	return nil
}

// rowNamed returns the row of key, measured or failed; nil if not run.
func (r *report) rowNamed(key string) *row {
	for i := range r.rows {
		if r.rows[i].key == key {
			return &r.rows[i]
		}
	}
	return nil
}

// name is the operation's name for key, measured or not.
func (r *report) name(key, fallback string) string {
	for _, x := range r.rows {
		if x.key == key {
			return x.name
		}
	}
	return fallback
}

// checks evaluates the targets on the medians.
func (r *report) checks() []check {
	var cs []check
	ratio := func(target, key string, limit float64) {
		c := check{target: target, measured: "not measured"}
		if x := r.row(key); x != nil && len(x.f) > 0 {
			v := float64(x.t.median()) / float64(x.f.median())
			c.measured, c.holds, c.known = fmt.Sprintf("%.2f× (%s vs %s; paired %.2f×)", v, ms(x.t.median()), ms(x.f.median()), pairedRatio(x.t, x.f)), v <= limit, true
			if x.via != "" {
				c.measured += ", through " + x.via
			}
		}
		cs = append(cs, c)
	}
	ratio("Inbox page 1 ≤ 1.5× floor", "page1", 1.5)
	for _, key := range []string{"open-html", "open-plain"} {
		c := check{target: r.name(key, key) + " ≤ floor + 5 ms", measured: "not measured"}
		if x := r.row(key); x != nil {
			d := x.t.median() - x.f.median()
			c.measured, c.holds, c.known = fmt.Sprintf("floor + %s (%s vs %s)", ms(d), ms(x.t.median()), ms(x.f.median())), d <= 5*time.Millisecond, true
		}
		cs = append(cs, c)
	}
	for _, key := range []string{"search-few", "search-many"} {
		ratio(r.name(key, key)+" ≤ 1.1× floor", key, 1.1)
	}
	deep := check{target: "Page 1,000 of 100,000 ≤ 1.5× page 1", measured: "not measured"}
	if d, p := r.row("deep"), r.row("page1"); d != nil && p != nil {
		v := float64(d.t.median()) / float64(p.t.median())
		deep.measured, deep.holds, deep.known = fmt.Sprintf("%.2f× (%s vs %s)", v, ms(d.t.median()), ms(p.t.median())), v <= 1.5, true
		if r.n < 100_000 {
			deep.target = fmt.Sprintf("%s of %s ≤ 1.5× page 1 (the target names page 1,000 of 100,000)", d.name, thousands(r.n))
		}
	}
	cs = append(cs, deep)
	mem := check{target: "≤ 1 MB RSS per idle session", measured: "not measured"}
	if r.mem != nil {
		v := r.mem.PerSessionKB()
		mem.measured, mem.holds, mem.known = fmt.Sprintf("%.0f KB per session holding its IMAP connection; %.0f KB once released",
			v, r.mem.ReleasedPerSessionKB()), v <= 1024, true
	}
	return append(cs, mem)
}

// markdown renders the run as a BENCHMARKS.md section.
func (r *report) markdown() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	p("## Tidings vs. raw IMAP, %s messages in INBOX", thousands(r.n))
	p("")
	p("Run %s: `%s`", r.m.Date, r.command)
	p("")
	p("Machine: %d × %s, %s RAM, %s, %s, Dovecot %s.", r.m.CPUs, r.m.CPU, r.m.Memory, r.m.Kernel, r.m.Go, r.m.Dovecot)
	p("Load average (1, 5, 15 min): %s at start, %s at end.", r.m.LoadStart, r.m.LoadEnd)
	if l := max(load1(r.m.LoadStart), load1(r.m.LoadEnd)); l > float64(r.m.CPUs) {
		p("**The machine was shared and busy (load %.1f on %d CPUs): absolute times are inflated and noisy; the ratios, taken from interleaved runs, are the more trustworthy part.**", l, r.m.CPUs)
	}
	p("Seeding %s messages (Maildir files, `doveadm force-resync`, `doveadm index`): %.1f s.", thousands(r.n), r.seed.Seconds())
	for _, n := range r.notes {
		p("%s", n)
	}
	p("")
	p("### Latency, one signed-in session, warm pool")
	p("")
	p("Tidings is the whole request over loopback HTTP (routing, session, IMAP through the pool, MIME walk, sanitizing, templ rendering); the floor is the same IMAP work by a bare go-imap client on one connection that stays selected. The two alternate, in alternating order; the paired ratio is the median of each back-to-back pair's ratio, steadier on a busy machine than the ratio of the medians the targets use.")
	p("")
	p("| Operation | Tidings median | Tidings p95 | Floor median | Floor p95 | Ratio of medians | Paired ratio | Reps | Floor does |")
	p("|---|---:|---:|---:|---:|---:|---:|---:|---|")
	for _, x := range r.rows {
		name := x.name
		if x.via != "" {
			name += " ¹"
		}
		if x.err != nil {
			p("| %s | failed: %s | | | | | | | |", name, mdEscape(x.err.Error()))
			continue
		}
		fm, fp, ratio, paired := "", "", "", ""
		if len(x.f) > 0 {
			fm, fp = ms(x.f.median()), ms(x.f.p95())
			ratio = fmt.Sprintf("%.2f×", float64(x.t.median())/float64(x.f.median()))
			paired = fmt.Sprintf("%.2f×", pairedRatio(x.t, x.f))
		}
		p("| %s | %s | %s | %s | %s | %s | %s | %d | %s |", name, ms(x.t.median()), ms(x.t.p95()), fm, fp, ratio, paired, len(x.t), x.floorWhat)
	}
	for _, x := range r.rows {
		if x.via != "" {
			p("")
			p("¹ %s: measured through %s.", x.name, x.via)
		}
	}
	if r.poolStats != "" {
		p("")
		p("Pool after the latency runs: %s.", r.poolStats)
	}
	if len(r.breakdown) > 0 {
		p("")
		p("### Inbox page 1 taken apart")
		p("")
		p("Every step below was timed in the same rounds, one after the other, so they compare with each other (the table above comes from other rounds).")
		p("")
		p("| Step | Median | p95 | Reps |")
		p("|---|---:|---:|---:|")
		for _, x := range r.breakdown {
			p("| %s | %s | %s | %d |", x.name, ms(x.t.median()), ms(x.t.p95()), len(x.t))
		}
	}
	if len(r.diag) > 0 {
		p("")
		p("### IMAP commands per operation")
		p("")
		p("Counted by a proxy on a separate, untimed run. Some go out together, in one round trip: page 1's NOOP and UID FETCH once the connection has drawn page 1 before (imapproxy/firstpage.go), and LIST, when the sidebar's folder list is older than ten seconds, with the first command of the page.")
		p("")
		p("| Operation | Tidings | Floor |")
		p("|---|---|---|")
		for _, d := range r.diag {
			p("| %s | %s | %s |", d.name, cmdList(d.tidings), cmdList(d.floor))
		}
	}
	r.markdownLoad(p)
	p("")
	p("### Targets (issue 8)")
	p("")
	p("| Target | Measured (medians) | Holds |")
	p("|---|---|---|")
	for _, c := range r.checks() {
		verdict := "—"
		if c.known {
			verdict = map[bool]string{true: "yes", false: "**no**"}[c.holds]
		}
		p("| %s | %s | %s |", c.target, c.measured, verdict)
	}
	return b.String()
}

func (r *report) markdownLoad(p func(string, ...any)) {
	if len(r.tput) > 0 {
		p("")
		p("### Throughput of GET /mail/INBOX (page 1)")
		p("")
		p("A separate load-generator process (this program re-executed) signs in one session per worker, all as the seeded user (the per-user connection cap is raised to the total for this), and requests the page back to back; every session holds its own IMAP connection, so Dovecot runs one imap process per worker. Load generator, Tidings and Dovecot share the CPUs.")
		p("")
		p("| Concurrency | Requests/s | Median | p95 | Requests | Errors |")
		p("|---:|---:|---:|---:|---:|---:|")
		for _, t := range r.tput {
			if t.err != nil {
				p("| %d | failed: %s | | | | |", t.conc, mdEscape(t.err.Error()))
				continue
			}
			p("| %d | %.1f | %s | %s | %d | %d |", t.conc, t.res.RPS(), ms(t.res.Median), ms(t.res.P95), t.res.Requests, t.res.Errors)
		}
	}
	if r.mem == nil && r.memErr == nil {
		return
	}
	p("")
	p("### Memory of the tidings process")
	p("")
	if r.memErr != nil {
		p("Failed: %s", mdEscape(r.memErr.Error()))
		return
	}
	m := r.mem
	p("The real binary (`go build ./cmd/tidings`) against the same Dovecot; %s sessions of %s different users signed in over HTTP (%.1f s, %d failed), then left idle. VmRSS from /proc/PID/status.",
		thousands(m.Sessions), thousands(m.Sessions), m.LoginSeconds, m.LoginErrors)
	p("")
	p("| State | VmRSS | Per session | IMAP connections |")
	p("|---|---:|---:|---:|")
	p("| Started, no session | %s | | 0 |", mb(m.BaseKB))
	p("| %s idle sessions, each still holding the connection its sign-in opened | %s | %.0f KB | %d |", thousands(m.Sessions), mb(m.HeldKB), m.PerSessionKB(), m.HeldConns)
	p("| The same sessions after `-imap-idle-timeout %s` logged the connections out (%s after the last sign-in) | %s | %.0f KB | %d |",
		m.IdleTimeout, m.ReleasedAfter, mb(m.ReleasedKB), m.ReleasedPerSessionKB(), m.ReleasedConns)
	p("")
	p("An idle session keeps the connection its sign-in opened until `-imap-idle-timeout` (5 minutes by default), so the first state is what the target is checked on. RSS barely shrinks when the pool lets go: the Go runtime keeps freed heap for reuse and returns it to the system only gradually, so the last row shows memory that is reusable, not returned.")
}

func cmdList(cmds []string) string {
	if len(cmds) == 0 {
		return "—"
	}
	return strings.Join(cmds, ", ")
}

func mb(kb int64) string { return fmt.Sprintf("%.1f MB", float64(kb)/1024) }

func mdEscape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", "\\|"), "\n", " ")
}

// thousands formats n with commas: 100000 → "100,000".
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// writeSection puts section into the Markdown file at path between
// markers named key, replacing what a previous run of the same key wrote
// and leaving every other section (other engineers' too) as it is.
func writeSection(path, key, section string) error {
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	doc := string(old)
	if doc == "" {
		doc = "# Benchmarks\n"
	}
	return os.WriteFile(path, []byte(mergeSection(doc, key, section)), 0o644)
}

func mergeSection(doc, key, section string) string {
	begin, end := "<!-- "+key+" -->", "<!-- /"+key+" -->"
	block := begin + "\n" + strings.TrimRight(section, "\n") + "\n" + end + "\n"
	i := strings.Index(doc, begin)
	j := strings.Index(doc, end)
	if i >= 0 && j > i {
		return doc[:i] + block + strings.TrimPrefix(doc[j+len(end):], "\n")
	}
	return strings.TrimRight(doc, "\n") + "\n\n" + block
}
