// Package demo is Tidings' demo mode: an embedded in-memory IMAP server on
// loopback, seeded with a realistic, deterministic mailbox for the fictional
// Northwind Cooperative. The same seed set serves tests, which may also
// append it to a real Dovecot.
//
// All names and addresses are invented and use only the example.org,
// example.com and example.net domains reserved by RFC 2606.
package demo

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"
)

// Message is one seeded message, reusable to seed a real server in tests.
type Message struct {
	Mailbox                        string // folder name, "/" separated
	Raw                            []byte // RFC 5322 bytes with CRLF line endings
	Seen, Flagged, Answered, Draft bool
	Time                           time.Time // INTERNALDATE
}

// Folder is one mailbox of the seed set and its RFC 6154 special use ("" for
// none).
type Folder struct{ Name, SpecialUse string }

// Folders lists every folder to create, parents before children, with its
// special use. Delimiter is "/".
func Folders() []Folder {
	return []Folder{
		{"INBOX", ""},
		{"Sent", `\Sent`},
		{"Drafts", `\Drafts`},
		{"Archive", `\Archive`},
		{"Trash", `\Trash`},
		{"Junk", `\Junk`},
		{"Projects", ""},
		{"Projects/Apollo", ""},
		{"Receipts", ""},
		{"Receipts/2026", ""},
	}
}

// Delimiter is the hierarchy separator of the seeded folder names.
const Delimiter = '/'

// Address is the demo user's own e-mail address, the From of Sent and Drafts.
const Address = "demo@example.org"

// Messages returns the deterministic seed set: the same now gives the same
// bytes. Dates spread over the 18 months before now, with several messages
// today and yesterday. Messages come grouped by folder in Folders order and,
// within a folder, oldest first, so sequence numbers follow arrival.
func Messages(now time.Time) []Message {
	s := &seeder{now: now, rng: rand.New(rand.NewPCG(0x7469_6469, 0x6e67_73)), kept: map[string]ref{}}
	s.seedThreads()
	s.seedSpecial()
	s.seedInternational()
	s.seedNewsletters()
	s.seedNotifications()
	s.seedBulk()
	s.seedSent()
	s.seedDrafts()
	s.seedArchive()
	s.seedTrash()
	s.seedJunk()
	s.seedProjects()
	s.seedReceipts()

	order := map[string]int{}
	for i, f := range Folders() {
		order[f.Name] = i
	}
	slices.SortStableFunc(s.out, func(a, b Message) int {
		if c := cmp.Compare(order[a.Mailbox], order[b.Mailbox]); c != 0 {
			return c
		}
		return a.Time.Compare(b.Time)
	})
	return s.out
}

// flags are the IMAP system flags a seeded message starts with.
type flags uint8

const (
	seen flags = 1 << iota
	flagged
	answered
	draft
)

// seeder accumulates the seed set. All randomness comes from rng, a PCG
// with a fixed seed, and is consumed in a fixed order.
type seeder struct {
	now time.Time
	rng *rand.Rand
	seq int
	out []Message
	// kept are messages that later messages refer to (replies, drafts),
	// by a short name.
	kept map[string]ref
}

// ref identifies a seeded message for replies and forwards.
type ref struct {
	id, subject string
	refs        []string
	from        person
	date        time.Time
	text        string // plain body, for quoting
}

// add renders and stores one message delivered at when; the Date header is a
// few seconds to minutes earlier, as with real delivery.
func (s *seeder) add(mailbox string, f flags, when time.Time, env envelope, root *part) ref {
	s.seq++
	if env.date.IsZero() {
		env.date = when.Add(-time.Duration(5+s.rng.IntN(240)) * time.Second)
	}
	if env.id == "" {
		env.id = fmt.Sprintf("%s.%04d@%s", env.date.UTC().Format("20060102150405"), s.seq, env.from.domain())
	}
	s.out = append(s.out, Message{
		Mailbox:  mailbox,
		Raw:      render(&env, root, s.seq),
		Seen:     f&seen != 0,
		Flagged:  f&flagged != 0,
		Answered: f&answered != 0,
		Draft:    f&draft != 0,
		Time:     when,
	})
	return ref{id: env.id, subject: env.subject, refs: env.refs, from: env.from, date: env.date}
}

// text adds a plain-text message and remembers its body for quoting.
func (s *seeder) text(mailbox string, f flags, when time.Time, env envelope, body string) ref {
	r := s.add(mailbox, f, when, env, plainText(wrap(body, 72)))
	r.text = body
	return r
}

// reply adds a reply to parent: "Re:" subject, In-Reply-To and References,
// and the parent's text quoted below an attribution line. flowed selects
// format=flowed, as Thunderbird and Apple Mail send.
func (s *seeder) reply(mailbox string, f flags, when time.Time, parent ref, from person, to, cc []person, body string, flowed bool) ref {
	subject := parent.subject
	if !hasRePrefix(subject) {
		subject = "Re: " + subject
	}
	full := body + "\n\nOn " + parent.date.Format("Mon, 2 Jan 2006 at 15:04") + ", " +
		parent.from.name + " wrote:\n" + quote(parent.text)
	env := envelope{
		from: from, to: to, cc: cc, subject: subject,
		inReplyTo: parent.id, refs: append(slices.Clone(parent.refs), parent.id),
	}
	if from.addr == Address {
		env.date = when
	}
	var root *part
	if flowed {
		root = flowedText(full)
	} else {
		root = plainText(wrap(full, 72))
	}
	r := s.add(mailbox, f, when, env, root)
	r.text = full
	return r
}

func hasRePrefix(s string) bool {
	return len(s) >= 3 && (s[:3] == "Re:" || s[:3] == "RE:" || s[:3] == "AW:")
}

// day returns a time daysAgo days before now at hh:mm local time. For today
// (daysAgo 0) the clock time is scaled into [midnight, now], so a "today"
// message is never in the future and never slips into yesterday.
func (s *seeder) day(daysAgo, hh, mm int) time.Time {
	y, m, d := s.now.Date()
	if daysAgo == 0 {
		midnight := time.Date(y, m, d, 0, 0, 0, 0, s.now.Location())
		elapsed := s.now.Sub(midnight)
		return midnight.Add(elapsed * time.Duration(hh*60+mm) / (24 * 60))
	}
	return time.Date(y, m, d-daysAgo, hh, mm, 0, 0, s.now.Location())
}

// someday returns a random working-hours time up to maxDays days ago (at
// least minDays), weighted towards the recent past like a real mailbox.
func (s *seeder) someday(minDays, maxDays int) time.Time {
	span := float64(maxDays - minDays)
	r := s.rng.Float64()
	d := minDays + int(span*r*r)
	return s.day(d, 7+s.rng.IntN(12), s.rng.IntN(60))
}

// pick returns a pseudo-random element of l.
func pick[T any](s *seeder, l []T) T { return l[s.rng.IntN(len(l))] }
