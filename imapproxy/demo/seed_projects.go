package demo

import (
	"fmt"
	"html"
	"strings"
	"time"
)

// seedProjects fills the custom folders Projects and Projects/Apollo. Apollo
// is the code name for the cooperative's second shop.
func (s *seeder) seedProjects() {
	s.text("Projects", seen, s.day(95, 9, 0), envelope{from: alice, to: []person{staffList},
		subject: "Project list for this year"},
		"Hi all,\n\nOur projects this year:\n\n1. Apollo: the second shop in the old post office\n2. Solar panels on the warehouse\n3. New till system\n4. Bulk buying club with the Japanese cooperative\n\nEach project gets a folder on the shared drive.\n\nAlice")
	s.text("Projects", seen, s.day(88, 14, 10), envelope{from: sam, to: []person{me},
		subject: "Results of the ideas box"},
		"Hi Robin,\n\nI counted the ideas box: 31 notes. Top three: longer Saturday hours (9), a refill station for detergent (7), and a kids' corner (5).\n\nSam")
	s.text("Projects", seen|flagged, s.day(70, 11, 30), envelope{from: priya, to: []person{boardList},
		subject: "Why we call it Apollo"},
		"Someone asked: the old post office is on Apollo Lane, that's all. No moon landing planned.\n\nPriya")
	s.text("Projects", seen, s.day(40, 16, 0), envelope{from: hanako, to: []person{me},
		subject: "Bulk buying club: first order list"},
		"Dear Robin,\n\nHere is the first list for the joint order: rice (200 kg), green tea (40 kg), soy sauce (60 bottles). Shipping would be in May.\n\nBest regards,\nHanako Tanaka")

	team := []person{alice, bob, david, me}
	kick := s.text("Projects/Apollo", seen|answered, s.day(62, 9, 15), envelope{from: alice, to: team,
		subject: "Apollo: kickoff"},
		"Hello team,\n\nThe board approved Apollo, the second shop in the old post office on Apollo Lane. Opening target: early autumn.\n\nRoles: David the building, Bob the money, Robin the suppliers and volunteers, me the overall plan.\n\nKickoff meeting invite follows.\n\nAlice")
	s.reply("Sent", seen, s.day(62, 10, 2), kick, me, []person{alice}, []person{alice, bob, david},
		"Great news! I'll start with a list of suppliers who could deliver to both shops.", true)

	start := s.day(55, 10, 0).UTC()
	ics := icsInvite("apollo-kickoff@example.org", "Apollo kickoff", "Back room of the shop", start, alice, team)
	s.add("Projects/Apollo", seen, s.day(61, 16, 40), envelope{from: alice, to: team,
		subject: "Invitation: Apollo kickoff"},
		mixed(
			alternative(plainText("Apollo kickoff\nBack room of the shop\n\nPlease accept or decline in your calendar."),
				textCalendar(ics)),
			attachment("application/ics", "invite.ics", ics),
		))

	s.add("Projects/Apollo", seen|flagged, s.day(48, 18, 5), envelope{from: mara, to: []person{alice, me}, cc: []person{david},
		subject: "Apollo: site photos and first floor plan"},
		mixed(
			plainText(wrap("Dear Alice, dear Robin,\n\nAttached the photo from the site visit (front of the building) and the chart of usable floor space per room. The shop floor is bigger than we thought; the storage room needs new ventilation.\n\nMara", 72)),
			attachment("image/jpeg", "apollo-front.jpg", photoJPEG(720, 540, 11)),
			attachment("image/png", "floor-space.png", chartPNG([]int{95, 40, 25, 18})),
		))

	s.add("Projects/Apollo", seen, s.day(40, 13, 0), envelope{from: bob, to: team,
		subject: "Apollo budget (spreadsheet)"},
		mixed(plainText("Here is the first budget as CSV. Biggest unknown: the ventilation.\n\nBob"),
			textAttachment("text/csv", "apollo-budget.csv", []byte("item,estimate\r\nrent deposit,4500\r\nshop fittings,12000\r\nventilation,6000\r\ncold room,9000\r\nopening event,800\r\n"))))

	q := s.text("Projects/Apollo", seen, s.day(30, 10, 20), envelope{from: david, to: team,
		subject: "Apollo: opening date"},
		"The builders say the work takes ten weeks once the permit is in. If the permit comes this month, we could open in the first week of September.")
	a := s.reply("Projects/Apollo", seen, s.day(30, 11, 0), q, bob, team, nil,
		"September is fine for the budget, as long as the cold room is ordered by July.", true)
	s.reply("Projects/Apollo", seen, s.day(29, 9, 40), a, alice, team, nil,
		"Then let's aim for the first Saturday in September. I'll tell the board.", false)

	for i := range 6 {
		week := 8 - i
		s.text("Projects/Apollo", seen, s.day(week*7-4, 17, 0), envelope{from: alice, to: team,
			subject: fmt.Sprintf("Apollo weekly update #%d", i+1)},
			fmt.Sprintf("Weekly update #%d\n\n- Building: %s\n- Money: %s\n- Suppliers: %s\n\nAlice", i+1,
				pick(s, []string{"permit requested", "permit granted", "builders started", "walls painted", "electrics checked"}),
				pick(s, []string{"on budget", "ventilation 10% over", "member loan offers at 18,000", "grant application sent"}),
				pick(s, []string{"Fernwood can deliver twice a week", "bakery says yes", "two new farms interested", "dairy still thinking"})))
	}
}

