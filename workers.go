package simdpool

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Workers is a set of goroutines that Programs run on (RunOn), created and
// owned by the caller: an inference server sizes one set for the cores it
// may use and shares it among all its plans and request goroutines, which
// bounds the cores all requests together take.
//
// A set of n workers runs a Program on up to n goroutines: the calling one
// and up to n-1 of the set's, those idle when the run starts (so concurrent
// runs share the set without waiting for each other: a run that finds no idle
// worker runs on its caller alone). The work is split into units fixed when
// the Program was made (batches of planes), which the goroutines take in turn;
// every output is computed by exactly one unit, the same way whatever the
// number of workers, so results are identical bit for bit for any n. Running
// allocates nothing in steady state.
type Workers struct {
	n      int
	share  atomic.Int64 // the least traffic a Program's run shares (SetMinShare)
	idle   chan *worker // the background workers not running a unit
	runs   sync.Pool    // *run, reused
	closed atomic.Bool
	once   sync.Once
	done   sync.WaitGroup // the background goroutines
}

// worker is one background goroutine of a set, woken with a run to help.
type worker struct {
	wake chan *run
}

// A Task is work split into units that Parallel runs on several goroutines:
// Unit(u) computes unit u and must be safe to call from several goroutines
// for different units.
type Task interface {
	Unit(u int)
}

// run is one Parallel call: the task, the next unit to take, and the
// workers helping that have not finished.
type run struct {
	t       Task
	units   int
	next    atomic.Int64
	helping atomic.Int32
}

// help takes units until none is left.
func (r *run) help() {
	for {
		u := int(r.next.Add(1) - 1)
		if u >= r.units {
			return
		}
		r.t.Unit(u)
	}
}

// ErrWorkersClosed is returned by RunOn on a closed worker set.
var ErrWorkersClosed = errors.New("simdpool: the worker set is closed")

// NewWorkers starts a set of n workers (n-1 background goroutines; the
// caller of a run is the n-th). Close stops them.
func NewWorkers(n int) (*Workers, error) {
	if n < 1 {
		return nil, fmt.Errorf("simdpool: NewWorkers: n must be at least 1, got %d", n)
	}
	w := &Workers{n: n, idle: make(chan *worker, n-1)}
	w.share.Store(defaultMinShare)
	for range n - 1 {
		wk := &worker{wake: make(chan *run, 1)}
		w.done.Add(1)
		go w.loop(wk)
		w.idle <- wk
	}
	return w, nil
}

// loop is a background worker: it helps each job it is woken with, then
// makes itself idle again; it ends when its wake channel is closed.
func (w *Workers) loop(wk *worker) {
	defer w.done.Done()
	for {
		r, ok := wk.next()
		if !ok {
			return
		}
		r.help()
		w.idle <- wk // idle before the run ends, so that the next run finds it
		r.helping.Add(-1)
	}
}

// spinTime is how long an idle worker polls for its next run before it
// blocks: a run handed over meanwhile starts at once, where waking a blocked
// goroutine takes tens of microseconds (more on a VM whose idle vCPU halts),
// as long as a whole run of a small plan. The thread pools of the peers spin
// likewise.
const spinTime = 100 * time.Microsecond

// next waits for the worker's next run (false: the set is closed), polling
// for spinTime first; it yields its core to other goroutines as it polls.
func (wk *worker) next() (*run, bool) {
	start := time.Now()
	for i := 1; ; i++ {
		select {
		case r, ok := <-wk.wake:
			return r, ok
		default:
		}
		if i%16 == 0 {
			if time.Since(start) > spinTime {
				break
			}
			runtime.Gosched()
		}
	}
	r, ok := <-wk.wake
	return r, ok
}

// Size is the number of goroutines a run may use (the caller's included).
func (w *Workers) Size() int { return w.n }

// Closed reports whether Close was called.
func (w *Workers) Closed() bool { return w.closed.Load() }

// Close stops the workers once the runs in progress are done; later runs
// return ErrWorkersClosed. Closing twice is harmless.
func (w *Workers) Close() error {
	w.once.Do(func() {
		w.closed.Store(true)
		for range w.n - 1 {
			close((<-w.idle).wake) // waits for a worker busy with a run
		}
		w.done.Wait()
	})
	return nil
}

