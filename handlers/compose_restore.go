package handlers

import (
	"context"
	"strconv"
	"strings"

	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/web/reqctx"
)

// draftToken names a saved draft in the compose form: its folder's
// UIDVALIDITY and its UID. The folder is not named: only the user's
// Drafts folder is ever reopened from a form.
func draftToken(ref *imapproxy.MessageRef) string {
	if ref == nil || ref.UID == 0 {
		return ""
	}
	return strconv.FormatUint(uint64(ref.UIDValidity), 10) + "." + strconv.FormatUint(uint64(ref.UID), 10)
}

func parseDraftToken(s string) (uidValidity, uid uint32, ok bool) {
	a, b, found := strings.Cut(s, ".")
	v, err1 := strconv.ParseUint(a, 10, 32)
	u, err2 := strconv.ParseUint(b, 10, 32)
	if !found || err1 != nil || err2 != nil || u == 0 {
		return 0, 0, false
	}
	return uint32(v), uint32(u), true
}

// restoreDraft refills c, a composition started afresh because the
// form's one was gone here (a restart, or another instance behind the
// same address), from the draft the form last saved: recipients,
// subject and text (the posted form goes over them), threading, the
// message it answers, and the attachments. The server is where the
// message survived; this makes that count. It reports whether the draft
// was found and read. Either way, when the draft exists, saving replaces
// it rather than adding a second copy to Drafts.
func (h *Handler) restoreDraft(ctx context.Context, cm composeMail, c *Composition, token string) bool {
	log := reqctx.Logger(ctx)
	uidValidity, uid, ok := parseDraftToken(token)
	if !ok {
		return false
	}
	drafts, err := cm.SpecialMailbox(ctx, imapproxy.UseDrafts)
	if err != nil {
		log.Info("lost composition: no Drafts folder to reopen it from", "err", err)
		return false
	}
	ev, err := cm.OpenForEdit(ctx, drafts, uid)
	if err != nil || ev.Ref.UIDValidity != uidValidity {
		// Sent or discarded meanwhile, or Drafts was rebuilt: the UID
		// names nothing of this message any more.
		log.Info("lost composition: its draft is gone", "err", err)
		return false
	}
	c.kind = kindDraft
	f := c.Fields
	if err := h.reopenDraft(ctx, cm, c, ev, &f); err != nil {
		log.Warn("lost composition: its draft could not be read back", "err", err)
		c.removeFiles()
		c.Attachments, c.inReplyTo, c.references, c.origin = nil, "", nil, nil
		ref := ev.Ref
		c.draft = &ref
		return false
	}
	c.Fields = f
	return true
}
