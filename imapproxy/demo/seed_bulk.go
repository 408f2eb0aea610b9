package demo

import (
	"fmt"
	"strings"
	"time"
)

// seedBulk fills INBOX with everyday mail between colleagues, drawn from
// templates so the mailbox has several pages (a few today, most older).
func (s *seeder) seedBulk() {
	recent := []struct {
		key           string
		f             flags
		from          person
		daysAgo, h, m int
		subject, body string
	}{
		{"till", seen | answered, sam, 0, 11, 50, "Till 2 is printing blank receipts", "Hi Robin,\n\nTill 2 prints empty receipts since this morning. I switched it off and on, no change. Paper roll is fine. Can you call the support line? The number is on the sticker under the drawer.\n\nSam"},
		{"", 0, carol, 0, 14, 5, "Two new volunteers for Saturdays", "Good news: two new volunteers signed up for Saturday mornings, starting next week. I will do their induction on Friday at 17:00 if someone can lend me the keys.\n\nCarol"},
		{"lease", 0, alice, 0, 16, 30, "Quick question about the lease", "Robin, do you know where the signed copy of the warehouse lease is? The landlord asks about clause 7 and I only have the draft.\n\nThanks, Alice"},
		{"", 0, bob, 1, 15, 20, "Petty cash count", "The petty cash is 12.40 short this week. Probably the window cleaner, who was paid in cash but I have no receipt. Could you ask him?\n\nBob"},
	}
	for _, r := range recent {
		kept := s.text("INBOX", r.f, s.day(r.daysAgo, r.h, r.m), envelope{from: r.from, to: []person{me}, subject: r.subject}, r.body)
		if r.key != "" {
			s.kept[r.key] = kept
		}
	}

	var last []ref
	for n := range 100 {
		var f flags = seen
		if n%31 == 3 {
			f = 0
		}
		if n%23 == 5 {
			f |= flagged
		}
		when := s.someday(2, 540)
		// Every seventh message answers an earlier one, forming short threads.
		if n%7 == 6 && len(last) > 0 && when.After(last[len(last)-1].date) {
			s.reply("INBOX", f, when, last[len(last)-1], pick(s, colleagues), []person{me}, nil,
				s.filler(pick(s, colleagues)).fill(pick(s, replyLines)), n%2 == 0)
			continue
		}
		to := []person{me}
		if n%3 == 0 {
			to = []person{staffList}
		}
		last = append(last, s.everyday("INBOX", f, when, to, n))
	}
}

// everyday adds the n-th templated message from a colleague.
func (s *seeder) everyday(mailbox string, f flags, when time.Time, to []person, n int) ref {
	t := bulkTemplates[n%len(bulkTemplates)]
	from := pick(s, colleagues)
	fill := s.filler(from)
	return s.text(mailbox, f, when, envelope{from: from, to: to, subject: fill.fill(t.subject)}, fill.fill(t.body))
}

// filler draws the values for the {placeholders} of a template.
func (s *seeder) filler(from person) placeholders {
	return placeholders{
		"{day}", pick(s, weekdays),
		"{thing}", pick(s, things),
		"{name}", pick(s, colleagues).name,
		"{n}", fmt.Sprint(2 + s.rng.IntN(30)),
		"{sender}", strings.Fields(from.name)[0],
	}
}

// placeholders are {name}, value pairs. (strings.NewReplacer would do, but
// building one per message dominated the seeding time.)
type placeholders []string

func (p placeholders) fill(s string) string {
	for i := 0; i+1 < len(p); i += 2 {
		s = strings.ReplaceAll(s, p[i], p[i+1])
	}
	return s
}

var weekdays = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}

var things = []string{"the delivery van", "the cold room", "the coffee machine", "the bulk bins", "the shop sign", "the card reader", "the back door lock", "the compost bins", "the scales", "the bike rack"}

var replyLines = []string{
	"Thanks, that works for me.",
	"Done, see you on {day}.",
	"I can't make it on {day}, could {name} step in?",
	"Good idea. Let's talk about it at the next staff meeting.",
	"Sorry for the late answer, I was off sick. Yes, go ahead.",
}

var bulkTemplates = []struct{ subject, body string }{
	{"Swap shifts on {day}?", "Hi Robin,\n\nCould we swap shifts on {day}? I have a dentist appointment in the morning. I can take your afternoon shift instead.\n\n{sender}"},
	{"Problem with {thing}", "Hi,\n\nJust so you know: there is a problem with {thing} again. I put a note on it. Shall I call the usual repair person or do you want to look first?\n\n{sender}"},
	{"Order for {day}", "Hello,\n\nI'm placing the order for {day}: {n} crates of apples, oat milk, rice and the usual cleaning supplies. Anything else we need? Tell me before 15:00.\n\n{sender}"},
	{"Minutes of the staff meeting", "Hi all,\n\nShort minutes from today:\n- {thing} will be checked next week\n- {name} takes over the newsletter\n- next meeting on {day}\n\n{sender}"},
	{"Keys for {day}", "Hi Robin,\n\nI need the keys on {day} morning for the early delivery. Could you leave them in the usual place?\n\nThanks,\n{sender}"},
	{"Member complaint about {thing}", "Hello,\n\nA member complained at the till about {thing}. I apologised and promised we would look into it. Could you give them a call? Their number is in the member list (no. {n}).\n\n{sender}"},
	{"Photos for the newsletter", "Hi,\n\nDo we have nice photos of the shop for the next newsletter? {name} suggested the ones from the summer party, but they are a bit dark.\n\n{sender}"},
	{"Reminder: {n} unpaid invoices", "Hi Robin,\n\nThere are {n} unpaid member invoices older than 60 days. Shall I send the reminder letters this week or wait until after the assembly?\n\n{sender}"},
	{"Lunch on {day}?", "Anyone up for lunch at the new Lebanese place on {day}? They have a lunch menu for 9.50.\n\n{sender}"},
	{"New supplier for {thing}", "Hi,\n\nI found a new supplier who could help with {thing}. Cheaper, and they deliver on {day}. Worth a try? I can ask for a quote.\n\n{sender}"},
	{"Training on {day}", "Hello everyone,\n\nReminder: till training on {day} at 18:00. It takes about an hour. {name} will show the new refund process.\n\n{sender}"},
	{"Lost and found", "Someone left a blue umbrella and a scarf near the bulk bins. Both are in the office now.\n\n{sender}"},
	{"Cleaning rota", "Hi Robin,\n\nThe cleaning rota for next month is on the board. {name} and I swapped {day}, I hope that is fine.\n\n{sender}"},
	{"Question about my hours", "Hi,\n\nI think my hours for last month are missing {n} hours from the stock-taking. Could you check the sheet?\n\nThanks,\n{sender}"},
	{"Idea: tasting day", "Hello,\n\nWhat about a tasting day with our local producers on a {day}? {name} knows the cheese maker and could ask. We could do it in the hall.\n\n{sender}"},
	{"Website opening hours", "Hi Robin,\n\nThe website still shows the summer opening hours. Could you update them, or tell me how? {thing} is also listed as broken there, which is no longer true.\n\n{sender}"},
}
