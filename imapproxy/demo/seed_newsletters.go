package demo

import (
	"fmt"
	"html"
	"strings"
)

// seedNewsletters adds HTML bulk mail: a weekly digest (multipart/alternative,
// table layout, inline styles, a <style> block, remote images and a tracking
// pixel) and a monthly HTML-only promotion. Both make Tidings show "remote
// content blocked".
func (s *seeder) seedNewsletters() {
	const issues = 30
	for i := range issues {
		weeksAgo := issues - 1 - i
		issue := 120 + i
		when := s.day(weeksAgo*7+1, 6, 0)
		if weeksAgo == 0 {
			when = s.day(0, 6, 0)
		}
		f := seen
		if weeksAgo < 2 || weeksAgo == 5 {
			f = 0 // nobody reads every newsletter
		}
		stories := s.stories(3)
		s.add("INBOX", f, when, envelope{
			from: digest, to: []person{me},
			subject: fmt.Sprintf("Cooperative Digest #%d: %s", issue, stories[0].title),
			extra: [][2]string{
				{"List-Id", "Cooperative Digest <digest.news.example.net>"},
				{"List-Unsubscribe", fmt.Sprintf("<https://news.example.net/unsubscribe?u=demo&i=%d>, <mailto:unsubscribe@news.example.net?subject=unsubscribe>", issue)},
				{"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"},
				{"Precedence", "bulk"},
			},
		}, alternative(plainText(digestText(issue, stories)), htmlText(digestHTML(issue, stories))))
	}

	for i := range 8 {
		monthsAgo := 2*(7-i) + 1
		when := s.day(monthsAgo*30+3, 11, 0)
		s.add("INBOX", seen, when, envelope{
			from: harbor, to: []person{me},
			subject: promoSubjects[i],
			extra:   [][2]string{{"List-Unsubscribe", "<https://harborprint.example.com/unsubscribe?u=demo>"}},
		}, htmlText(promoHTML(i)))
	}
}

type story struct{ title, blurb string }

var digestStories = []story{
	{"Cooperatives grow their share of local food retail", "A new survey finds member-owned shops now sell one in twelve vegetables bought in the region."},
	{"How one bakery co-op cut energy costs by 30%", "Heat recovery from the ovens now warms the whole building, and the payback time was under four years."},
	{"Volunteer retention: five lessons from the field", "Short shifts, clear roles and a thank-you note go further than free coffee, say coordinators."},
	{"New rules for cooperative bookkeeping explained", "From next year, small co-ops may file a simplified annual statement. Here is what changes."},
	{"Repair cafés: from hobby to neighbourhood institution", "Over a thousand items fixed last year in our region alone, and the waiting lists are growing."},
	{"Community solar: a guide for first-time buyers", "Roof surveys, grid fees and member loans: the steps in the order you will meet them."},
	{"Seasonal produce calendar", "What is fresh this month, and which growers near you have it."},
	{"Interview: running a market through the winter", "Three market managers on heating, hall rents and keeping farmers on board."},
	{"Member loans versus bank loans", "Why more co-ops ask their members first, and what to put in the contract."},
	{"Reducing packaging at the till", "Refill stations, deposit jars and the paperwork that comes with them."},
	{"Digital tools for small co-ops", "Rota planners, shared calendars and mail that respects your members' privacy."},
	{"Cargo bikes for local deliveries", "Cheaper than a van for the last mile, and the neighbours like them better."},
}

// stories picks n distinct stories for a digest issue.
func (s *seeder) stories(n int) []story {
	idx := s.rng.Perm(len(digestStories))[:n]
	out := make([]story, n)
	for i, j := range idx {
		out[i] = digestStories[j]
	}
	return out
}

func digestText(issue int, stories []story) string {
	var b strings.Builder
	fmt.Fprintf(&b, "COOPERATIVE DIGEST - issue #%d\n\n", issue)
	for _, st := range stories {
		fmt.Fprintf(&b, "%s\n%s\nRead more: https://news.example.net/%d/%s\n\n", st.title, wrap(st.blurb, 72), issue, slug(st.title))
	}
	b.WriteString("You receive this because you subscribed at news.example.net.\nUnsubscribe: https://news.example.net/unsubscribe?u=demo\n")
	return b.String()
}

