// Package testsrv starts real servers — Dovecot, Postfix, Redis — on
// loopback ports in temporary directories, and finds a Chromium binary, for
// integration tests across Tidings.
//
// Why real servers and not fakes: a webmail's hard bugs live in what the
// servers actually say — Dovecot's capabilities and response codes, the
// order of untagged data, SASL and STARTTLS in Postfix, what a 100,000
// message folder costs. A fake repeats our own reading of the RFCs back to
// us; a real server checks it. Handler tests still use small fakes of the
// imapproxy interfaces; the tests that use this package check the
// assumptions those fakes encode (the way go-imap tests against Dovecot and
// pkgsite against a real database).
//
// Each Start function takes the test, registers its cleanup with t.Cleanup,
// and stops only the processes it started. When a server's binary is not
// installed the test is skipped with the apt-get line to fix it, or fails
// when Required reports that the run is in CI, so CI cannot go green by
// skipping everything.
//
// Every server runs from a private configuration: nothing reads or writes
// /etc/dovecot, /etc/postfix or the system queue, and several instances can
// run side by side (go test runs packages in parallel).
package testsrv
