package demo

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"regexp"
	"strconv"
	"testing"
)

// TestPDFXref checks the hand-written PDFs the way strict readers do: every
// cross-reference entry must point at its "N 0 obj" and startxref at the
// table.
func TestPDFXref(t *testing.T) {
	for name, doc := range map[string][]byte{
		"invoice": invoicePDF("Receipt (1)", `Total \ 12.00`),
		"report":  reportPDF("Report", 3, rand.New(rand.NewPCG(1, 2))),
	} {
		t.Run(name, func(t *testing.T) {
			if !bytes.HasPrefix(doc, []byte("%PDF-1.4\n")) || !bytes.HasSuffix(doc, []byte("%%EOF\n")) {
				t.Fatal("missing header or EOF marker")
			}
			m := regexp.MustCompile(`startxref\n(\d+)\n`).FindSubmatch(doc)
			if m == nil {
				t.Fatal("no startxref")
			}
			xref, _ := strconv.Atoi(string(m[1]))
			if !bytes.HasPrefix(doc[xref:], []byte("xref\n0 ")) {
				t.Fatalf("startxref %d does not point at the xref table", xref)
			}
			entries := regexp.MustCompile(`(\d{10}) 00000 n `).FindAllSubmatch(doc[xref:], -1)
			if len(entries) < 4 {
				t.Fatalf("%d xref entries", len(entries))
			}
			for i, e := range entries {
				off, _ := strconv.Atoi(string(e[1]))
				if want := fmt.Sprintf("%d 0 obj\n", i+1); !bytes.HasPrefix(doc[off:], []byte(want)) {
					t.Errorf("xref entry %d points at %q", i+1, doc[off:off+10])
				}
			}
			for _, l := range regexp.MustCompile(`/Length (\d+) >>\nstream\n`).FindAllSubmatchIndex(doc, -1) {
				n, _ := strconv.Atoi(string(doc[l[2]:l[3]]))
				if !bytes.HasPrefix(doc[l[1]+n:], []byte("\nendstream")) {
					t.Errorf("stream /Length %d is wrong", n)
				}
			}
		})
	}
}

func TestImagesDecode(t *testing.T) {
	for name, b := range map[string][]byte{"logo": logoPNG(), "chart": chartPNG([]int{1, 50, 100})} {
		if _, err := png.Decode(bytes.NewReader(b)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	photo := photoJPEG(640, 480, 7)
	img, err := jpeg.Decode(bytes.NewReader(photo))
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds().Dx() != 640 || len(photo) < 150_000 {
		t.Errorf("photo is %d px wide and %d bytes; want 640 and 150 KB+", img.Bounds().Dx(), len(photo))
	}
}

// TestTNEF walks the attribute list of the winmail.dat and checks lengths
// and checksums, as TNEF decoders do.
func TestTNEF(t *testing.T) {
	data := []byte("hello\r\n")
	b := tnefWinmail("minutes.txt", data)
	le := binary.LittleEndian
	if le.Uint32(b) != 0x223e9f78 {
		t.Fatal("bad signature")
	}
	var ids []uint32
	for p := 6; p < len(b); {
		if p+9 > len(b) {
			t.Fatalf("truncated attribute at %d", p)
		}
		id, n := le.Uint32(b[p+1:]), int(le.Uint32(b[p+5:]))
		payload := b[p+9 : p+9+n]
		var sum uint16
		for _, c := range payload {
			sum += uint16(c)
		}
		if got := le.Uint16(b[p+9+n:]); got != sum {
			t.Errorf("attribute %#x: checksum %#x, want %#x", id, got, sum)
		}
		if id == 0x0006800f && !bytes.Equal(payload, data) {
			t.Errorf("attachment data = %q", payload)
		}
		ids = append(ids, id)
		p += 9 + n + 2
	}
	if len(ids) != 6 {
		t.Errorf("attributes %x, want 6", ids)
	}
}
