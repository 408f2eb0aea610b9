// Package submit turns what a person wrote into an Internet message and
// hands it to the organisation's mail server for delivery: addresses as
// typed (several, display names, IDN domains) parsed and checked, replies
// and forwards derived from the original (recipients, subject prefixes,
// threading headers, quoted text), the body encoded as format=flowed
// (RFC 3676), the MIME structure written with go-message (RFC 2047 header
// words, RFC 2231 file names), and SMTP submission (RFC 6409) with go-smtp,
// authenticated as the user.
//
// Nothing here knows about HTTP or IMAP sessions: handlers gather the
// pieces, imapproxy stores the copies in Sent and Drafts.
//
// Every header value is checked for line breaks and other control
// characters before anything is written: a field that carries one is
// refused, never cleaned, so no input can add a header of its own
// (header injection).
package submit
