package testsrv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

const postfixMissing = "postfix not installed: apt-get install postfix"

// MailDomain is the domain the test Postfix delivers into Dovecot:
// alice@example.test is Dovecot user alice.
const MailDomain = "example.test"

// Postfix is a private Postfix submission server on a loopback port,
// started by StartPostfix and stopped at the end of the test.
//
// It accepts mail only from clients that authenticated (SASL PLAIN or
// LOGIN, checked by the Dovecot it was started with) after STARTTLS, with
// the Dovecot's certificate. Recipients @example.test that are Dovecot
// users are delivered into their INBOX over LMTP within a second or so;
// other @example.test recipients are refused at RCPT; mail for any other
// domain is accepted and discarded (there is no network to relay to).
// Messages over Postfix's default message_size_limit (10,240,000 bytes,
// announced as SIZE in EHLO) are refused.
type Postfix struct {
	SubmissionAddr string // 127.0.0.1:port, RFC 6409 submission with STARTTLS
	Dir            string // instance directory: etc (main.cf, master.cf), queue, data, maillog

	t         testing.TB
	postfix   string // the postfix command
	daemonDir string // where master and the other daemons are

	mu   sync.Mutex
	proc *daemon // the master; nil when stopped
}

// StartPostfix starts a Postfix that authenticates and delivers through d,
// and stops it when the test ends. Postfix must run as root (its master
// switches to the postfix user); as another user the test is skipped
// (failed in CI).
func StartPostfix(t testing.TB, d *Dovecot) *Postfix {
	t.Helper()
	p := &Postfix{t: t, postfix: lookBinary(t, "postfix", postfixMissing)}
	p.daemonDir = postfixDaemonDir(t)
	if os.Geteuid() != 0 {
		unavailable(t, "postfix needs root: its master process starts as root and switches to the postfix user")
	}
	if _, err := lookupAccount("postfix"); err != nil {
		unavailable(t, "postfix user missing (%v): reinstall the postfix package", err)
	}
	p.Dir = shortTempDir(t, "pf")
	// The queue must not be inside the config directory: postfix start
	// checks that everything in the config directory belongs to root.
	for _, dir := range []string{"etc", "queue"} {
		if err := os.Mkdir(filepath.Join(p.Dir, dir), 0o755); err != nil {
			t.Fatalf("testsrv: %v", err)
		}
	}
	p.writeFile("etc/cert.pem", d.CertPEM, 0o644)
	key, err := os.ReadFile(filepath.Join(d.Dir, "key.pem"))
	if err != nil {
		t.Fatalf("testsrv: %v", err)
	}
	p.writeFile("etc/key.pem", key, 0o600)
	var vmailbox strings.Builder
	for _, u := range d.Users {
		fmt.Fprintf(&vmailbox, "%s@%s %s/\n", strings.ToLower(u.Name), MailDomain, strings.ToLower(u.Name))
	}
	p.writeFile("etc/vmailbox", []byte(vmailbox.String()), 0o644)
	p.writeFile("etc/main.cf", []byte(p.mainCf(d)), 0o644)

	t.Cleanup(p.stop)
	for attempt := 0; ; attempt++ {
		port := freePorts(t, 1)[0]
		p.SubmissionAddr = loopback(port)
		p.writeFile("etc/master.cf", []byte(masterCf(port)), 0o644)
		err := p.start()
		if err == nil {
			return p
		}
		if attempt < 3 && addrInUse(p.logTail()) {
			continue
		}
		t.Fatalf("testsrv: starting postfix: %v\n%s", err, p.logTail())
	}
}

// writeFile writes name inside Dir, dated a minute ago: Postfix waits
// until a table or main.cf modified in the last second "cools down",
// which costs two seconds at every start.
func (p *Postfix) writeFile(name string, data []byte, perm os.FileMode) {
	p.t.Helper()
	path := filepath.Join(p.Dir, name)
	if err := os.WriteFile(path, data, perm); err != nil {
		p.t.Fatalf("testsrv: %v", err)
	}
	past := time.Now().Add(-time.Minute)
	if err := os.Chtimes(path, past, past); err != nil {
		p.t.Fatalf("testsrv: %v", err)
	}
}

func (p *Postfix) logTail() string {
	return logTail(filepath.Join(p.Dir, "maillog"), 30) + "\n" + logTail(filepath.Join(p.Dir, "master.out"), 10)
}

