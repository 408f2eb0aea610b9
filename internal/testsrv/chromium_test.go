package testsrv

import (
	"os"
	"testing"
)

func TestChromiumPath(t *testing.T) {
	t.Parallel()
	p := ChromiumPath(t)
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if fi.IsDir() || fi.Mode()&0o111 == 0 {
		t.Errorf("%s is not an executable file (mode %v)", p, fi.Mode())
	}
}
