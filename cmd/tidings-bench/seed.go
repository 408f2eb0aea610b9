package main

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/tidings-mail/tidings/imapproxy/demo"
	"github.com/tidings-mail/tidings/internal/testsrv"
)

// The search words. Each is planted in the Subject of chosen messages and
// occurs nowhere in the demo corpus (checked), so the hit counts are known.
const (
	fewWord  = "quokka"  // fewHits messages, spread over the folder
	manyWord = "kestrel" // every manyEvery-th message
	fewHits  = 5
	// manyEvery: a quarter of the folder, a result far larger than a page.
	manyEvery = 4
)

// inbox is the seeded INBOX and what the scenarios need to know about it.
type inbox struct {
	msgs     []testsrv.MaildirMessage // in UID order: msgs[i] gets UID i+1
	htmlUID  uint32                   // an HTML message with an attachment
	plainUID uint32                   // a plain-text message
	fewUIDs  []uint32                 // messages holding fewWord
	manyUIDs []uint32                 // messages holding manyWord
}

// received is where the INBOX's templates come from: the folders of mail
// someone else wrote (not Sent, Drafts, Trash or Junk).
var received = map[string]bool{"INBOX": true, "Archive": true, "Projects": true,
	"Projects/Apollo": true, "Receipts": true, "Receipts/2026": true}

// buildInbox makes n unique messages from the demo corpus: its templates
// repeated, each copy with its own Message-IDs (threads stay threads
// within a copy), its own Date and INTERNALDATE (one every span/n, oldest
// first, ending at now) and, from the second copy on, a numbered subject.
func buildInbox(n int, now time.Time) (*inbox, error) {
	var tpls []demo.Message
	for _, m := range demo.Messages(now) {
		if received[m.Mailbox] {
			tpls = append(tpls, m)
		}
	}
	for _, m := range tpls {
		low := bytes.ToLower(m.Raw)
		if bytes.Contains(low, []byte(fewWord)) || bytes.Contains(low, []byte(manyWord)) {
			return nil, fmt.Errorf("the demo corpus contains a search word (%s or %s): pick others", fewWord, manyWord)
		}
	}
	const span = 3 * 365 * 24 * time.Hour
	step := span / time.Duration(n)
	ib := &inbox{msgs: make([]testsrv.MaildirMessage, n)}
	few := map[int]bool{}
	for j := range min(fewHits, n) {
		few[(2*j+1)*n/(2*min(fewHits, n))] = true
	}
	for i := range n {
		tpl := tpls[i%len(tpls)]
		date := now.Add(-time.Duration(n-1-i) * step).Truncate(time.Second)
		var words []string
		if k := i / len(tpls); k > 0 {
			words = append(words, fmt.Sprintf("#%d", k))
		}
		if few[i] {
			words = append(words, fewWord)
			ib.fewUIDs = append(ib.fewUIDs, uint32(i+1))
		}
		if i%manyEvery == manyEvery-1 {
			words = append(words, manyWord)
			ib.manyUIDs = append(ib.manyUIDs, uint32(i+1))
		}
		raw := rewriteHeader(tpl.Raw, i/len(tpls), date, strings.Join(words, " "))
		ib.msgs[i] = testsrv.MaildirMessage{Mailbox: "INBOX", Raw: raw, Flags: maildirFlags(tpl), Time: date}
		// The newest fitting messages are the ones opened: recent mail is
		// what people read.
		if isOpenable(raw, true) {
			ib.htmlUID = uint32(i + 1)
		}
		if isOpenable(raw, false) {
			ib.plainUID = uint32(i + 1)
		}
	}
	if ib.htmlUID == 0 || ib.plainUID == 0 {
		return nil, fmt.Errorf("no HTML or no plain-text message to open among %d", n)
	}
	return ib, nil
}

// isOpenable picks the messages the open scenarios use: an HTML mail
// with an inline image and an attachment (the longest MIME walk of the
// corpus' everyday mail), or a single-part plain-text mail of some length.
func isOpenable(raw []byte, html bool) bool {
	low := bytes.ToLower(raw)
	if html {
		return bytes.Contains(low, []byte("text/html")) && bytes.Contains(low, []byte("multipart/related")) &&
			bytes.Contains(low, []byte("attachment"))
	}
	return len(raw) >= 900 && !bytes.Contains(low, []byte("multipart/")) &&
		bytes.Contains(low, []byte("content-type: text/plain"))
}

// otherFolders is the rest of the demo mailbox, so that the sidebar (LIST
// with STATUS) is as long as a real one.
func otherFolders(now time.Time) []testsrv.MaildirMessage {
	var out []testsrv.MaildirMessage
	for _, m := range demo.Messages(now) {
		if m.Mailbox != "INBOX" {
			out = append(out, testsrv.MaildirMessage{Mailbox: m.Mailbox, Raw: m.Raw, Flags: maildirFlags(m), Time: m.Time})
		}
	}
	return out
}

func maildirFlags(m demo.Message) string {
	var f string
	for _, x := range []struct {
		on     bool
		letter string
	}{{m.Draft, "D"}, {m.Flagged, "F"}, {m.Answered, "R"}, {m.Seen, "S"}} {
		if x.on {
			f += x.letter
		}
	}
	return f
}

// msgIDRe matches one msg-id (RFC 5322 §3.6.4) in Message-ID, In-Reply-To
// or References.
var msgIDRe = regexp.MustCompile(`<([^<>@\s]+)@([^<>\s]+)>`)

// rewriteHeader returns raw with copy copyNo's Message-IDs, a Date of date and
// words appended to the Subject (a Subject is added if raw has none and
// words is not empty). The body is not touched.
func rewriteHeader(raw []byte, copyNo int, date time.Time, words string) []byte {
	end := bytes.Index(raw, []byte("\r\n\r\n"))
	if end < 0 {
		return raw
	}
	var out bytes.Buffer
	out.Grow(len(raw) + 64)
	hasSubject := false
	for _, field := range splitFields(raw[:end+2]) {
		name := strings.ToLower(string(field[:max(0, bytes.IndexByte(field, ':'))]))
		switch name {
		case "message-id", "in-reply-to", "references":
			if copyNo > 0 {
				field = msgIDRe.ReplaceAll(field, []byte(fmt.Sprintf("<${1}.c%d@${2}>", copyNo)))
			}
		case "date":
			field = []byte("Date: " + date.Format(time.RFC1123Z) + "\r\n")
		case "subject":
			hasSubject = true
			if words != "" {
				// A fresh slice: field shares raw's array, which append
				// would overwrite.
				field = []byte(string(bytes.TrimSuffix(field, []byte("\r\n"))) + " " + words + "\r\n")
			}
		}
		out.Write(field)
	}
	if !hasSubject && words != "" {
		out.WriteString("Subject: " + words + "\r\n")
	}
	out.Write(raw[end+2:])
	return out.Bytes()
}

// splitFields splits a header block (ending in CRLF) into fields, each
// with its folded continuation lines and final CRLF.
func splitFields(h []byte) [][]byte {
	var fields [][]byte
	for len(h) > 0 {
		i := 0
		for {
			nl := bytes.Index(h[i:], []byte("\r\n"))
			if nl < 0 {
				i = len(h)
				break
			}
			i += nl + 2
			if i >= len(h) || (h[i] != ' ' && h[i] != '\t') {
				break
			}
		}
		fields = append(fields, h[:i])
		h = h[i:]
	}
	return fields
}
