//go:build !linux

package testsrv

import "syscall"

// sysProcAttr puts the server in its own process group when asked. Only
// Linux can also tie the server's life to the test binary's.
func sysProcAttr(ownGroup bool) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: ownGroup}
}
