package main

import (
	"fmt"
	"strings"

	"github.com/simdpool/simdpool"
	"github.com/simdpool/simdpool/internal/suite"
	"github.com/simdpool/simdpool/pool"
)

// timed is a case as bench times it, in one pass: its traffic, the ISAs it
// runs with and, for each, a run on the workers w.
type timed struct {
	bytes  int64
	isas   []simdpool.ISA
	forISA func(isa simdpool.ISA) (func(w *pool.Workers) error, error)
}

// newTimed prepares case c's forward or backward pass.
func newTimed(c suite.Case, pass string) (*timed, error) {
	if pass == "backward" {
		b, err := suite.NewBackward(c)
		if err != nil {
			return nil, err
		}
		return &timed{b.Bytes(), b.ISAs(), func(isa simdpool.ISA) (func(*pool.Workers) error, error) {
			bi, err := b.For(isa)
			if err != nil {
				return nil, err
			}
			return bi.RunOn, nil
		}}, nil
	}
	o, err := suite.New(c)
	if err != nil {
		return nil, err
	}
	return &timed{o.Bytes(), o.ISAs(), func(isa simdpool.ISA) (func(*pool.Workers) error, error) {
		oi, err := o.For(isa)
		if err != nil {
			return nil, err
		}
		return oi.RunOn, nil
	}}, nil
}

// selectCases returns the suite cases of a -cases list for a pass, in layout
// l: by
// default every case (forward) or the backward ones; a named case must have
// a backward to be timed backward.
func selectCases(names, pass string, l pool.Layout) ([]suite.Case, error) {
	if pass == "backward" && strings.TrimSpace(names) == "" {
		names = strings.Join(suite.BackwardCases, ",")
	}
	cs, err := suite.SelectIn(names, l)
	if err != nil {
		return nil, err
	}
	if pass == "backward" {
		for _, c := range cs {
			if !c.HasBackward() {
				return nil, fmt.Errorf("%s has no backward timing (the backward cases are %s)", c.Name, strings.Join(suite.BackwardCases, ","))
			}
		}
	}
	return cs, nil
}
