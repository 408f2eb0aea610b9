package main

import "syscall"

// childProcAttr has the kernel stop a child (load generator, tidings
// server) when the benchmark dies without cleaning up.
func childProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}

// flushDisk writes dirty pages out (sync(2)), so that the kernel's
// writeback of freshly seeded mail does not land in the first timings.
func flushDisk() { syscall.Sync() }
