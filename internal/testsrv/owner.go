package testsrv

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"sync"
	"testing"
	"time"
)

// mailUserName is the system user that owns the mail when tests run as
// root. Dovecot refuses to deliver as root, and a dedicated user keeps test
// mail away from any real account.
const mailUserName = "tidingsmail"

// account is a Unix user a server runs as or stores files as.
type account struct {
	Name     string
	UID, GID int
}

// chown gives path to a, when we are root and a is someone else.
func (a account) chown(path string) error {
	if os.Geteuid() != 0 || a.UID == 0 {
		return nil
	}
	return os.Lchown(path, a.UID, a.GID)
}

var (
	mailOwnerOnce sync.Once
	mailOwnerAcct account
	mailOwnerErr  error
)

// mailOwner returns the account that owns the test mail: tidingsmail
// (created with useradd when missing) when running as root, else the
// current user.
func mailOwner(t testing.TB) account {
	t.Helper()
	mailOwnerOnce.Do(func() { mailOwnerAcct, mailOwnerErr = findMailOwner() })
	if mailOwnerErr != nil {
		t.Fatalf("testsrv: mail user: %v", mailOwnerErr)
	}
	return mailOwnerAcct
}

func findMailOwner() (account, error) {
	if os.Geteuid() != 0 {
		return currentAccount()
	}
	if a, err := lookupAccount(mailUserName); err == nil {
		return a, nil
	}
	useradd, err := exec.LookPath("useradd")
	if err != nil {
		useradd = "/usr/sbin/useradd"
	}
	// Test binaries of several packages may race to create the user:
	// useradd then fails for all but one, so look the user up again.
	var out []byte
	for range 5 {
		out, err = exec.Command(useradd, "--system", "--user-group", "--no-create-home",
			"--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", mailUserName).CombinedOutput()
		if a, lerr := lookupAccount(mailUserName); lerr == nil {
			return a, nil
		}
		time.Sleep(200 * time.Millisecond)
	}
	return account{}, fmt.Errorf("useradd %s: %v: %s", mailUserName, err, out)
}

func currentAccount() (account, error) {
	u, err := user.Current()
	if err != nil {
		return account{}, err
	}
	a := account{Name: u.Username, UID: os.Getuid(), GID: os.Getgid()}
	if a.Name == "" {
		return account{}, errors.New("current user has no name")
	}
	return a, nil
}

func lookupAccount(name string) (account, error) {
	u, err := user.Lookup(name)
	if err != nil {
		return account{}, err
	}
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return account{}, err
	}
	gid, err := strconv.Atoi(u.Gid)
	if err != nil {
		return account{}, err
	}
	return account{Name: u.Username, UID: uid, GID: gid}, nil
}

// groupName returns the name of group gid, or the number when it has none.
func groupName(gid int) string {
	if g, err := user.LookupGroupId(strconv.Itoa(gid)); err == nil {
		return g.Name
	}
	return strconv.Itoa(gid)
}
