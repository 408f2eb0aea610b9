package demo

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"strings"
)

// This file makes the binary attachments of the seed set: real PNG and JPEG
// images, valid PDF documents, a TNEF winmail.dat and a CSV sheet. Everything
// is generated rather than embedded so the repository holds no blobs and the
// bytes stay deterministic.

// logoPNG draws the cooperative's 64×64 logo (a green disc with a leaf-like
// stripe) used as the cid: inline image of multipart/related messages.
func logoPNG() []byte {
	const size = 64
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	green := color.NRGBA{R: 0x2e, G: 0x7d, B: 0x32, A: 0xff}
	light := color.NRGBA{R: 0xc8, G: 0xe6, B: 0xc9, A: 0xff}
	for y := range size {
		for x := range size {
			dx, dy := x-size/2, y-size/2
			switch {
			case dx*dx+dy*dy > 30*30:
				// transparent corner
			case abs(dx-dy) < 4:
				img.SetNRGBA(x, y, light)
			default:
				img.SetNRGBA(x, y, green)
			}
		}
	}
	return encodePNG(img, png.DefaultCompression)
}

// chartPNG draws a small bar chart (240×120) of the given values, used as an
// ordinary image attachment.
func chartPNG(values []int) []byte {
	const w, h = 240, 120
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	bg := color.NRGBA{R: 0xfa, G: 0xfa, B: 0xfa, A: 0xff}
	bar := color.NRGBA{R: 0x15, G: 0x65, B: 0xc0, A: 0xff}
	for y := range h {
		for x := range w {
			img.SetNRGBA(x, y, bg)
		}
	}
	slot := w / max(1, len(values))
	for i, v := range values {
		top := h - min(h-4, v)
		for x := i*slot + 4; x < (i+1)*slot-4; x++ {
			for y := top; y < h; y++ {
				img.SetNRGBA(x, y, bar)
			}
		}
	}
	return encodePNG(img, png.BestSpeed)
}

// photoJPEG renders a w×h "photo": a sky-to-field gradient with seeded
// noise, so it compresses like a real photograph. 640×480 gives about
// 150 KB, enough to make a message larger than 200 KB once base64-encoded.
func photoJPEG(w, h int, seed uint64) []byte {
	x64 := seed | 1 // xorshift64: per-pixel noise, much cheaper than rand.Rand
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			x64 ^= x64 << 13
			x64 ^= x64 >> 7
			x64 ^= x64 << 17
			n := int(x64 % 90)
			var r, g, b int
			if y < h/2 {
				r, g, b = 90+y/4, 150+y/5, 235
			} else {
				r, g, b = 70+x/12, 130+(y-h/2)/4, 50
			}
			img.Pix[y*img.Stride+x*4+0] = clamp(r + n - 45)
			img.Pix[y*img.Stride+x*4+1] = clamp(g + n - 45)
			img.Pix[y*img.Stride+x*4+2] = clamp(b + n - 45)
			img.Pix[y*img.Stride+x*4+3] = 0xff
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 88}); err != nil {
		panic(fmt.Sprintf("demo: encoding JPEG: %v", err))
	}
	return buf.Bytes()
}

func encodePNG(img image.Image, level png.CompressionLevel) []byte {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: level}
	if err := enc.Encode(&buf, img); err != nil {
		panic(fmt.Sprintf("demo: encoding PNG: %v", err))
	}
	return buf.Bytes()
}