// textCalendar is an iMIP text/calendar body part (RFC 6047).
func textCalendar(ics []byte) *part {
	p := newPart("text/calendar", map[string]string{"charset": "utf-8", "method": "REQUEST"}, "7bit")
	p.body = ics
	return p
}

// icsInvite writes a minimal iCalendar REQUEST (RFC 5545) with CRLF lines.
func icsInvite(uid, summary, location string, start time.Time, organizer person, attendees []person) []byte {
	const stamp = "20060102T150405Z"
	lines := []string{
		"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Tidings demo//EN", "METHOD:REQUEST",
		"BEGIN:VEVENT", "UID:" + uid, "DTSTAMP:" + start.Add(-72*time.Hour).Format(stamp),
		"DTSTART:" + start.Format(stamp), "DTEND:" + start.Add(90*time.Minute).Format(stamp),
		"SUMMARY:" + summary, "LOCATION:" + location,
		fmt.Sprintf("ORGANIZER;CN=%s:mailto:%s", organizer.name, organizer.addr),
	}
	for _, a := range attendees {
		lines = append(lines, fmt.Sprintf("ATTENDEE;CN=%s;RSVP=TRUE:mailto:%s", a.name, a.addr))
	}
	lines = append(lines, "END:VEVENT", "END:VCALENDAR")
	return []byte(strings.Join(lines, "\r\n") + "\r\n")
}

// seedReceipts fills Receipts (last year's) and Receipts/2026 with shop and
// utility receipts: PDF invoices, one HTML receipt and one CSV statement.
func (s *seeder) seedReceipts() {
	type vendor struct {
		from person
		what string
	}
	vendors := []vendor{
		{person{"Office Supplies Direct", "orders@officesupplies.example.com"}, "printer paper and toner"},
		{person{"Green Energy Co.", "billing@greenenergy.example.net"}, "electricity"},
		{harbor, "flyers for the summer party"},
		{person{"Northwind Hosting", "billing@hosting.example.net"}, "website hosting (yearly)"},
		{person{"Tool Hire Ltd", "hire@toolhire.example.com"}, "floor sander rental"},
	}
	for i := range 3 {
		v := vendors[i]
		s.receipt("Receipts", v.from, v.what, 3100+i, s.someday(380, 530))
	}
	for i := range 9 {
		v := vendors[i%len(vendors)]
		s.receipt("Receipts/2026", v.from, v.what, 5200+i, s.someday(3, 120))
	}

	amount := "249.00"
	s.add("Receipts/2026", seen, s.day(18, 20, 31), envelope{
		from: person{"Bike Parts Shop", "shop@bikeparts.example.com"}, to: []person{me},
		subject: "Your order #88213 - receipt",
	}, alternative(
		plainText("Thank you for your order #88213.\n\n2 x cargo bike tyres    78.00\n1 x cargo bike chain    31.00\n1 x service kit        140.00\nTotal                 249.00"),
		htmlText(fmt.Sprintf(`<table style="font-family:Arial;border-collapse:collapse" cellpadding="6"><tr style="background:#eee"><th align="left">Item</th><th align="right">Price</th></tr><tr><td>2 &times; cargo bike tyres</td><td align="right">78.00</td></tr><tr><td>1 &times; cargo bike chain</td><td align="right">31.00</td></tr><tr><td>1 &times; service kit</td><td align="right">140.00</td></tr><tr><td><b>Total</b></td><td align="right"><b>%s</b></td></tr></table><p><img src="https://bikeparts.example.com/logo.png" alt="Bike Parts Shop"></p>`, html.EscapeString(amount))),
	))
	s.add("Receipts/2026", seen, s.day(33, 7, 0), envelope{
		from: bank, to: []person{me}, subject: "Account statement export (CSV)",
	}, mixed(plainText("Your requested export is attached."),
		textAttachment("text/csv", "statement.csv", []byte("date;description;amount\r\n01.02.;Fernwood Farm;-977,40\r\n03.02.;Members' fees;+1.240,00\r\n05.02.;Green Energy Co.;-312,18\r\n"))))
}

// receipt adds one vendor receipt with a PDF invoice.
func (s *seeder) receipt(mailbox string, from person, what string, no int, when time.Time) {
	total := fmt.Sprintf("%d.%02d", 20+s.rng.IntN(600), s.rng.IntN(100))
	s.add(mailbox, seen, when, envelope{from: from, to: []person{me},
		subject: fmt.Sprintf("Receipt %d from %s", no, from.name)},
		mixed(plainText(fmt.Sprintf("Thank you for your purchase: %s.\nTotal paid: %s\n\nThe receipt is attached as PDF.", what, total)),
			attachment("application/pdf", fmt.Sprintf("receipt-%d.pdf", no),
				invoicePDF(fmt.Sprintf("Receipt %d", no), "Customer: Northwind Cooperative", "Item: "+what, "Total paid: "+total, "Paid by bank transfer."))))
}
