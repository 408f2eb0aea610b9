package htmlmail

import (
	"net/url"
	"regexp"
	"strings"
)

// cidPrefix is the relative path a cid: reference becomes. The body is served
// from /mail/{mailbox}/{uid}/body, so "cid/<id>" resolves to
// /mail/{mailbox}/{uid}/cid/<id>, which the app answers with that part.
const cidPrefix = "cid/"

// dataImageRe matches the only data: URIs we let through, in <img src> only:
// base64 raster images. image/svg+xml is deliberately absent (it can carry
// script when opened directly).
var dataImageRe = regexp.MustCompile(`(?i)^data:image/(png|jpeg|jpg|gif|webp);base64,([a-z0-9+/]+={0,2})$`)

// urlUnsafe lists characters we percent-encode in every URL we emit, so that
// a URL can sit inside CSS url('…') or an attribute without changing
// meaning. Resource URLs also get commas encoded (see resourceURL), which
// would otherwise split a srcset candidate.
var urlUnsafe = strings.NewReplacer(
	`"`, "%22", `'`, "%27", "(", "%28", ")", "%29", `\`, "%5C",
	"<", "%3C", ">", "%3E", " ", "%20", "`", "%60",
	"{", "%7B", "}", "%7D", "|", "%7C", "^", "%5E",
)

// cleanURL applies the browser's own pre-processing (WHATWG URL parser):
// leading and trailing C0 controls and spaces are trimmed and every ASCII
// tab and newline is removed. "java\tscript:" is "javascript:" to a browser,
// so it must be to us. Entities were already decoded by the HTML parser.
func cleanURL(raw string) string {
	raw = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, raw)
	return strings.TrimFunc(raw, func(r rune) bool { return r <= ' ' })
}

// scheme returns the lower-cased scheme of a cleaned URL, or "" if it has
// none (a relative reference).
func scheme(u string) string {
	for i := 0; i < len(u); i++ {
		c := u[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		case c == ':' && i > 0:
			return strings.ToLower(u[:i])
		default:
			return ""
		}
	}
	return ""
}

