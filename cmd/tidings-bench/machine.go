package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"
)

// machine describes where the numbers were taken: on a shared two-core
// machine they mean little without it.
type machine struct {
	Date, CPU, Memory, Kernel, Go, Dovecot string
	CPUs                                   int
	LoadStart, LoadEnd                     string
}

func describeMachine(dovecotVersion string) machine {
	m := machine{
		Date:    time.Now().UTC().Format("2006-01-02 15:04 MST"),
		CPUs:    runtime.NumCPU(),
		CPU:     procField("/proc/cpuinfo", "model name"),
		Memory:  memTotal(),
		Go:      runtime.Version(),
		Dovecot: dovecotVersion,
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = "Linux " + strings.TrimSpace(string(b))
	}
	m.LoadStart = loadAvg()
	return m
}

// loadAvg is the 1, 5 and 15 minute load average.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// load1 is the 1-minute load average, 0 when unknown.
func load1(avg string) float64 {
	var v float64
	_, _ = fmt.Sscan(avg, &v)
	return v
}

// procField returns the value of the first "key: value" line of a /proc
// file.
func procField(path, key string) string {
	f, err := os.Open(path)
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		k, v, ok := strings.Cut(s.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// memTotal is the machine's memory in GiB.
func memTotal() string {
	var kb float64
	if _, err := fmt.Sscan(procField("/proc/meminfo", "MemTotal"), &kb); err != nil {
		return "unknown"
	}
	return fmt.Sprintf("%.1f GiB", kb/(1<<20))
}
