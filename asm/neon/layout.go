package main

import (
	"fmt"
	"go/constant"
	"go/types"

	"golang.org/x/tools/go/packages"
)

// rootPkg is the package whose kernels this command generates.
const rootPkg = "github.com/simdpool/simdpool"

// layout is what the kernels need to know of the root package: the byte
// offset of every field of winArgs and chanArgs on arm64 and the values of the integer
// constants they depend on (postAvg ..., maxTaps), both read from the
// package's declarations, so that the Go side stays their one source.
type layout struct {
	off    map[string]int // winArgs
	coff   map[string]int // chanArgs
	consts map[string]int64
}

// loadLayout type-checks the root package for arm64 (with -tags purego, so
// that it does not depend on the generated files it is about to replace).
func loadLayout() (*layout, error) {
	cfg := &packages.Config{
		Mode:       packages.NeedName | packages.NeedTypes | packages.NeedSyntax | packages.NeedTypesInfo, // from source: export data omits unexported constants
		BuildFlags: []string{"-tags=purego"},
		Env:        append(environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0"),
	}
	pkgs, err := packages.Load(cfg, rootPkg)
	if err != nil {
		return nil, err
	}
	if len(pkgs) != 1 || len(pkgs[0].Errors) > 0 {
		return nil, fmt.Errorf("neon: loading %s: %v", rootPkg, pkgs[0].Errors)
	}
	scope := pkgs[0].Types.Scope()
	l := &layout{off: map[string]int{}, coff: map[string]int{}, consts: map[string]int64{}}
	for name, off := range map[string]map[string]int{"winArgs": l.off, "chanArgs": l.coff} {
		obj := scope.Lookup(name)
		if obj == nil {
			return nil, fmt.Errorf("neon: %s has no %s", rootPkg, name)
		}
		st, ok := obj.Type().Underlying().(*types.Struct)
		if !ok {
			return nil, fmt.Errorf("neon: %s is not a struct", name)
		}
		sizes := types.SizesFor("gc", "arm64")
		fields := make([]*types.Var, st.NumFields())
		for i := range fields {
			fields[i] = st.Field(i)
		}
		offs := sizes.Offsetsof(fields)
		for i, f := range fields {
			off[f.Name()] = int(offs[i])
		}
	}
	for _, name := range []string{"postAvg", "postSuccessive", "postLp1", "postLp2", "maxTaps", "maxEdges"} {
		c, ok := scope.Lookup(name).(*types.Const)
		if !ok {
			return nil, fmt.Errorf("neon: %s has no constant %s", rootPkg, name)
		}
		v, exact := constant.Int64Val(c.Val())
		if !exact {
			return nil, fmt.Errorf("neon: %s is not an integer", name)
		}
		l.consts[name] = v
	}
	return l, nil
}

// field returns the byte offset of a winArgs field (of its first element
// for an array).
func (l *layout) field(name string) int {
	o, ok := l.off[name]
	if !ok {
		panic("neon: winArgs has no field " + name)
	}
	return o
}

// cfield returns the byte offset of a chanArgs field (of its first element
// for an array).
func (l *layout) cfield(name string) int {
	o, ok := l.coff[name]
	if !ok {
		panic("neon: chanArgs has no field " + name)
	}
	return o
}

// c returns an integer constant of the root package.
func (l *layout) c(name string) int64 {
	v, ok := l.consts[name]
	if !ok {
		panic("neon: no constant " + name)
	}
	return v
}
