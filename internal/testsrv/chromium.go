package testsrv

import (
	"os/exec"
	"testing"
)

// chromiumNames are the names a Chromium-based browser is installed
// under, in order of preference.
var chromiumNames = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// ChromiumPath returns the path of a Chromium (or Chrome) binary for
// browser tests. It skips the test (fails in CI) when none is installed.
func ChromiumPath(t testing.TB) string {
	t.Helper()
	for _, name := range chromiumNames {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	unavailable(t, "chromium not installed: apt-get install chromium")
	return ""
}
