//go:build race

package web

// raceEnabled: the race detector inflates memory and slows goroutines,
// so TestLiveStreamMemory's numbers mean nothing under it.
const raceEnabled = true
