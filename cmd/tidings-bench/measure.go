package main

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// samples are the timings of one side of one scenario.
type samples []time.Duration

// quantile is the nearest-rank q-quantile (0 < q <= 1); 0 when empty.
func (s samples) quantile(q float64) time.Duration {
	if len(s) == 0 {
		return 0
	}
	sorted := slices.Clone(s)
	slices.Sort(sorted)
	rank := int(q*float64(len(sorted)) + 0.999999)
	return sorted[min(max(rank, 1), len(sorted))-1]
}

func (s samples) median() time.Duration { return s.quantile(0.5) }

// pairedRatio is the median of a[i]/b[i]: each pair ran back to back, so
// a busy machine's slow moments fall on both, and this ratio is steadier
// than the ratio of the medians. 0 when there are no pairs.
func pairedRatio(a, b samples) float64 {
	n := min(len(a), len(b))
	if n == 0 {
		return 0
	}
	r := make([]float64, n)
	for i := range n {
		r[i] = float64(a[i]) / float64(b[i])
	}
	slices.Sort(r)
	if n%2 == 1 {
		return r[n/2]
	}
	return (r[n/2-1] + r[n/2]) / 2
}
func (s samples) p95() time.Duration { return s.quantile(0.95) }

// op is one timed operation. It returns an error when the answer is not
// what a user would have seen, so a fast error page never counts as a
// fast page.
type op func(ctx context.Context) error

// repeat says how many times to time each side.
type repeat struct {
	Reps    int           // at most
	MinReps int           // at least, even past Budget
	Budget  time.Duration // stop adding repetitions after this
	Warmup  int           // untimed runs of each side first
}

// measurePair times a and b (b may be nil) alternately; see measureRound.
func measurePair(ctx context.Context, r repeat, a, b op) (as, bs samples, err error) {
	ops := []op{a}
	if b != nil {
		ops = append(ops, b)
	}
	got, err := measureRound(ctx, r, ops...)
	if len(got) > 1 {
		bs = got[1]
	}
	return got[0], bs, err
}

// measureRound times ops in turn, each repetition starting one further
// along, so that a shared machine's slow moments fall on every op alike
// and none always runs right after the same other one. On a busy machine
// only numbers taken this way compare.
func measureRound(ctx context.Context, r repeat, ops ...op) ([]samples, error) {
	out := make([]samples, len(ops))
	for range r.Warmup {
		for i, o := range ops {
			if err := o(ctx); err != nil {
				return out, fmt.Errorf("warm-up of step %d: %w", i+1, err)
			}
		}
	}
	start := time.Now()
	for rep := 0; rep < r.Reps; rep++ {
		if rep >= r.MinReps && time.Since(start) > r.Budget {
			break
		}
		if err := ctx.Err(); err != nil {
			return out, err
		}
		for k := range ops {
			i := (rep + k) % len(ops)
			d, err := timed(ctx, ops[i])
			if err != nil {
				return out, err
			}
			out[i] = append(out[i], d)
		}
	}
	return out, nil
}

func timed(ctx context.Context, o op) (time.Duration, error) {
	t0 := time.Now()
	err := o(ctx)
	return time.Since(t0), err
}

// ms formats a duration in milliseconds with two decimals.
func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }
