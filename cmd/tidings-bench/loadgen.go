package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"time"
)

// loadgenEnv carries a loadSpec (JSON) to the load-generator process: the
// benchmark binary (or the test binary, in the smoke test) re-executed.
const loadgenEnv = "TIDINGS_BENCH_LOADGEN"

// loadSpec is one throughput run.
type loadSpec struct {
	URL, Path      string
	User, Password string
	Concurrency    int
	Duration       time.Duration
}

// loadResult is what the load generator measured.
type loadResult struct {
	Requests, Errors int
	Seconds          float64
	Median, P95      time.Duration
	FirstError       string
}

func (r loadResult) RPS() float64 { return float64(r.Requests) / r.Seconds }

// runLoadgenProcess runs the load generator in its own process so that the client's CPU and garbage
// are not Tidings': on two cores they still share the machine, as a real
// browser on the same host would.
func runLoadgenProcess(ctx context.Context, spec loadSpec) (loadResult, error) {
	exe, err := os.Executable()
	if err != nil {
		return loadResult{}, err
	}
	js, _ := json.Marshal(spec)
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = append(os.Environ(), loadgenEnv+"="+string(js))
	cmd.SysProcAttr = childProcAttr()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return loadResult{}, fmt.Errorf("load generator: %v: %s", err, snippet(stderr.Bytes()))
	}
	var res loadResult
	if err := json.Unmarshal(out, &res); err != nil {
		return loadResult{}, fmt.Errorf("load generator output %q: %v", snippet(out), err)
	}
	return res, nil
}

// loadgenMain is the load generator process: it reads its spec from the
// environment, writes its loadResult as JSON to stdout and returns the
// exit code. ok is false when this process is not a load generator.
func loadgenMain() (code int, ok bool) {
	js := os.Getenv(loadgenEnv)
	if js == "" {
		return 0, false
	}
	var spec loadSpec
	if err := json.Unmarshal([]byte(js), &spec); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		return 2, true
	}
	res, err := generateLoad(context.Background(), spec)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		return 1, true
	}
	_ = json.NewEncoder(os.Stdout).Encode(res)
	return 0, true
}

// generateLoad signs in one session per worker (each its own cookies,
// like separate browsers), warms each, then has every worker request
// spec.Path back to back until spec.Duration has passed.
func generateLoad(ctx context.Context, spec loadSpec) (loadResult, error) {
	tr := newTransport(spec.Concurrency)
	defer tr.CloseIdleConnections()
	browsers := make([]*browser, spec.Concurrency)
	errs := make([]error, spec.Concurrency)
	var wg sync.WaitGroup
	for i := range browsers {
		browsers[i] = newBrowser(spec.URL, tr)
		wg.Go(func() {
			if errs[i] = browsers[i].login(ctx, spec.User, spec.Password); errs[i] == nil {
				// Two warm-up requests: the first selects the folder on
				// the session's fresh connection.
				for range 2 {
					if errs[i] = browsers[i].page(ctx, spec.Path, ""); errs[i] != nil {
						break
					}
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return loadResult{}, err
	}

	lat := make([]samples, spec.Concurrency)
	fails := make([]int, spec.Concurrency)
	firstErr := make([]string, spec.Concurrency)
	start := time.Now()
	deadline := start.Add(spec.Duration)
	for i, b := range browsers {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				t0 := time.Now()
				status, body, err := b.get(ctx, spec.Path)
				if err == nil && status != http.StatusOK {
					err = fmt.Errorf("status %d: %s", status, snippet(body))
				}
				if err != nil {
					fails[i]++
					if firstErr[i] == "" {
						firstErr[i] = err.Error()
					}
					continue
				}
				lat[i] = append(lat[i], time.Since(t0))
			}
		})
	}
	wg.Wait()
	res := loadResult{Seconds: time.Since(start).Seconds()}
	var all samples
	for i := range lat {
		all = append(all, lat[i]...)
		res.Errors += fails[i]
		if res.FirstError == "" {
			res.FirstError = firstErr[i]
		}
	}
	res.Requests = len(all)
	res.Median, res.P95 = all.median(), all.p95()
	return res, nil
}
