package ebpf

import (
	"github.com/bpfcore/ebpf/btf"
	"github.com/bpfcore/ebpf/internal/sys"
	"golang.org/x/sys/unix"
)

// LogLevel controls the verbosity of the kernel's verifier log. The levels
// are bit flags and may be combined.
type LogLevel = sys.LogLevel

const (
	// LogLevelBranch logs the instructions of each branch the verifier
	// explores, and the register state when it rejects a program.
	LogLevelBranch LogLevel = 1 << iota
	// LogLevelInstruction logs the register state at every instruction
	// (kernel 5.2 and later).
	LogLevelInstruction
	// LogLevelStats logs statistics about the verification (kernel 5.2 and
	// later).
	LogLevelStats
)

// LoadPinOptions control how a pinned object is opened.
type LoadPinOptions struct {
	// ReadOnly opens the object for reading only.
	ReadOnly bool
	// WriteOnly opens the object for writing only.
	WriteOnly bool
	// Flags are raw BPF_OBJ_GET file flags, OR-ed with the two above.
	Flags uint32
}

// Marshal returns the file flags of BPF_OBJ_GET that the options describe.
// A nil receiver gives 0.
func (lpo *LoadPinOptions) Marshal() uint32 {
	if lpo == nil {
		return 0
	}
	flags := lpo.Flags
	if lpo.ReadOnly {
		flags |= unix.BPF_F_RDONLY
	}
	if lpo.WriteOnly {
		flags |= unix.BPF_F_WRONLY
	}
	return flags
}

// BatchOptions are passed verbatim to the kernel's batch map commands.
type BatchOptions struct {
	// ElemFlags apply to each element, for example uint64(UpdateLock).
	ElemFlags uint64
	// Flags apply to the whole batch.
	Flags uint64
}

// MapOptions control the creation of maps.
type MapOptions struct {
	// PinPath is the bpffs directory in which maps with PinByName are pinned
	// and looked for.
	PinPath string
	// LoadPinOptions are used when opening an already pinned map.
	LoadPinOptions LoadPinOptions
}

// ProgramOptions control the loading of programs.
type ProgramOptions struct {
	// LogLevel asks the verifier for a log even when the program loads. The
	// log is then in Program.VerifierLog. Zero still gets a log when loading
	// fails.
	LogLevel LogLevel
	// LogSize is the size of the verifier log buffer in bytes. Zero starts
	// at DefaultVerifierLogSize and grows the buffer until the whole log
	// fits; a positive value is a cap, and a log cut short by it is marked
	// VerifierError.Truncated. Negative values are an error.
	LogSize int
	// LogDisabled never passes a log buffer to the kernel.
	LogDisabled bool
	// KernelTypes, when set, are the target of CO-RE relocations instead of
	// the running kernel's BTF.
	KernelTypes *btf.Spec
	// KernelModuleTypes are the CO-RE targets of programs that attach to a
	// kernel module, keyed by module name.
	KernelModuleTypes map[string]*btf.Spec
}

// CollectionOptions control the loading of a collection.
type CollectionOptions struct {
	// Maps are the options of every map.
	Maps MapOptions
	// Programs are the options of every program.
	Programs ProgramOptions
	// MapReplacements takes maps by name that are used instead of creating
	// them from the spec. Each must be compatible with its MapSpec; the
	// collection uses a clone, so the caller keeps ownership of the original.
	MapReplacements map[string]*Map
}