// isRemote reports whether a raw URL would make the browser contact a
// server: http, https or a protocol-relative "//host" reference.
func isRemote(raw string) bool {
	u := cleanURL(raw)
	if strings.HasPrefix(u, "//") || strings.HasPrefix(u, `\\`) ||
		strings.HasPrefix(u, `/\`) || strings.HasPrefix(u, `\/`) {
		return true
	}
	s := scheme(u)
	return s == "http" || s == "https"
}

// webURL parses an absolute http(s) or protocol-relative URL and returns it
// in a canonical, escaped form, or false if it is not one with a host.
func webURL(u string) (string, bool) {
	if strings.HasPrefix(u, "//") {
		u = "https:" + u
	}
	p, err := url.Parse(u)
	if err != nil || p.Host == "" || p.Opaque != "" || p.User != nil {
		return "", false
	}
	p.Scheme = strings.ToLower(p.Scheme)
	if p.Scheme != "http" && p.Scheme != "https" {
		return "", false
	}
	return urlUnsafe.Replace(p.String()), true
}

// resolve makes a relative reference absolute against the message's own
// <base href>, if it had a valid http(s) one. Without a base, relative
// references would resolve against the app's origin, so they are refused.
func (r *rewriter) resolve(u string) (string, bool) {
	if r.base == nil {
		return "", false
	}
	ref, err := url.Parse(u)
	if err != nil {
		return "", false
	}
	return r.base.ResolveReference(ref).String(), true
}

// linkURL rewrites the href of a link. It keeps http, https (protocol-relative
// links become https), mailto, tel and in-document fragments, and drops
// everything else: javascript:, vbscript:, data:, file:, and relative paths
// (unless a <base href> makes them absolute).
func (r *rewriter) linkURL(raw string) (string, bool) {
	u := cleanURL(raw)
	if scheme(u) == "" && !strings.HasPrefix(u, "#") && !isRemote(u) {
		var ok bool
		if u, ok = r.resolve(u); !ok {
			return "", false
		}
	}
	if strings.HasPrefix(u, "#") {
		p, err := url.Parse(u)
		if err != nil {
			return "", false
		}
		return "#" + urlUnsafe.Replace(p.EscapedFragment()), true
	}
	if strings.HasPrefix(u, "//") {
		return webURL(u)
	}
	switch scheme(u) {
	case "http", "https":
		return webURL(u)
	case "mailto", "tel":
		p, err := url.Parse(u)
		if err != nil || p.Opaque == "" {
			return "", false
		}
		return urlUnsafe.Replace(strings.ToLower(p.Scheme) + ":" + p.Opaque + query(p)), true
	}
	return "", false
}

func query(p *url.URL) string {
	if p.RawQuery == "" {
		return ""
	}
	return "?" + p.RawQuery
}

// cidURL turns "cid:<content-id>" (RFC 2392; the id may be %-encoded) into
// the relative URL cidPrefix + PathEscape(id). Ids that would be a dot
// segment are refused: "cid/.." would climb out of the message's URL space.
func cidURL(u string) (string, bool) {
	id := cidID(u)
	if id == "" || strings.Trim(id, ".") == "" {
		return "", false
	}
	return cidPrefix + url.PathEscape(id), true
}

// cidID is the Content-ID a "cid:" URL names (RFC 2392: %-encoded, no
// angle brackets).
func cidID(u string) string {
	id := u[len("cid:"):]
	if dec, err := url.PathUnescape(id); err == nil {
		id = dec
	}
	return strings.Trim(id, "<> ")
}

// resourceURL rewrites a URL the browser would fetch by itself (img src,
// srcset, background, CSS url()). It keeps cid: (made relative), remote
// http(s) only when r.allowRemote and not on the reader's own network
// (internalHost), and base64 raster data: URIs only when allowData. A remote URL dropped for lack of permission sets
// r.remoteBlocked.
func (r *rewriter) resourceURL(raw string, allowData bool) (string, bool) {
	u := cleanURL(raw)
	if scheme(u) == "" && !isRemote(u) {
		var ok bool
		if u, ok = r.resolve(u); !ok {
			return "", false
		}
	}
	if isRemote(u) {
		if !r.allowRemote {
			r.remoteBlocked = true
			return "", false
		}
		w, ok := webURL(u)
		if !ok {
			return "", false
		}
		if p, err := url.Parse(w); err != nil || internalHost(p.Hostname()) {
			return "", false
		}
		return strings.ReplaceAll(w, ",", "%2C"), true
	}
	switch scheme(u) {
	case "cid":
		if allowData {
			if data, ok := r.images[cidID(u)]; ok {
				return dataImage(data)
			}
		}
		return cidURL(u)
	case "data":
		if !allowData {
			return "", false
		}
		return dataImage(u)
	}
	return "", false
}

// dataImage validates a data: URI holding a base64 PNG, JPEG, GIF or WebP
// and returns it with a lower-case media type and no whitespace.
func dataImage(u string) (string, bool) {
	u = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\f' {
			return -1
		}
		return r
	}, u)
	m := dataImageRe.FindStringSubmatch(u)
	if m == nil {
		return "", false
	}
	return "data:image/" + strings.ToLower(m[1]) + ";base64," + m[2], true
}

// srcset rewrites an <img srcset> list (HTML "parse a srcset attribute",
// simplified): every candidate URL goes through resourceURL, candidates
// whose URL or descriptor is unacceptable are dropped.
func (r *rewriter) srcset(raw string) (string, bool) {
	var out []string
	for _, c := range splitSrcset(raw) {
		u, ok := r.resourceURL(c.url, false)
		if !ok || !srcsetDescRe.MatchString(c.desc) {
			continue
		}
		if c.desc != "" {
			u += " " + c.desc
		}
		out = append(out, u)
	}
	return strings.Join(out, ", "), len(out) > 0
}

var srcsetDescRe = regexp.MustCompile(`^(?:[0-9]{1,5}(?:\.[0-9]{1,3})?[wx])?$`)

type srcsetCandidate struct{ url, desc string }

// splitSrcset splits a srcset value the way browsers do: a URL is a run of
// non-space characters (trailing commas end it), its descriptors run to the
// next comma.
func splitSrcset(s string) []srcsetCandidate {
	var out []srcsetCandidate
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }
	for i := 0; i < len(s) && len(out) < 32; {
		for i < len(s) && (isSpace(s[i]) || s[i] == ',') {
			i++
		}
		start := i
		for i < len(s) && !isSpace(s[i]) {
			i++
		}
		u := s[start:i]
		if u == "" {
			break
		}
		var desc string
		if strings.HasSuffix(u, ",") {
			u = strings.TrimRight(u, ",")
		} else {
			start = i
			for i < len(s) && s[i] != ',' {
				i++
			}
			desc = strings.Join(strings.Fields(s[start:i]), " ")
		}
		out = append(out, srcsetCandidate{u, desc})
	}
	return out
}
