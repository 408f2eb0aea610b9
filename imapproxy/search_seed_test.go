package imapproxy

import (
	"fmt"
	"math/rand/v2"
	"mime"
	"strings"
	"time"

	"github.com/tidings-mail/tidings/internal/testsrv"
)

// A generated folder for the search, sort and thread tests: varied
// senders (some with non-ASCII names in RFC 2047 words), recipients, Cc,
// subjects with quotes and non-ASCII, bodies in quoted-printable UTF-8,
// dates over two years, flags, attachments and sizes.

var seedPeople = []struct{ name, addr string }{
	{"Carol Díaz", "carol@example.test"},
	{"Bob Smith", "bob@example.org"},
	{"Zoë Ångström", "zoe@example.se"},
	{"", "noreply@shop.example"},
	{"Mallory O'Brien", "mallory@example.net"},
	{"李小龙", "lee@example.cn"},
	{"Alice Doe", "alice@example.test"},
}

var seedSubjects = []string{
	"Quarterly report",
	"Re: Quarterly report",
	`The "big" launch`,
	"Grüße aus München",
	"Invoice 2026-%03d",
	"Fwd: Re: Lunch on Friday?",
	"[team] Standup notes",
	"日本語の件名",
	"Your order has shipped",
	"Meeting moved",
}

var seedWords = []string{"budget", "kangaroo", "smörgåsbord", "deadline", "pineapple", "crème brûlée", "quarterly", "invoice", "naïve café", "zeppelin"}

const seedCount = 2100

func seedSearchFolder(mailbox string) []testsrv.MaildirMessage {
	rng := rand.New(rand.NewPCG(2026, 5))
	base := time.Date(2024, 6, 1, 8, 0, 0, 0, time.UTC)
	msgs := make([]testsrv.MaildirMessage, seedCount)
	for i := range msgs {
		from := seedPeople[rng.IntN(len(seedPeople))]
		to := seedPeople[rng.IntN(len(seedPeople))]
		subject := seedSubjects[rng.IntN(len(seedSubjects))]
		if strings.Contains(subject, "%") {
			subject = fmt.Sprintf(subject, i%400)
		}
		date := base.Add(time.Duration(rng.IntN(730*24)) * time.Hour)
		var h strings.Builder
		fmt.Fprintf(&h, "From: %s\r\n", addr(from.name, from.addr))
		fmt.Fprintf(&h, "To: %s\r\n", addr(to.name, to.addr))
		if rng.IntN(4) == 0 {
			cc := seedPeople[rng.IntN(len(seedPeople))]
			fmt.Fprintf(&h, "Cc: %s\r\n", addr(cc.name, cc.addr))
		}
		fmt.Fprintf(&h, "Subject: %s\r\n", mime.QEncoding.Encode("utf-8", subject))
		fmt.Fprintf(&h, "Date: %s\r\n", date.Format(time.RFC1123Z))
		fmt.Fprintf(&h, "Message-ID: <seed-%d@example.test>\r\nMIME-Version: 1.0\r\n", i)
		body := seedBody(rng, i)
		var raw string
		switch rng.IntN(6) {
		case 0: // multipart/mixed with a PDF
			raw = h.String() + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\n" + qpPart(body) +
				"--b1\r\nContent-Type: application/pdf; name=\"r.pdf\"\r\nContent-Disposition: attachment; filename=\"r.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b1--\r\n"
		case 1: // a single application/* part
			raw = h.String() + "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\nAAECAwQF\r\n"
		default:
			raw = h.String() + qpPart(body)
		}
		flags := ""
		if rng.IntN(3) > 0 {
			flags += "S"
		}
		if rng.IntN(10) == 0 {
			flags += "F"
		}
		msgs[i] = testsrv.MaildirMessage{Mailbox: mailbox, Raw: []byte(raw), Flags: flags, Time: date.Add(time.Duration(rng.IntN(90)) * time.Minute)}
	}
	return msgs
}

func addr(name, email string) string {
	if name == "" {
		return "<" + email + ">"
	}
	return mime.QEncoding.Encode("utf-8", name) + " <" + email + ">"
}

func seedBody(rng *rand.Rand, i int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Message number %d.\r\n", i)
	for range 1 + rng.IntN(4) {
		b.WriteString(seedWords[rng.IntN(len(seedWords))] + " ")
	}
	// Sizes from a few hundred bytes to ~40 kB.
	if rng.IntN(5) == 0 {
		b.WriteString("\r\n" + strings.Repeat("padding line of text\r\n", rng.IntN(2000)))
	}
	return b.String()
}

func qpPart(body string) string {
	var b strings.Builder
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	for _, r := range body {
		if r < 128 {
			b.WriteRune(r)
			continue
		}
		for _, c := range []byte(string(r)) {
			fmt.Fprintf(&b, "=%02X", c)
		}
	}
	b.WriteString("\r\n")
	return b.String()
}