// Parallel runs t's units [0, units) on the caller's goroutine and the
// workers of w idle at the call (at most units-1 of them), and returns when
// every unit is done. It allocates nothing in steady state.
func (w *Workers) Parallel(units int, t Task) {
	r, _ := w.runs.Get().(*run)
	if r == nil {
		r = &run{}
	}
	r.t, r.units = t, units
	r.next.Store(0)
	for k := min(w.n-1, units-1); k > 0 && !w.closed.Load(); k-- {
		select {
		case wk := <-w.idle:
			r.helping.Add(1)
			wk.wake <- r
		default:
			k = 0 // none idle: the caller does the rest
		}
	}
	r.help()
	// The helpers finish their last unit: wait by polling, as blocking would
	// make the last helper wake the caller (see spinTime).
	for r.helping.Load() != 0 {
		runtime.Gosched()
	}
	r.t = nil
	w.runs.Put(r)
}

// defaultMinShare is the least traffic (input plus output bytes) a
// Program's run shares among workers by default: below it, waking a worker
// costs about what it saves.
const defaultMinShare = 128 << 10

// Units returns how many units of whole planes a run of planes planes moving
// bytes bytes (input plus output) should be split into on w: 1 (run on the
// caller alone) for w nil or of one worker, one plane, or less traffic than
// SetMinShare's; else a few per worker.
func (w *Workers) Units(planes, bytes int) int {
	if w == nil || w.n == 1 || planes < 2 || int64(bytes) < w.share.Load() {
		return 1
	}
	return min(planes, unitsPerWorker*w.n)
}

// SetMinShare sets the least traffic (input plus output bytes) of a
// Program's run that its workers share: smaller runs run on their caller
// alone. The default is 128 KiB; 0 shares every run of two units or more.
func (w *Workers) SetMinShare(bytes int) { w.share.Store(int64(bytes)) }

// unitsPerWorker is how many units a run is split into per worker, so that
// workers that start late or run slower still share the work.
const unitsPerWorker = 4

// RunOn is Run on the workers w: it computes the same outputs, bit for bit,
// on up to w.Size() goroutines (the caller's and idle workers of w), each
// unit of work a run of whole planes. A run of one plane, or of less traffic
// than w's minimum (SetMinShare), runs on the caller alone; w nil is Run.
func (p *Program[T]) RunOn(w *Workers, dst []T, idx []int64, src []T) error {
	if w != nil && w.closed.Load() {
		return ErrWorkersClosed
	}
	bytes := (p.inLen + p.outLen) * size[T]()
	units := w.Units(p.Planes(), bytes)
	if cl := p.cl; cl != nil && !cl.exactOnly && len(cl.bands) > 2 && cl.images <= maxBatch &&
		units < w.Units(cl.images*(len(cl.bands)-1), bytes) {
		// Fewer channels-last images than units: bands of output rows.
		if err := p.check(dst, idx, src); err != nil || p.outLen == 0 {
			return err
		}
		p.runBands(w, dst, idx, src)
		return nil
	}
	if units == 1 {
		return p.Run(dst, idx, src)
	}
	if err := p.check(dst, idx, src); err != nil || p.outLen == 0 {
		return err
	}
	j, _ := p.jobs.Get().(*progJob[T])
	if j == nil {
		j = &progJob[T]{p: p}
	}
	j.dst, j.idx, j.src, j.per = dst, idx, src, (p.Planes()+units-1)/units
	w.Parallel((p.Planes()+j.per-1)/j.per, j)
	j.dst, j.idx, j.src = nil, nil, nil
	p.jobs.Put(j)
	return nil
}

// progJob is one RunOn of a Program: its slices, and the planes of a unit.
type progJob[T Elem] struct {
	p        *Program[T]
	dst, src []T
	idx      []int64
	per      int
}

// Unit computes the planes of unit u, with a scratch of its own.
func (j *progJob[T]) Unit(u int) {
	scr := j.p.getScratch()
	j.p.runPlanes(j.dst, j.idx, j.src, u*j.per, min((u+1)*j.per, j.p.Planes()), scr)
	j.p.putScratch(scr)
}
