//go:build purego

package main

// purego reports a build with the purego tag: generic Go kernels only.
const purego = true
