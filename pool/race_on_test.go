//go:build race

package pool_test

// raceEnabled is set under the race detector, whose sync.Pool drops items
// at random: allocation counts are then meaningless.
const raceEnabled = true
