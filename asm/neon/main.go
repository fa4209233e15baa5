// Command neon generates the NEON kernels of package simdpool: pool_arm64.s
// and its Go declarations pool_arm64.go. Run it from the asm directory:
//
//	cd asm && go run ./neon
package main

import (
	"flag"
	"go/format"
	"log"
	"os"
	"path/filepath"
)

func main() {
	out := flag.String("out", "..", "directory of package simdpool")
	flag.Parse()
	goSrc, err := format.Source([]byte(genGo()))
	if err != nil {
		log.Fatal(err)
	}
	files := map[string]string{
		"pool_arm64.s":  genAsm(),
		"pool_arm64.go": string(goSrc),
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(*out, name), []byte(text), 0o644); err != nil {
			log.Fatal(err)
		}
	}
}
