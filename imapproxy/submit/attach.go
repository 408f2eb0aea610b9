package submit

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"mime"
	"os"
	"strings"

	"github.com/emersion/go-message/mail"
)

func writeAttachment(ctx context.Context, mw *mail.Writer, a Attachment, tempDir string) error {
	ctype := strings.ToLower(a.ContentType)
	if _, _, err := mime.ParseMediaType(ctype); err != nil || ctype == "" || strings.HasPrefix(ctype, "multipart/") {
		ctype = "application/octet-stream"
	}
	if ctype == "message/rfc822" {
		return writeMessageAttachment(ctx, mw, a, tempDir)
	}
	var ah mail.AttachmentHeader
	ah.Set("Content-Type", FormatParam(ctype, "name", a.Filename))
	ah.Set("Content-Disposition", FormatParam("attachment", "filename", a.Filename))
	ah.Set("Content-Transfer-Encoding", "base64")
	pw, err := mw.CreateAttachment(ah)
	if err != nil {
		return err
	}
	if err := a.Write(ctx, pw); err != nil {
		return fmt.Errorf("attachment %q: %w", a.Filename, err)
	}
	return pw.Close()
}

// writeMessageAttachment attaches a whole message. RFC 2046 §5.2.1 allows
// only 7bit, 8bit or binary for message/rfc822, so the message is spooled
// and checked first; one that cannot go as 7bit or 8bit (NUL bytes, bare
// CR, lines over 998 bytes) is attached as an opaque .eml file instead.
func writeMessageAttachment(ctx context.Context, mw *mail.Writer, a Attachment, tempDir string) error {
	f, err := os.CreateTemp(tempDir, "fwd-*.eml")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	chk := &lineChecker{}
	bw := bufio.NewWriter(io.MultiWriter(f, chk))
	if err := a.Write(ctx, bw); err != nil {
		return fmt.Errorf("attachment %q: %w", a.Filename, err)
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	var ah mail.AttachmentHeader
	switch enc := chk.encoding(); enc {
	case "":
		ah.Set("Content-Type", FormatParam("application/octet-stream", "name", a.Filename))
		ah.Set("Content-Transfer-Encoding", "base64")
	default:
		ah.Set("Content-Type", "message/rfc822")
		ah.Set("Content-Transfer-Encoding", enc)
	}
	ah.Set("Content-Disposition", FormatParam("attachment", "filename", a.Filename))
	pw, err := mw.CreateAttachment(ah)
	if err != nil {
		return err
	}
	if _, err := io.Copy(pw, f); err != nil {
		return err
	}
	return pw.Close()
}

// lineChecker watches bytes go by and says which transfer encoding can
// carry them unchanged.
type lineChecker struct {
	lineLen        int
	eightBit, bad  bool
	prevCR, lastNL bool
}

func (c *lineChecker) Write(p []byte) (int, error) {
	for _, b := range p {
		switch {
		case b == '\n':
			if !c.prevCR {
				c.bad = true // bare LF would be changed to CRLF on the wire
			}
			c.lineLen = 0
		case c.prevCR:
			c.bad = true // bare CR
		case b == 0:
			c.bad = true
		case b >= 0x80:
			c.eightBit = true
		}
		if b != '\n' && b != '\r' {
			c.lineLen++
			if c.lineLen > 998 {
				c.bad = true
			}
		}
		c.prevCR = b == '\r'
	}
	return len(p), nil
}

func (c *lineChecker) encoding() string {
	switch {
	case c.bad || c.prevCR:
		return ""
	case c.eightBit:
		return "8bit"
	}
	return "7bit"
}
