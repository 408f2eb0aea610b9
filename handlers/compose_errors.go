package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/tidings-mail/tidings/imapproxy/submit"
)

// sendErrorText maps a failed submission to a status and what the user
// reads: what happened, what to do. The server's own words stay in the
// log; only the addresses the user typed are repeated.
func sendErrorText(err error) (int, string) {
	var se *submit.SendError
	errors.As(err, &se)
	later := ""
	if se != nil && se.Temporary {
		later = " The refusal is temporary: try again in a few minutes."
	}
	switch {
	case errors.Is(err, submit.ErrRecipientRefused):
		var who []string
		if se != nil {
			who = se.Recipients
		}
		return http.StatusUnprocessableEntity, fmt.Sprintf("Your message was not sent: the mail server refused %s. Check the address and try again.%s",
			recipientList(who, "this recipient", "these recipients"), later)
	case errors.Is(err, submit.ErrAuthFailed):
		return http.StatusBadGateway, "Your message was not sent: the mail server for sending did not accept your password. If you changed it recently, sign out and sign in again."
	case errors.Is(err, submit.ErrSenderRefused):
		return http.StatusUnprocessableEntity, "Your message was not sent: the mail server does not let you send from your address." + later
	case errors.Is(err, submit.ErrTooLarge):
		msg := "Your message was not sent: it is too large for the mail server."
		if se != nil && se.Limit > 0 {
			msg = fmt.Sprintf("Your message was not sent: it is too large for the mail server, which takes at most %s.", humanSize(se.Limit))
		}
		return http.StatusRequestEntityTooLarge, msg + " Remove an attachment, or share large files as a link."
	case errors.Is(err, submit.ErrMessageRefused):
		return http.StatusUnprocessableEntity, "Your message was not sent: the mail server refused its content." + later
	case errors.Is(err, submit.ErrTimeout):
		return http.StatusGatewayTimeout, "Your message was not sent: the mail server for sending did not answer in time. Please try again in a moment."
	case errors.Is(err, submit.ErrTLS):
		return http.StatusBadGateway, "Your message was not sent: Tidings could not set up a secure connection to the mail server for sending. Tell your administrator the reference below."
	case errors.Is(err, submit.ErrUnavailable):
		return http.StatusServiceUnavailable, "Your message was not sent: Tidings cannot reach the mail server for sending right now. Please try again in a moment."
	}
	return http.StatusBadGateway, "Your message was not sent: the mail server for sending reported a problem." + later + " If it keeps failing, tell your administrator the reference below."
}

// recipientList names the addresses after "this recipient: a" or "these
// recipients: a, b".
func recipientList(addrs []string, one, many string) string {
	switch len(addrs) {
	case 0:
		return "a recipient"
	case 1:
		return one + " (" + addrs[0] + ")"
	}
	return many + " (" + strings.Join(addrs, ", ") + ")"
}
