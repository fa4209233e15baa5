//go:build purego || !(amd64 || arm64)

package simdpool

// supported reports whether this machine and build can run isa: without
// assembly, none but the generic kernels.
func supported(isa ISA) bool { return false }
