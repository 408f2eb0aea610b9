package message

import (
	"html"
	"net/url"
	"strings"
)

// segment is one piece of body, in order: plain text, HTML, or both when
// it comes from a multipart/alternative.
type segment struct {
	plain, html       string
	hasPlain, hasHTML bool
	flowed, delsp     bool
}

// collection gathers the segments to show and the parts to offer.
type collection struct {
	segs  []segment
	cands []*node
}

func (c *collection) hasHTML() bool {
	for _, s := range c.segs {
		if s.hasHTML {
			return true
		}
	}
	return false
}

func (c *collection) hasPlain() bool {
	for _, s := range c.segs {
		if s.hasPlain {
			return true
		}
	}
	return false
}

// render chooses the body of the walked tree and fills m.
func (ms *msgState) render(m *Message) {
	var c collection
	for _, n := range ms.root.children {
		ms.collect(n, &c)
	}
	limit := textBudget(ms.p.opt)
	m.Text, m.TextFlowed, m.TextDelSp = joinPlain(c.segs)
	if c.hasHTML() {
		m.HTML = joinHTML(c.segs)
	}
	if int64(len(m.Text)) > limit || int64(len(m.HTML)) > limit {
		m.Text, m.HTML = clipString(m.Text, limit), clipString(m.HTML, limit)
		ms.note("This message is too long to show in full; the end is cut off.")
	}
	refs := cidRefs(m.HTML)
	seen := map[string]bool{}
	for _, n := range c.cands {
		p := n.part
		if seen[p.Path] {
			continue
		}
		seen[p.Path] = true
		if p.Filename == "" {
			p.Filename = madeUpFilename(&p)
		}
		if p.ContentID != "" && refs[strings.ToLower(p.ContentID)] {
			m.Inline = append(m.Inline, p)
		} else {
			m.Attachments = append(m.Attachments, p)
		}
	}
	if m.Text == "" && m.HTML == "" && len(m.Attachments) == 0 && len(m.Inline) == 0 {
		ms.note("This message has no content to show.")
	}
}

// collect adds what n contributes to c.
func (ms *msgState) collect(n *node, c *collection) {
	switch n.multi {
	case "":
		ms.collectLeaf(n, c)
	case "alternative":
		ms.collectAlternative(n, c)
	case "related":
		root := 0
		for i, ch := range n.children {
			if n.start != "" && strings.EqualFold(ch.part.ContentID, n.start) {
				root = i
			}
		}
		for i, ch := range n.children {
			if i == root {
				ms.collect(ch, c)
			} else {
				collectFiles(ch, c)
			}
		}
	case "encrypted":
		ms.note("This message is encrypted; Tidings cannot decrypt it, but its encrypted parts can be downloaded.")
		collectFiles(n, c)
	default: // mixed, signed, report, digest and unknown subtypes (RFC 2046 §5.1.7)
		for _, ch := range n.children {
			ms.collect(ch, c)
		}
	}
}

func (ms *msgState) collectLeaf(n *node, c *collection) {
	if !n.shown {
		c.cands = append(c.cands, n)
		return
	}
	if n.named {
		c.cands = append(c.cands, n) // shown, and offered under its own name
	}
	if strings.TrimSpace(n.text) == "" {
		return
	}
	if n.part.ContentType == "text/html" {
		c.segs = append(c.segs, segment{html: n.text, hasHTML: true})
		return
	}
	c.segs = append(c.segs, segment{plain: n.text, hasPlain: true, flowed: n.flowed, delsp: n.delsp})
}

// collectAlternative shows the last HTML alternative (RFC 2046 §5.1.4:
// the last is the richest) and keeps the last plain-text one as Text.
// Alternatives not shown are not offered, except calendar invitations,
// which have to be downloadable to be answered.
func (ms *msgState) collectAlternative(n *node, c *collection) {
	subs := make([]collection, len(n.children))
	htmlAlt, plainAlt := -1, -1
	for i, ch := range n.children {
		ms.collect(ch, &subs[i])
		switch {
		case subs[i].hasHTML():
			htmlAlt = i
		case subs[i].hasPlain():
			plainAlt = i
		}
	}
	if htmlAlt < 0 && plainAlt < 0 {
		for _, s := range subs {
			c.cands = append(c.cands, s.cands...)
		}
		return
	}
	var seg segment
	if plainAlt < 0 {
		plainAlt = htmlAlt
	}
	seg.plain, seg.flowed, seg.delsp = joinPlain(subs[plainAlt].segs)
	seg.hasPlain = seg.plain != ""
	if htmlAlt >= 0 {
		seg.html, seg.hasHTML = joinHTML(subs[htmlAlt].segs), true
	}
	c.segs = append(c.segs, seg)
	for i, s := range subs {
		switch {
		case i == htmlAlt || i == plainAlt:
			c.cands = append(c.cands, s.cands...)
		default:
			for _, cand := range s.cands {
				if ct := cand.part.ContentType; ct == "text/calendar" || ct == "application/ics" {
					c.cands = append(c.cands, cand)
				}
			}
		}
	}
}

// collectFiles offers every leaf under n as a file.
func collectFiles(n *node, c *collection) {
	if n.multi == "" {
		c.cands = append(c.cands, n)
		return
	}
	for _, ch := range n.children {
		collectFiles(ch, c)
	}
}

// joinPlain joins the plain-text segments with TextSeparator. flowed and
// delsp hold only if they hold for every segment.
func joinPlain(segs []segment) (text string, flowed, delsp bool) {
	var pieces []string
	flowed, delsp = true, true
	for _, s := range segs {
		if !s.hasPlain || s.plain == "" {
			continue
		}
		pieces = append(pieces, s.plain)
		flowed = flowed && s.flowed
		delsp = delsp && s.delsp
	}
	if len(pieces) == 0 {
		return "", false, false
	}
	return strings.Join(pieces, TextSeparator), flowed, flowed && delsp
}

// joinHTML joins segments as HTML; plain-only segments become escaped
// <pre> blocks.
func joinHTML(segs []segment) string {
	var pieces []string
	for _, s := range segs {
		switch {
		case s.hasHTML:
			pieces = append(pieces, s.html)
		case s.hasPlain:
			pieces = append(pieces, "<pre>"+html.EscapeString(s.plain)+"</pre>")
		}
	}
	return strings.Join(pieces, "\n<hr>\n")
}

// cidRefs returns the lower-cased Content-IDs that body references with
// cid: URLs (RFC 2392), also percent-decoded.
func cidRefs(body string) map[string]bool {
	refs := map[string]bool{}
	for i := 0; ; {
		j := strings.IndexByte(body[i:], ':')
		if j < 0 {
			return refs
		}
		i += j + 1
		if i < 4 || !strings.EqualFold(body[i-4:i-1], "cid") {
			continue
		}
		end := strings.IndexAny(body[i:], "\"'<>() \t\r\n;,&\\")
		if end < 0 {
			end = len(body) - i
		}
		id := strings.ToLower(body[i : i+end])
		refs[id] = true
		if u, err := url.PathUnescape(id); err == nil {
			refs[u] = true
		}
		i += end
	}
}
