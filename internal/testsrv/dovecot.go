package testsrv

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

const dovecotMissing = "dovecot not installed: apt-get install dovecot-imapd dovecot-lmtpd"

// User is a mail account of a test Dovecot. Name is the local part: alice
// logs in as "alice" or "alice@example.test" and receives mail for
// alice@example.test.
type User struct{ Name, Password string }

// Dovecot is a private Dovecot IMAP and LMTP server on loopback ports,
// started by StartDovecot and stopped at the end of the test.
//
// Mail is stored as Maildir++ under Dir/home/NAME/Maildir, hierarchy
// separator "/" (so "Work/2024" is the directory ".Work.2024"; a mailbox
// name cannot contain "."). Drafts, Sent, Trash, Junk and Archive carry
// their special-use attributes and are created and subscribed at first
// access.
type Dovecot struct {
	Dir        string // the instance directory: config, log, cert, homes
	IMAPAddr   string // 127.0.0.1:port, plaintext with STARTTLS
	IMAPSAddr  string // 127.0.0.1:port, implicit TLS
	LMTPAddr   string // 127.0.0.1:port, LMTP delivery (RFC 2033)
	AuthSocket string // dovecot auth listener for Postfix SASL (smtpd_sasl_type = dovecot)
	CertPEM    []byte // self-signed certificate (localhost, 127.0.0.1) of the TLS listeners
	Users      []User

	t        testing.TB
	conf     string // path of dovecot.conf
	logPath  string // Dovecot's log_path
	outPath  string // the master's stdout and stderr
	owner    account
	dovecot  string // binaries
	doveadm  string
	doveconf string

	mu   sync.Mutex
	proc *daemon // nil when stopped
	seq  int     // maildir unique-name counter, see WriteMaildir
}

// StartDovecot starts a Dovecot with the given users and stops it when the
// test ends. It skips the test (fails in CI) when Dovecot is not installed.
func StartDovecot(t testing.TB, users ...User) *Dovecot {
	t.Helper()
	d := &Dovecot{
		t:        t,
		Users:    users,
		dovecot:  lookBinary(t, "dovecot", dovecotMissing),
		doveadm:  lookBinary(t, "doveadm", dovecotMissing),
		doveconf: lookBinary(t, "doveconf", dovecotMissing),
	}
	checkDovecotServices(t)
	d.owner = mailOwner(t)
	d.Dir = shortTempDir(t, "dc")
	d.conf = filepath.Join(d.Dir, "dovecot.conf")
	d.logPath = filepath.Join(d.Dir, "dovecot.log")
	d.outPath = filepath.Join(d.Dir, "dovecot.out")
	baseDir := filepath.Join(d.Dir, "run")
	d.AuthSocket = filepath.Join(baseDir, authSocketName)

	certPEM, keyPEM, err := selfSigned()
	if err != nil {
		t.Fatalf("testsrv: certificate: %v", err)
	}
	d.CertPEM = certPEM
	d.writeFile("cert.pem", certPEM, 0o644)
	d.writeFile("key.pem", keyPEM, 0o600)
	d.writeUsers()
	if err := os.Mkdir(filepath.Join(d.Dir, "state"), 0o755); err != nil {
		t.Fatalf("testsrv: %v", err)
	}

	self, err := currentAccount()
	if err != nil {
		t.Fatalf("testsrv: %v", err)
	}
	c := dovecotConf{Dir: d.Dir, BaseDir: baseDir, Owner: d.owner, Service: self, AsRoot: os.Geteuid() == 0}
	t.Cleanup(d.Stop)
	for attempt := 0; ; attempt++ {
		ports := freePorts(t, 3)
		c.IMAPPort, c.IMAPSPort, c.LMTP = ports[0], ports[1], ports[2]
		d.IMAPAddr, d.IMAPSAddr, d.LMTPAddr = loopback(ports[0]), loopback(ports[1]), loopback(ports[2])
		d.writeFile("dovecot.conf", []byte(c.render()), 0o644)
		if attempt == 0 {
			d.checkConf()
		}
		err := d.start()
		if err == nil {
			return d
		}
		if attempt < 3 && addrInUse(logTail(d.logPath, 20)+logTail(d.outPath, 20)) {
			continue // another process took a port between freePorts and bind
		}
		t.Fatalf("testsrv: starting dovecot: %v\n%s\n%s", err, logTail(d.logPath, 30), logTail(d.outPath, 10))
	}
}

