// Package simdpool holds the kernels behind the pooling operators of package
// github.com/simdpool/simdpool/pool: the pure-Go generic kernels, which run on
// every GOARCH and are the test oracle, and the SIMD kernels picked at run time.
//
// Most users want package pool, which validates arguments and plans the work.
// Here a Program (NewMax, NewAvg, NewLp, NewGlobalMax, NewGlobalMean) is the
// prepared kernel work of one operator for one Geometry: the kernels of the
// table (table.go) chosen for the ISA in use when it is made, their argument
// blocks, the batches of planes. A Geometry with Channels set lays its planes
// out channels-last, as images of (D, H, W, Channels) (with
// NewGlobalMaxChannelsLast and NewGlobalMeanChannelsLast for global pooling):
// its Programs run the channels-last kernels, vectorised over the channels
// (chanlast.go, chanargs.go), and give the channels-first results bit for
// bit. Run checks the slice lengths and walks it;
// RunOn shares it among Workers. The kernels trust their argument blocks and
// never read or write outside the slices, which the Program built from a
// Geometry it checked.
//
// The environment variable SIMDPOOL_ISA (generic, avx2, avx512 or neon) forces an
// instruction set (empty means unset); naming one this machine or build cannot
// run is reported by ISAError, and package pool refuses to plan while it is set.
// Use switches the ISA for the Programs made after it (tests and benchmarks);
// those made before keep theirs.
package simdpool
