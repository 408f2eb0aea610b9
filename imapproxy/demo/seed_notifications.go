package demo

import (
	"fmt"
	"html"
	"time"
)

// seedNotifications adds machine-sent mail: calendar reminders, shared
// document comments, bank alerts, parcel tracking, CI results and forum
// digests, spread over the last 18 months, plus a few arriving today.
func (s *seeder) seedNotifications() {
	s.text("INBOX", 0, s.day(0, 8, 0), envelope{
		from: calendar, to: []person{me},
		subject: "Reminder: Board meeting today at 18:30",
	}, "Board meeting\nToday, 18:30 - 20:30\nBack room of the shop\n\nOrganizer: Priya Raman\nGuests: board@example.org\n\nView: https://calendar.example.net/event/board-meeting")
	s.text("INBOX", 0, s.day(0, 10, 40), envelope{
		from: parcel, to: []person{me},
		subject: "Your parcel NW-58213 is out for delivery",
	}, "Good news: your parcel NW-58213 from Harbor Print Co. is out for delivery and will arrive today between 12:00 and 16:00.\n\nTrack it: https://parcel.example.net/track/NW-58213")

	makers := []func(n int, when time.Time){
		s.noteCalendar, s.noteDocs, s.noteBank, s.noteParcel, s.noteCI, s.noteForum,
	}
	for n := range 54 {
		makers[n%len(makers)](n, s.someday(1, 540))
	}
}

var events = []string{"Stock-taking", "Volunteer induction", "Members' assembly", "Board meeting", "Repair café", "Supplier visit: Fernwood Farm", "Window cleaning", "Till training"}

func (s *seeder) noteCalendar(n int, when time.Time) {
	ev := pick(s, events)
	start := when.Add(time.Duration(24+s.rng.IntN(72)) * time.Hour).Truncate(time.Hour)
	s.text("INBOX", seen, when, envelope{
		from: calendar, to: []person{me},
		subject: fmt.Sprintf("Invitation: %s @ %s", ev, start.Format("Mon 2 Jan 2006 15:04")),
	}, fmt.Sprintf("%s\n%s\n\nOrganizer: %s\n\nAccept or decline: https://calendar.example.net/respond/%d", ev, start.Format("Monday, 2 January 2006, 15:04"), pick(s, colleagues).name, n))
}

var documents = []string{"Shift handbook", "Budget 2026", "Supplier list", "Market stall map", "Newsletter draft", "Cleaning checklist"}

func (s *seeder) noteDocs(n int, when time.Time) {
	who := pick(s, colleagues)
	doc := pick(s, documents)
	comment := pick(s, []string{"Can we double-check these numbers?", "Looks good to me.", "I added the new phone numbers.", "This section is out of date.", "Should we move this to the appendix?"})
	s.add("INBOX", seen, when, envelope{
		from: person{who.name + " (Shared Docs)", docs.addr}, to: []person{me}, replyTo: []person{who},
		subject: fmt.Sprintf("%s commented on \"%s\"", who.name, doc),
	}, alternative(
		plainText(fmt.Sprintf("%s commented on \"%s\":\n\n  %s\n\nOpen: https://docs.example.net/d/%d", who.name, doc, comment, n)),
		htmlText(fmt.Sprintf(`<div style="font-family:Arial,sans-serif;max-width:520px"><p><b>%s</b> commented on <a href="https://docs.example.net/d/%d">%s</a>:</p><blockquote style="border-left:3px solid #fbbc04;margin:0;padding:8px 12px;background:#fff8e1">%s</blockquote><p style="font-size:12px;color:#777">You are receiving this because you are a collaborator.</p></div>`,
			html.EscapeString(who.name), n, html.EscapeString(doc), html.EscapeString(comment))),
	))
}

func (s *seeder) noteBank(n int, when time.Time) {
	if n%4 == 2 {
		s.text("INBOX", seen, when, envelope{from: bank, to: []person{me},
			subject: "Your monthly statement is ready"},
			"Your statement for account ending 4410 is ready in online banking.\n\nFor your security we never send links to sign in. Open the banking app or type bank.example.net yourself.")
		return
	}
	amount := 20 + s.rng.IntN(900)
	payer := pick(s, []string{"Fernwood Farm", "Members' fees", "City council grant", "Harbor Print Co.", "Market stall rent"})
	s.text("INBOX", seen, when, envelope{from: bank, to: []person{me},
		subject: fmt.Sprintf("Payment received: %d.%02d from %s", amount, s.rng.IntN(100), payer)},
		fmt.Sprintf("A payment of %d.00 from %s was credited to account ending 4410.\n\nReference: NW-%05d", amount, payer, 10000+n*37))
}

func (s *seeder) noteParcel(n int, when time.Time) {
	id := fmt.Sprintf("NW-%05d", 40000+n*113)
	status := pick(s, []string{"has been delivered", "is out for delivery", "was handed to the courier", "is waiting at the pickup point"})
	s.text("INBOX", seen, when, envelope{from: parcel, to: []person{me},
		subject: fmt.Sprintf("Your parcel %s %s", id, status)},
		fmt.Sprintf("Your parcel %s %s.\n\nTrack it: https://parcel.example.net/track/%s", id, status, id))
}

func (s *seeder) noteCI(n int, when time.Time) {
	build := 800 + n
	ok := s.rng.IntN(4) != 0
	result, detail := "passed", "All 214 tests passed in 1m 42s."
	if !ok {
		result, detail = "failed", "1 of 214 tests failed: TestOpeningHoursPage (expected \"Sat 8-13\", got \"Sat 8-12\")."
	}
	s.text("INBOX", seen, when, envelope{from: ci, to: []person{me},
		subject: fmt.Sprintf("[northwind/website] Build #%d %s (main)", build, result),
		extra:   [][2]string{{"X-Auto-Response-Suppress", "All"}, {"Auto-Submitted", "auto-generated"}}},
		fmt.Sprintf("Build #%d on branch main %s.\n\n%s\n\nCommit: %07x by %s\nDetails: https://git.example.net/northwind/website/builds/%d", build, result, detail, s.rng.Uint32()>>4, pick(s, colleagues).name, build))
}

var topics = []string{"Bulk buying dried beans", "Best till software for small shops", "Volunteer insurance questions", "Sharing a delivery van", "Winter market experiences", "Member loan contracts"}

func (s *seeder) noteForum(n int, when time.Time) {
	topic := pick(s, topics)
	replies := 2 + s.rng.IntN(9)
	s.add("INBOX", seen, when, envelope{from: forum, to: []person{me},
		subject: fmt.Sprintf("%d new replies in \"%s\"", replies, topic)},
		htmlText(fmt.Sprintf(`<html><body style="font-family:Verdana,sans-serif;font-size:14px"><h3 style="color:#37474f">%s</h3><p>There are <b>%d new replies</b> since your last visit.</p><p><img src="https://community.example.net/avatars/%d.png" width="32" height="32" alt="" style="border-radius:16px;vertical-align:middle"> <i>"We tried this last year and it worked well..."</i></p><p><a href="https://community.example.net/t/%d">Read the discussion</a></p></body></html>`,
			html.EscapeString(topic), replies, n, n)))
}
