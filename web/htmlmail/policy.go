package htmlmail

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"github.com/microcosm-cc/bluemonday/css"
)

// The allow-lists below are the single source of truth: the rewrite pass
// filters with them, and the bluemonday policies are built from them, so
// the second pass re-checks exactly what the first one let through.

var (
	reNumber   = regexp.MustCompile(`^[0-9]{1,4}$`)
	reLength   = regexp.MustCompile(`^[0-9]{1,5}(?:\.[0-9]{1,3})?(?:%|px)?$`)
	reColor    = regexp.MustCompile(`^#?[0-9a-zA-Z]{1,30}$`)
	reAlign    = regexp.MustCompile(`(?i)^(?:left|right|center|justify|middle|top|bottom|baseline|absmiddle|absbottom|texttop)$`)
	reVAlign   = regexp.MustCompile(`(?i)^(?:top|middle|bottom|baseline)$`)
	reDir      = regexp.MustCompile(`(?i)^(?:ltr|rtl|auto)$`)
	reLang     = regexp.MustCompile(`^[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8}){0,4}$`)
	reName     = regexp.MustCompile(`^[\p{L}\p{N}_:.\-]{1,100}$`)
	reClass    = regexp.MustCompile(`^[\p{L}\p{N}_\- ]{1,500}$`)
	reFace     = regexp.MustCompile(`^[\p{L}\p{N} ,_.\-]{1,200}$`)
	reFontSize = regexp.MustCompile(`^[+-]?[1-7]$`)
	reListType = regexp.MustCompile(`^(?:[1aAiI]|disc|circle|square|none)$`)
	reCite     = regexp.MustCompile(`(?i)^cite$`)
	reAny      = (*regexp.Regexp)(nil) // any text: the value is escaped on output
)

func reBool(name string) *regexp.Regexp {
	return regexp.MustCompile(`(?i)^(?:|` + name + `)$`)
}

// globalAttrs may appear on every allowed element ("style" is handled
// separately, by the CSS filter).
var globalAttrs = map[string]*regexp.Regexp{
	"dir": reDir, "lang": reLang, "title": reAny, "id": reName, "class": reClass,
}

var (
	alignAttrs = map[string]*regexp.Regexp{"align": reAlign}
	sectAttrs  = map[string]*regexp.Regexp{"align": reAlign, "valign": reVAlign, "bgcolor": reColor}
	cellAttrs  = map[string]*regexp.Regexp{
		"width": reLength, "height": reLength, "colspan": reNumber, "rowspan": reNumber,
		"align": reAlign, "valign": reVAlign, "bgcolor": reColor, "nowrap": reBool("nowrap"),
	}
	noAttrs = map[string]*regexp.Regexp{}
)

// elementAttrs lists the elements that survive and their plain attributes.
// URL-bearing attributes (a href, img src and srcset, background) are not
// here: urlAttrs handles them.
var elementAttrs = map[string]map[string]*regexp.Regexp{
	"a":   {"name": reName},
	"img": {"alt": reAny, "width": reLength, "height": reLength, "border": reNumber, "align": reAlign, "hspace": reNumber, "vspace": reNumber},
	"table": {"width": reLength, "height": reLength, "border": reNumber, "cellpadding": reNumber,
		"cellspacing": reNumber, "bgcolor": reColor, "align": reAlign},
	"thead": sectAttrs, "tbody": sectAttrs, "tfoot": sectAttrs,
	"tr":         {"align": reAlign, "valign": reVAlign, "bgcolor": reColor, "height": reLength},
	"td":         cellAttrs,
	"th":         cellAttrs,
	"caption":    alignAttrs,
	"col":        {"span": reNumber, "width": reLength, "align": reAlign, "valign": reVAlign},
	"colgroup":   {"span": reNumber, "width": reLength, "align": reAlign, "valign": reVAlign},
	"font":       {"color": reColor, "face": reFace, "size": reFontSize},
	"hr":         {"width": reLength, "size": reNumber, "color": reColor, "noshade": reBool("noshade"), "align": reAlign},
	"ol":         {"type": reListType, "start": reNumber, "reversed": reBool("reversed")},
	"ul":         {"type": reListType},
	"li":         {"type": reListType, "value": reNumber},
	"blockquote": {"type": reCite},
	"div":        alignAttrs, "p": alignAttrs, "center": noAttrs,
	"h1": alignAttrs, "h2": alignAttrs, "h3": alignAttrs, "h4": alignAttrs, "h5": alignAttrs, "h6": alignAttrs,
	"span": noAttrs, "br": noAttrs, "pre": noAttrs, "code": noAttrs, "b": noAttrs, "i": noAttrs,
	"u": noAttrs, "s": noAttrs, "strike": noAttrs, "strong": noAttrs, "em": noAttrs, "small": noAttrs,
	"big": noAttrs, "sub": noAttrs, "sup": noAttrs, "tt": noAttrs, "dl": noAttrs, "dt": noAttrs,
	"dd": noAttrs, "abbr": noAttrs, "address": noAttrs, "cite": noAttrs, "del": noAttrs, "ins": noAttrs,
	"kbd": noAttrs, "mark": noAttrs, "q": noAttrs, "samp": noAttrs, "var": noAttrs, "wbr": noAttrs,
	"section": noAttrs, "article": noAttrs, "header": noAttrs, "footer": noAttrs, "main": noAttrs,
	"nav": noAttrs, "aside": noAttrs, "figure": noAttrs, "figcaption": noAttrs,
}

