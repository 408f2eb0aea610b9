package handlers

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/tidings-mail/tidings/imapproxy"
)

// memData is a UserData in a map.
type memData map[string][]byte

func (m memData) GetUser(_ context.Context, user, kind string) ([]byte, error) {
	return m[user+"/"+kind], nil
}

func (m memData) PutUser(_ context.Context, user, kind string, b []byte) error {
	m[user+"/"+kind] = b
	return nil
}

// noMetadata is a mail server that cannot keep settings.
type noMetadata struct{ SettingsStore }

func (noMetadata) Settings(context.Context) (imapproxy.Settings, error) {
	return imapproxy.Settings{}, imapproxy.ErrUnsupported
}

func (noMetadata) SetProfile(context.Context, string, string) error { return imapproxy.ErrUnsupported }

func (noMetadata) TrustSender(context.Context, string, bool) error { return imapproxy.ErrUnsupported }

// TestSettingsFallBack: a mail server without METADATA leaves the
// settings to Tidings' own store, with the same rules; without that
// store either, there are none.
func TestSettingsFallBack(t *testing.T) {
	ctx := context.Background()
	h := &Handler{UserData: memData{}}
	st := h.settingsFor(noMetadata{}, "robin")
	if err := st.SetProfile(ctx, " Robin ", "Robin\nNorthwind\n"); err != nil {
		t.Fatal(err)
	}
	if err := st.TrustSender(ctx, "News@Example.org", true); err != nil {
		t.Fatal(err)
	}
	s, err := h.settingsFor(noMetadata{}, "robin").Settings(ctx)
	if err != nil || s.FromName != "Robin" || s.Signature != "Robin\nNorthwind" || !slices.Equal(s.Trusted, []string{"news@example.org"}) {
		t.Errorf("read back %+v, %v", s, err)
	}
	if s, _ := h.settingsFor(noMetadata{}, "someone else").Settings(ctx); s.FromName != "" {
		t.Errorf("another user sees %+v", s)
	}
	if err := st.SetProfile(ctx, "a\nb", ""); !errors.Is(err, imapproxy.ErrInvalid) {
		t.Errorf("a bad name: %v", err)
	}
	none := (&Handler{}).settingsFor(noMetadata{}, "robin")
	if _, err := none.Settings(ctx); !errors.Is(err, imapproxy.ErrUnsupported) {
		t.Errorf("no store at all: %v", err)
	}
	if _, err := (&Handler{}).settingsFor(struct{}{}, "robin").Settings(ctx); !errors.Is(err, imapproxy.ErrUnsupported) {
		t.Errorf("a Mail that keeps nothing: %v", err)
	}
}

func TestStorageSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0 kB", 1536: "1.5 kB", 25 << 20: "25 MB", 100 << 30: "100 GB", 1288490188: "1.2 GB"} {
		if got := storageSize(n); got != want {
			t.Errorf("storageSize(%d) = %q, want %q", n, got, want)
		}
	}
}
