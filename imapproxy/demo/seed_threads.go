package demo

// seedThreads adds reply threads: Message-ID, In-Reply-To and References
// chains with "Re:" subjects and quoted text, spread over INBOX (what others
// wrote) and Sent (what the demo user answered). Parents the user answered
// carry \Answered.
func (s *seeder) seedThreads() {
	s.threadBoardAgenda()
	s.threadColdRoom()
	s.threadFernwoodInvoice()
	s.threadSaturdayMarket()
	s.threadSolarQuote()
}

// threadBoardAgenda: a board thread three days old, answered by the user.
func (s *seeder) threadBoardAgenda() {
	root := s.text("INBOX", seen|answered|flagged, s.day(3, 8, 12), envelope{
		from: priya, to: []person{boardList}, cc: []person{me},
		subject: "Agenda for Thursday's board meeting",
	}, `Hi all,

Here is the draft agenda for Thursday (18:30, back room of the shop):

1. Minutes of the last meeting
2. Treasurer's report (Bob)
3. Lease renewal for the warehouse
4. Saturday market: indoor option for the winter
5. Any other business

Robin, could you take the minutes this time? Alice is away.

If you want to add an item, reply by Wednesday noon.

Priya`)

	mine := s.reply("Sent", seen, s.day(3, 9, 40), root, me, []person{priya}, []person{boardList},
		`Happy to take the minutes. Could we add a short item on the new till system? Sam has collected the quotes and it only needs ten minutes.`, true)

	bobs := s.reply("INBOX", seen, s.day(2, 16, 5), mine, bob, []person{me, priya}, []person{boardList},
		`+1 for the till item. For the treasurer's report I will bring printed copies; the spreadsheet is too wide for the projector.

One more thing: the insurance renewal is due at the end of the month, so we need a decision on the excess by Thursday.`, false)

	s.reply("INBOX", seen, s.day(1, 11, 30), bobs, priya, []person{bob, me}, []person{boardList},
		`Thanks both, updated agenda attached to the calendar invite. Insurance goes under item 2.`, true)
}

// threadColdRoom: a running thread from yesterday to today, last reply unread.
func (s *seeder) threadColdRoom() {
	root := s.text("INBOX", seen, s.day(1, 7, 2), envelope{
		from: david, to: []person{staffList},
		subject: "Cold room temperature alarm",
	}, `Morning everyone,

The cold room alarm went off at 06:40. The display showed 9°C, it should stay below 5°C. I have moved the dairy to the shop fridges for now.

The engineer can come tomorrow between 8 and 10. Please keep the door closed as much as you can today.

David`)

	samR := s.reply("INBOX", seen, s.day(1, 10, 15), root, sam, []person{david}, []person{staffList},
		`I checked at 10:00 and it is back to 6°C. The door seal on the left side looks torn, maybe that is the cause?`, false)

	s.reply("INBOX", 0, s.day(0, 9, 5), samR, david, []person{sam}, []person{staffList},
		`Engineer confirmed: the seal and a fan. Both replaced, the room is at 3°C again. The dairy can go back in.

Thanks Sam for spotting the seal.`, true)
}

// threadFernwoodInvoice: an exchange with a supplier, two weeks old.
func (s *seeder) threadFernwoodInvoice() {
	root := s.text("INBOX", seen|answered, s.day(16, 14, 20), envelope{
		from: fernwood, to: []person{me}, cc: []person{bob},
		subject: "Invoice 2026-0471 for your order of vegetables and eggs",
	}, `Dear Northwind team,

Please find below the summary of invoice 2026-0471:

  Seasonal vegetable boxes   40 x 18.50   740.00
  Free-range eggs (trays)    25 x  9.20   230.00
  Delivery                                 35.00
  Total                                  1005.00

Payment within 30 days to the usual account. Thank you for your order!

Kind regards,
Fernwood Farm`)

	mine := s.reply("Sent", seen, s.day(15, 9, 10), root, me, []person{fernwood}, []person{bob},
		`Hello,

Thank you. We only received 22 trays of eggs, not 25; the delivery note says 22 as well. Could you send a corrected invoice?

Best regards,
Robin`, false)

	s.reply("INBOX", seen, s.day(14, 11, 45), mine, fernwood, []person{me}, []person{bob},
		`Apologies, you are right. The corrected total is 977.40; the new invoice follows by post and the amount on the old one is void.`, false)
}

// threadSaturdayMarket: a longer discussion with nested quotes, a month ago.
func (s *seeder) threadSaturdayMarket() {
	root := s.text("INBOX", seen|answered, s.day(34, 18, 2), envelope{
		from: emilie, to: []person{staffList},
		subject: "Moving the Saturday market indoors?",
	}, `Hello everyone,

With the weather getting worse, three stallholders have asked whether we could move the Saturday market into the community hall from November to March.

Pros: warmer, dry, more customers. Cons: the hall costs 120 a day and only fits twelve stalls instead of eighteen.

What do you think?

Émilie`)

	a := s.reply("INBOX", seen, s.day(34, 19, 30), root, alice, []person{emilie}, []person{staffList},
		`I like the idea. Could the stallholders share the hall cost? Ten each would cover it.`, true)
	b := s.reply("Sent", seen, s.day(33, 8, 55), a, me, []person{alice, emilie}, []person{staffList},
		`Sharing the cost sounds fair. For the six stalls that do not fit we could alternate weeks.`, true)
	c := s.reply("INBOX", seen, s.day(33, 12, 20), b, juergen, []person{me, alice, emilie}, []person{staffList},
		`Alternating is complicated for the farmers, they plan their harvest around the market. Maybe the corridor can hold three more tables? I will measure it on Monday.`, false)
	d := s.reply("INBOX", seen, s.day(31, 17, 45), c, juergen, []person{me, alice, emilie}, []person{staffList},
		`Measured: the corridor fits four tables if we keep the fire exit clear. So sixteen stalls in total.`, false)
	s.reply("INBOX", seen|flagged, s.day(30, 9, 10), d, emilie, []person{staffList}, nil,
		`Great, then let's propose it at the members' assembly. I will prepare a one-page summary.`, true)
}

// threadSolarQuote: an old thread, nine months back, with an external
// architect; part of it lives in Archive.
func (s *seeder) threadSolarQuote() {
	root := s.text("Archive", seen|answered, s.day(280, 10, 0), envelope{
		from: mara, to: []person{me}, cc: []person{david},
		subject: "Solar panels on the warehouse roof: first estimate",
	}, `Dear Robin,

After the site visit last week, our first estimate for 24 panels (about 9.6 kWp) is attached to our portal. In short:

- installation and inverter: roughly 14,000
- roof reinforcement: not needed according to the structural check
- expected yield: 9,000 kWh a year, about 60% of your current use

Feel free to call me with any questions.

Mara Lindqvist
Lindqvist Architects`)

	mine := s.reply("Sent", seen, s.day(279, 16, 30), root, me, []person{mara}, []person{david},
		`Dear Mara,

Thank you, this looks promising. Does the estimate include the grid connection fee? And could the work happen in spring, before the market season?`, false)
	s.reply("Archive", seen, s.day(277, 9, 15), mine, mara, []person{me}, []person{david},
		`The connection fee (about 600) is not included, I will add it to the formal quote. Spring works: April is still free in our schedule.`, false)
}