// backgroundElements may carry the legacy background="" image attribute.
var backgroundElements = []string{"table", "tr", "td", "th"}

// URL patterns for the second pass. safeURLChars excludes what urlUnsafe
// percent-encodes, so a value matching it is one the rewriter produced.
const safeURLChars = `[^\s'"()\\<>,` + "`" + `{}|^]+`

var (
	reHref      = regexp.MustCompile(`(?i)^(?:https?://|mailto:|tel:|#)`)
	reLocalSrc  = `cid/` + safeURLChars + `|data:image/(?:png|jpeg|jpg|gif|webp);base64,[A-Za-z0-9+/]+={0,2}`
	reRemoteSrc = `https?://` + safeURLChars
	reSrcDesc   = `(?: [0-9]{1,5}(?:\.[0-9]{1,3})?[wx])?`
)

// urlPatterns returns the patterns that src, srcset and background values
// must match in the given mode.
func urlPatterns(allowRemote bool) (src, srcset, background *regexp.Regexp) {
	res := `cid/` + safeURLChars
	if allowRemote {
		res = `(?:` + res + `|` + reRemoteSrc + `)`
	}
	img := reLocalSrc
	if allowRemote {
		img += `|` + reRemoteSrc
	}
	cand := res + reSrcDesc
	return regexp.MustCompile(`(?i)^(?:` + img + `)$`),
		regexp.MustCompile(`(?i)^` + cand + `(?:, ` + cand + `)*$`),
		regexp.MustCompile(`(?i)^` + res + `$`)
}

// displayValues are the display values we keep: no flex or grid tricks.
var displayValues = []string{"block", "inline", "inline-block", "none", "table", "inline-table",
	"table-row", "table-cell", "table-row-group", "table-header-group", "table-footer-group",
	"table-column", "table-column-group", "table-caption"}

// plainStyleProps use bluemonday's own value handlers. No position, no
// z-index, no behavior or -moz-binding, no border-image or list-style-image
// (url() carriers), no content.
var plainStyleProps = []string{
	"font", "font-family", "font-size", "font-style", "font-variant", "font-weight",
	"text-align", "text-decoration", "text-transform", "text-indent", "line-height",
	"letter-spacing", "word-spacing", "white-space", "vertical-align", "word-break", "word-wrap",
	"overflow-wrap", "padding", "padding-top", "padding-right", "padding-bottom", "padding-left",
	"margin", "margin-top", "margin-right", "margin-bottom", "margin-left",
	"border", "border-top", "border-right", "border-bottom", "border-left",
	"border-style", "border-top-style", "border-right-style", "border-bottom-style", "border-left-style",
	"border-width", "border-top-width", "border-right-width", "border-bottom-width", "border-left-width",
	"border-radius", "border-top-left-radius", "border-top-right-radius",
	"border-bottom-left-radius", "border-bottom-right-radius",
	"border-collapse", "border-spacing", "width", "height", "max-width", "min-width",
	"max-height", "min-height", "list-style-type", "direction", "table-layout", "float", "clear",
	"box-sizing", "overflow", "background-repeat", "background-position", "background-size",
}

