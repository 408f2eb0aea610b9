package testsrv

import "syscall"

// sysProcAttr asks the kernel to send the server SIGTERM when the test
// binary dies (a timeout panic, ^C, SIGKILL), when cleanups cannot run: a
// server left behind would hold its port and temporary directory.
// startDaemon keeps the forking thread alive for as long as the child.
func sysProcAttr(ownGroup bool) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: ownGroup, Pdeathsig: syscall.SIGTERM}
}
