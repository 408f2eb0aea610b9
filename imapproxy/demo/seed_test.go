package demo

import (
	"bytes"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"
)

// testNow is a fixed "now" so failures are reproducible.
var testNow = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)

func TestMessagesParse(t *testing.T) {
	all := parseSeed(t)
	for _, p := range all {
		if p.subject == "" || p.messageID == "" || len(p.from) != 1 {
			t.Errorf("%s: missing subject, Message-ID or From: %q %q %v", p.msg.Mailbox, p.subject, p.messageID, p.from)
		}
	}
}

func TestMessagesDeterministic(t *testing.T) {
	a, b := Messages(testNow), Messages(testNow)
	if len(a) != len(b) {
		t.Fatalf("len %d != %d", len(a), len(b))
	}
	for i := range a {
		if a[i].Mailbox != b[i].Mailbox || !bytes.Equal(a[i].Raw, b[i].Raw) || !a[i].Time.Equal(b[i].Time) ||
			a[i].Seen != b[i].Seen || a[i].Flagged != b[i].Flagged || a[i].Answered != b[i].Answered || a[i].Draft != b[i].Draft {
			t.Fatalf("message %d differs between two calls", i)
		}
	}
	// A different now moves the dates but keeps the shape.
	c := Messages(testNow.Add(36 * time.Hour))
	if len(c) != len(a) {
		t.Errorf("len with another now = %d, want %d", len(c), len(a))
	}
}

func TestMessagesCRLF(t *testing.T) {
	for i, m := range seed() {
		for j, b := range m.Raw {
			if b == '\n' && (j == 0 || m.Raw[j-1] != '\r') {
				t.Fatalf("message %d (%s): bare LF at byte %d", i, m.Mailbox, j)
			}
			if b == '\r' && (j+1 == len(m.Raw) || m.Raw[j+1] != '\n') {
				t.Fatalf("message %d (%s): bare CR at byte %d", i, m.Mailbox, j)
			}
		}
		for n, line := range bytes.Split(m.Raw, []byte("\r\n")) {
			if len(line) > 998 {
				t.Fatalf("message %d: line %d is %d octets, over RFC 5322's 998", i, n+1, len(line))
			}
		}
		if !bytes.Contains(m.Raw, []byte("\r\n\r\n")) {
			t.Fatalf("message %d: no header/body separator", i)
		}
	}
}

