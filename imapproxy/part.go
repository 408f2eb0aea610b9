package imapproxy

import (
	"context"
	"io"
	"mime"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/tidings-mail/tidings/imapproxy/message"
)

// PartRef picks one body part: by IMAP part number ("2", "1.3") or, for
// cid: references in HTML, by Content-ID.
type PartRef struct {
	Path      string
	ContentID string
}

// PartInfo describes a part about to be streamed.
type PartInfo struct {
	Path        string
	ContentType string // lower-case media type
	Filename    string // decoded and made safe; never empty
	Size        int64  // encoded size as the server reports it (an upper bound of the decoded size)
}

// streamTimeout bounds a download: long enough for a large attachment on a
// slow phone, short enough that a hung server frees the connection.
const streamTimeout = 10 * time.Minute

// StreamPart finds the part by BODYSTRUCTURE (one UID FETCH), calls open
// with what it is, then streams UID FETCH BODY.PEEK[path] (RFC 9051
// §6.4.5) through a transfer decoder into the writer open returned. The
// part never sits whole in memory. A failure before open is retried like
// any read; after open has been called, never.
func (s *Session) StreamPart(ctx context.Context, mailbox string, uid uint32, ref PartRef, open func(PartInfo) (io.Writer, error)) error {
	opened := false
	retry := func() bool { return !opened }
	return s.do(ctx, "stream part", retry, streamTimeout, func(cn *conn) error {
		if _, err := cn.selectMailbox(mailbox); err != nil {
			return err
		}
		bs, err := cn.bodyStructure(uid)
		if err != nil {
			return err
		}
		path, part := findPart(bs, ref)
		if part == nil {
			return &opError{kind: ErrNoPart, op: "find part"}
		}
		info := partInfo(path, part)
		opened = true
		w, err := open(info)
		if err != nil {
			return err
		}
		return cn.streamSection(uid, path, part.Encoding, w)
	})
}

func (cn *conn) bodyStructure(uid uint32) (imap.BodyStructure, error) {
	msgs, err := cn.c.Fetch(imap.UIDSetNum(imap.UID(uid)), &imap.FetchOptions{
		UID: true, BodyStructure: &imap.FetchItemBodyStructure{Extended: true},
	}).Collect()
	if err != nil {
		return nil, err
	}
	if len(msgs) == 0 || msgs[0].BodyStructure == nil {
		return nil, &opError{kind: ErrNoMessage, op: "fetch structure"}
	}
	return msgs[0].BodyStructure, nil
}

func (cn *conn) streamSection(uid uint32, path []int, encoding string, w io.Writer) error {
	section := &imap.FetchItemBodySection{Part: path, Peek: true}
	cmd := cn.c.Fetch(imap.UIDSetNum(imap.UID(uid)), &imap.FetchOptions{
		UID: true, BodySection: []*imap.FetchItemBodySection{section},
	})
	var copyErr error
	for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
		for item := msg.Next(); item != nil; item = msg.Next() {
			body, ok := item.(imapclientBody)
			if !ok || body.Literal == nil || copyErr != nil {
				continue
			}
			_, copyErr = io.Copy(w, message.TransferDecoder(encoding, body.Literal))
			if copyErr != nil {
				// The browser went away or the data is undecodable: the
				// rest of the literal is unread, so this connection is
				// out of step and must not be reused.
				cn.dead.Store(true)
				cn.close()
			}
		}
	}
	if err := cmd.Close(); err != nil && copyErr == nil {
		return err
	}
	return copyErr
}

// findPart walks the structure for the part at ref.Path or with
// Content-ID ref.ContentID.
func findPart(bs imap.BodyStructure, ref PartRef) ([]int, *imap.BodyStructureSinglePart) {
	var foundPath []int
	var found *imap.BodyStructureSinglePart
	wantID := strings.Trim(ref.ContentID, "<>")
	bs.Walk(func(path []int, part imap.BodyStructure) bool {
		sp, ok := part.(*imap.BodyStructureSinglePart)
		if !ok || found != nil {
			return found == nil
		}
		match := false
		if ref.Path != "" {
			match = pathString(path) == ref.Path
		} else if wantID != "" {
			match = strings.Trim(sp.ID, "<> ") == wantID
		}
		if match {
			foundPath, found = append([]int(nil), path...), sp
		}
		return true
	})
	return foundPath, found
}

func pathString(path []int) string {
	parts := make([]string, len(path))
	for i, n := range path {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ".")
}

func partInfo(path []int, sp *imap.BodyStructureSinglePart) PartInfo {
	info := PartInfo{Path: pathString(path), ContentType: sp.MediaType(), Size: int64(sp.Size)}
	params := map[string]string{}
	for k, v := range sp.Params {
		params[k] = v
	}
	if d := sp.Disposition(); d != nil {
		for k, v := range d.Params {
			params[k] = v
		}
	}
	info.Filename = message.SafeFilename(decodeNameParam(params), info.ContentType, info.Path)
	return info
}

// decodeNameParam returns the file name from Content-Disposition/Type
// parameters, decoding RFC 2231 (filename*=UTF-8”…, continuations) when
// the server passed the parameters through undecoded.
func decodeNameParam(params map[string]string) string {
	for _, base := range []string{"filename", "name"} {
		if v := params[base]; v != "" {
			return v
		}
		var b strings.Builder
		b.WriteString("x")
		any := false
		for k, v := range params {
			if strings.HasPrefix(k, base+"*") {
				any = true
				b.WriteString("; " + k + "=" + quoteParam(k, v))
			}
		}
		if any {
			if _, p, err := mime.ParseMediaType(b.String()); err == nil && p[base] != "" {
				return p[base]
			}
		}
	}
	return ""
}

// quoteParam quotes a plain continuation value; extended (*-suffixed)
// values are percent-encoded tokens and stay as they are.
func quoteParam(key, v string) string {
	if strings.HasSuffix(key, "*") {
		return v
	}
	return strconv.Quote(v)
}

// StreamRaw streams the whole message (BODY.PEEK[]) for "view source".
func (s *Session) StreamRaw(ctx context.Context, mailbox string, uid uint32, open func(size int64) (io.Writer, error)) error {
	opened := false
	return s.do(ctx, "stream message", func() bool { return !opened }, streamTimeout, func(cn *conn) error {
		if _, err := cn.selectMailbox(mailbox); err != nil {
			return err
		}
		section := &imap.FetchItemBodySection{Peek: true}
		cmd := cn.c.Fetch(imap.UIDSetNum(imap.UID(uid)), &imap.FetchOptions{
			UID: true, RFC822Size: true, BodySection: []*imap.FetchItemBodySection{section},
		})
		var size int64
		var copyErr error
		for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
			for item := msg.Next(); item != nil; item = msg.Next() {
				switch item := item.(type) {
				case imapclientSize:
					size = item.Size
				case imapclientBody:
					if item.Literal == nil || copyErr != nil || opened {
						continue
					}
					opened = true
					var w io.Writer
					if w, copyErr = open(max(size, item.Literal.Size())); copyErr == nil {
						_, copyErr = io.Copy(w, item.Literal)
					}
					if copyErr != nil {
						cn.dead.Store(true)
						cn.close()
					}
				}
			}
		}
		if err := cmd.Close(); err != nil && copyErr == nil {
			return err
		}
		if !opened && copyErr == nil {
			return &opError{kind: ErrNoMessage, op: "fetch message"}
		}
		return copyErr
	})
}
