// Command loader loads a compiled eBPF object into the kernel with
// LoadAndAssign, runs its program on a few test packets with
// BPF_PROG_TEST_RUN and prints what its maps hold afterwards. It needs root
// (or CAP_BPF and CAP_SYS_ADMIN).
//
// The object, testdata/example.c, classifies packets as small or large:
// its program tail calls one of two handlers through a statically
// initialised prog array, and the handlers count packets and bytes in two
// maps through a shared subprogram. The size limit is a global constant
// that this command sets before loading:
//
//	go run ./examples/loader -threshold 100
package main

import (
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/bpfcore/ebpf"
)

func main() {
	object := flag.String("object", defaultObject(), "the eBPF object to load")
	threshold := flag.Uint("threshold", 128, "packets shorter than this many bytes are small")
	flag.Parse()

	if err := run(os.Stdout, *object, uint32(*threshold)); err != nil {
		fmt.Fprintln(os.Stderr, "loader:", err)
		var ve *ebpf.VerifierError
		if errors.As(err, &ve) {
			// The whole verifier log says why the kernel refused.
			fmt.Fprintf(os.Stderr, "%+v\n", ve)
		}
		os.Exit(1)
	}
}

// defaultObject is the example object compiled for the host's byte order,
// relative to the root of the repository.
func defaultObject() string {
	if binary.NativeEndian.Uint16([]byte{1, 0}) == 1 {
		return "testdata/example-el.elf"
	}
	return "testdata/example-eb.elf"
}

// objects are what the command uses of the object, filled by LoadAndAssign.
type objects struct {
	Classify *ebpf.Program `ebpf:"classify"`
	Sizes    *ebpf.Map     `ebpf:"sizes"`
	Bytes    *ebpf.Map     `ebpf:"bytes"`
	// The prog array must be held: the kernel empties it once the last
	// descriptor of it closes.
	Handlers *ebpf.Map `ebpf:"handlers"`
}

func (objs *objects) Close() {
	objs.Classify.Close()
	objs.Sizes.Close()
	objs.Bytes.Close()
	objs.Handlers.Close()
}

// frameSizes are the lengths of the test packets, Ethernet frames of which
// the program sees the payload (skb->len excludes the 14-byte header).
var frameSizes = []int{64, 1500, 100, 40}

// run loads object with the given threshold, runs its classifier on the
// test packets and prints the results and the maps to w.
func run(w io.Writer, object string, threshold uint32) error {
	spec, err := ebpf.LoadCollectionSpec(object)
	if err != nil {
		return err
	}

	// Global constants are set before loading. The loader freezes them
	// before the kernel verifies the programs, so the verifier knows
	// their values.
	if err := spec.RewriteConstants(map[string]interface{}{"threshold": threshold}); err != nil {
		return err
	}

	// Only what the struct asks for is loaded, plus what it needs: the
	// handlers that fill the prog array, and the maps they use.
	var objs objects
	if err := spec.LoadAndAssign(&objs, nil); err != nil {
		return fmt.Errorf("load %s: %w", object, err)
	}
	defer objs.Close()

	fmt.Fprintf(w, "loaded %s (threshold %d bytes)\n", object, threshold)
	if err := printHandlers(w, objs.Handlers); err != nil {
		return err
	}

	for _, size := range frameSizes {
		ret, _, err := objs.Classify.Test(make([]byte, size))
		if err != nil {
			return fmt.Errorf("run classify on %d bytes: %w", size, err)
		}
		fmt.Fprintf(w, "frame of %4d bytes (skb->len %4d): classify returned %d\n", size, size-14, ret)
	}

	return printCounters(w, objs.Sizes, objs.Bytes)
}

// printHandlers prints which program each slot of the prog array holds.
func printHandlers(w io.Writer, handlers *ebpf.Map) error {
	var (
		slot uint32
		prog *ebpf.Program
	)
	iter := handlers.Iterate()
	for iter.Next(&slot, &prog) {
		info, err := prog.Info()
		if err != nil {
			return fmt.Errorf("handler %d: %w", slot, err)
		}
		fmt.Fprintf(w, "handlers[%d] = %s\n", slot, info.Name)
	}
	prog.Close()
	if err := iter.Err(); err != nil {
		return fmt.Errorf("read handlers: %w", err)
	}
	return nil
}

// printCounters prints the packets and bytes (of skb->len) counted per
// kind.
func printCounters(w io.Writer, sizes, bytes *ebpf.Map) error {
	for kind, name := range []string{"small", "large"} {
		var packets, total uint64
		if err := sizes.Lookup(uint32(kind), &packets); err != nil {
			return fmt.Errorf("look up %s packets: %w", name, err)
		}
		if err := bytes.Lookup(uint32(kind), &total); err != nil {
			return fmt.Errorf("look up %s bytes: %w", name, err)
		}
		fmt.Fprintf(w, "%s: %d packets, %d bytes\n", name, packets, total)
	}
	return nil
}
