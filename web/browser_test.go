package web

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/tidings-mail/tidings/internal/testsrv"
)

// browser is a headless Chromium driving the app like a person, recording
// what a person would not see: console errors, CSP violations, and every
// request the page makes.
type browser struct {
	t        testing.TB
	ctx      context.Context
	base     string
	shotsDir string

	mu       sync.Mutex
	problems []string         // console errors, exceptions, CSP violations
	requests []string         // every URL requested
	statuses map[string]int64 // status of every response, by URL
	alerts   []string         // JavaScript dialogs (an XSS marker would open one)
}

func newBrowser(t testing.TB, base string) *browser {
	t.Helper()
	path := testsrv.ChromiumPath(t)
	// Not t.TempDir: Chromium may still be writing its profile when the
	// test ends, and TempDir's cleanup fails the test on "directory not
	// empty". The profile is removed after the browser has exited.
	profile, err := os.MkdirTemp("", "tidings-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(profile),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		// Keep every frame in the page's process, so the network and
		// console events of the sandboxed mail frame reach this target's
		// listener (an out-of-process frame would be a separate target and
		// a leak from it would go unseen).
		chromedp.Flag("disable-site-isolation-trials", true),
		chromedp.Flag("disable-features", "IsolateOrigins,site-per-process,IsolateSandboxedIframes"),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	// chromedp v0.14 does not know the DOM events newer Chromium sends for
	// <dialog> (top layer) and logs each as an error; they are not.
	ctx, cancelCtx := chromedp.NewContext(actx, chromedp.WithErrorf(func(format string, args ...any) {
		if !strings.HasPrefix(format, "unhandled node event") {
			fmt.Fprintf(os.Stderr, "chromedp: "+format+"\n", args...) // may come after the test ended: no t.Logf
		}
	}))
	b := &browser{t: t, ctx: ctx, base: base}
	chromedp.ListenTarget(ctx, b.listen)
	if err := chromedp.Run(ctx, network.Enable(), log.Enable(), runtime.Enable()); err != nil {
		cancelCtx()
		cancelAlloc()
		t.Fatalf("start chromium: %v", err)
	}
	t.Cleanup(func() {
		_ = chromedp.Cancel(ctx) // closes the browser and waits for it
		cancelCtx()
		cancelAlloc()
		for i := 0; i < 20 && os.RemoveAll(profile) != nil; i++ {
			time.Sleep(50 * time.Millisecond)
		}
	})
	return b
}

func (b *browser) listen(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		b.requests = append(b.requests, ev.Request.URL)
	case *network.EventResponseReceived:
		if b.statuses == nil {
			b.statuses = map[string]int64{}
		}
		b.statuses[ev.Response.URL] = ev.Response.Status
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.APITypeError || ev.Type == runtime.APITypeWarning {
			var args []string
			for _, a := range ev.Args {
				args = append(args, string(a.Value))
			}
			b.problems = append(b.problems, "console: "+strings.Join(args, " "))
		}
	case *runtime.EventExceptionThrown:
		b.problems = append(b.problems, "exception: "+ev.ExceptionDetails.Text)
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.LevelError || ev.Entry.Source == log.SourceSecurity || strings.Contains(ev.Entry.Text, "Content Security Policy") {
			b.problems = append(b.problems, "log: "+ev.Entry.Text+" "+ev.Entry.URL)
		}
	case *cdppage.EventJavascriptDialogOpening:
		b.alerts = append(b.alerts, ev.Message)
		go chromedp.Run(b.ctx, cdppage.HandleJavaScriptDialog(true))
	}
}

// run performs actions with a deadline.
func (b *browser) run(actions ...chromedp.Action) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Run(ctx, actions...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

// leaving marks the page shown now, before a click or submit that loads
// another; next(sel) then matches sel on the new page only. Waiting for
// an element both pages have would return before the new one loaded,
// and the test's next navigation would abort the pending one.
var leaving = chromedp.Evaluate(`document.documentElement.dataset.leaving = "1"`, nil)

func next(sel string) string { return "html:not([data-leaving]) " + sel }

// shot saves a full-page screenshot at the given viewport size.
func (b *browser) shot(name string, width, height int64) {
	b.t.Helper()
	if b.shotsDir == "" {
		return
	}
	var png []byte
	b.run(chromedp.EmulateViewport(width, height), chromedp.Sleep(150*time.Millisecond), chromedp.FullScreenshot(&png, 100))
	file := filepath.Join(b.shotsDir, fmt.Sprintf("%s-%dx%d.png", name, width, height))
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// status returns the HTTP status of the last response whose URL contains
// part, or 0.
func (b *browser) status(part string) int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	for u, s := range b.statuses {
		if strings.Contains(u, part) {
			return s
		}
	}
	return 0
}

func (b *browser) takeProblems() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	p := b.problems
	b.problems = nil
	return p
}

// foreignRequests are requests that left for a host other than the app.
func (b *browser) foreignRequests() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	base, _ := url.Parse(b.base)
	var out []string
	for _, r := range b.requests {
		u, err := url.Parse(r)
		if err != nil || u.Scheme == "data" || u.Scheme == "about" || u.Scheme == "blob" || u.Scheme == "chrome-error" {
			continue
		}
		if u.Host != base.Host {
			out = append(out, r)
		}
	}
	return out
}

// shotsDir is where screenshots go: $TIDINGS_SCREENSHOTS, or a folder in
// the system temp dir that outlives the test, printed so a person can look.
func screenshotDir(t testing.TB) string {
	dir := os.Getenv("TIDINGS_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "tidings-screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", dir)
	return dir
}

// press is one key as a person types it: a keyDown that carries the
// key's text, so the browser inserts the character (or submits a form
// on Enter) only if the page does not take the key. chromedp.KeyEvent
// sends the character as an event of its own, which a page's
// preventDefault on keydown cannot stop, unlike a real keyboard's.
func press(key string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		down := input.DispatchKeyEvent(input.KeyDown).WithKey(key)
		switch key {
		case kb.Escape:
			down = down.WithKey("Escape").WithCode("Escape").WithWindowsVirtualKeyCode(27)
		case kb.Enter:
			down = down.WithKey("Enter").WithCode("Enter").WithWindowsVirtualKeyCode(13).WithText("\r").WithUnmodifiedText("\r")
		case kb.ArrowDown:
			down = down.WithKey("ArrowDown").WithCode("ArrowDown").WithWindowsVirtualKeyCode(40)
		case kb.ArrowUp:
			down = down.WithKey("ArrowUp").WithCode("ArrowUp").WithWindowsVirtualKeyCode(38)
		default:
			down = down.WithText(key).WithUnmodifiedText(key)
		}
		if err := down.Do(ctx); err != nil {
			return err
		}
		return input.DispatchKeyEvent(input.KeyUp).WithKey(down.Key).Do(ctx)
	})
}

// signIn signs in through the login form of the app at base, as a person
// does, and waits for the Inbox's rows.
func signIn(base, user, pass string) chromedp.Action {
	return chromedp.Tasks{
		chromedp.Navigate(base + "/login"),
		chromedp.SendKeys("#username", user, chromedp.ByQuery),
		chromedp.SendKeys("#password", pass, chromedp.ByQuery),
		chromedp.Submit("#password", chromedp.ByQuery),
		chromedp.WaitVisible("li[data-uid]", chromedp.ByQuery),
	}
}