// reservedHost reports whether host is example.org, example.com,
// example.net or a subdomain of one (RFC 2606).
func reservedHost(host string) bool {
	host = strings.ToLower(host)
	for _, d := range []string{"example.org", "example.com", "example.net"} {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

var urlRE = regexp.MustCompile(`(?i)(?:https?|ftp)://[^\s"'<>)]+|mailto:[^\s"'<>)]+`)

func TestMessagesOnlyReservedDomains(t *testing.T) {
	for _, p := range parseSeed(t) {
		for _, a := range p.addrs {
			if !reservedHost(a.Address[strings.LastIndexByte(a.Address, '@')+1:]) {
				t.Errorf("%q: address %s outside example.*", p.subject, a.Address)
			}
		}
		if !reservedHost(p.messageID[strings.LastIndexByte(p.messageID, '@')+1:]) {
			t.Errorf("%q: Message-ID %s outside example.*", p.subject, p.messageID)
		}
		header, _, _ := bytes.Cut(p.msg.Raw, []byte("\r\n\r\n"))
		for _, text := range append(slices.Clone(p.texts), string(header)) {
			for _, raw := range urlRE.FindAllString(text, -1) {
				host := ""
				if strings.HasPrefix(strings.ToLower(raw), "mailto:") {
					addr, _, _ := strings.Cut(raw[len("mailto:"):], "?")
					host = addr[strings.LastIndexByte(addr, '@')+1:]
				} else if u, err := url.Parse(strings.ReplaceAll(raw, "&amp;", "&")); err == nil {
					host = u.Hostname()
				}
				if !reservedHost(host) {
					t.Errorf("%q: URL %s outside example.*", p.subject, raw)
				}
			}
		}
	}
}

func TestMessagesShape(t *testing.T) {
	msgs := seed()
	if len(msgs) < 300 {
		t.Errorf("%d messages, want at least 300", len(msgs))
	}
	folders := map[string]bool{}
	for _, f := range Folders() {
		folders[f.Name] = true
		if i := strings.LastIndexByte(f.Name, Delimiter); i > 0 && !folders[f.Name[:i]] {
			t.Errorf("folder %s listed before its parent", f.Name)
		}
	}
	count := map[string]int{}
	var unread, today, yesterday, large int
	y, m, d := testNow.Date()
	midnight := time.Date(y, m, d, 0, 0, 0, 0, testNow.Location())
	prev := map[string]time.Time{}
	for _, msg := range msgs {
		if !folders[msg.Mailbox] {
			t.Errorf("message in unknown folder %q", msg.Mailbox)
		}
		count[msg.Mailbox]++
		if msg.Time.After(testNow) || msg.Time.Before(testNow.AddDate(0, -19, 0)) {
			t.Errorf("%s message at %v, outside the last 18 months", msg.Mailbox, msg.Time)
		}
		if msg.Time.Before(prev[msg.Mailbox]) {
			t.Errorf("%s not sorted by time", msg.Mailbox)
		}
		prev[msg.Mailbox] = msg.Time
		if len(msg.Raw) > 200_000 {
			large++
		}
		if msg.Mailbox != "INBOX" {
			continue
		}
		if !msg.Seen {
			unread++
		}
		switch {
		case !msg.Time.Before(midnight):
			today++
		case !msg.Time.Before(midnight.AddDate(0, 0, -1)):
			yesterday++
		}
	}
	for name := range folders {
		if count[name] == 0 {
			t.Errorf("folder %s is empty", name)
		}
	}
	if count["INBOX"] < 220 {
		t.Errorf("INBOX has %d messages, want 220+ (five pages of 50)", count["INBOX"])
	}
	if unread < 10 || unread > 20 {
		t.Errorf("INBOX has %d unread, want about 15", unread)
	}
	if today < 3 || yesterday < 3 {
		t.Errorf("INBOX has %d messages today and %d yesterday, want several", today, yesterday)
	}
	if large < 3 {
		t.Errorf("%d messages over 200 KB, want at least 3", large)
	}
}

// TestMessagesNearMidnight checks that "today" messages stay today and in
// the past when now is just after midnight, in a zone with an offset.
func TestMessagesNearMidnight(t *testing.T) {
	zone := time.FixedZone("UTC+9", 9*3600)
	now := time.Date(2026, 7, 1, 0, 2, 0, 0, zone)
	today := 0
	for _, m := range Messages(now) {
		if m.Time.After(now) {
			t.Fatalf("%s message at %v is after now %v", m.Mailbox, m.Time, now)
		}
		if y, mo, d := m.Time.In(zone).Date(); y == 2026 && mo == 7 && d == 1 {
			today++
		}
	}
	if today < 5 {
		t.Errorf("%d messages today just after midnight, want several", today)
	}
}

func TestMessagesFolderRules(t *testing.T) {
	for _, p := range parseSeed(t) {
		switch p.msg.Mailbox {
		case "Sent", "Drafts":
			if p.from[0].Address != Address {
				t.Errorf("%s message %q from %s", p.msg.Mailbox, p.subject, p.from[0].Address)
			}
			if p.msg.Draft != (p.msg.Mailbox == "Drafts") || !p.msg.Seen {
				t.Errorf("%s message %q has flags seen=%v draft=%v", p.msg.Mailbox, p.subject, p.msg.Seen, p.msg.Draft)
			}
		default:
			if p.msg.Draft {
				t.Errorf("%s message %q is a draft", p.msg.Mailbox, p.subject)
			}
		}
	}
}

// TestMessagesThreads checks that every In-Reply-To points at a seeded
// message, so threading has real chains to follow.
func TestMessagesThreads(t *testing.T) {
	all := parseSeed(t)
	ids := map[string]bool{}
	for _, p := range all {
		if ids[p.messageID] {
			t.Errorf("duplicate Message-ID %s", p.messageID)
		}
		ids[p.messageID] = true
	}
	replies := 0
	for _, p := range all {
		for _, id := range p.inReplyTo {
			replies++
			if !ids[id] {
				t.Errorf("%q replies to unknown %s", p.subject, id)
			}
		}
	}
	if replies < 15 {
		t.Errorf("%d replies, want 15+", replies)
	}
}

// TestMessagesCoverage checks that the MIME features the UI must handle are
// all present somewhere in the seed set.
func TestMessagesCoverage(t *testing.T) {
	all := parseSeed(t)
	has := func(name string, ok func(p parsed) bool) {
		t.Helper()
		for _, p := range all {
			if ok(p) {
				return
			}
		}
		t.Errorf("no seeded message has %s", name)
	}
	typ := func(mt string) func(p parsed) bool {
		return func(p parsed) bool { return slices.Contains(p.types, mt) }
	}
	text := func(sub string) func(p parsed) bool {
		return func(p parsed) bool {
			return slices.ContainsFunc(p.texts, func(s string) bool { return strings.Contains(s, sub) })
		}
	}
	subject := func(sub string) func(p parsed) bool {
		return func(p parsed) bool { return strings.Contains(p.subject, sub) }
	}
	for _, mt := range []string{"multipart/alternative", "multipart/related", "multipart/mixed", "text/html",
		"application/pdf", "image/png", "image/jpeg", "message/rfc822", "text/csv", "application/ms-tnef", "text/calendar"} {
		has(mt, typ(mt))
	}
	has("format=flowed", func(p parsed) bool {
		return slices.ContainsFunc(p.params, func(m map[string]string) bool { return m["format"] == "flowed" })
	})
	has("an iso-8859-1 body", func(p parsed) bool { return slices.Contains(p.charsets, "iso-8859-1") && text("Chère équipe")(p) })
	has("a cid: image with its part", func(p parsed) bool {
		return len(p.contentIDs) > 0 && text("cid:"+p.contentIDs[0])(p)
	})
	has("a tracking pixel", text("http://tracker.example.com/open.gif?id="))
	has("a remote image", text(`<img src="https://news.example.net/`))
	has("quoted reply text", text("\n> "))
	has("a non-ASCII attachment name", func(p parsed) bool { return slices.Contains(p.filenames, "Protokoll_Einkauf_März.pdf") })
	has("a folded attachment name", func(p parsed) bool { return slices.Contains(p.filenames, "Complaint about the bread delivery.eml") })
	for _, s := range []string{"Änderungen", "réunion", "打ち合わせ", "Отчёт", "🎉", "Visite à la coopérative",
		"Security test: this message contains script that must not run"} {
		has("subject "+s, subject(s))
	}
	has("a subject over 150 characters", func(p parsed) bool { return len(p.subject) > 150 })
	has("a non-ASCII sender", func(p parsed) bool { return p.from[0].Name == "田中 花子" })
	has("hostile HTML", func(p parsed) bool {
		return text("<script>")(p) && text("onerror=")(p) && text("javascript:")(p) && text("<form")(p)
	})
	for _, cte := range []string{"7bit", "8bit", "quoted-printable", "base64"} {
		has("Content-Transfer-Encoding "+cte, func(p parsed) bool { return slices.Contains(p.transferEncs, cte) })
	}
	has("a flagged message", func(p parsed) bool { return p.msg.Flagged })
	has("an answered message", func(p parsed) bool { return p.msg.Answered })
}

// TestMessagesRFC2047 checks that non-ASCII headers are encoded on the wire.
func TestMessagesRFC2047(t *testing.T) {
	for i, m := range seed() {
		header, _, _ := bytes.Cut(m.Raw, []byte("\r\n\r\n"))
		for j, b := range header {
			if b >= 0x80 {
				t.Fatalf("message %d: raw 8-bit byte in header at %d", i, j)
			}
		}
	}
	var hdr message.Header
	hdr.Set("Subject", "=?iso-8859-1?q?caf=E9?=")
	if s, err := hdr.Text("Subject"); err != nil || s != "café" {
		t.Fatalf("charset package not active: %q, %v", s, err)
	}
}

func BenchmarkSeed(b *testing.B) {
	b.ReportAllocs()
	var size int
	for b.Loop() {
		size = 0
		for _, m := range Messages(testNow) {
			size += len(m.Raw)
		}
	}
	b.ReportMetric(float64(size), "seed-bytes")
}
