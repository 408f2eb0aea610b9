package handlers

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/tidings-mail/tidings/imapproxy"
)

// watcher serves the streams of one session that show one folder, with
// one FolderWatch. Its goroutine (run) owns the watch: it waits for news,
// asks the server about the rows the streams show, and sends each stream
// what changed for it.
type watcher struct {
	l    *Live
	poke chan struct{} // a stream joined, or the folder changed
	quit chan struct{} // closed by the hub when the watcher lingered out

	// Guarded by Live.mu.
	key     watchKey
	mail    Mail
	subs    []*stream
	gen     int // bumped when subs change, so a stale linger timer does nothing
	stopped bool

	// The goroutine's own.
	fw       FolderWatch
	watching string
	boxes    []imapproxy.Mailbox // the sidebar's folders, as last listed
	listed   time.Time
	lastOpen time.Time
	lastSync time.Time
	// modSeq is the ModSeq of the last sync that asked about every
	// stream's rows: what changed since is all a sync needs to ask
	// (imapproxy.SyncQuery.ChangedSince). 0 after the watch opens or
	// moves to another folder.
	modSeq uint64
}

// join adds st to the watcher of (sid, mailbox), starting one, or moving
// the session's lingering one to this folder.
func (l *Live) join(sid, mailbox string, m Mail, st *stream) (*watcher, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, errLiveClosed
	}
	if l.perSID[sid] >= maxStreamsPerSession {
		return nil, errTooManyStreams
	}
	l.perSID[sid]++
	key := watchKey{sid, mailbox}
	w := l.watchers[key]
	if w == nil {
		if lw := l.lingering[sid]; lw != nil {
			// The session's last page showed another folder: its
			// connection moves here (FolderWatch.Switch) instead of a
			// new login.
			delete(l.watchers, lw.key)
			lw.key, w = key, lw
		} else {
			w = &watcher{l: l, key: key, poke: make(chan struct{}, 1), quit: make(chan struct{})}
			l.wg.Add(1)
			go w.run()
		}
		l.watchers[key] = w
	}
	if l.lingering[sid] == w {
		delete(l.lingering, sid)
	}
	w.mail = m
	w.subs = append(w.subs, st)
	w.gen++
	select {
	case w.poke <- struct{}{}:
	default:
	}
	return w, nil
}

var (
	errLiveClosed     = errors.New("live updates: shutting down")
	errTooManyStreams = errors.New("live updates: too many streams for one session")
)

// leave removes st; the watcher's last stream leaving starts its linger.
func (l *Live) leave(w *watcher, st *stream) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.perSID[w.key.sid]--; l.perSID[w.key.sid] <= 0 {
		delete(l.perSID, w.key.sid)
	}
	i := slices.Index(w.subs, st)
	if i < 0 {
		return
	}
	w.subs = slices.Delete(w.subs, i, i+1)
	if len(w.subs) > 0 || w.stopped {
		return
	}
	w.gen++
	gen := w.gen
	l.lingering[w.key.sid] = w // an older one still expires on its own timer
	time.AfterFunc(l.Config.Linger, func() { l.expire(w, gen) })
}

// expire stops w if no stream joined it since it began to linger.
func (l *Live) expire(w *watcher, gen int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if w.stopped || w.gen != gen || len(w.subs) > 0 {
		return
	}
	l.forgetLocked(w)
	close(w.quit)
}

func (l *Live) forgetLocked(w *watcher) {
	w.stopped = true
	if l.watchers[w.key] == w {
		delete(l.watchers, w.key)
	}
	if l.lingering[w.key.sid] == w {
		delete(l.lingering, w.key.sid)
	}
}

// settle is how long the watcher waits after the first sign of news for
// the rest of a burst (an EXPUNGE of many messages, a FETCH per flag).
const settle = 25 * time.Millisecond