// checkDovecotServices skips the test (fails in CI) when Dovecot is
// installed without its IMAP or LMTP server, which are separate Debian
// packages from the dovecot binary.
func checkDovecotServices(t testing.TB) {
	t.Helper()
	for _, dir := range []string{"/usr/lib/dovecot", "/usr/libexec/dovecot"} {
		if _, err := os.Stat(filepath.Join(dir, "config")); err != nil {
			continue // not Dovecot's libexec directory on this system
		}
		for _, s := range []struct{ bin, pkg string }{{"imap", "dovecot-imapd"}, {"lmtp", "dovecot-lmtpd"}} {
			if _, err := os.Stat(filepath.Join(dir, s.bin)); err != nil {
				unavailable(t, "%s not installed: apt-get install dovecot-imapd dovecot-lmtpd", s.pkg)
			}
		}
		return
	}
}

// writeFile writes name inside Dir or fails the test.
func (d *Dovecot) writeFile(name string, data []byte, perm os.FileMode) {
	d.t.Helper()
	if err := os.WriteFile(filepath.Join(d.Dir, name), data, perm); err != nil {
		d.t.Fatalf("testsrv: %v", err)
	}
}

// writeUsers writes the passwd-file shared by passdb and userdb and makes
// each user's home, owned by the mail owner.
func (d *Dovecot) writeUsers() {
	d.t.Helper()
	var b strings.Builder
	for _, u := range d.Users {
		if u.Name == "" || strings.ContainsAny(u.Name+u.Password, ":\n") || strings.ContainsAny(u.Name, "@/ ") {
			d.t.Fatalf("testsrv: user %q: name must be a plain local part, and no ':' or newline in name or password", u.Name)
		}
		home := d.home(u.Name)
		fmt.Fprintf(&b, "%s:{PLAIN}%s:%d:%d::%s::\n", strings.ToLower(u.Name), u.Password, d.owner.UID, d.owner.GID, home)
	}
	d.writeFile("users", []byte(b.String()), 0o644)
	if err := os.Mkdir(filepath.Join(d.Dir, "home"), 0o755); err != nil {
		d.t.Fatalf("testsrv: %v", err)
	}
	for _, u := range d.Users {
		home := d.home(u.Name)
		if err := os.Mkdir(home, 0o700); err != nil {
			d.t.Fatalf("testsrv: %v", err)
		}
		if err := d.owner.chown(home); err != nil {
			d.t.Fatalf("testsrv: %v", err)
		}
	}
}

func (d *Dovecot) home(user string) string {
	return filepath.Join(d.Dir, "home", strings.ToLower(user))
}

// checkConf runs doveconf -n on the generated config and fails the test
// with its complaint when Dovecot would not accept it.
func (d *Dovecot) checkConf() {
	d.t.Helper()
	out, err := exec.Command(d.doveconf, "-c", d.conf, "-n").CombinedOutput()
	if err != nil {
		d.t.Fatalf("testsrv: doveconf -n rejects %s: %v\n%s", d.conf, err, lastLines(out, 20))
	}
}

