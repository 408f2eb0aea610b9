package htmlmail

import (
	"testing"
)

// vector is one hostile input. Every vector is run with remote content
// blocked and allowed, and its output judged by checkSafe. tracking marks
// inputs that reference remote content: with AllowRemote false,
// RemoteBlocked must then be true.
type vector struct {
	name     string
	in       string
	tracking bool
}

// scriptVectors: script elements, event handlers, embedded documents,
// forms and parser tricks (OWASP XSS filter evasion cheat sheet, DOMPurify
// and html5sec.org mutation vectors).
var scriptVectors = []vector{
	{"script", `<script>alert(1)</script>`, false},
	{"script src", `<SCRIPT SRC=http://xss.example/xss.js></SCRIPT>`, true},
	{"img onerror", `<img src=x onerror=alert(1)>`, false},
	{"IMG ONERROR uppercase", `<IMG SRC=x ONERROR=alert(1)>`, false},
	{"img onerror eval src", `<img src=x:alert(alt) onerror=eval(src) alt=0>`, false},
	{"img slashes", `<img/src="x"/onerror=alert(1)>`, false},
	{"img unquoted no close", `<img src=x onerror=alert(1)//`, false},
	{"img quotes confusion", `<img """><script>alert(1)</script>">`, false},
	{"svg onload", `<svg onload=alert(1)>`, false},
	{"svg script", `<svg><script>alert(1)</script></svg>`, false},
	{"svg animate", `<svg><animate onbegin=alert(1) attributeName=x dur=1s>`, false},
	{"svg foreignObject", `<svg><foreignObject><img src=x onerror=alert(1)></foreignObject></svg>`, false},
	{"svg xlink href", `<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>`, false},
	{"svg image remote", `<svg><image href="http://t.example/p.png"/></svg>`, true},
	{"math href", `<math href="javascript:alert(1)">x</math>`, false},
	{"math mglyph style", `<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`, false},
	{"math mglyph comment", `<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;/mglyph&gt;&lt;img&Tab;src=1&Tab;onerror=alert(1)&gt;">`, false},
	{"math form mglyph", `<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>`, false},
	{"svg p style", `<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">`, false},
	{"svg desc table", `<table><tr><td><svg><desc><table><tr><td><img src=x onerror=alert(1)>`, false},
	{"body onload", `<body onload=alert(1)>hi`, false},
	{"div onmouseover", `<div onmouseover="alert(1)">x</div>`, false},
	{"a onclick", `<a href="#" onclick="alert(1)">x</a>`, false},
	{"input autofocus", `<input onfocus=alert(1) autofocus>`, false},
	{"details ontoggle", `<details open ontoggle=alert(1)>x</details>`, false},
	{"marquee onstart", `<marquee onstart=alert(1)>x</marquee>`, false},
	{"video source onerror", `<video><source onerror=alert(1)></video>`, false},
	{"audio onerror", `<audio src=x onerror=alert(1)>`, false},
	{"object data", `<object data="javascript:alert(1)"></object>`, false},
	{"embed src", `<embed src="javascript:alert(1)">`, false},
	{"iframe src", `<iframe src="javascript:alert(1)"></iframe>`, false},
	{"iframe srcdoc", `<iframe srcdoc="<script>alert(1)</script>"></iframe>`, false},
	{"iframe content", `<iframe><img src=x onerror=alert(1)></iframe>`, false},
	{"frameset", `<frameset onload=alert(1)><frame src="http://t.example/f"></frameset>`, true},
	{"base href", `<base href="javascript:alert(1)//"><a href="x">x</a>`, false},
	{"meta refresh", `<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`, false},
	{"link stylesheet", `<link rel=stylesheet href="http://t.example/x.css">`, true},
	{"form action", `<form action="javascript:alert(1)"><input type=submit></form>`, false},
	{"button formaction", `<form><button formaction="javascript:alert(1)">x</button></form>`, false},
	{"input image", `<input type="image" src="http://t.example/x.png" formaction="javascript:alert(1)">`, true},
	{"isindex", `<isindex action=javascript:alert(1) type=image>`, false},
	{"keygen", `<keygen autofocus onfocus=alert(1)>`, false},
	{"select option img", `<select><option><img src=x onerror=alert(1)></option></select>`, false},
	{"template", `<template><img src=x onerror=alert(1)></template>`, false},
	{"noscript title", `<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>`, false},
	{"noscript style", `<noscript><style></noscript><img src=x onerror=alert(1)>`, false},
	{"title", `<title><img src=x onerror=alert(1)></title>`, false},
	{"textarea", `<textarea><img src=x onerror=alert(1)></textarea>`, false},
	{"xmp", `<xmp><img src=x onerror=alert(1)></xmp>`, false},
	{"noembed", `<noembed><img src=x onerror=alert(1)></noembed>`, false},
	{"plaintext", `<plaintext><img src=x onerror=alert(1)>`, false},
	{"style element html", `<style><img src=x onerror=alert(1)></style>`, false},
	{"comment", `<!--<img src=x onerror=alert(1)>-->`, false},
	{"comment bang", `<!--><img src=x onerror=alert(1)>-->`, false},
	{"cdata", `<![CDATA[<img src=x onerror=alert(1)>]]>`, false},
	{"conditional comment", `<!--[if gte IE 4]><script>alert(1)</script><![endif]-->`, false},
	{"double open", `<<script>alert(1);//<</script>`, false},
	{"split script", `<scr<script>ipt>alert(1)</script>`, false},
	{"null in tag", "<scr\x00ipt>alert(1)</scr\x00ipt>", false},
	{"null in attr name", "<img src=x o\x00nerror=alert(1)>", false},
	{"entity tag name", `<&#115;cript>alert(1)</script>`, false},
	{"nested links svg", `<a href="https://ok.example/"><svg><a href="javascript:alert(1)">x</a></svg></a>`, false},
	{"dialog", `<dialog open><img src=x onerror=alert(1)></dialog>`, false},
	{"a target top", `<a href="https://ok.example/" target="_top" rel="opener">x</a>`, false},
	{"xml namespace", `<html xmlns:o="urn:schemas-microsoft-com:office:office"><o:p onclick=alert(1)>x</o:p>`, false},
	{"vml", `<!--[if gte mso 9]><v:rect fill="true"><v:fill src="http://t.example/bg.png"/></v:rect><![endif]-->`, false},
	{"v:image", `<v:image src="http://t.example/bg.png" onerror=alert(1)></v:image>`, true},
}

