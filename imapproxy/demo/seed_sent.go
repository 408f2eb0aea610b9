package demo

import (
	"fmt"
	"strings"
)

// seedSent adds mail written by the demo user (From: demo@example.org). The
// replies that belong to threads are added by seedThreads; these are new
// messages, some with attachments.
func (s *seeder) seedSent() {
	s.reply("Sent", seen, s.day(8, 12, 5), s.kept["rota"], me, []person{carol}, nil,
		"Thanks Carol! I can't do Tuesday morning after all, could Émilie take it? I'll do her Thursday evening.\n\nRobin", false)

	s.add("Sent", seen, s.day(1, 17, 2), envelope{
		from: me, to: []person{alice, bob}, date: s.day(1, 17, 2),
		subject: "Budget figures for the assembly",
	}, mixed(
		plainText(wrap("Hi both,\n\nHere are the figures for the assembly slides: the chart shows turnover by quarter, the PDF has the detailed table. Let me know if anything looks wrong.\n\nRobin", 72)),
		attachment("image/png", "turnover-by-quarter.png", chartPNG([]int{60, 72, 68, 90})),
		attachment("application/pdf", "budget-figures.pdf", invoicePDF("Budget figures", "Q1 turnover 61,200", "Q2 turnover 73,950", "Q3 turnover 69,400", "Q4 turnover 91,800")),
	))

	s.reply("Sent", seen, s.day(0, 12, 15), s.kept["till"], me, []person{sam}, nil,
		"Hi Sam,\n\nI called support: it's a known fault with the thermal head after the last update. They are sending a replacement today; until then please use till 1 only.\n\nRobin", true)

	for n := range 24 {
		t := sentTemplates[n%len(sentTemplates)]
		to := pick(s, append(colleagues, fernwood, harbor, mara, tom))
		first := strings.Fields(to.name)[0]
		when := s.someday(2, 520)
		body := placeholders{"{first}", first, "{day}", pick(s, weekdays), "{thing}", pick(s, things)}.fill(t.body)
		var root *part
		if n%3 == 1 {
			root = flowedText(body)
		} else {
			root = plainText(wrap(body, 72))
		}
		s.add("Sent", seen, when, envelope{
			from: me, to: []person{to}, date: when,
			subject: strings.ReplaceAll(t.subject, "{thing}", pick(s, things)),
		}, root)
	}
}

var sentTemplates = []struct{ subject, body string }{
	{"Meeting on {day}", "Hi {first},\n\nWould {day} at 10:00 work for a quick meeting about the spring plans? Half an hour should be enough.\n\nRobin"},
	{"About {thing}", "Hi {first},\n\nI had a look at {thing}. It needs a new part; I ordered it and it should arrive by {day}.\n\nBest,\nRobin"},
	{"Thank you!", "Dear {first},\n\nThank you for your help last week, it made a real difference. The members noticed too.\n\nRobin"},
	{"Invoice and delivery note", "Hello {first},\n\nCould you send the delivery note for last week's order? Our accountant needs it together with the invoice.\n\nKind regards,\nRobin Demo\nNorthwind Cooperative"},
	{"Holiday cover", "Hi {first},\n\nI'm away from {day} for a week. Alice covers urgent questions, everything else can wait until I'm back.\n\nRobin"},
	{"Quote request", "Hello {first},\n\nCould you send us a quote for {thing}? We would need it before the end of the month.\n\nThanks,\nRobin Demo\nNorthwind Cooperative"},
}

// seedDrafts adds unfinished messages with \Draft: one without recipients,
// one with an attachment, one half-written reply and one HTML draft.
func (s *seeder) seedDrafts() {
	df := seen | draft
	s.add("Drafts", df, s.day(0, 9, 30), envelope{from: me, date: s.day(0, 9, 30),
		subject: "Ideas for the summer party"},
		plainText("- live music? ask Émilie's cousin\n- lemonade stand run by the kids\n- "))
	s.add("Drafts", df, s.day(2, 21, 10), envelope{from: me, to: []person{priya}, date: s.day(2, 21, 10),
		subject: "Minutes of the board meeting (draft)"},
		mixed(plainText("Priya,\n\nAttached my notes, not final yet.\n"),
			attachment("application/pdf", "board-minutes-draft.pdf", invoicePDF("Board minutes (draft)", "Present: P. Raman, B. Okafor, R. Demo", "1. Minutes approved", "2. Treasurer's report: see attachment"))))
	lease := s.kept["lease"]
	s.add("Drafts", df, s.day(0, 17, 45), envelope{from: me, to: []person{alice}, date: s.day(0, 17, 45),
		subject: "Re: " + lease.subject, inReplyTo: lease.id, refs: []string{lease.id}},
		plainText("Hi Alice,\n\nThe signed lease should be in the blue folder in the office, or"))
	s.add("Drafts", df, s.day(5, 8, 0), envelope{from: me, to: []person{volunteerList}, date: s.day(5, 8, 0),
		subject: "Thank you, volunteers!"},
		alternative(plainText("Dear volunteers,\n\nThis year you gave more than 4,000 hours to the cooperative. Thank you!"),
			htmlText(`<p>Dear volunteers,</p><p>This year you gave <b style="color:#2e7d32">more than 4,000 hours</b> to the cooperative. <i>Thank you!</i></p>`)))
	s.add("Drafts", df, s.day(12, 14, 0), envelope{from: me, to: []person{fernwood}, cc: []person{bob}, date: s.day(12, 14, 0),
		subject: "Order for the spring season"},
		plainText(fmt.Sprintf("Hello,\n\nFor the spring season we would like to order:\n\n%s\nPlease confirm prices.\n", strings.Repeat("  - \n", 3))))
}
