package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// The organizing flows (issue 5) through HTTP, as a browser without
// JavaScript (forms, 303) and as organize.js (Accept: application/json),
// against the in-memory server (no MOVE, SORT, THREAD) and Dovecot (all
// of them). Every change is checked from an independent client.

func TestOrganizeMemory(t *testing.T) {
	t.Parallel()
	runOrganizeFlows(t, orgMemory(t))
}

func TestOrganizeDovecot(t *testing.T) {
	t.Parallel()
	runOrganizeFlows(t, orgDovecot(t, 7))
}

func runOrganizeFlows(t *testing.T, f orgFixture) {
	t.Run("bulk actions by form", func(t *testing.T) { testBulkForm(t, f) })
	t.Run("bulk actions by fetch", func(t *testing.T) { testBulkJSON(t, f) })
	t.Run("delete and trash", func(t *testing.T) { testDeleteFlow(t, f) })
	t.Run("all in folder", func(t *testing.T) { testAllInFolder(t, f) })
	t.Run("folders", func(t *testing.T) { testFolderFlows(t, f) })
	t.Run("search sort threads", func(t *testing.T) { testSearchSortThreads(t, f) })
	t.Run("security", func(t *testing.T) { testOrganizeSecurity(t, f) })
}

// testOrganizeSecurity: the new pages keep the CSP (no inline script or
// style attribute, which style-src 'self' would block anyway), and the
// new POST routes refuse other sites.
func testOrganizeSecurity(t *testing.T, f orgFixture) {
	a, user, pass := f.session(t)
	inbox := f.mailbox("INBOX")
	msg := fmt.Sprintf("/mail/INBOX/%d", inbox[len(inbox)-1].UID)
	for _, path := range []string{"/mail/INBOX", "/mail/INBOX?view=threads&select=page", "/mail/INBOX?sort=from", msg,
		"/folders", "/folders/rename?name=Receipts", "/folders/delete?name=Receipts", "/search", "/search?q=a",
		"/search?mailbox=INBOX&q=a", "/mail/Trash/delete?uid=1"} {
		p := a.get(path)
		wantStatus(t, p, http.StatusOK)
		if n := p.doc.Find("[style], script:not([src])").Length(); n > 0 {
			t.Errorf("%s: %d inline style attributes or scripts", path, n)
		}
		p.doc.Find("[onclick], [onchange], [onsubmit]").Each(func(_ int, s *goquery.Selection) {
			t.Errorf("%s: inline handler on <%s>", path, goquery.NodeName(s))
		})
		if !strings.Contains(p.resp.Header.Get("Content-Security-Policy"), "style-src 'self'") {
			t.Errorf("%s: CSP %q", path, p.resp.Header.Get("Content-Security-Policy"))
		}
		// Every form control has a label (visible, or aria-label).
		p.doc.Find("input:not([type=hidden]), select").Each(func(_ int, s *goquery.Selection) {
			id := s.AttrOr("id", "")
			labelled := s.AttrOr("aria-label", "") != "" || s.ParentsFiltered("label").Length() > 0 ||
				(id != "" && p.doc.Find(`label[for="`+id+`"]`).Length() > 0)
			if !labelled {
				t.Errorf("%s: unlabelled <%s name=%q>", path, goquery.NodeName(s), s.AttrOr("name", ""))
			}
		})
	}
	for _, path := range []string{"/mail/INBOX/actions", "/folders", "/folders/delete", "/folders/subscribe", "/folders/rename"} {
		req, _ := http.NewRequest(http.MethodPost, a.srv.URL+path, strings.NewReader("action=delete&all=1&name=Receipts&confirm=1&on=0"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.Header.Set("Origin", "https://evil.example")
		wantStatus(t, a.do(req), http.StatusForbidden)
	}
	if got := len(f.observe(t, a, user, pass, "INBOX", "all")); got != len(inbox) {
		t.Errorf("a cross-site POST changed INBOX: %d messages, seeded %d", got, len(inbox))
	}
	if _, ok := f.observeFolders(t, a, user, pass)["Receipts"]; !ok {
		t.Error("a cross-site POST deleted a folder")
	}
}

// flashOf follows a redirect and returns the flash the next page shows.
func flashOf(t *testing.T, a *testApp, p *page) (*page, string) {
	t.Helper()
	wantStatus(t, p, http.StatusSeeOther)
	next := a.follow(p)
	wantStatus(t, next, http.StatusOK)
	return next, strings.TrimSpace(next.doc.Find(".flash").Text())
}

func testBulkForm(t *testing.T, f orgFixture) {
	a, user, pass := f.session(t)
	inbox := f.mailbox("INBOX")
	list := a.get("/mail/INBOX")
	wantStatus(t, list, http.StatusOK)
	form := list.doc.Find("form#bulk")
	if form.AttrOr("action", "") != "/mail/INBOX/actions" || form.Find(`input[name="uidvalidity"]`).AttrOr("value", "") == "" {
		t.Fatalf("no bulk form with the folder's UIDVALIDITY")
	}
	if n := form.Find(`li[data-uid] input.msg-check[name="uid"]`).Length(); n != 50 {
		t.Errorf("%d row checkboxes, want 50", n)
	}
	if form.Find(`input[name="all"]`).Length() != 1 {
		t.Error("no “all in this folder” choice on a folder larger than a page")
	}
	// Without JavaScript, “select all on this page” is a link that checks
	// every row.
	sel := a.get(list.doc.Find(`a.no-js-only[href*="select=page"]`).AttrOr("href", "/missing"))
	wantStatus(t, sel, http.StatusOK)
	if n := sel.doc.Find("input.msg-check:checked").Length(); n != 50 {
		t.Errorf("select=page checks %d rows", n)
	}

	uv := form.Find(`input[name="uidvalidity"]`).AttrOr("value", "")
	// Mark two unread messages read, flag them, then archive them.
	var two []uint32
	for i := len(inbox) - 1; i >= 0 && len(two) < 2; i-- {
		if !inbox[i].Seen && !inbox[i].Flagged {
			two = append(two, inbox[i].UID)
		}
	}
	slices.Sort(two)
	post := func(action string, extra ...string) (*page, string) {
		v := uidForm(action, two...)
		v.Set("uidvalidity", uv)
		v.Set("return", "/mail/INBOX?page=1")
		for i := 0; i+1 < len(extra); i += 2 {
			v.Set(extra[i], extra[i+1])
		}
		return flashOf(t, a, a.post("/mail/INBOX/actions", v))
	}
	if _, msg := post("read"); msg != "Marked 2 messages as read." {
		t.Errorf("flash = %q", msg)
	}
	if unseen := f.observe(t, a, user, pass, "INBOX", "unseen"); slices.Contains(unseen, two[0]) || slices.Contains(unseen, two[1]) {
		t.Error("marked read, but another client still sees them unseen")
	}
	post("flag")
	if flagged := f.observe(t, a, user, pass, "INBOX", "flagged"); !slices.Contains(flagged, two[0]) || !slices.Contains(flagged, two[1]) {
		t.Error("flagged, but another client does not see the flag")
	}
	post("unread")
	if unseen := f.observe(t, a, user, pass, "INBOX", "unseen"); !slices.Contains(unseen, two[0]) {
		t.Error("marked unread, but another client sees it read")
	}
	post("unflag")
	if flagged := f.observe(t, a, user, pass, "INBOX", "flagged"); slices.Contains(flagged, two[0]) {
		t.Error("unflagged, but another client still sees the flag")
	}
	archiveBefore := len(f.observe(t, a, user, pass, "Archive", "all"))
	next, msg := post("archive")
	if msg != "Moved 2 messages to Archive." {
		t.Errorf("archive flash = %q", msg)
	}
	for _, u := range two {
		if next.doc.Find(fmt.Sprintf(`li[data-uid="%d"]`, u)).Length() != 0 {
			t.Errorf("UID %d still listed after archiving", u)
		}
	}
	if got := f.observe(t, a, user, pass, "INBOX", "all"); slices.Contains(got, two[0]) || len(got) != len(inbox)-2 {
		t.Errorf("INBOX has %d messages after archiving 2 of %d", len(got), len(inbox))
	}
	if got := len(f.observe(t, a, user, pass, "Archive", "all")); got != archiveBefore+2 {
		t.Errorf("Archive has %d, want %d", got, archiveBefore+2)
	}

	// Junk and back; move and copy to a named folder.
	junk := f.mailbox("INBOX")[0].UID
	v := uidForm("junk", junk)
	if _, msg := flashOf(t, a, a.post("/mail/INBOX/actions", v)); msg != "Moved 1 message to Junk." {
		t.Errorf("junk flash = %q", msg)
	}
	junkUIDs := f.observe(t, a, user, pass, "Junk", "all")
	newest := junkUIDs[len(junkUIDs)-1]
	if _, msg := flashOf(t, a, a.post("/mail/Junk/actions", uidForm("notjunk", newest))); msg != "Moved 1 message to Inbox." {
		t.Errorf("not junk flash = %q", msg)
	}
	if got := f.observe(t, a, user, pass, "Junk", "all"); slices.Contains(got, newest) {
		t.Error("“not junk” left the message in Junk")
	}
	receipts := len(f.observe(t, a, user, pass, "Receipts", "all"))
	v = uidForm("copy", inbox[1].UID)
	v.Set("to", "Receipts")
	if _, msg := flashOf(t, a, a.post("/mail/INBOX/actions", v)); msg != "Copied 1 message to Receipts." {
		t.Errorf("copy flash = %q", msg)
	}
	v.Set("action", "move")
	v.Set("to", "Projects/Apollo")
	if _, msg := flashOf(t, a, a.post("/mail/INBOX/actions", v)); msg != "Moved 1 message to Projects/Apollo." {
		t.Errorf("move flash = %q", msg)
	}
	if got := len(f.observe(t, a, user, pass, "Receipts", "all")); got != receipts+1 {
		t.Errorf("Receipts has %d after copy, want %d", got, receipts+1)
	}
	if slices.Contains(f.observe(t, a, user, pass, "INBOX", "all"), inbox[1].UID) {
		t.Error("moved message still in INBOX")
	}

	// Refusals: nothing selected, an unknown action, a stale UIDVALIDITY,
	// a return URL to elsewhere, a folder that does not exist.
	wantStatus(t, a.post("/mail/INBOX/actions", url.Values{"action": {"read"}}), http.StatusBadRequest)
	wantStatus(t, a.post("/mail/INBOX/actions", uidForm("explode", inbox[2].UID)), http.StatusBadRequest)
	stale := uidForm("archive", inbox[2].UID)
	stale.Set("uidvalidity", "1")
	if uv == "1" {
		stale.Set("uidvalidity", "2")
	}
	p := a.post("/mail/INBOX/actions", stale)
	wantStatus(t, p, http.StatusConflict)
	if strings.Contains(p.body, "UIDVALIDITY") {
		t.Error("the error page shows protocol words")
	}
	away := uidForm("read", inbox[2].UID)
	away.Set("return", "https://evil.example/")
	if loc := a.post("/mail/INBOX/actions", away).resp.Header.Get("Location"); loc != "/mail/INBOX" {
		t.Errorf("return to another site redirected to %q", loc)
	}
	missing := uidForm("move", inbox[2].UID)
	missing.Set("to", "No such folder")
	wantStatus(t, a.post("/mail/INBOX/actions", missing), http.StatusNotFound)
	if !slices.Contains(f.observe(t, a, user, pass, "INBOX", "all"), inbox[2].UID) {
		t.Error("a refused move removed the message")
	}
}

func decodeOutcome(t *testing.T, p *page) map[string]any {
	t.Helper()
	if ct := p.resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("answer is %s, want JSON: %s", ct, p.body)
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(p.body), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func testBulkJSON(t *testing.T, f orgFixture) {
	a, user, pass := f.session(t)
	inbox := f.mailbox("INBOX")
	uids := uidsOf(inbox[len(inbox)-3:])
	p := a.postJSON("/mail/INBOX/actions", uidForm("flag", uids...))
	wantStatus(t, p, http.StatusOK)
	if out := decodeOutcome(t, p); out["ok"] != true || out["flagged"] != true || out["message"] != "Flagged 3 messages." {
		t.Errorf("flag answer = %v", out)
	}
	if flagged := f.observe(t, a, user, pass, "INBOX", "flagged"); !slices.Contains(flagged, uids[2]) {
		t.Error("flag by fetch not seen by another client")
	}
	p = a.postJSON("/mail/INBOX/actions", uidForm("delete", uids...))
	out := decodeOutcome(t, p)
	if out["removed"] != true || out["message"] != "Moved 3 messages to Trash." {
		t.Errorf("delete answer = %v", out)
	}
	if got := f.observe(t, a, user, pass, "INBOX", "all"); slices.Contains(got, uids[0]) {
		t.Error("deleted by fetch, but still in INBOX")
	}
	// The answer carries the form that undoes it: the three come back.
	var undo struct {
		Undo struct {
			Action string
			Fields url.Values
		}
	}
	if err := json.Unmarshal([]byte(p.body), &undo); err != nil || undo.Undo.Action != "/mail/Trash/actions" || len(undo.Undo.Fields["uid"]) != 3 {
		t.Fatalf("undo form = %+v, %v", undo, err)
	}
	p = a.postJSON(undo.Undo.Action, undo.Undo.Fields)
	if out := decodeOutcome(t, p); out["message"] != "Moved 3 messages back." || out["undo"] != nil {
		t.Errorf("undo answer = %v", out)
	}
	if got := f.observe(t, a, user, pass, "INBOX", "all"); len(got) != len(inbox) {
		t.Errorf("after undo INBOX holds %d, had %d", len(got), len(inbox))
	}
	p = a.postJSON("/mail/INBOX/actions", uidForm("delete", f.observe(t, a, user, pass, "INBOX", "all")[len(inbox)-3:]...))
	wantStatus(t, p, http.StatusOK)
	// Errors come as JSON with the user's words, never the server's.
	p = a.postJSON("/mail/INBOX/actions", url.Values{"action": {"read"}})
	wantStatus(t, p, http.StatusBadRequest)
	if out := decodeOutcome(t, p); !strings.Contains(fmt.Sprint(out["error"]), "Select at least one message") {
		t.Errorf("error answer = %v", out)
	}
	// The message page's own forms: flag and mark unread.
	one := inbox[len(inbox)-5].UID
	p = a.postJSON(fmt.Sprintf("/mail/INBOX/%d/flag", one), url.Values{"flagged": {"1"}})
	if out := decodeOutcome(t, p); out["flagged"] != true {
		t.Errorf("message flag answer = %v", out)
	}
	p = a.postJSON(fmt.Sprintf("/mail/INBOX/%d/seen", one), url.Values{"seen": {"0"}})
	if out := decodeOutcome(t, p); out["redirect"] != "/mail/INBOX" {
		t.Errorf("mark unread answer = %v", out)
	}
	// Archiving from the message page sends the script back to the list.
	p = a.postJSON("/mail/INBOX/actions", url.Values{"action": {"archive"}, "uid": {strconv.Itoa(int(one))}, "return": {"/mail/INBOX"}})
	if out := decodeOutcome(t, p); out["redirect"] != "/mail/INBOX" || out["removed"] != true {
		t.Errorf("archive answer = %v", out)
	}
	if !slices.Contains(f.observe(t, a, user, pass, "Archive", "flagged"), f.observe(t, a, user, pass, "Archive", "all")[len(f.observe(t, a, user, pass, "Archive", "all"))-1]) {
		t.Error("the archived message lost its flag")
	}
}

func testDeleteFlow(t *testing.T, f orgFixture) {
	a, user, pass := f.session(t)
	trash := f.observe(t, a, user, pass, "Trash", "all")
	if len(trash) < 3 {
		t.Fatalf("seeded Trash has %d messages", len(trash))
	}
	// A delete in Trash asks first, on a page of its own.
	v := uidForm("delete", trash[0], trash[1])
	v.Set("return", "/mail/Trash")
	p := a.post("/mail/Trash/actions", v)
	wantStatus(t, p, http.StatusSeeOther)
	loc := p.resp.Header.Get("Location")
	if !strings.HasPrefix(loc, "/mail/Trash/delete?") {
		t.Fatalf("delete in Trash redirects to %q, want the confirmation", loc)
	}
	if got := f.observe(t, a, user, pass, "Trash", "all"); len(got) != len(trash) {
		t.Fatal("an unconfirmed delete removed messages")
	}
	confirm := a.follow(p)
	wantStatus(t, confirm, http.StatusOK)
	if h := confirm.doc.Find("#confirm-title").Text(); h != "Delete for good?" {
		t.Errorf("confirmation heading %q", h)
	}
	if !strings.Contains(confirm.doc.Find(".confirm p").First().Text(), "2 messages") {
		t.Errorf("confirmation says %q", confirm.doc.Find(".confirm p").First().Text())
	}
	cf := confirm.doc.Find(".confirm form")
	form := url.Values{}
	cf.Find(`input[type="hidden"]`).Each(func(_ int, s *goquery.Selection) {
		form.Add(s.AttrOr("name", ""), s.AttrOr("value", ""))
	})
	if form.Get("confirm") != "1" || len(form["uid"]) != 2 {
		t.Fatalf("confirmation form = %v", form)
	}
	// By fetch, the same asks for the confirmation page too.
	if out := decodeOutcome(t, a.postJSON("/mail/Trash/actions", v)); !strings.HasPrefix(fmt.Sprint(out["confirm"]), "/mail/Trash/delete?") {
		t.Errorf("fetch delete in Trash = %v", out)
	}
	_, msg := flashOf(t, a, a.post(cf.AttrOr("action", ""), form))
	if msg != "Deleted 2 messages for good." {
		t.Errorf("flash = %q", msg)
	}
	if got := f.observe(t, a, user, pass, "Trash", "all"); !slices.Equal(got, trash[2:]) {
		t.Errorf("Trash after delete = %v, want %v", got, trash[2:])
	}

	// Empty Trash: the same confirmation, for every message there.
	empty := a.get("/mail/Trash").doc.Find(`.view-bar a.btn-danger`).AttrOr("href", "")
	if !strings.HasPrefix(empty, "/mail/Trash/delete?") {
		t.Fatalf("Trash page: Empty Trash goes to %q", empty)
	}
	confirm = a.get(empty)
	if !strings.Contains(confirm.doc.Find(".confirm p").First().Text(), "all") {
		t.Errorf("emptying asks %q", confirm.doc.Find(".confirm p").First().Text())
	}
	form = url.Values{}
	confirm.doc.Find(`.confirm form input[type="hidden"]`).Each(func(_ int, s *goquery.Selection) {
		form.Add(s.AttrOr("name", ""), s.AttrOr("value", ""))
	})
	wantStatus(t, a.post(confirm.doc.Find(".confirm form").AttrOr("action", ""), form), http.StatusSeeOther)
	if got := f.observe(t, a, user, pass, "Trash", "all"); len(got) != 0 {
		t.Errorf("Trash after emptying holds %v", got)
	}
	if a.get("/mail/Trash").doc.Find(`.view-bar a.btn-danger`).Length() != 0 {
		t.Error("an empty Trash offers to be emptied")
	}
	if a.get("/mail/INBOX").doc.Find(`.view-bar a.btn-danger`).Length() != 0 {
		t.Error("the Inbox offers Empty Trash")
	}
}

func testAllInFolder(t *testing.T, f orgFixture) {
	a, user, pass := f.session(t)
	list := a.get("/mail/INBOX?page=2")
	upto := list.doc.Find(`#bulk input[name="upto"]`).AttrOr("value", "")
	all := list.doc.Find(`#bulk input[name="all"]`).Parent().Text()
	if upto == "" || !strings.Contains(all, "All "+strconv.Itoa(len(f.mailbox("INBOX")))+" in this folder") {
		t.Fatalf("all-in-folder choice %q, upto %q", all, upto)
	}
	if len(f.observe(t, a, user, pass, "INBOX", "unseen")) == 0 {
		t.Fatal("seed has no unread mail in INBOX")
	}
	v := url.Values{"action": {"read"}, "all": {"1"}, "upto": {upto}}
	if _, msg := flashOf(t, a, a.post("/mail/INBOX/actions", v)); msg != fmt.Sprintf("Marked %d messages as read.", len(f.mailbox("INBOX"))) {
		t.Errorf("flash = %q", msg)
	}
	if got := f.observe(t, a, user, pass, "INBOX", "unseen"); len(got) != 0 {
		t.Errorf("%d still unseen after marking all read", len(got))
	}
	// All of a folder to another, in one operation.
	before := len(f.observe(t, a, user, pass, "Receipts", "all"))
	moved := len(f.observe(t, a, user, pass, "Receipts/2026", "all"))
	v = url.Values{"action": {"move"}, "all": {"1"}, "to": {"Receipts"}}
	if _, msg := flashOf(t, a, a.post("/mail/Receipts%2F2026/actions", v)); msg != fmt.Sprintf("Moved %d messages to Receipts.", moved) {
		t.Errorf("move all flash = %q", msg)
	}
	if got := len(f.observe(t, a, user, pass, "Receipts", "all")); got != before+moved {
		t.Errorf("Receipts has %d, want %d", got, before+moved)
	}
	if got := len(f.observe(t, a, user, pass, "Receipts/2026", "all")); got != 0 {
		t.Errorf("Receipts/2026 keeps %d", got)
	}
}
