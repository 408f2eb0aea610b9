package imapproxy

import "context"

// Copy copies the selected messages of from to the target folder with one
// UID COPY (RFC 9051 §6.4.7). It is not retried: a copy that reached the
// server before the connection broke would be made twice.
func (s *Session) Copy(ctx context.Context, from string, sel Selection, to Target) (Result, error) {
	var res Result
	err := s.write(ctx, "copy messages", func(cn *conn) error {
		dest, err := cn.resolve(to)
		if err != nil {
			return err
		}
		res.To = dest
		n, err := cn.openFor(from, sel, "copy messages")
		if err != nil || sel.countOf(n) == 0 {
			return err
		}
		data, err := cn.c.Copy(sel.set(), dest).Wait()
		if err != nil {
			return err
		}
		res.Count = sel.countOf(n)
		if c, ok := uidCount(data.SourceUIDs); ok {
			res.Count = c
		}
		return nil
	})
	return res, err
}
