package demo

import (
	"time"

	"github.com/emersion/go-imap/v2/imapserver"
)

// idlePoll is how often an IDLE-ing connection looks for mailbox updates.
const idlePoll = 100 * time.Millisecond

// session wraps imapmemserver's session to work around two beta.8 problems:
//
//   - It exposes only Session and Namespace, not Move: UID MOVE sends wrong
//     EXPUNGE numbers, so a client that sends MOVE although it is not
//     advertised gets BAD instead of a desynchronized mailbox.
//   - It replaces Idle. imapserver writes "+ idling" before the mailbox
//     tracker subscribes the session, and an update queued in that gap (a
//     delivery right after IDLE starts) waits for the next update. Polling
//     the queue instead loses nothing, at the cost of up to idlePoll latency.
type session struct {
	imapserver.SessionNamespace
}

// Idle writes pending mailbox updates (EXISTS, EXPUNGE, FETCH FLAGS) until
// stop is closed (RFC 2177).
func (s session) Idle(w *imapserver.UpdateWriter, stop <-chan struct{}) error {
	tick := time.NewTicker(idlePoll)
	defer tick.Stop()
	for {
		if err := s.Poll(w, true); err != nil {
			return err
		}
		select {
		case <-stop:
			return nil
		case <-tick.C:
		}
	}
}
