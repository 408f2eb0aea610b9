package imapproxy

import (
	"fmt"
	"io"
	"log/slog"
	"testing"

	"github.com/tidings-mail/tidings/internal/testsrv"
)

// The benchmarks compare one mailbox page load (Session.Folder: the
// sidebar's LIST-STATUS, then page 1 of a 2,000-message INBOX, 50 rows)
// on a warm pooled connection with the same page on a connection dialled
// for it: TCP, implicit TLS, greeting, AUTHENTICATE, the page, LOGOUT.
// That is what a webmail without a pool pays on every click. Both run
// against a local Dovecot, so the network costs nothing: the gap is the
// pool's saving at the very least.
//
//	go test -run '^$' -bench Folder -benchtime 200x ./imapproxy/

// benchInbox is the size of the seeded INBOX.
const benchInbox = 2000

// benchPool starts a Dovecot with a seeded INBOX and a pool in front of it.
func benchPool(b *testing.B) *Pool {
	b.Helper()
	d := testsrv.StartDovecot(b, testsrv.User{Name: "bench", Password: "pw-bench"})
	seedInbox(b, d, "bench", benchInbox)
	p := NewPool(dovecotPoolConfig(d.IMAPSAddr, TLSImplicit, d.RootCAs()), slog.New(slog.NewTextHandler(io.Discard, nil)))
	b.Cleanup(func() { closePool(b, p) })
	return p
}

func benchPage(b *testing.B, s *Session) {
	_, mp, err := s.Folder(b.Context(), "INBOX", 1, 50)
	if err != nil {
		b.Fatal(err)
	}
	if mp.Total != benchInbox || len(mp.Messages) != 50 {
		b.Fatalf("total %d, %d rows", mp.Total, len(mp.Messages))
	}
}

func BenchmarkFolderWarm(b *testing.B) {
	p := benchPool(b)
	s := p.Session("warm", "bench", fixedPassword("pw-bench"))
	benchPage(b, s) // dial and select once
	b.ReportAllocs()
	for b.Loop() {
		benchPage(b, s)
	}
	if st := p.Stats(); st.Dials != 1 {
		b.Errorf("%d dials, want 1", st.Dials)
	}
}

func BenchmarkFolderColdDial(b *testing.B) {
	p := benchPool(b)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		sid := fmt.Sprint("cold", n)
		n++
		benchPage(b, p.Session(sid, "bench", fixedPassword("pw-bench")))
		p.CloseSession(sid) // LOGOUT
	}
	if st := p.Stats(); st.Dials != int64(n) || st.Reuses != 0 {
		b.Errorf("%d dials, %d reuses for %d pages; want a dial per page", st.Dials, st.Reuses, n)
	}
}
