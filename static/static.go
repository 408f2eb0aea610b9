// Package static embeds the stylesheet, scripts and icons and serves them
// under content-hashed URLs (/static/{hash}/{name}), so browsers may cache
// them forever and a new release is fetched at once.
package static

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"time"
)

//go:embed css js img
var files embed.FS

type asset struct {
	data  []byte
	hash  string
	ctype string
}

// Assets is the set of embedded files with their hashes.
type Assets struct {
	byName map[string]asset
}

// New reads and hashes the embedded files.
func New() *Assets {
	a := &Assets{byName: map[string]asset{}}
	_ = fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		ctype := mime.TypeByExtension(path.Ext(p))
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		a.byName[p] = asset{data: data, hash: hex.EncodeToString(sum[:])[:12], ctype: ctype}
		return nil
	})
	return a
}

// URL returns the cache-busting URL of the embedded file name (e.g.
// "css/app.css"). It panics for a name that is not embedded: that is a
// programming error caught by every test that renders a page.
func (a *Assets) URL(name string) string {
	f, ok := a.byName[name]
	if !ok {
		panic("static: no embedded file " + name)
	}
	return "/static/" + f.hash + "/" + name
}

// ServeHTTP serves GET /static/{hash}/{name...}. A stale hash is a 404, not
// old content under a forever-cache header.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f, ok := a.byName[r.PathValue("name")]
	if !ok || f.hash != r.PathValue("hash") {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", f.ctype)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.data))
}
