//go:build tools

package main

// The generator loads the root package's types (avo's Package) without
// compiling it; this import keeps the root module in go.mod for go mod tidy.
import _ "github.com/simdpool/simdpool"
