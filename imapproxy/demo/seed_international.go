package demo

import (
	"bytes"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"time"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/textproto"
)

// seedInternational adds messages with non-ASCII subjects, senders and
// bodies: RFC 2047 in Q and B encoding, UTF-8 and ISO-8859-1 bodies,
// German, French, Japanese, Russian and emoji, plus one very long subject.
func (s *seeder) seedInternational() {
	s.text("INBOX", seen, s.day(2, 7, 55), envelope{
		from: juergen, to: []person{staffList},
		subject: "Änderungen am Dienstplan für nächste Woche – bitte prüfen",
	}, `Hallo zusammen,

für nächste Woche gibt es zwei Änderungen: Sam übernimmt die Frühschicht am Dienstag, ich die Spätschicht am Donnerstag. Außerdem kommt die Lieferung der Bäckerei ausnahmsweise erst um 8:15 Uhr.

Bitte prüft, ob das für euch passt, und gebt mir bis Freitag Bescheid.

Schöne Grüße
Jürgen`)

	s.add("INBOX", seen, s.day(4, 16, 3), envelope{
		from: emilie, to: []person{me},
		subject: "Compte rendu de la réunion : budget prévisionnel et déménagement",
	}, flowedText(`Bonjour Robin,

Voici le compte rendu de la réunion de jeudi. Nous avons validé le budget prévisionnel des événements (2 400 € pour l'année) et décidé de déménager le stock de décorations au grenier de la salle communale.

Prochaine étape : réserver la salle pour la fête d'été avant la fin du mois. Peux-tu t'en charger ?

Bien à toi,
Émilie`))

	// Japanese: B-encoded subject, as most Japanese clients send it.
	s.add("INBOX", 0, s.day(1, 18, 20), envelope{
		from: hanako, to: []person{me},
		subject: mime.BEncoding.Encode("utf-8", "来週の打ち合わせについて（資料を添付しました）"),
		rawSubj: true,
	}, mixed(
		plainText("Robin様\n\nいつもお世話になっております。\n来週の打ち合わせの資料を添付いたしました。\n協同組合の共同購入について、ご意見をいただけますと幸いです。\n\nよろしくお願いいたします。\n田中 花子"),
		attachment("application/pdf", "打ち合わせ資料.pdf", invoicePDF("Meeting notes", "Joint purchasing: rice, tea, soy sauce", "Shipping: two containers a year")),
	))

	s.text("INBOX", seen, s.day(11, 12, 30), envelope{
		from: olga, to: []person{me}, cc: []person{juergen},
		subject: "Отчёт о поставках за квартал",
	}, `Здравствуйте, Робин!

Отправляю краткий отчёт о поставках за квартал: все заказы доставлены вовремя, кроме одной партии гречки, которая задержалась на два дня из-за погоды.

Следующая поставка запланирована на начало месяца.

С уважением,
Ольга Смирнова`)

	s.add("INBOX", seen|flagged, s.day(2, 13, 10), envelope{
		from: emilie, to: []person{staffList},
		subject: "🎉 Potluck on Friday! 🍲🥗 Sign-up sheet inside",
	}, alternative(
		plainText("Hi all!\n\nPotluck on Friday at 19:00 in the hall 🎉 Bring a dish (🍲 🥗 🍰) and a friend. Sign up on the sheet by the till so we don't end up with twelve salads.\n\nÉmilie"),
		htmlText(`<p>Hi all!</p><p><b>Potluck on Friday at 19:00</b> in the hall 🎉</p><table style="border-collapse:collapse" border="1" cellpadding="6"><tr><th>Dish</th><th>Who</th></tr><tr><td>🍲 Soup</td><td>Émilie</td></tr><tr><td>🥗 Salad</td><td>Sam</td></tr><tr><td>🍰 Cake</td><td>?</td></tr></table><p>Émilie</p>`),
	))

	s.text("INBOX", seen, s.day(26, 9, 0), envelope{
		from: alice, to: []person{staffList, volunteerList},
		subject: "Reminder: the quarterly members' assembly moves from the community hall to the library annex because of the roof repairs, so please update your calendars, tell the volunteers and bring the printed agenda",
	}, "Everything else stays the same: same date, same time (19:00). The library annex is two doors down from the bakery.\n\nAlice")

	s.latin1Message()
}

// latin1Message adds a message whose body is ISO-8859-1, quoted-printable,
// with an ISO-8859-1 encoded-word subject and sender. go-message's writers
// only produce UTF-8, so the header goes through textproto and the body
// through mime/quotedprintable directly.
func (s *seeder) latin1Message() {
	s.seq++
	when := s.day(7, 10, 12)
	body := latin1("Chère équipe,\n\nMerci pour l'accueil chaleureux lors de notre visite à la coopérative. " +
		"Nous avons été très impressionnés par l'épicerie et l'atelier de réparation.\n\n" +
		"Nous aimerions organiser un échange entre nos bénévoles au printemps. Qu'en pensez-vous ?\n\n" +
		"À bientôt,\nFrançois Lefèvre\nCoopérative « Les Halles »\n")
	env := envelope{
		from: francois, to: []person{me}, date: when.Add(-42 * time.Second),
		id:      fmt.Sprintf("%s.%04d@example.com", when.UTC().Format("20060102150405"), s.seq),
		rawFrom: mime.QEncoding.Encode("iso-8859-1", string(latin1(francois.name))) + " <" + francois.addr + ">",
		subject: mime.QEncoding.Encode("iso-8859-1", string(latin1("Visite à la coopérative et échange de bénévoles"))),
		rawSubj: true,
	}
	var mh message.Header
	mh.Set("Content-Transfer-Encoding", "quoted-printable")
	mh.Set("Content-Type", "text/plain; charset=iso-8859-1")
	h := env.header(mh)

	var buf bytes.Buffer
	if err := textproto.WriteHeader(&buf, h.Header.Header); err != nil {
		panic(fmt.Sprintf("demo: latin-1 header: %v", err))
	}
	qp := quotedprintable.NewWriter(&buf)
	if _, err := qp.Write(wrapBytes(body)); err != nil {
		panic(err)
	}
	if err := qp.Close(); err != nil {
		panic(err)
	}
	s.out = append(s.out, Message{Mailbox: "INBOX", Raw: buf.Bytes(), Seen: true, Time: when})
}

// latin1 converts s to ISO-8859-1; every rune of the seed text is below 256.
func latin1(s string) []byte {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 0xff {
			panic(fmt.Sprintf("demo: %q is not in ISO-8859-1", r))
		}
		b = append(b, byte(r))
	}
	return b
}

// wrapBytes hard-wraps ISO-8859-1 text at 72 bytes, one byte per character.
func wrapBytes(b []byte) []byte {
	var out bytes.Buffer
	for i, line := range bytes.Split(b, []byte("\n")) {
		if i > 0 {
			out.WriteByte('\n')
		}
		col := 0
		for j, w := range bytes.Fields(line) {
			if j > 0 && col+1+len(w) > 72 {
				out.WriteByte('\n')
				col = 0
			} else if j > 0 {
				out.WriteByte(' ')
				col++
			}
			out.Write(w)
			col += len(w)
		}
	}
	return out.Bytes()
}
