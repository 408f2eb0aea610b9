package imapproxy

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/google/go-cmp/cmp"
)

func TestTerms(t *testing.T) {
	for in, want := range map[string][]string{
		"":                          nil,
		"  carol  ":                 {"carol"},
		`invoice "big launch" x`:    {"invoice", "big launch", "x"},
		`"unclosed phrase`:          {"unclosed phrase"},
		`Grüße  日本語`:                {"Grüße", "日本語"},
		`a b c d e f g h i j`:       {"a", "b", "c", "d", "e", "f", "g", "h"},
		`"" x`:                      {"x"},
		"tab\tseparated":            {"tab", "separated"},
		`say "it's" now`:            {"say", "it's", "now"},
		`O'Brien "Mallory O'Brien"`: {"O'Brien", "Mallory O'Brien"},
	} {
		if got := Terms(in); !slices.Equal(got, want) {
			t.Errorf("Terms(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCriteria(t *testing.T) {
	if (Query{}).Criteria() == nil {
		t.Fatal("zero query gives nil criteria (go-imap would hang)")
	}
	h := func(k, v string) imap.SearchCriteria {
		return imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: k, Value: v}}}
	}
	quick := [2]imap.SearchCriteria{h("From", "x"), {Or: [][2]imap.SearchCriteria{{h("To", "x"),
		{Or: [][2]imap.SearchCriteria{{h("Subject", "x"), {Body: []string{"x"}}}}}}}}}
	got := Query{Text: "x", Unread: true, Since: time.Date(2026, 3, 1, 23, 30, 0, 0, time.FixedZone("", 5*3600)),
		Until: time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC), Larger: 10}.Criteria()
	want := &imap.SearchCriteria{
		Or:         [][2]imap.SearchCriteria{quick},
		NotFlag:    []imap.Flag{imap.FlagSeen},
		SentSince:  time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
		SentBefore: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC),
		Larger:     10,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("criteria (-want +got):\n%s", d)
	}
}

func TestBaseSubject(t *testing.T) {
	for in, want := range map[string]string{
		"Quarterly report":              "quarterly report",
		"Re: Quarterly  report":         "quarterly report",
		"RE: re: Fwd: Lunch":            "lunch",
		"Re[2]: Lunch":                  "lunch",
		"[team] Standup notes":          "standup notes",
		"Fwd: Re: [team] Standup (fwd)": "standup",
		"[fwd: Old news]":               "old news",
		"[only a tag]":                  "[only a tag]",
		"Réponse: ça va":                "réponse: ça va",
		"":                              "",
	} {
		if got := BaseSubject(in); got != want {
			t.Errorf("BaseSubject(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCheckFolderName(t *testing.T) {
	for _, ok := range []string{"Reports", "2026/Q1", "Grüße ☃", "With space", "a.b"} {
		if err := CheckFolderName(ok, "/"); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"", " lead", "trail ", "a//b", "/top", "end/", "wild*", "pct%", "tab\there", string(make([]byte, 201))} {
		if err := CheckFolderName(bad, "/"); !errors.Is(err, ErrBadName) || !errors.Is(err, ErrServer) {
			t.Errorf("%q: %v, want ErrBadName (and ErrServer, so the connection is kept)", bad, err)
		}
	}
	// A flat namespace: the delimiter of others is just a character.
	if err := CheckFolderName("a/b", ""); err != nil {
		t.Errorf("flat namespace refuses a/b: %v", err)
	}
}

func TestSelectionSet(t *testing.T) {
	for _, c := range []struct {
		sel  Selection
		want string
	}{
		{Selection{UIDs: []uint32{5, 3, 4, 9}}, "3:5,9"},
		{Selection{All: true}, "1:*"},
		{Selection{All: true, UpTo: 812}, "1:812"},
	} {
		if got := c.sel.set().String(); got != c.want {
			t.Errorf("%+v = %s, want %s", c.sel, got, c.want)
		}
	}
	if !(Selection{}).Empty() || (Selection{All: true}).Empty() {
		t.Error("Empty is wrong")
	}
}
