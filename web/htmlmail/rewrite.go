package htmlmail

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// dropWithContent lists elements removed together with everything inside
// them: active content, embedded documents, form controls, metadata, and
// raw-text elements whose text must never be reinterpreted as markup.
var dropWithContent = map[string]bool{
	"script": true, "template": true, "iframe": true, "frame": true, "frameset": true,
	"noframes": true, "object": true, "embed": true, "applet": true, "param": true,
	"base": true, "meta": true, "link": true, "title": true, "head": true,
	"canvas": true, "audio": true, "video": true, "source": true, "track": true,
	"map": true, "area": true, "input": true, "button": true, "select": true,
	"textarea": true, "datalist": true, "keygen": true, "option": true, "optgroup": true,
	"xmp": true, "plaintext": true, "noembed": true, "portal": true, "dialog": true,
	"svg": true, "math": true, "image": true,
}

// resourceAttrs are attributes through which an element we drop would have
// loaded something by itself; they decide RemoteBlocked. href and data
// count only on the elements that fetch them (a link is not a load).
var resourceAttrs = map[string]bool{
	"src": true, "srcset": true, "poster": true, "background": true, "lowsrc": true, "dynsrc": true,
}

func isResourceAttr(el string, a html.Attribute) bool {
	switch el = strings.ToLower(el); {
	case resourceAttrs[a.Key]:
		return true
	case a.Key == "href":
		return a.Namespace == "xlink" || el == "link" || el == "image" || el == "use" || el == "feimage"
	case a.Key == "data":
		return el == "object"
	}
	return false
}

// rewriter carries one Sanitize call's options and findings.
type rewriter struct {
	allowRemote   bool
	remoteBlocked bool
	styles        map[string]func(string) bool
	sheets        []string // text of <style> elements, in document order
	sheetBytes    int
	base          *url.URL // the message's <base href>, if http(s)
	styleCache    map[string]string
	images        map[string]string // Content-ID → data: URI (Options.Images)
}

func newRewriter(allowRemote bool) *rewriter {
	return &rewriter{allowRemote: allowRemote, styles: handlersFor(allowRemote)}
}

// children copies n's children, so the caller may detach them while looping.
func children(n *html.Node) []*html.Node {
	var out []*html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		out = append(out, c)
	}
	return out
}

// clean rewrites the children of n in place. The parser caps nesting at 512,
// which bounds the recursion.
func (r *rewriter) clean(n *html.Node) {
	for _, c := range children(n) {
		switch c.Type {
		case html.TextNode:
		case html.ElementNode:
			r.element(c)
		default: // comments (and conditional comments), doctypes
			n.RemoveChild(c)
		}
	}
}

// element decides the fate of one element: kept with filtered attributes,
// dropped with its content, or unwrapped (replaced by its cleaned children).
func (r *rewriter) element(c *html.Node) {
	name := c.Data
	switch {
	case c.Namespace != "" || dropWithContent[name]:
		r.noteRemote(c)
		c.Parent.RemoveChild(c)
		return
	case name == "style":
		r.collectSheet(c)
		c.Parent.RemoveChild(c)
		return
	}
	r.clean(c)
	if _, ok := elementAttrs[name]; !ok {
		// Unknown or unwanted but inert (form, label, o:p, body…): keep the
		// content, lose the element.
		r.noteRemoteAttrs(c)
		for _, gc := range children(c) {
			c.RemoveChild(gc)
			c.Parent.InsertBefore(gc, c)
		}
		c.Parent.RemoveChild(c)
		return
	}
	c.Attr = r.attrs(c)
}