// urlVectors: scheme obfuscation and remote references in URL attributes.
var urlVectors = []vector{
	{"href javascript", `<a href="javascript:alert(1)">x</a>`, false},
	{"href mixed case", `<a href="JaVaScRiPt:alert(1)">x</a>`, false},
	{"href leading space", `<a href=" javascript:alert(1)">x</a>`, false},
	{"href tab entity", `<a href="java&#x09;script:alert(1)">x</a>`, false},
	{"href newline entity", `<a href="java&#x0A;script:alert(1)">x</a>`, false},
	{"href raw tab", "<a href=\"java\tscript:alert(1)\">x</a>", false},
	{"href decimal entity", `<a href="&#106;avascript:alert(1)">x</a>`, false},
	{"href hex entity", `<a href="&#x6A;avascript:alert(1)">x</a>`, false},
	{"href long entities", `<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)">x</a>`, false},
	{"href colon entity", `<a href="javascript&colon;alert(1)">x</a>`, false},
	{"href control prefix", "<a href=\"\x01javascript:alert(1)\">x</a>", false},
	{"href null inside", "<a href=\"javas\x00cript:alert(1)\">x</a>", false},
	{"href unquoted", `<a href=javascript:alert(1)>x</a>`, false},
	{"href vbscript", `<a href="vbscript:msgbox(1)">x</a>`, false},
	{"href data html", `<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>`, false},
	{"href file", `<a href="file:///etc/passwd">x</a>`, false},
	{"href relative app path", `<a href="/logout">x</a>`, false},
	{"href backslashes", `<a href="\\evil.example/x">x</a>`, false},
	{"img src javascript", `<img src="javascript:alert(1)">`, false},
	{"img src spaced mixed", `<img src="  JaVaScRiPt:alert(1)">`, false},
	{"img src backtick", "<img src=`javascript:alert(1)`>", false},
	{"img data svg", `<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">`, false},
	{"img data html", `<img src="data:text/html,<script>alert(1)</script>">`, false},
	{"img remote", `<img src="http://t.example/open.gif" width=1 height=1>`, true},
	{"img protocol relative", `<img src="//t.example/open.gif">`, true},
	{"img uppercase scheme", `<img src="HTTPS://T.EXAMPLE/open.gif">`, true},
	{"img backslash host", `<img src="\\t.example\open.gif">`, true},
	{"img http backslashes", `<img src="http:\\t.example\open.gif">`, true},
	{"img srcset remote", `<img srcset="http://t.example/x.png 1x">`, true},
	{"img cid srcset remote", `<img src="cid:logo" srcset="http://t.example/a.png 1x, http://t.example/b.png 2x">`, true},
	{"img lowsrc", `<img lowsrc="http://t.example/l.png">`, true},
	{"img dynsrc", `<img dynsrc="http://t.example/d.avi">`, true},
	{"img cid dot segments", `<img src="cid:../../logout">`, false},
	{"img cid dotdot", `<img src="cid:..">`, false},
	{"table background", `<table background="http://t.example/bg.png"><tr><td>x</td></tr></table>`, true},
	{"td background javascript", `<table><tr><td background="javascript:alert(1)">x</td></tr></table>`, false},
	{"body background", `<body background="http://t.example/bg.png">x</body>`, true},
	{"video poster", `<video poster="http://t.example/p.png"></video>`, true},
	{"a ping", `<a href="https://ok.example/" ping="http://t.example/ping">x</a>`, false},
}