// postfixDaemonDir returns Postfix's daemon_directory, where master lives.
func postfixDaemonDir(t testing.TB) string {
	t.Helper()
	postconf := lookBinary(t, "postconf", postfixMissing)
	out, err := exec.Command(postconf, "-dh", "daemon_directory").Output()
	dir := strings.TrimSpace(string(out))
	if err != nil || dir == "" {
		t.Fatalf("testsrv: postconf -dh daemon_directory: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "master")); err != nil {
		unavailable(t, "%s: %v", postfixMissing, err)
	}
	return dir
}

// mainCf returns main.cf. Everything Postfix writes is under Dir; nothing
// reads /etc/postfix/main.cf or the system queue.
func (p *Postfix) mainCf(d *Dovecot) string {
	var b strings.Builder
	set := func(name, value string) { fmt.Fprintf(&b, "%s = %s\n", name, value) }
	b.WriteString("# Private Postfix for Tidings tests, written by internal/testsrv.\n")
	set("compatibility_level", "3.6")
	set("queue_directory", filepath.Join(p.Dir, "queue"))
	set("data_directory", filepath.Join(p.Dir, "data"))
	set("mail_owner", "postfix")
	set("setgid_group", "postdrop")
	// Postfix logs to syslog by default, and there is no syslog here:
	// postlogd writes this file (only under maillog_file_prefixes).
	set("maillog_file", filepath.Join(p.Dir, "maillog"))
	set("maillog_file_prefixes", p.Dir)
	set("inet_interfaces", "127.0.0.1")
	set("inet_protocols", "ipv4")
	set("myhostname", "mail."+MailDomain)
	set("mydomain", MailDomain)
	set("myorigin", MailDomain)
	set("mydestination", "")
	set("mynetworks", "127.0.0.1/32")
	set("local_recipient_maps", "")
	set("alias_maps", "")
	set("alias_database", "")
	set("biff", "no")
	set("smtpd_peername_lookup", "no") // no DNS in tests
	set("smtpd_banner", "$myhostname ESMTP Tidings test")

	set("virtual_mailbox_domains", MailDomain)
	set("virtual_mailbox_maps", "texthash:"+filepath.Join(p.Dir, "etc", "vmailbox"))
	set("virtual_transport", "lmtp:inet:"+d.LMTPAddr)
	set("default_transport", "discard:tests deliver only to "+MailDomain)
	set("relay_transport", "discard:tests deliver only to "+MailDomain)

	set("smtpd_tls_cert_file", filepath.Join(p.Dir, "etc", "cert.pem"))
	set("smtpd_tls_key_file", filepath.Join(p.Dir, "etc", "key.pem"))
	set("smtpd_tls_security_level", "may")
	set("smtpd_tls_session_cache_database", "")
	set("smtpd_sasl_type", "dovecot")
	set("smtpd_sasl_path", d.AuthSocket)
	set("smtpd_sasl_security_options", "noanonymous")

	// Deliver at once, and retry a deferred message within seconds (for
	// tests where Dovecot restarts), not in minutes.
	set("queue_run_delay", "1s")
	set("minimal_backoff_time", "1s")
	set("maximal_backoff_time", "2s")
	set("delay_warning_time", "0")
	set("in_flow_delay", "0")
	return b.String()
}

// masterCf returns master.cf: the submission listener on port plus the
// internal services. Nothing is chrooted (the queue is not a chroot jail),
// and there is no port 25, pickup (no sendmail) or smtp client.
func masterCf(port int) string {
	return fmt.Sprintf(`# service type  private unpriv  chroot  wakeup  maxproc command
127.0.0.1:%d inet n - n - - smtpd
  -o syslog_name=postfix/submission
  -o smtpd_tls_security_level=encrypt
  -o smtpd_tls_auth_only=yes
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
cleanup    unix n - n - 0 cleanup
qmgr       unix n - n 300 1 qmgr
tlsmgr     unix - - n 1000? 1 tlsmgr
rewrite    unix - - n - - trivial-rewrite
bounce     unix - - n - 0 bounce
defer      unix - - n - 0 bounce
trace      unix - - n - 0 bounce
verify     unix - - n - 1 verify
flush      unix n - n 1000? 0 flush
proxymap   unix - - n - - proxymap
proxywrite unix - - n - 1 proxymap
showq      unix n - n - - showq
error      unix - - n - - error
retry      unix - - n - - error
discard    unix - - n - - discard
lmtp       unix - - n - - lmtp
anvil      unix - - n - 1 anvil
scache     unix - - n - 1 scache
postlog    unix-dgram n - n - 1 postlogd
`, port)
}

// start prepares the queue with `postfix -c DIR/etc check` (the same
// checks `postfix start` runs, including creating the queue directories
// owned by the postfix user), then runs the master daemon in the
// foreground as our own child, the way `postfix start-fg` does: the test
// owns the process (`postfix stop` would only send it the same SIGTERM),
// and a watchdog stops it if the test binary dies without cleaning up.
func (p *Postfix) start() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if out, err := p.postfixCommand("check"); err != nil {
		return fmt.Errorf("postfix check: %v: %s", err, out)
	}
	proc, err := startDaemon(filepath.Join(p.Dir, "master.out"), daemonOptions{watchdog: true},
		filepath.Join(p.daemonDir, "master"), "-c", filepath.Join(p.Dir, "etc"), "-s")
	if err != nil {
		return err
	}
	if err := waitReady(proc, readyTimeout, []string{p.SubmissionAddr}, nil); err != nil {
		proc.stop(5 * time.Second)
		return err
	}
	p.proc = proc
	return nil
}

// postfixCommand runs `postfix -c DIR/etc cmd` and returns its output.
func (p *Postfix) postfixCommand(cmd string) (string, error) {
	out, err := exec.Command(p.postfix, "-c", filepath.Join(p.Dir, "etc"), cmd).CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

// stop stops the master; it passes SIGTERM on to its processes, and what
// is left of its process group (the master calls setsid, so the group is
// its pid) is killed.
func (p *Postfix) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.proc == nil {
		return
	}
	p.proc.stop(10 * time.Second)
	p.proc = nil
}
