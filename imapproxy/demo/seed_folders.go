package demo

import (
	"fmt"
	"html"
)

// seedArchive fills Archive with older everyday mail (five to eighteen
// months back); the solar quote thread also lives there.
func (s *seeder) seedArchive() {
	for n := range 26 {
		f := seen
		if n%5 == 0 {
			f |= answered
		}
		s.everyday("Archive", f, s.someday(150, 540), []person{me}, n+3)
	}
}

// seedTrash adds deleted items: old promotions, notifications and a few
// colleague messages. They are not flagged \Deleted, only moved to Trash.
func (s *seeder) seedTrash() {
	for i := range 4 {
		s.add("Trash", seen, s.someday(3, 200), envelope{
			from: harbor, to: []person{me}, subject: promoSubjects[(i*3)%len(promoSubjects)],
		}, htmlText(promoHTML((i*3)%len(promoSubjects))))
	}
	for i := range 4 {
		s.noteParcel(100+i, s.someday(3, 120))
		s.moveLast("Trash")
	}
	for n := range 4 {
		s.everyday("Trash", seen, s.someday(3, 300), []person{staffList}, n+7)
	}
}

// moveLast moves the most recently added message to mailbox.
func (s *seeder) moveLast(mailbox string) { s.out[len(s.out)-1].Mailbox = mailbox }

// seedJunk adds spam: prize draws, phishing, pharmacy, crypto and a fake
// invoice with an HTML attachment. Most are unread, as spam usually is.
func (s *seeder) seedJunk() {
	type spam struct {
		from          person
		subject, body string
	}
	junk := []spam{
		{person{"Prize Department", "winner@lucky-draw.example.net"}, "CONGRATULATIONS!!! You have WON a brand new car", "Dear Winner, your e-mail address was selected in our international draw. To claim your prize of a NEW CAR send your bank details and a processing fee of 49.99 today!"},
		{person{"Mail Administrator", "admin@mailbox-security.example.net"}, "Action required: your mailbox will be deactivated", "Your mailbox storage is full and will be deactivated in 24 hours. Click below to verify your account and keep your messages."},
		{person{"Pharmacy Online", "deals@cheap-meds.example.com"}, "Save 80% on your prescriptions - no doctor needed", "Top brands at the lowest prices. Discreet shipping worldwide. Limited offer!"},
		{person{"Crypto Insider", "insider@moonshot.example.net"}, "This coin will 100x next week (insider tip)", "Our analysts found the next big coin. Buy before Friday, the price will explode. Not financial advice."},
		{person{"Dr. James Wilson", "j.wilson.estate@example.com"}, "Confidential business proposal", "I am a lawyer representing the estate of a late client who shares your surname. I need your help to transfer 8.5 million to a safe account. You will receive 30%."},
		{person{"Parcel Service", "delivery@parcel-notice.example.com"}, "Your package could not be delivered", "We tried to deliver your package today. Pay the 1.99 redelivery fee to schedule a new delivery."},
		{person{"HR Department", "hr@payroll-update.example.net"}, "Salary adjustment 2026 - please review", "Please sign in with your work e-mail and password to review your salary adjustment for 2026."},
		{person{"Gift Card Center", "rewards@giftcards.example.com"}, "You have (1) unclaimed reward", "Answer three questions about your shopping habits and receive a 500 gift card."},
	}
	for i, j := range junk {
		f := flags(0)
		if i%3 == 2 {
			f = seen
		}
		link := fmt.Sprintf("https://%s/claim?id=%d", j.from.domain(), 7000+i)
		s.add("Junk", f, s.someday(0, 60), envelope{
			from: j.from, to: []person{me}, subject: j.subject,
			extra: [][2]string{{"X-Spam-Flag", "YES"}, {"X-Spam-Score", fmt.Sprintf("%d.%d", 7+i, i*3%10)}},
		}, alternative(
			plainText(wrap(j.body+"\n\n"+link, 72)),
			htmlText(fmt.Sprintf(`<html><body style="font-family:Arial"><div style="background:#ffeb3b;padding:20px;text-align:center"><h1 style="color:#d50000;font-size:32px">%s</h1><img src="https://%s/img/banner.gif" width="400" height="120" alt=""><p style="font-size:18px">%s</p><p><a href="%s" style="background:#d50000;color:#fff;padding:14px 30px;font-size:20px;text-decoration:none">CLAIM NOW</a></p></div><img src="http://tracker.example.com/open.gif?id=junk-%d" width="1" height="1" alt=""></body></html>`,
				html.EscapeString(j.subject), j.from.domain(), html.EscapeString(j.body), link, i)),
		))
	}
	s.add("Junk", 0, s.someday(0, 30), envelope{
		from: person{"Accounts Payable", "billing@invoices-online.example.com"}, to: []person{me},
		subject: "Overdue invoice #INV-20931 - final notice",
	}, mixed(
		plainText("Dear customer,\n\nYour invoice is overdue. Open the attached document to see the amount and pay today to avoid legal action.\n\nAccounts Payable"),
		attachment("text/html", "INV-20931.pdf.html", []byte(`<html><body><form action="https://invoices-online.example.com/login" method="post"><p>Sign in to view the invoice</p><input name="email"><input name="password" type="password"><button>View</button></form></body></html>`)),
	))
}