// cssVectors: style attributes and <style> sheets.
var cssVectors = []vector{
	{"css url javascript", `<div style="background:url(javascript:alert(1))">x</div>`, false},
	{"css url quoted javascript", `<div style="background:url(&quot;javascript:alert(1)&quot;)">x</div>`, false},
	{"css background-image tracker", `<div style="background-image:url(http://t.example/p.gif)">x</div>`, true},
	{"css escaped url", `<div style="background-image:u\72l(http://t.example/p.gif)">x</div>`, true},
	{"css URL uppercase", `<div style="background-image:URL(http://t.example/p.gif)">x</div>`, true},
	{"css url quoted", `<div style="background-image:url('http://t.example/p.gif')">x</div>`, true},
	{"css url important", `<div style="background:url(http://t.example/p.gif) !important">x</div>`, true},
	{"css expression", `<div style="width: expression(alert(1))">x</div>`, false},
	{"css expression comment", `<div style="xss:expr/*XSS*/ession(alert(1))">x</div>`, false},
	{"css escaped expression", `<div style="width:e\78pression(alert(1))">x</div>`, false},
	{"css moz-binding", `<div style="-moz-binding:url(http://t.example/xss.xml#xss)">x</div>`, true},
	{"css behavior", `<div style="behavior: url(http://t.example/xss.htc)">x</div>`, true},
	{"css position fixed", `<div style="position:fixed;top:0;left:0;width:100%;height:100%;z-index:9999">x</div>`, false},
	{"css position spaced", `<div style="position : absolute">x</div>`, false},
	{"css position escaped", `<div style="p\6fsition:sticky">x</div>`, false},
	{"css list-style-image", `<ul style="list-style-image:url(http://t.example/t.png)"><li>x</li></ul>`, true},
	{"css border-image", `<div style="border-image:url(http://t.example/t.png) 30 round">x</div>`, true},
	{"css image-set", `<div style="background-image:image-set('http://t.example/t.png' 1x)">x</div>`, true},
	{"css content url", `<div style="content:url(http://t.example/t.png)">x</div>`, true},
	{"css cursor", `<div style="cursor:url(http://t.example/c.cur),auto">x</div>`, true},
	{"css calc expression", `<div style="width:calc(100% - expression(alert(1)))">x</div>`, false},
	{"css import in attr", `<div style="@import 'http://t.example/x.css'">x</div>`, true},
	{"css data svg url", `<div style="background-image:url(data:image/svg+xml;base64,PHN2Zz4=)">x</div>`, false},
	{"css string escapes", `<p style="font-family:'\3c /style\3e \3c script\3e alert(1)\3c /script\3e'">x</p>`, false},
	{"css closing attr", `<div style="color:red;}</style><script>alert(1)</script>">x</div>`, false},
	{"sheet import url", `<style>@import url(http://t.example/x.css);</style>x`, true},
	{"sheet import string", `<style>@import 'http://t.example/x.css';</style>x`, true},
	{"sheet background tracker", `<style>body{background:url(http://t.example/open.gif)}</style>x`, true},
	{"sheet font-face", `<style>@font-face{font-family:x;src:url(http://t.example/f.woff)}</style>x`, true},
	{"sheet behavior binding", `<style>div{behavior:url(x.htc);-moz-binding:url(x.xml)}</style>x`, false},
	{"sheet position fixed", `<style>*{position:fixed;z-index:99}</style>x`, false},
	{"sheet end tag script", `<style>a{color:red}</style></style><script>alert(1)</script>`, false},
	{"sheet string breakout", `<style>a{font-family:'</style><script>alert(1)</script>'}</style>`, false},
	{"sheet url breakout", `<style>a{background:url(http://t.example/</style><img src=x onerror=alert(1)>)}</style>`, true},
	{"sheet escaped end tag", `<style>p{font-family:'\3c /style\3e'}p::after{content:'\3c script\3e'}</style>x`, false},
	{"sheet media import", `<style>@media screen{@import url(http://t.example/m.css);}</style>x`, true},
	{"sheet media tracker", `<style>@media screen and (min-width:1px){p{color:red;background:url(http://t.example/m.gif)}}</style>x`, true},
	{"sheet selector html", `<style>a<img src=x onerror=alert(1)>{color:red}</style>`, false},
	{"sheet escaped selector", `<style>\3c img{color:red}</style>x`, false},
	{"sheet expression", `<style>p{width:expression(alert(1))}</style>x`, false},
	{"sheet namespace", `<style>@namespace url(http://t.example/ns);</style>x`, true},
	{"sheet cdo cdc", `<style><!-- p{color:red} --></style>x`, false},
}

func TestXSSVectors(t *testing.T) {
	var all []vector
	all = append(all, scriptVectors...)
	all = append(all, urlVectors...)
	all = append(all, cssVectors...)
	if len(all) < 60 {
		t.Fatalf("only %d vectors", len(all))
	}
	for _, v := range all {
		t.Run(v.name, func(t *testing.T) {
			blocked := Sanitize(v.in, Options{})
			checkSafe(t, blocked.HTML, false)
			if v.tracking && !blocked.RemoteBlocked {
				t.Errorf("RemoteBlocked = false for a tracking vector; output %s", blocked.HTML)
			}
			allowed := Sanitize(v.in, Options{AllowRemote: true})
			checkSafe(t, allowed.HTML, true)
			if allowed.RemoteBlocked {
				t.Errorf("RemoteBlocked = true with AllowRemote")
			}
		})
	}
}
