package message

// SafeFilename is the name to offer when downloading the part at path with
// media type contentType, given the raw (already decoded) name the
// message declared: the same cleaning Parse applies, and the same made-up
// name when there is none, so a download is called what the attachment
// list said.
func SafeFilename(name, contentType, path string) string {
	if n := sanitizeFilename(name); n != "" {
		return n
	}
	return madeUpFilename(&Part{Path: path, ContentType: contentType})
}