func (w *watcher) run() {
	defer w.l.wg.Done()
	refresh := time.NewTicker(w.l.Config.Refresh)
	defer refresh.Stop()
	var retry <-chan time.Time
	backoff := time.Second
	for {
		if w.fw == nil && retry == nil {
			switch err := w.open(); {
			case err == nil:
				backoff = time.Second
				w.sync(syncAll | syncList)
			case errors.Is(err, imapproxy.ErrClosed), w.l.ctx.Err() != nil:
				w.stop("")
				return
			case fatal(err):
				w.l.h.Log.Info("live updates stopped", "err", err)
				w.stop("stop")
				return
			default:
				w.l.h.Log.Debug("live updates: cannot watch yet", "err", err, "retry", backoff)
				retry = time.After(backoff)
				backoff = min(2*backoff, time.Minute)
			}
		}
		var changed, done <-chan struct{}
		if w.fw != nil {
			changed, done = w.fw.Changed(), w.fw.Done()
		}
		select {
		case <-w.l.ctx.Done():
			w.stop("")
			return
		case <-w.quit:
			w.stop("")
			return
		case <-retry:
			retry = nil
		case <-w.poke:
			if w.fw == nil {
				if time.Since(w.lastOpen) > time.Second {
					retry = nil // a new page is a good moment to try again
				}
				continue
			}
			if w.follow() {
				// Only the new streams: news for the others comes as
				// Changed, which a sync here does not consume.
				w.sync(syncNew | w.listDue())
			}
		case <-changed:
			time.Sleep(settle)
			select {
			case <-w.fw.Changed():
			default:
			}
			w.sync(syncAll)
		case <-refresh.C:
			// IDLE reports the rows' changes; the timer is for the
			// counts of the INBOX when another folder is watched, the
			// folder list, and proof that the connection lives.
			if w.fw != nil && (!strings.EqualFold(w.watching, "INBOX") || time.Since(w.lastSync) >= w.l.Config.ListEvery) {
				w.sync(syncCounts | w.listDue())
			}
		case <-done:
			err := w.fw.Err()
			w.fw = nil
			if errors.Is(err, imapproxy.ErrClosed) {
				w.stop("") // logged out, or the pool closed
				return
			}
			retry = time.After(backoff)
		}
	}
}

// fatal errors stop the watcher and tell the page not to reconnect:
// trying again would fail the same way (and a wrong password, again and
// again, may lock the account).
func fatal(err error) bool {
	return errors.Is(err, imapproxy.ErrAuthFailed) || errors.Is(err, imapproxy.ErrNoMailbox) || errors.Is(err, errNoLive)
}

// target is the folder the watcher should watch and its session's Mail.
func (w *watcher) target() (string, Mail) {
	w.l.mu.Lock()
	defer w.l.mu.Unlock()
	return w.key.mailbox, w.mail
}

func (w *watcher) open() error {
	w.lastOpen = time.Now()
	mailbox, mail := w.target()
	ctx, cancel := context.WithTimeout(w.l.ctx, time.Minute)
	defer cancel()
	fw, err := w.l.Open(ctx, mail, mailbox)
	if err != nil {
		return err
	}
	w.fw, w.watching, w.modSeq = fw, mailbox, 0
	return nil
}

// follow switches the watch to the folder the hub moved the watcher to,
// if it did. It reports whether the watch is still there.
func (w *watcher) follow() bool {
	mailbox, _ := w.target()
	if mailbox == w.watching {
		return true
	}
	if err := w.fw.Switch(w.l.ctx, mailbox); err != nil {
		w.fw = nil // Switch ended it; the loop opens a new one
		return false
	}
	w.watching, w.modSeq = mailbox, 0
	return true
}

// stop ends the watcher: its streams end (after event, if not ""), its
// watch closes.
func (w *watcher) stop(event string) {
	w.l.mu.Lock()
	if !w.stopped {
		w.l.forgetLocked(w)
	}
	subs := w.subs
	w.subs = nil
	w.l.mu.Unlock()
	for _, st := range subs {
		if event != "" {
			st.send(frame("", event, ""))
		}
		st.close()
	}
	if w.fw != nil {
		w.fw.Close()
		w.fw = nil
	}
}

func (w *watcher) streams() []*stream {
	w.l.mu.Lock()
	defer w.l.mu.Unlock()
	return slices.Clone(w.subs)
}