var colorStyleProps = []string{"color", "background-color", "border-color", "border-top-color",
	"border-right-color", "border-bottom-color", "border-left-color"}

var bgURLRe = regexp.MustCompile(`url\('([^']*)'\)`)

// styleHandlers maps every allowed CSS property to the check its
// (lower-cased) value must pass. The same checks serve the rewrite pass and
// the bluemonday policy of that mode.
func styleHandlers(allowRemote bool) map[string]func(string) bool {
	_, _, bgRe := urlPatterns(allowRemote)
	h := make(map[string]func(string) bool)
	for _, p := range plainStyleProps {
		h[p] = css.GetDefaultHandler(p)
	}
	for _, p := range colorStyleProps {
		h[p] = colorOK
	}
	h["display"] = func(v string) bool { return slices.Contains(displayValues, v) }
	h["background-image"] = func(v string) bool {
		m := bgURLRe.FindStringSubmatch(v)
		return v == "none" || m != nil && m[0] == v && bgRe.MatchString(m[1])
	}
	h["background"] = func(v string) bool {
		urls := bgURLRe.FindAllStringSubmatch(v, -1)
		if len(urls) > 1 || len(urls) == 1 && !bgRe.MatchString(urls[0][1]) {
			return false
		}
		rest := strings.Join(strings.Fields(bgURLRe.ReplaceAllString(v, " ")), " ")
		return !strings.ContainsAny(rest, `()'"\`) && (rest == "" || css.BackgroundHandler(rest) || colorOK(rest))
	}
	return h
}

func colorOK(v string) bool {
	return v == "transparent" || v == "currentcolor" || css.ColorHandler(v)
}

// handlerSets holds the style handlers of both modes, built once.
var handlerSets = sync.OnceValue(func() [2]map[string]func(string) bool {
	return [2]map[string]func(string) bool{styleHandlers(false), styleHandlers(true)}
})

func handlersFor(allowRemote bool) map[string]func(string) bool {
	if allowRemote {
		return handlerSets()[1]
	}
	return handlerSets()[0]
}

// policies holds the two bluemonday policies. A Policy is safe for
// concurrent use once built, but must not be edited concurrently, hence
// the build-once.
var policies = sync.OnceValue(func() [2]*bluemonday.Policy {
	return [2]*bluemonday.Policy{newPolicy(false), newPolicy(true)}
})

func policyFor(allowRemote bool) *bluemonday.Policy {
	if allowRemote {
		return policies()[1]
	}
	return policies()[0]
}

// newPolicy builds the final sanitizer from the tables above.
func newPolicy(allowRemote bool) *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(true) // for cid/…; the attribute patterns refuse other relative URLs
	p.AllowURLSchemes("http", "https", "mailto", "tel")
	p.AllowURLSchemeWithCustomPolicy("data", func(u *url.URL) bool {
		_, ok := dataImage(u.String())
		return ok
	})
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)

	for name, re := range globalAttrs {
		p.AllowAttrs(name).Matching(re).Globally()
	}
	for el, attrs := range elementAttrs {
		p.AllowElements(el)
		if el != "a" && el != "img" {
			p.AllowNoAttrs().OnElements(el)
		}
		for name, re := range attrs {
			p.AllowAttrs(name).Matching(re).OnElements(el)
		}
	}
	src, srcset, bg := urlPatterns(allowRemote)
	p.AllowAttrs("href").Matching(reHref).OnElements("a")
	p.AllowAttrs("target").Matching(regexp.MustCompile(`^_blank$`)).OnElements("a")
	p.AllowAttrs("rel").Matching(regexp.MustCompile(`^[a-z]+(?: [a-z]+)*$`)).OnElements("a")
	p.AllowAttrs("src").Matching(src).OnElements("img")
	p.AllowAttrs("srcset").Matching(srcset).OnElements("img")
	p.AllowAttrs("background").Matching(bg).OnElements(backgroundElements...)

	for prop, h := range styleHandlers(allowRemote) {
		p.AllowStyles(prop).MatchingHandler(h).Globally()
	}
	return p
}
