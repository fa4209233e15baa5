// Command simdpool is the command-line face of the simdpool library.
//
// Usage:
//
//	simdpool <command> [flags]
//
// Run `simdpool help` for the list of commands, and `simdpool <command> -h`
// for the flags of one. SIMDPOOL_ISA (generic, avx2, avx512, neon) selects
// the kernels every command uses.
package main

import (
	"fmt"
	"io"
	"os"
	"slices"
)

// A command is a subcommand: run gets the arguments after its name and
// returns the exit status (0 ok, 1 failure, 2 bad usage). Commands write to
// the package's stdout and stderr (tests replace them).
type command struct {
	run     func(args []string) int
	summary string // one line for the usage text
}

// commands lists the subcommands; adding one is one line here plus its file.
var commands = map[string]command{
	"verify": {runVerify, "check this build against PyTorch golden vectors"},
	"bench":  {cmdBench, "time the benchmark suite on every implementation, against memcpy"},
	"info":   {cmdInfo, "show the CPU, its features, the kernels in use and the build"},
}

// Where commands write.
var (
	stdout io.Writer = os.Stdout
	stderr io.Writer = os.Stderr
)

func main() { os.Exit(run(os.Args[1:])) }

// run dispatches args (without the program name) and returns the exit status.
func run(args []string) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		usage(stdout)
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "simdpool: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	return cmd.run(args[1:])
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "Usage: simdpool <command> [flags]\n\nCommands:\n")
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		fmt.Fprintf(w, "  %-8s %s\n", name, commands[name].summary)
	}
	fmt.Fprintf(w, "\nRun 'simdpool <command> -h' for a command's flags.\n"+
		"SIMDPOOL_ISA=generic|avx2|avx512|neon selects the kernels (default: the best available).\n")
}
