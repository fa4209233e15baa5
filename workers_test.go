package simdpool

import (
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simdpool/simdpool/internal/race"
)

// TestRunOnSameResults runs random Programs of every op, in both layouts, on
// 1, 2, 3 and 7 workers and requires the outputs of Run, bit for bit.
func TestRunOnSameResults(t *testing.T) {
	for _, n := range []int{1, 2, 3, 7} {
		w, err := NewWorkers(n)
		require.NoError(t, err)
		defer w.Close()
		w.SetMinShare(0) // the geometries are small
		r := rand.New(rand.NewPCG(21, uint64(n)))
		for i := range 120 {
			g := randGeometry(r, i)
			g.Planes = 1 + r.IntN(12)
			if i%2 == 1 { // channels-last, mostly fewer images than units: RunOn's bands
				g.Channels = 1 + r.IntN(19)
				g.Planes = g.Channels * (1 + r.IntN(3))
			}
			c := newCase[float32](t, r, ops[i%4], g)
			src := make([]float32, c.prog.InputLen())
			fill(r, src, i%3 == 0)
			m := c.prog.OutputLen()
			want, got := make([]float32, m), make([]float32, m)
			var wi, gi []int64
			if c.prog.HasIndices() {
				wi, gi = make([]int64, m), make([]int64, m)
			}
			require.NoError(t, c.prog.Run(want, wi, src))
			require.NoError(t, c.prog.RunOn(w, got, gi, src))
			for k := range want {
				require.Equal(t, bitsOf(want[k]), bitsOf(got[k]), "%s on %d workers [%d]", c.name, n, k)
			}
			require.Equal(t, wi, gi, "%s on %d workers: indices", c.name, n)
		}
	}
}

// TestRunOnShared runs several Programs from 32 goroutines on one worker set
// (run it with -race).
func TestRunOnShared(t *testing.T) {
	w, err := NewWorkers(3)
	require.NoError(t, err)
	defer w.Close()
	w.SetMinShare(0)
	r := rand.New(rand.NewPCG(22, 23))
	var cases []opCase[float32]
	var srcs [][]float32
	var wants [][]float32
	for i := range 6 {
		g := randGeometry(r, i)
		g.Planes = 4 + r.IntN(8)
		c := newCase[float32](t, r, ops[i%4], g)
		src := make([]float32, c.prog.InputLen())
		fill(r, src, false)
		want := make([]float32, c.prog.OutputLen())
		var idx []int64
		if c.prog.HasIndices() {
			idx = make([]int64, len(want))
		}
		require.NoError(t, c.prog.Run(want, idx, src))
		cases, srcs, wants = append(cases, c), append(srcs, src), append(wants, want)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for gr := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 20 {
				i := (gr + k) % len(cases)
				c := cases[i]
				got := make([]float32, c.prog.OutputLen())
				var idx []int64
				if c.prog.HasIndices() {
					idx = make([]int64, len(got))
				}
				if err := c.prog.RunOn(w, got, idx, srcs[i]); err != nil {
					errs <- err
					return
				}
				for j := range got {
					if bitsOf(got[j]) != bitsOf(wants[i][j]) {
						errs <- &mismatch{c.name}
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}

type mismatch struct{ name string }

func (m *mismatch) Error() string { return m.name + ": RunOn differs from Run" }

// TestWorkersLifecycle checks the argument errors, that a closed set refuses
// to run, and that Close leaves no goroutine behind.
func TestWorkersLifecycle(t *testing.T) {
	for _, n := range []int{0, -1, -100} {
		_, err := NewWorkers(n)
		require.Error(t, err)
		require.Contains(t, err.Error(), "n must be at least 1")
	}
	before := runtime.NumGoroutine()
	w, err := NewWorkers(5)
	require.NoError(t, err)
	require.Equal(t, 5, w.Size())
	p, err := NewGlobalMax[float32](4, 8, false)
	require.NoError(t, err)
	dst, src := make([]float32, 4), make([]float32, 32)
	require.NoError(t, p.RunOn(w, dst, nil, src))
	require.ErrorIs(t, p.RunOn(w, dst[:3], nil, src), ErrLength)
	require.NoError(t, w.Close())
	require.NoError(t, w.Close())
	require.ErrorIs(t, p.RunOn(w, dst, nil, src), ErrWorkersClosed)
	require.NoError(t, p.RunOn(nil, dst, nil, src), "nil workers: Run")
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	require.LessOrEqual(t, runtime.NumGoroutine(), before, "goroutines left after Close")
}

// TestRunOnAllocs checks that runs on workers allocate nothing in steady
// state.
func TestRunOnAllocs(t *testing.T) {
	w, err := NewWorkers(2)
	require.NoError(t, err)
	defer w.Close()
	w.SetMinShare(0)
	g := Geometry{Planes: 8, D: Unit}
	g.H, _ = axisOf(32, 3, 2, 1, 1, false)
	g.W, _ = axisOf(32, 3, 2, 1, 1, false)
	for i, withIdx := range []bool{false, true, false, true} {
		g.Channels = 8 * (i / 2) // then one channels-last image: bands
		p, err := NewMax[float32](g, withIdx)
		require.NoError(t, err)
		src, dst := make([]float32, p.InputLen()), make([]float32, p.OutputLen())
		var idx []int64
		if withIdx {
			idx = make([]int64, p.OutputLen())
		}
		require.NoError(t, p.RunOn(w, dst, idx, src)) // warm the pools
		allocs := testing.AllocsPerRun(50, func() { _ = p.RunOn(w, dst, idx, src) })
		if !race.Enabled { // its sync.Pool drops items at random
			require.Zero(t, allocs, "RunOn allocates (with index: %v, channels %d)", withIdx, g.Channels)
		}
	}
}
