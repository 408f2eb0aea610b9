package imapproxy

import (
	"context"

	"github.com/emersion/go-imap/v2"
)

// Quota is how much of the user's storage is used, in bytes, and the
// limit (0: none known).
type Quota struct {
	Used, Limit int64
}

// Quota asks the storage quota of the user's INBOX (GETQUOTAROOT, RFC
// 9208 §4.3; STORAGE counts units of 1,024 bytes, §5.1), summed over its
// roots. It is ErrUnsupported when the server has no QUOTA.
func (s *Session) Quota(ctx context.Context) (Quota, error) {
	var q Quota
	err := s.read(ctx, "read quota", func(cn *conn) error {
		if !cn.has(imap.CapQuota) {
			return refused(ErrUnsupported, "read quota", nil)
		}
		roots, err := cn.c.GetQuotaRoot("INBOX").Wait()
		if err != nil {
			return err
		}
		for _, r := range roots {
			if st, ok := r.Resources[imap.QuotaResourceStorage]; ok {
				q.Used += st.Usage * 1024
				q.Limit += st.Limit * 1024
			}
		}
		return nil
	})
	return q, err
}
