package ebpf_test

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/bpfcore/ebpf"
	"github.com/bpfcore/ebpf/asm"
	"github.com/bpfcore/ebpf/internal"
)

// A VerifierError summarises the log by default and prints all or part of
// it with the + and - flags.
func ExampleVerifierError() {
	log := []byte("0: (b7) r0 = 0\n1: (95) exit\nR1 !read_ok\nprocessed 2 insns\n")
	err := internal.ErrorWithLog("load program", syscall.EACCES, log, false)

	fmt.Printf("%s\n", err)
	fmt.Printf("%+1v\n", err)
	fmt.Printf("%-2v\n", err)
	// Output:
	// load program: permission denied: 1: (95) exit: R1 !read_ok (2 line(s) omitted)
	// load program: permission denied:
	// 	0: (b7) r0 = 0
	// 	(3 line(s) omitted)
	// load program: permission denied:
	// 	(2 line(s) omitted)
	// 	R1 !read_ok
	// 	processed 2 insns
}

// The log of a rejected program is in the *VerifierError, complete unless
// ProgramOptions.LogSize capped it.
func ExampleVerifierError_retrieveFullLog() {
	_, err := ebpf.NewProgram(&ebpf.ProgramSpec{
		Type: ebpf.SocketFilter,
		Instructions: asm.Instructions{
			// R0 is never set.
			asm.Return(),
		},
		License: "MIT",
	})

	var ve *ebpf.VerifierError
	if errors.As(err, &ve) {
		// %+v prints every line of the log.
		fmt.Printf("%+v\n", ve)
	}
}

// Ask for a log with LogLevel to see how the verifier went through a
// program that loads.
func ExampleProgram_retrieveVerifierLog() {
	prog, err := ebpf.NewProgramWithOptions(&ebpf.ProgramSpec{
		Type: ebpf.SocketFilter,
		Instructions: asm.Instructions{
			asm.Mov.Imm(asm.R0, 0),
			asm.Return(),
		},
		License: "MIT",
	}, ebpf.ProgramOptions{LogLevel: ebpf.LogLevelInstruction})
	if err != nil {
		panic(err)
	}
	defer prog.Close()

	fmt.Println(prog.VerifierLog)
}

// The tag of a spec is the tag the kernel will report for the program,
// which identifies it among the loaded programs.
func ExampleProgramSpec_Tag() {
	spec := &ebpf.ProgramSpec{
		Type: ebpf.SocketFilter,
		Instructions: asm.Instructions{
			asm.LoadImm(asm.R0, 0, asm.DWord),
			asm.Return(),
		},
		License: "MIT",
	}

	prog, _ := ebpf.NewProgram(spec)
	info, _ := prog.Info()
	tag, _ := spec.Tag()

	if info.Tag != tag {
		fmt.Printf("The tags don't match: %s != %s\n", info.Tag, tag)
	} else {
		fmt.Println("The programs are identical, tag is", tag)
	}
}
