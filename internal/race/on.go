//go:build race

// Package race reports whether the race detector is on: its sync.Pool drops
// items at random, so tests skip their allocation counts under it.
package race

// Enabled is true under the race detector.
const Enabled = true
