// Command loader loads a compiled eBPF object into the kernel with
// LoadAndAssign, runs its program once with BPF_PROG_TEST_RUN and prints what
// its maps hold afterwards. It needs root (or CAP_BPF and CAP_SYS_ADMIN).
package main

import (
	"fmt"
	"os"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "loader:", err)
		os.Exit(1)
	}
}

func run() error {
	return fmt.Errorf("not implemented yet: the collection loader has not landed")
}