func digestHTML(issue int, stories []story) string {
	var rows strings.Builder
	for i, st := range stories {
		fmt.Fprintf(&rows, `<tr><td style="padding:12px 24px;border-bottom:1px solid #e0e0e0">
<img src="https://news.example.net/img/%d/story-%d.jpg" width="120" height="80" align="left" style="margin-right:12px" alt="">
<h2 style="font-size:18px;margin:0 0 6px 0;color:#1b5e20"><a href="https://click.news.example.net/r?i=%d&amp;l=%d&amp;u=https%%3A%%2F%%2Fnews.example.net%%2F%s" style="color:#1b5e20;text-decoration:none">%s</a></h2>
<p style="margin:0;font-size:14px;line-height:1.5">%s</p></td></tr>
`, issue, i+1, issue, i, slug(st.title), html.EscapeString(st.title), html.EscapeString(st.blurb))
	}
	return fmt.Sprintf(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Cooperative Digest #%[1]d</title>
<style>
  body { margin: 0; background: #f4f4f0; }
  .wrapper { width: 100%%; }
  @media (max-width: 600px) { .content { width: 100%% !important; } }
</style></head>
<body style="margin:0;background:#f4f4f0;font-family:Helvetica,Arial,sans-serif;color:#333">
<table class="wrapper" width="100%%" cellpadding="0" cellspacing="0" bgcolor="#f4f4f0"><tr><td align="center">
<table class="content" width="600" cellpadding="0" cellspacing="0" bgcolor="#ffffff" style="margin:16px 0;border-radius:6px">
<tr><td style="padding:0"><img src="https://news.example.net/img/%[1]d/header.png" width="600" height="120" alt="Cooperative Digest" style="display:block"></td></tr>
<tr><td style="padding:16px 24px;font-size:13px;color:#777">Issue #%[1]d &middot; <a href="https://news.example.net/%[1]d" style="color:#777">View in browser</a></td></tr>
%[2]s<tr><td style="padding:16px 24px;font-size:12px;color:#999;text-align:center">
You receive this because you subscribed at news.example.net.<br>
<a href="https://news.example.net/unsubscribe?u=demo" style="color:#999">Unsubscribe</a> &middot; <a href="https://news.example.net/preferences?u=demo" style="color:#999">Preferences</a>
</td></tr></table></td></tr></table>
<img src="http://tracker.example.com/open.gif?id=digest-%[1]d-demo" width="1" height="1" alt="" style="display:block;border:0">
</body></html>`, issue, rows.String())
}

var promoSubjects = []string{
	"Spring sale: 20% off flyers and posters",
	"Your event deserves better banners",
	"New: recycled paper for all print jobs",
	"Last chance: free delivery on orders over 50",
	"Business cards in 24 hours",
	"Autumn catalogue is here",
	"Print your annual report with us",
	"Season's greetings from Harbor Print Co.",
}

// promoHTML is an HTML-only marketing mail (no text/plain alternative).
func promoHTML(i int) string {
	return fmt.Sprintf(`<html><body style="margin:0;background:#102a43">
<table width="100%%" cellpadding="0" cellspacing="0"><tr><td align="center" style="padding:24px">
<table width="560" cellpadding="0" cellspacing="0" style="background:#ffffff;font-family:Arial,sans-serif">
<tr><td><img src="https://harborprint.example.com/campaign/%[1]d/banner.jpg" width="560" height="200" alt="%[2]s" style="display:block"></td></tr>
<tr><td style="padding:24px;font-size:16px;color:#243b53">
<h1 style="font-size:24px;margin-top:0">%[2]s</h1>
<p>Dear customer, as a valued client of Harbor Print Co. we have a special offer for you this month.</p>
<p style="text-align:center"><a href="https://harborprint.example.com/offer/%[1]d?utm_source=newsletter" style="background:#f0b429;color:#102a43;padding:12px 24px;text-decoration:none;font-weight:bold;border-radius:4px">See the offer</a></p>
</td></tr>
<tr><td style="padding:12px;font-size:11px;color:#829ab1;text-align:center">Harbor Print Co. &middot; 12 Quay Street &middot; <a href="https://harborprint.example.com/unsubscribe?u=demo" style="color:#829ab1">unsubscribe</a></td></tr>
</table></td></tr></table>
<img src="http://tracker.example.com/open.gif?id=harbor-%[1]d-demo" width="1" height="1" alt="">
</body></html>`, i, html.EscapeString(promoSubjects[i]))
}

// slug turns a title into a URL path segment.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
