package imapproxy

import "github.com/emersion/go-imap/v2/imapclient"

// Short names for go-imap's FETCH item types, used in type switches.
type (
	imapclientFlags = imapclient.FetchItemDataFlags
	imapclientSize  = imapclient.FetchItemDataRFC822Size
	imapclientBody  = imapclient.FetchItemDataBodySection
	imapclientBS    = imapclient.FetchItemDataBodyStructure
	imapclientUID   = imapclient.FetchItemDataUID
)