// start runs `dovecot -F` as our child and waits until it serves.
func (d *Dovecot) start() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.proc != nil {
		return nil
	}
	// A master stopped while it was recording itself in state_dir leaves
	// the dotlock behind, and the next master would wait ten seconds for it
	// to go stale. No master runs on this state_dir now.
	if err := os.Remove(filepath.Join(d.Dir, "state", "instances.lock")); err != nil && !os.IsNotExist(err) {
		return err
	}
	proc, err := startDaemon(d.outPath, dovecotDaemon, d.dovecot, "-F", "-c", d.conf)
	if err != nil {
		return err
	}
	err = waitReady(proc, readyTimeout, []string{d.IMAPAddr, d.IMAPSAddr, d.LMTPAddr}, d.authReady)
	if err != nil {
		proc.stop(5 * time.Second)
		return err
	}
	d.proc = proc
	return nil
}

// authReady reports whether the auth listener for Postfix accepts
// connections.
func (d *Dovecot) authReady() error {
	c, err := net.DialTimeout("unix", d.AuthSocket, time.Second)
	if err != nil {
		return err
	}
	return c.Close()
}

// Start starts the server again after Stop, on the same ports with the
// same mail, for tests of a server that restarts between two requests.
// It fails the test that started the server if the ports are taken.
func (d *Dovecot) Start() {
	d.t.Helper()
	if err := d.start(); err != nil {
		d.t.Fatalf("testsrv: restarting dovecot: %v\n%s", err, logTail(d.logPath, 30))
	}
}

// Stop stops the server and every process it started, and waits until
// they are gone, so the ports are free again. Stopping a stopped server
// does nothing.
func (d *Dovecot) Stop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.proc == nil {
		return
	}
	d.proc.stop(10 * time.Second)
	d.proc = nil
}

// dovecotDaemon is how Dovecot's master is run and stopped. The master
// alone stops its processes by SIGINT, which a process ignores while it
// believes it serves a client: an lmtp process that just served a probe
// then holds the stop for five seconds. SIGTERM to each process makes each
// finish cleanly at once. The master also waits a second for its log
// process; stop need not wait for any process that does not write mail.
var dovecotDaemon = daemonOptions{
	ownGroup:  true,
	termGroup: true,
	idle: func(comm string) bool {
		switch comm {
		case "imap", "lmtp", "indexer-worker", "doveadm-server", "pop3", "submission":
			return false
		}
		return true
	},
}

// RootCAs returns a pool that trusts the server's certificate, for
// tls.Config.RootCAs.
func (d *Dovecot) RootCAs() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(d.CertPEM)
	return pool
}

// Doveadm runs `doveadm -c CONF args...` and returns its standard output.
// It fails the test when doveadm fails. Commands with -u need the server
// running (the user is looked up through its auth service).
func (d *Dovecot) Doveadm(t testing.TB, args ...string) string {
	t.Helper()
	out, err := d.doveadmRun(nil, args...)
	if err != nil {
		t.Fatalf("testsrv: doveadm %s: %v", strings.Join(args, " "), err)
	}
	return out
}

// doveadmRun runs doveadm with stdin and returns its standard output, or
// an error carrying its standard error.
func (d *Dovecot) doveadmRun(stdin []byte, args ...string) (string, error) {
	cmd := exec.Command(d.doveadm, append([]string{"-c", d.conf}, args...)...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("%v: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	return stdout.String(), nil
}

// Save stores raw as one message of user's mailbox, byte for byte, with
// `doveadm save`; the mailbox is created when missing. INTERNALDATE is the
// time of the call. Use WriteMaildir to seed many messages or set dates
// and flags.
func (d *Dovecot) Save(t testing.TB, user, mailbox string, raw []byte) {
	t.Helper()
	_, err := d.doveadmRun(raw, "save", "-u", user, "-m", mailbox)
	if err != nil && strings.Contains(err.Error(), "doesn't exist") {
		d.Doveadm(t, "mailbox", "create", "-u", user, "-s", mailbox)
		_, err = d.doveadmRun(raw, "save", "-u", user, "-m", mailbox)
	}
	if err != nil {
		t.Fatalf("testsrv: doveadm save -u %s -m %s: %v", user, mailbox, err)
	}
}

// lastLines returns the last n lines of b.
func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
