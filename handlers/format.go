package handlers

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/templates"
)

func uitoa(u uint32) string { return strconv.FormatUint(uint64(u), 10) }

// shortDate is a list's date column: the time for today's mail, day and
// month this year, the full date before.
func shortDate(t, now time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(now.Location())
	switch {
	case sameDay(t, now):
		return t.Format("15:04")
	case t.Year() == now.Year():
		return t.Format("2 Jan")
	default:
		return t.Format("2 Jan 2006")
	}
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

// longDate is a full date and time, in now's time zone (the pages').
func longDate(t, now time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(now.Location()).Format("Mon, 2 Jan 2006 15:04 MST")
}

func isoDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

// humanSize is a byte count as people read it.
func humanSize(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return fmt.Sprintf("%.0f kB", float64(n)/1000)
	case n < 1000*1000*1000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	default:
		return fmt.Sprintf("%.1f GB", float64(n)/1e9)
	}
}

// senderLabel is the From column: the display name, else the address.
func senderLabel(list []imapproxy.Address) (label, title string) {
	if len(list) == 0 {
		return "(no sender)", ""
	}
	a := list[0]
	label = strings.TrimSpace(a.Name)
	if label == "" {
		label = a.Email
	}
	if label == "" {
		label = "(no sender)"
	}
	title = a.Email
	if len(list) > 1 {
		label += fmt.Sprintf(" +%d", len(list)-1)
	}
	return label, title
}

func subjectOrPlaceholder(s string) string {
	if strings.TrimSpace(s) == "" {
		return "(no subject)"
	}
	return s
}

func addressViews[A interface{ ~struct{ Name, Email string } }](list []A) []templates.AddressView {
	out := make([]templates.AddressView, 0, len(list))
	for _, a := range list {
		v := struct{ Name, Email string }(a)
		out = append(out, templates.AddressView{Name: v.Name, Email: v.Email})
	}
	return out
}
