package message

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// sanitizeFilename makes a decoded file name safe to offer for download:
// valid UTF-8, no directory (both '/' and '\' separators), no control or
// bidirectional-override characters (which can disguise "exe.txt" as
// "txt.exe"), no "." or "..", at most maxFilenameRunes runes with the
// extension kept. It returns "" when nothing usable is left.
func sanitizeFilename(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = s[i+1:]
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || isBidiControl(r) {
			return -1
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if strings.Trim(s, ".") == "" {
		return ""
	}
	return truncateName(s, maxFilenameRunes)
}

func isBidiControl(r rune) bool {
	switch {
	case r == 0x061C, r == 0x200E, r == 0x200F:
		return true
	case 0x202A <= r && r <= 0x202E, 0x2066 <= r && r <= 0x2069:
		return true
	}
	return false
}

// truncateName shortens s to max runes, keeping a short extension.
func truncateName(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	ext := ""
	if i := strings.LastIndexByte(s, '.'); i > 0 && utf8.RuneCountInString(s[i:]) <= 16 {
		s, ext = s[:i], s[i:]
	}
	r := []rune(s)
	return string(r[:max-utf8.RuneCountInString(ext)]) + ext
}

// extensions maps common media types to the extension of a made-up name.
var extensions = map[string]string{
	"application/pdf":               ".pdf",
	"application/zip":               ".zip",
	"application/gzip":              ".gz",
	"application/json":              ".json",
	"application/xml":               ".xml",
	"application/msword":            ".doc",
	"application/rtf":               ".rtf",
	"application/ms-tnef":           ".dat",
	"application/pgp-keys":          ".asc",
	"application/ics":               ".ics",
	"application/postscript":        ".ps",
	"application/vnd.ms-excel":      ".xls",
	"application/vnd.ms-powerpoint": ".ppt",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   ".docx",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         ".xlsx",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
	"application/vnd.oasis.opendocument.text":                                   ".odt",
	"application/vnd.oasis.opendocument.spreadsheet":                            ".ods",
	"application/pkcs7-signature":                                               ".p7s",
	"application/x-pkcs7-signature":                                             ".p7s",
	"application/pkcs7-mime":                                                    ".p7m",
	"application/x-pkcs7-mime":                                                  ".p7m",
	"application/pgp-signature":                                                 ".asc",
	"application/pgp-encrypted":                                                 ".asc",
	"application/octet-stream":                                                  ".bin",
	"image/png":                                                                 ".png",
	"image/jpeg":                                                                ".jpg",
	"image/jpg":                                                                 ".jpg",
	"image/pjpeg":                                                               ".jpg",
	"image/gif":                                                                 ".gif",
	"image/webp":                                                                ".webp",
	"image/bmp":                                                                 ".bmp",
	"image/tiff":                                                                ".tif",
	"image/svg+xml":                                                             ".svg",
	"image/heic":                                                                ".heic",
	"audio/mpeg":                                                                ".mp3",
	"audio/wav":                                                                 ".wav",
	"audio/ogg":                                                                 ".ogg",
	"video/mp4":                                                                 ".mp4",
	"video/mpeg":                                                                ".mpeg",
	"text/plain":                                                                ".txt",
	"text/html":                                                                 ".html",
	"text/calendar":                                                             ".ics",
	"text/csv":                                                                  ".csv",
	"text/xml":                                                                  ".xml",
	"text/rfc822-headers":                                                       ".txt",
	"text/x-vcard":                                                              ".vcf",
	"text/vcard":                                                                ".vcf",
	"message/rfc822":                                                            ".eml",
	"message/global":                                                            ".eml",
	"message/delivery-status":                                                   ".txt",
	"message/disposition-notification":                                          ".txt",
}

// madeUpFilename names a part that has no name of its own.
func madeUpFilename(p *Part) string {
	switch p.ContentType {
	case "application/ms-tnef", "application/vnd.ms-tnef":
		return "winmail.dat"
	case "message/rfc822", "message/global":
		if p.Message != nil && p.Message.Subject != "" {
			subject := strings.NewReplacer("/", "_", `\`, "_").Replace(p.Message.Subject)
			if name := sanitizeFilename(truncateName(subject, 100)); name != "" {
				return name + ".eml"
			}
		}
		return "message.eml"
	case "message/delivery-status":
		return "delivery-status.txt"
	case "application/pgp-signature":
		return "signature.asc"
	case "application/pkcs7-signature", "application/x-pkcs7-signature":
		return "smime.p7s"
	case "application/pkcs7-mime", "application/x-pkcs7-mime":
		return "smime.p7m"
	}
	return "attachment-" + strings.ReplaceAll(p.Path, ".", "-") + extensions[p.ContentType]
}