func clamp(v int) uint8 { return uint8(min(255, max(0, v))) }

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// pdfDoc writes a valid PDF 1.4 document by hand: a catalog, a page tree, one
// Helvetica font and one page per entry of pages, each page a list of text
// lines. The cross-reference table holds exact byte offsets, so strict readers
// (pdf.js, poppler) open it without repair.
func pdfDoc(title string, pages [][]string) []byte {
	var buf bytes.Buffer
	var offsets []int
	obj := func(body string) {
		offsets = append(offsets, buf.Len())
		fmt.Fprintf(&buf, "%d 0 obj\n%s\nendobj\n", len(offsets), body)
	}
	buf.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")

	// Objects 1-3 are fixed; pages start at 4, two objects (page, content) each.
	kids := make([]string, len(pages))
	for i := range pages {
		kids[i] = fmt.Sprintf("%d 0 R", 4+2*i)
	}
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(pages)))
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	for i, lines := range pages {
		obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "+
			"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", 5+2*i))
		var content strings.Builder
		content.WriteString("BT\n/F1 11 Tf\n14 TL\n56 780 Td\n")
		for _, l := range lines {
			fmt.Fprintf(&content, "(%s) Tj T*\n", pdfEscape(l))
		}
		content.WriteString("ET")
		obj(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", content.Len(), content.String()))
	}
	infoRef := len(offsets) + 1
	obj(fmt.Sprintf("<< /Title (%s) /Producer (Tidings demo seed) >>", pdfEscape(title)))

	xref := buf.Len()
	fmt.Fprintf(&buf, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, off := range offsets {
		fmt.Fprintf(&buf, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&buf, "trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n",
		len(offsets)+1, infoRef, xref)
	return buf.Bytes()
}

// pdfEscape escapes a PDF literal string (PDF 1.7 §7.3.4.2).
func pdfEscape(s string) string {
	if !strings.ContainsAny(s, `\()`) {
		return s
	}
	var b strings.Builder
	for i := range len(s) {
		if c := s[i]; c == '\\' || c == '(' || c == ')' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// invoicePDF is a one-page invoice or receipt.
func invoicePDF(title string, lines ...string) []byte {
	return pdfDoc(title, [][]string{append([]string{title, ""}, lines...)})
}

// reportPDF is a long, text-only report of n pages (about 4 KB each); with
// n = 45 the attachment alone is larger than 200 KB once base64-encoded.
func reportPDF(title string, n int, rng *rand.Rand) []byte {
	pages := make([][]string, n)
	for p := range pages {
		lines := []string{fmt.Sprintf("%s - page %d of %d", title, p+1, n), ""}
		for range 48 {
			lines = append(lines, reportSentences[rng.IntN(len(reportSentences))])
		}
		pages[p] = lines
	}
	return pdfDoc(title, pages)
}

var reportSentences = []string{
	"Membership grew steadily, with most new members joining through the spring open days.",
	"Turnover at the shop rose by eight percent while the gross margin stayed stable.",
	"Volunteer hours reached a new high, led by the Saturday market and the repair cafe.",
	"Energy costs fell after the cold room insulation was replaced in the autumn.",
	"The board met eleven times; all minutes are available to members on request.",
	"Local suppliers now provide sixty-two percent of the fresh produce we sell.",
	"The loan for the delivery van was repaid two months ahead of schedule.",
	"Waste sent to landfill dropped by a third thanks to the new composting partner.",
	"Training sessions covered food hygiene, first aid and the new till system.",
	"Reserves remain within the range set by the members' assembly in 2024.",
}

// tnefWinmail builds a small but well-formed TNEF stream (MS-OXTNEF), the
// "winmail.dat" that Outlook sends: the TNEF version, OEM code page and
// message class attributes, then one attached file.
func tnefWinmail(filename string, data []byte) []byte {
	var buf bytes.Buffer
	le := binary.LittleEndian
	buf.Write(le.AppendUint32(nil, 0x223e9f78)) // TNEF signature
	buf.Write(le.AppendUint16(nil, 0x0001))     // legacy key
	attr := func(level byte, id uint32, payload []byte) {
		buf.WriteByte(level)
		buf.Write(le.AppendUint32(nil, id))
		buf.Write(le.AppendUint32(nil, uint32(len(payload))))
		buf.Write(payload)
		var sum uint16
		for _, b := range payload {
			sum += uint16(b)
		}
		buf.Write(le.AppendUint16(nil, sum))
	}
	const lvlMessage, lvlAttachment = 1, 2
	attr(lvlMessage, 0x00089006, le.AppendUint32(nil, 0x00010000))               // attTnefVersion
	attr(lvlMessage, 0x00069007, le.AppendUint32(le.AppendUint32(nil, 1252), 0)) // attOemCodepage
	attr(lvlMessage, 0x00078008, []byte("IPM.Microsoft Mail.Note\x00"))          // attMessageClass
	rend := make([]byte, 0, 14)                                                  // attAttachRenddata
	rend = le.AppendUint16(rend, 1)                                              // file attachment
	rend = le.AppendUint32(rend, 0xffffffff)
	rend = le.AppendUint16(rend, 0)
	rend = le.AppendUint16(rend, 0)
	rend = le.AppendUint32(rend, 0)
	attr(lvlAttachment, 0x00069002, rend)
	attr(lvlAttachment, 0x00018010, []byte(filename+"\x00")) // attAttachTitle
	attr(lvlAttachment, 0x0006800f, data)                    // attAttachData
	return buf.Bytes()
}

// volunteerCSV is the rota export attached to a volunteer coordination mail.
func volunteerCSV() []byte {
	rows := []string{
		"date,shift,volunteer,role",
		"2026-03-02,morning,Carol Nguyen,till",
		"2026-03-02,afternoon,Sam Lee,stock",
		"2026-03-03,morning,Émilie Dubois,events",
		"2026-03-03,afternoon,Jürgen Müller,deliveries",
		"2026-03-04,morning,Priya Raman,till",
		"2026-03-04,afternoon,\"Okafor, Bob\",accounts",
	}
	return []byte(strings.Join(rows, "\r\n") + "\r\n")
}
