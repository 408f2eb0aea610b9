package handlers

import "testing"

// TestZipEntryNames: a sender's file names become plain, distinct entry
// names: no directories (zip slip), no control characters, never empty.
func TestZipEntryNames(t *testing.T) {
	taken := map[string]bool{}
	for _, tc := range []struct{ in, want string }{
		{"report.pdf", "report.pdf"},
		{"Report.PDF", "Report (2).PDF"},
		{"../../etc/passwd", "passwd"},
		{`..\..\windows\evil.exe`, "evil.exe"},
		{"a\x00b\nc.txt", "a_b_c.txt"},
		{"", "attachment-5"},
		{"..", "attachment-5 (2)"},
		{".hidden", "hidden"},
	} {
		if got := uniqueName(safeEntryName(tc.in, 5), taken); got != tc.want {
			t.Errorf("%q: %q, want %q", tc.in, got, tc.want)
		}
	}
}
