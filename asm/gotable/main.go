// Command gotable writes table_go.go in the root package: the pure-Go kernels
// of the kernel table (asm/table), on every GOARCH.
//
//	cd asm && go run ./gotable      # as make generate does
package main

import (
	"log"

	"github.com/simdpool/simdpool/asm/table"
)

func main() {
	if err := table.WriteGo("../table_go.go", "", "asm/gotable (cd asm && go run ./gotable)"); err != nil {
		log.Fatal(err)
	}
}
