package testsrv

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

const redisMissing = "redis-server not installed: apt-get install redis-server"

// StartRedis starts a redis-server on a free loopback port, with no
// persistence and its files in a temporary directory, and returns its
// address (127.0.0.1:port). The server is stopped when the test ends.
func StartRedis(t testing.TB) (addr string) {
	t.Helper()
	bin := lookBinary(t, "redis-server", redisMissing)
	dir := t.TempDir()
	logPath := filepath.Join(dir, "redis.log")
	for attempt := 0; ; attempt++ {
		port := freePorts(t, 1)[0]
		addr = loopback(port)
		proc, err := startDaemon(filepath.Join(dir, "redis.out"), daemonOptions{ownGroup: true}, bin,
			"--bind", "127.0.0.1",
			"--port", fmt.Sprint(port),
			"--dir", dir,
			"--logfile", logPath,
			"--save", "",
			"--appendonly", "no",
			"--daemonize", "no",
		)
		if err != nil {
			t.Fatalf("testsrv: starting redis-server: %v", err)
		}
		err = waitReady(proc, readyTimeout, []string{addr}, nil)
		if err == nil {
			t.Cleanup(func() { proc.stop(10 * time.Second) })
			return addr
		}
		proc.stop(5 * time.Second)
		if attempt < 3 && addrInUse(logTail(logPath, 5)) {
			continue
		}
		t.Fatalf("testsrv: starting redis-server: %v\n%s", err, logTail(logPath, 20))
	}
}
