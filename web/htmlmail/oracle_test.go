package htmlmail

import (
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The oracle below judges Sanitize's output the way a browser would meet
// it: it parses the fragment and walks every node. It is written
// independently of the implementation's tables on purpose: a mistake in
// those tables must not be copied into the check.

// oracleElements is every element the output may contain (the brief's list
// plus harmless sectioning and phrase elements).
var oracleElements = strings.Fields(`a abbr address article aside b big blockquote br caption
	center cite code col colgroup dd del div dl dt em figcaption figure font footer h1 h2 h3
	h4 h5 h6 header hr i img ins kbd li main mark nav ol p pre q s samp section small span
	strike strong sub sup table tbody td tfoot th thead tr tt u ul var wbr`)

// oracleAttrs is every attribute the output may contain.
var oracleAttrs = strings.Fields(`align alt background bgcolor border cellpadding cellspacing
	class color colspan dir face height href hspace id lang name noshade nowrap rel reversed
	rowspan size span src srcset start style target title type valign value vspace width`)

var (
	reOracleDataImg = regexp.MustCompile(`^data:image/(png|jpeg|jpg|gif|webp);base64,[a-z0-9+/]+=*$`)
	reOracleCSSURL  = regexp.MustCompile(`url\(\s*['"]?([^'")\s]*)`)
	reOracleBadProp = regexp.MustCompile(`(?:^|[;{\s])(?:position|z-index|content|cursor|list-style-image|border-image)\s*:`)
)

// checkSafe fails t if out holds anything active, any URL with a scheme we
// do not allow, or (when !allowRemote) any remote resource.
func checkSafe(t testing.TB, out string, allowRemote bool) {
	t.Helper()
	nodes, err := html.ParseFragment(strings.NewReader(out),
		&html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		t.Fatalf("output does not parse: %v\n%s", err, out)
	}
	for i, n := range nodes {
		if n.Type == html.ElementNode && n.Data == "style" && i == 0 && n.Namespace == "" {
			checkSheet(t, n, allowRemote)
			continue
		}
		walkSafe(t, n, allowRemote, out)
	}
}

func checkSheet(t testing.TB, n *html.Node, allowRemote bool) {
	t.Helper()
	if len(n.Attr) != 0 {
		t.Errorf("<style> with attributes: %v", n.Attr)
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.TextNode {
			t.Errorf("<style> holds a %v node", c.Type)
		}
		b.WriteString(c.Data)
	}
	checkCSS(t, b.String(), allowRemote)
}

func walkSafe(t testing.TB, n *html.Node, allowRemote bool, out string) {
	t.Helper()
	switch n.Type {
	case html.TextNode:
		return
	case html.ElementNode:
	default:
		t.Errorf("unexpected %v node %q in %s", n.Type, n.Data, out)
		return
	}
	if n.Namespace != "" || !contains(oracleElements, n.Data) {
		t.Errorf("element <%s %s> not allowed in output: %s", n.Namespace, n.Data, out)
	}
	for _, a := range n.Attr {
		checkAttr(t, n, a, allowRemote, out)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walkSafe(t, c, allowRemote, out)
	}
}

func checkAttr(t testing.TB, n *html.Node, a html.Attribute, allowRemote bool, out string) {
	t.Helper()
	key := strings.ToLower(a.Key)
	if a.Namespace != "" || strings.HasPrefix(key, "on") || !contains(oracleAttrs, key) {
		t.Errorf("attribute %s:%s=%q not allowed on <%s>: %s", a.Namespace, a.Key, a.Val, n.Data, out)
		return
	}
	v := strings.ToLower(strings.Map(func(r rune) rune {
		if r <= ' ' {
			return -1
		}
		return r
	}, a.Val))
	switch key {
	case "href":
		if !(strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://") ||
			strings.HasPrefix(v, "mailto:") || strings.HasPrefix(v, "tel:") || strings.HasPrefix(v, "#")) {
			t.Errorf("href %q not allowed: %s", a.Val, out)
		}
		if n.Data != "a" {
			t.Errorf("href on <%s>", n.Data)
		}
		if !strings.HasPrefix(v, "#") && (attr(n, "target") != "_blank" ||
			!strings.Contains(attr(n, "rel"), "noopener") || !strings.Contains(attr(n, "rel"), "noreferrer")) {
			t.Errorf("link without target=_blank rel=noopener noreferrer: %s", out)
		}
	case "src":
		checkResource(t, a.Val, n.Data == "img", allowRemote, out)
	case "background":
		checkResource(t, a.Val, false, allowRemote, out)
	case "srcset":
		for _, c := range strings.Split(a.Val, ",") {
			f := strings.Fields(c)
			if len(f) == 0 {
				t.Errorf("empty srcset candidate: %s", out)
				continue
			}
			checkResource(t, f[0], false, allowRemote, out)
		}
	case "style":
		checkCSS(t, a.Val, allowRemote)
	case "target":
		if a.Val != "_blank" {
			t.Errorf("target=%q: %s", a.Val, out)
		}
	}
}

// checkResource judges a URL the browser would fetch on its own.
func checkResource(t testing.TB, u string, dataOK, allowRemote bool, out string) {
	t.Helper()
	v := strings.ToLower(u)
	switch {
	case strings.HasPrefix(v, "cid/") && !strings.ContainsAny(v[4:], `/\?#`) && v != "cid/":
	case dataOK && reOracleDataImg.MatchString(v):
	case allowRemote && (strings.HasPrefix(v, "https://") || strings.HasPrefix(v, "http://")):
	default:
		t.Errorf("resource URL %q not allowed (remote=%v): %s", u, allowRemote, out)
	}
}

// checkCSS judges CSS text from a style attribute or the <style> sheet.
func checkCSS(t testing.TB, css string, allowRemote bool) {
	t.Helper()
	l := strings.ToLower(css)
	if strings.Count(l, "url(") != len(reOracleCSSURL.FindAllString(l, -1)) {
		t.Errorf("CSS url() not understood by the oracle: %s", css)
	}
	for _, m := range reOracleCSSURL.FindAllStringSubmatch(l, -1) {
		checkResource(t, m[1], false, allowRemote, css)
	}
	// URLs were judged above; their text must not trip the checks below.
	l = reOracleCSSURL.ReplaceAllString(l, "url(")
	for _, bad := range []string{"<", `\`, "/*", "expression", "javascript", "vbscript", "behavior",
		"binding", "@import", "@font-face", "image-set", "-moz-"} {
		if strings.Contains(l, bad) {
			t.Errorf("CSS holds %q: %s", bad, css)
		}
	}
	if m := reOracleBadProp.FindString(l); m != "" {
		t.Errorf("CSS sets %q: %s", m, css)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}
