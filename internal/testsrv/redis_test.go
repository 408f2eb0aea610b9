package testsrv

import (
	"bufio"
	"net"
	"testing"
	"time"
)

func TestRedis(t *testing.T) {
	t.Parallel()
	addr := StartRedis(t)
	conn, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	// RESP: an array of one bulk string.
	if _, err := conn.Write([]byte("*1\r\n$4\r\nPING\r\n")); err != nil {
		t.Fatal(err)
	}
	reply, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	if reply != "+PONG\r\n" {
		t.Errorf("PING: %q, want +PONG", reply)
	}
}
