package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

func sidebarNames(p *page) []string {
	var names []string
	p.doc.Find("#sidebar .folders .folder-link").Each(func(_ int, s *goquery.Selection) {
		names = append(names, s.AttrOr("title", strings.TrimSpace(s.Text())))
	})
	return names
}

func hasName(names []string, n string) bool {
	for _, x := range names {
		if x == n {
			return true
		}
	}
	return false
}

func testFolderFlows(t *testing.T, f orgFixture) {
	a, user, pass := f.session(t)
	p := a.get("/folders")
	wantStatus(t, p, http.StatusOK)
	if p.doc.Find(`form[action="/folders"] input[name="name"]`).Length() != 1 {
		t.Fatal("no create form")
	}
	// Special folders and INBOX offer no rename or delete.
	p.doc.Find(".folder-row").Each(func(_ int, s *goquery.Selection) {
		name := s.Find(".folder-row-name").Text()
		if (name == "Inbox" || name == "Trash") && s.Find(".folder-row-actions").Length() != 0 {
			t.Errorf("%s offers rename or delete", name)
		}
	})

	for _, c := range []struct{ name, parent, want string }{
		{"Reports", "", "Reports"},
		{"2026/Q1", "Reports", "Reports/2026/Q1"},
		{"Grüße ☃ und Küsse", "Reports", "Reports/Grüße ☃ und Küsse"},
		{"With space", "", "With space"},
	} {
		_, msg := flashOf(t, a, a.post("/folders", url.Values{"name": {c.name}, "parent": {c.parent}}))
		if msg != "Created folder “"+c.want+"”." {
			t.Errorf("create %q: flash %q", c.want, msg)
		}
		if sub, ok := f.observeFolders(t, a, user, pass)[c.want]; !ok || !sub {
			t.Errorf("%q: exists %v, subscribed %v on the server", c.want, ok, sub)
		}
	}
	list := a.get("/mail/INBOX")
	if names := sidebarNames(list); !hasName(names, "Reports/Grüße ☃ und Küsse") || !hasName(names, "With space") {
		t.Errorf("sidebar lacks new folders: %v", names)
	}
	// The non-ASCII folder opens (modified UTF-7 on the wire).
	wantStatus(t, a.get("/mail/"+url.PathEscape("Reports/Grüße ☃ und Küsse")), http.StatusOK)

	// Refused names keep the form with the reason.
	bad := []string{"bad*name", "x//y"}
	if f.d != nil {
		bad = append(bad, "dot.name") // Dovecot's Maildir++ cannot hold it
	}
	for _, n := range bad {
		p := a.post("/folders", url.Values{"name": {n}})
		wantStatus(t, p, http.StatusBadRequest)
		if e := p.doc.Find(".folder-form .form-error").Text(); !strings.Contains(e, "does not accept this folder name") {
			t.Errorf("%q: error %q", n, e)
		}
		if p.doc.Find(`#new-name`).AttrOr("value", "") != n {
			t.Errorf("%q: the typed name was not kept", n)
		}
	}
	p = a.post("/folders", url.Values{"name": {"With space"}})
	wantStatus(t, p, http.StatusConflict)

	// Hide from and show in the sidebar.
	_, msg := flashOf(t, a, a.post("/folders/subscribe", url.Values{"name": {"With space"}, "on": {"0"}}))
	if !strings.Contains(msg, "hidden") || f.observeFolders(t, a, user, pass)["With space"] {
		t.Errorf("unsubscribe: flash %q, still subscribed on the server", msg)
	}
	if hasName(sidebarNames(a.get("/mail/INBOX")), "With space") {
		t.Error("an unsubscribed folder stays in the sidebar")
	}
	if fp := a.get("/folders"); !strings.Contains(fp.doc.Find(".folder-row.hidden-folder").Text(), "With space") {
		t.Error("the manage page does not list the hidden folder as hidden")
	}
	if out := decodeOutcome(t, a.postJSON("/folders/subscribe", url.Values{"name": {"With space"}, "on": {"1"}})); out["ok"] != true {
		t.Errorf("subscribe by fetch = %v", out)
	}
	if !f.observeFolders(t, a, user, pass)["With space"] {
		t.Error("subscribe not seen on the server")
	}

	// Rename with children, into another parent.
	form := a.get("/folders/rename?name=Reports")
	wantStatus(t, form, http.StatusOK)
	if form.doc.Find(`#rename-parent option[value="Reports/2026"]`).Length() != 0 {
		t.Error("a folder is offered as its own new parent")
	}
	_, msg = flashOf(t, a, a.post("/folders/rename", url.Values{"name": {"Reports"}, "newname": {"Berichte"}, "parent": {"With space"}}))
	if msg != "Renamed “Reports” to “With space/Berichte”." {
		t.Errorf("rename flash %q", msg)
	}
	after := f.observeFolders(t, a, user, pass)
	for _, n := range []string{"With space/Berichte", "With space/Berichte/2026/Q1", "With space/Berichte/Grüße ☃ und Küsse"} {
		if sub, ok := after[n]; !ok || !sub {
			t.Errorf("after rename %q: exists %v, subscribed %v", n, ok, sub)
		}
	}
	for n := range after {
		if strings.HasPrefix(n, "Reports") {
			t.Errorf("%q left behind by the rename", n)
		}
	}
	wantStatus(t, a.post("/folders/rename", url.Values{"name": {"INBOX"}, "newname": {"Mail"}}), http.StatusForbidden)

	// Delete asks first, names the subfolders, then deletes the tree.
	wantStatus(t, a.get("/folders/delete?name=Trash"), http.StatusForbidden)
	c := a.get("/folders/delete?name=" + url.QueryEscape("With space"))
	wantStatus(t, c, http.StatusOK)
	if items := c.doc.Find(".confirm-items li").Text(); !strings.Contains(items, "With space/Berichte/2026/Q1") {
		t.Errorf("confirmation lists %q", items)
	}
	p = a.post("/folders/delete", url.Values{"name": {"With space"}})
	if loc := p.resp.Header.Get("Location"); !strings.HasPrefix(loc, "/folders/delete?") {
		t.Errorf("unconfirmed folder delete goes to %q", loc)
	}
	_, msg = flashOf(t, a, a.post("/folders/delete", url.Values{"name": {"With space"}, "confirm": {"1"}}))
	if msg != "Deleted folder “With space”." {
		t.Errorf("delete flash %q", msg)
	}
	for n := range f.observeFolders(t, a, user, pass) {
		if strings.HasPrefix(n, "With space") {
			t.Errorf("%q survived the delete", n)
		}
	}
}
