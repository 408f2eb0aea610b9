package testsrv

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// dovecotConf holds what varies in a private dovecot.conf.
type dovecotConf struct {
	Dir                       string // instance directory
	BaseDir                   string // sockets and master.pid; short, see shortTempDir
	IMAPPort, IMAPSPort, LMTP int
	Owner                     account // owns the mail; the uid the mail processes run as
	Service                   account // Dovecot's own unprivileged users; the current user when not root
	AsRoot                    bool
}

// authSocketName is the auth listener for Postfix SASL, inside base_dir.
const authSocketName = "auth-smtp"

// dhFile is Debian's Diffie-Hellman parameters file for Dovecot 2.3.
const dhFile = "/usr/share/dovecot/dh.pem"

// render returns the dovecot.conf text. Everything the instance reads or
// writes is inside Dir, so it never touches /etc/dovecot or /var/run.
func (c dovecotConf) render() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }

	p("# Private Dovecot for Tidings tests, written by internal/testsrv.")
	p("instance_name = tidings-test-%s", filepath.Base(c.Dir)) // shows in ps

	p("base_dir = %s", c.BaseDir)
	p("state_dir = %s/state", c.Dir)
	p("log_path = %s/dovecot.log", c.Dir)
	p("info_log_path = %s/dovecot.log", c.Dir)
	p("debug_log_path = %s/dovecot.log", c.Dir)
	p("protocols = imap lmtp")
	p("listen = 127.0.0.1")
	p("shutdown_clients = yes")
	p("")
	p("ssl = yes")
	p("ssl_cert = <%s/cert.pem", c.Dir)
	p("ssl_key = <%s/key.pem", c.Dir)
	if _, err := os.Stat(dhFile); err == nil {
		p("ssl_dh = <%s", dhFile)
	}
	p("")
	// Plain passwords over plaintext IMAP are fine on loopback in a test;
	// the webmail's own TLS choices are tested against the TLS listeners.
	p("disable_plaintext_auth = no")
	p("auth_mechanisms = plain login")
	p("auth_username_format = %%Ln")
	p("auth_verbose = yes")
	// Answer a wrong password at once: a production server waits two
	// seconds, and longer for an address that keeps failing (the anvil
	// auth penalty, disabled below), which would slow every test of a
	// failed login.
	p("auth_failure_delay = 0")
	p("passdb {\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%%n %s/users\n}", c.Dir)
	p("userdb {\n  driver = passwd-file\n  args = username_format=%%n %s/users\n}", c.Dir)
	p("")
	p("mail_location = maildir:~/Maildir")
	p("mail_uid = %d", c.Owner.UID)
	p("mail_gid = %d", c.Owner.GID)
	p("first_valid_uid = %d", c.Owner.UID)
	p("last_valid_uid = %d", c.Owner.UID)
	p("first_valid_gid = %d", c.Owner.GID)
	p("last_valid_gid = %d", c.Owner.GID)
	// Test mail need not survive a power cut; fsync would only slow
	// seeding and delivery.
	p("mail_fsync = never")
	p("mail_max_userip_connections = 1000")
	// IMAP METADATA (RFC 5464), where Tidings keeps a user's settings
	// that follow them across devices (the senders whose remote content
	// they trust): a small file in each home.
	p("mail_attribute_dict = file:%%h/dovecot-attributes")
	// QUOTA (RFC 9208), so the storage a user has left can be shown: a
	// limit no test reaches (the benchmark seeds 100,000 messages).
	p("mail_plugins = $mail_plugins quota")
	p("plugin {\n  quota = count:User quota\n  quota_rule = *:storage=100G\n  quota_vsizes = yes\n}")
	p("protocol imap {\n  imap_metadata = yes\n  mail_plugins = $mail_plugins imap_quota\n}")
	p("")
	p("namespace inbox {\n  inbox = yes\n  separator = /\n  prefix =")
	p("  mailbox INBOX {\n    auto = subscribe\n  }")
	for _, mb := range []string{"Drafts", "Sent", "Trash", "Junk", "Archive"} {
		p("  mailbox %s {\n    special_use = \\%s\n    auto = subscribe\n  }", mb, mb)
	}
	p("}")
	p("")
	// Up to ~300 concurrent sessions: login processes in Dovecot's
	// high-performance mode (a few processes, each serving many
	// connections and proxying their TLS), one imap process per session.
	services := []struct{ name, body string }{
		{"imap-login", fmt.Sprintf("  inet_listener imap {\n    address = 127.0.0.1\n    port = %d\n  }\n"+
			"  inet_listener imaps {\n    address = 127.0.0.1\n    port = %d\n    ssl = yes\n  }\n"+
			"  service_count = 0\n  process_min_avail = 2\n  client_limit = 1000\n", c.IMAPPort, c.IMAPSPort)},
		{"imap", "  process_limit = 1000\n"},
		{"lmtp", fmt.Sprintf("  inet_listener lmtp {\n    address = 127.0.0.1\n    port = %d\n  }\n", c.LMTP)},
		{"auth", fmt.Sprintf("  client_limit = 4000\n  unix_listener %s {\n    mode = 0666\n  }\n", authSocketName)},
		{"anvil", "  client_limit = 4000\n  unix_listener anvil-auth-penalty {\n    mode = 0\n  }\n"},
		// Every imap process keeps a connection to stats-writer: at the
		// default 1000 the thousandth session is dropped.
		{"stats", "  client_limit = 4000\n"},
		{"doveadm", ""},
		{"indexer-worker", ""},
		{"ipc", ""},
		{"old-stats", ""},
		{"aggregator", ""},
	}
	if !c.AsRoot {
		// Not root: every process runs as the current user, and nothing
		// can chroot or change groups.
		p("default_internal_user = %s", c.Service.Name)
		p("default_internal_group = %s", groupName(c.Service.GID))
		p("default_login_user = %s", c.Service.Name)
		for i, s := range services {
			switch s.name {
			case "imap-login", "anvil", "ipc", "old-stats", "aggregator":
				services[i].body += "  chroot =\n"
			case "imap", "lmtp", "doveadm", "indexer-worker":
				services[i].body += "  extra_groups =\n"
			}
		}
	}
	for _, s := range services {
		if s.body != "" {
			p("service %s {\n%s}", s.name, s.body)
		}
	}
	return b.String()
}
