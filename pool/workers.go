package pool

import (
	"sync"
	"unsafe"

	"github.com/simdpool/simdpool"
)

// Workers is a set of goroutines that plans run on (RunOn): the caller
// creates it, sized for the cores it may use, and shares it among all its
// plans and goroutines. A run on n workers uses the calling goroutine and up
// to n-1 of the set's that are idle when it starts; its results are those of
// Run bit for bit, whatever n (every output is computed by one unit of work,
// the same way). Runs too small to gain from sharing run on the caller
// alone. See simdpool.Workers.
type Workers = simdpool.Workers

// NewWorkers starts a set of n workers (n >= 1; the caller of a run is one of
// them, so n = 1 starts no goroutine). Close it when done.
func NewWorkers(n int) (*Workers, error) {
	if n < 1 {
		return nil, errorf("NewWorkers", "n", "must be at least 1, got %d", n)
	}
	return simdpool.NewWorkers(n)
}

// checkWorkers refuses a closed worker set (nil is the caller alone).
func checkWorkers(op string, w *Workers) error {
	if w != nil && w.Closed() {
		return errorf(op, "workers", "are closed")
	}
	return nil
}

// goKernel turns a pure-Go operator on the planes [lo, hi) into a
// kernelFunc, whose runs on workers share the planes (see Workers.Units;
// bytes is a run's traffic).
func goKernel[T Float](name string, planes, bytes int, f func(dst []T, idx []int64, src []T, lo, hi int)) kernel[T] {
	tasks := taskPool(func(a *planeRun[T], u int) {
		f(a.dst, a.idx, a.src, u*a.per, min((u+1)*a.per, planes))
	})
	return kernel[T]{names: []string{name}, run: func(w *Workers, dst []T, idx []int64, src []T) error {
		units := w.Units(planes, bytes)
		per := (planes + units - 1) / units
		parallelRun(w, tasks, (planes+per-1)/per, planeRun[T]{dst, src, idx, per})
		return nil
	}}
}

// planeRun is the arguments of a run of a goKernel: its slices and the planes
// of a unit.
type planeRun[T Float] struct {
	dst, src []T
	idx      []int64
	per      int
}

// nothing is the kernel of an operator with an empty output.
func nothing[T Float]() kernel[T] {
	return kernel[T]{run: func(*Workers, []T, []int64, []T) error { return nil }}
}

// size is the size in bytes of a T.
func size[T Float]() int {
	var x T
	return int(unsafe.Sizeof(x))
}

// runTask is a run of a plan split into units: unit u is f(&a, u), a holding
// the run's arguments.
type runTask[A any] struct {
	f func(a *A, u int)
	a A
}

func (t *runTask[A]) Unit(u int) { t.f(&t.a, u) }

// taskPool returns a pool of the tasks of f (made once per plan: a method
// value per run would allocate).
func taskPool[A any](f func(a *A, u int)) *sync.Pool {
	return &sync.Pool{New: func() any { return &runTask[A]{f: f} }}
}

// parallelRun runs the units [0, units) of a task of tasks (a taskPool) with
// the arguments a, on w (nil: on the caller), allocating nothing in steady
// state.
func parallelRun[A any](w *Workers, tasks *sync.Pool, units int, a A) {
	t := tasks.Get().(*runTask[A])
	t.a = a
	if units < 2 {
		for u := range units {
			t.f(&t.a, u)
		}
	} else {
		w.Parallel(units, t)
	}
	var zero A
	t.a = zero
	tasks.Put(t)
}
