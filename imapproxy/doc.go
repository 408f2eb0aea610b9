// Package imapproxy owns every IMAP connection Tidings makes. It is the only
// package that imports go-imap: handlers see plain Go types (Mailbox,
// MessageSummary, MessageView) and typed errors, never protocol structs.
//
// A Pool keeps logged-in connections per browser session so that a page load
// costs one or two IMAP round trips instead of a dial, a TLS handshake and a
// LOGIN. Each connection is used by one request at a time, because the
// selected mailbox is connection state (RFC 9051 §5.5); a session may hold a
// few connections so that parallel requests (the page and its iframe body)
// do not queue behind each other.
package imapproxy