// attrs filters and rewrites the attributes of a kept element.
func (r *rewriter) attrs(c *html.Node) []html.Attribute {
	var out []html.Attribute
	add := func(k, v string) { out = append(out, html.Attribute{Key: k, Val: v}) }
	link := false
	for _, a := range c.Attr {
		if a.Namespace != "" {
			r.noteRemoteAttr(c.Data, a)
			continue
		}
		key, val := a.Key, strings.TrimSpace(a.Val)
		switch {
		case key == "style":
			if s := r.styleAttr(a.Val); s != "" {
				add(key, s)
			}
		case key == "href" && c.DataAtom == atom.A:
			if u, ok := r.linkURL(a.Val); ok {
				add(key, u)
				link = !strings.HasPrefix(u, "#")
			}
		case key == "src" && c.DataAtom == atom.Img:
			if u, ok := r.resourceURL(a.Val, true); ok {
				add(key, u)
			}
		case key == "srcset" && c.DataAtom == atom.Img:
			if u, ok := r.srcset(a.Val); ok {
				add(key, u)
			}
		case key == "background" && isBackgroundElement(c.Data):
			if u, ok := r.resourceURL(a.Val, false); ok {
				add(key, u)
			}
		default:
			re, ok := elementAttrs[c.Data][key]
			if !ok {
				re, ok = globalAttrs[key]
			}
			if ok && (re == nil || re.MatchString(val)) {
				add(key, val)
			} else {
				r.noteRemoteAttr(c.Data, a)
			}
		}
	}
	if link {
		add("target", "_blank")
		add("rel", "noopener noreferrer nofollow")
	}
	return out
}

func isBackgroundElement(name string) bool {
	for _, e := range backgroundElements {
		if e == name {
			return true
		}
	}
	return false
}

// noteRemote records (when remote content is not allowed) whether a removed
// subtree would have loaded anything remote.
func (r *rewriter) noteRemote(n *html.Node) {
	if r.allowRemote || r.remoteBlocked {
		return
	}
	if n.Type == html.ElementNode {
		r.noteRemoteAttrs(n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		r.noteRemote(c)
	}
}

func (r *rewriter) noteRemoteAttrs(n *html.Node) {
	for _, a := range n.Attr {
		r.noteRemoteAttr(n.Data, a)
	}
}

// noteRemoteAttr checks one attribute of element el that is being dropped.
func (r *rewriter) noteRemoteAttr(el string, a html.Attribute) {
	if r.allowRemote || r.remoteBlocked {
		return
	}
	switch {
	case a.Key == "style":
		r.remoteBlocked = hasRemoteRef(tokenize(a.Val))
	case a.Key == "srcset":
		for _, c := range splitSrcset(a.Val) {
			r.remoteBlocked = r.remoteBlocked || isRemote(c.url)
		}
	case isResourceAttr(el, a):
		r.remoteBlocked = isRemote(a.Val)
	}
}

// findBase records the first <base href> of the document (HTML's "frozen
// base URL") if it is an absolute http(s) URL.
func (r *rewriter) findBase(doc *html.Node) {
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode || n.DataAtom != atom.Base || n.Namespace != "" {
			continue
		}
		for _, a := range n.Attr {
			if a.Key == "href" && a.Namespace == "" {
				if u, ok := webURL(cleanURL(a.Val)); ok {
					r.base, _ = url.Parse(u)
				}
				return
			}
		}
	}
}

// bodyWrapper turns the presentational attributes of <body> (bgcolor, text,
// background, style) into a styled <div> around the content, or returns nil
// if there is nothing to keep.
func (r *rewriter) bodyWrapper(body *html.Node) *html.Node {
	var style []string
	var attrs []html.Attribute
	for _, a := range body.Attr {
		v := strings.TrimSpace(a.Val)
		switch a.Key {
		case "bgcolor":
			if c, ok := legacyColor(v); ok {
				style = append(style, "background-color: "+c)
			}
		case "text":
			if c, ok := legacyColor(v); ok {
				style = append(style, "color: "+c)
			}
		case "dir", "lang":
			if globalAttrs[a.Key].MatchString(v) {
				attrs = append(attrs, html.Attribute{Key: a.Key, Val: v})
			}
		case "background":
			if u, ok := r.resourceURL(v, false); ok {
				style = append(style, "background-image: url('"+u+"')")
			}
		case "style":
			style = append(style, a.Val)
		default:
			r.noteRemoteAttr("body", a)
		}
	}
	if s := r.styleAttr(strings.Join(style, "; ")); s != "" {
		attrs = append(attrs, html.Attribute{Key: "style", Val: s})
	}
	if len(attrs) == 0 {
		return nil
	}
	return &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div, Attr: attrs}
}

// legacyColor accepts an HTML color attribute value: a color name, or hex
// digits with or without the "#".
func legacyColor(v string) (string, bool) {
	if len(v) == 3 || len(v) == 6 {
		if hashRe.MatchString("#" + v) {
			return "#" + v, true
		}
	}
	return v, hashRe.MatchString(v) || identRe.MatchString(v)
}
