package ebpf

import (
	"debug/elf"
	"errors"
	"fmt"
	"runtime"

	"github.com/bpfcore/ebpf/asm"
	"github.com/bpfcore/ebpf/btf"
	"github.com/bpfcore/ebpf/internal"
	"github.com/bpfcore/ebpf/internal/kallsyms"
	"github.com/bpfcore/ebpf/internal/kconfig"
)

// .kconfig resolution (LOADER.md §4.1). The ELF reader marks every read of
// an extern __kconfig variable with a *kconfigMeta pointing at the object's
// .kconfig MapSpec. Before a program is loaded, a private copy of that spec
// is filled with the running kernel's values, created as a frozen
// read-only array, and the reads are pointed into it.

// resolveKconfigReferences fills, creates and associates the .kconfig map
// of insns, which it rewrites in place. It returns nil if no instruction
// reads a kconfig value. The caller closes the returned map once the
// program is loaded; the program keeps the kernel object alive.
//
// It returns an error if the instructions refer to several .kconfig maps,
// if a variable's type doesn't fit its value, or if a value the program
// needs can't be found.
func resolveKconfigReferences(insns asm.Instructions) (_ *Map, err error) {
	var spec *MapSpec
	weak := make(map[uint32]bool)
	for i := range insns {
		meta, _ := insns[i].Metadata.Get(kconfigMetaKey{}).(*kconfigMeta)
		if meta == nil {
			continue
		}
		if spec == nil {
			spec = meta.Map
		}
		if meta.Map != spec {
			return nil, errors.New("reference to multiple .kconfig maps is not allowed")
		}
		// A variable is weak if every read of it is.
		w, seen := weak[meta.Offset]
		weak[meta.Offset] = (w || !seen) && meta.Binding == elf.STB_WEAK
	}
	if spec == nil {
		return nil, nil
	}

	spec = spec.Copy()
	if err := resolveKconfig(spec, weak); err != nil {
		return nil, err
	}

	m, err := NewMap(spec)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			_ = m.Close()
		}
	}()

	for i := range insns {
		ins := &insns[i]
		meta, _ := ins.Metadata.Get(kconfigMetaKey{}).(*kconfigMeta)
		if meta == nil {
			continue
		}
		if err := ins.AssociateMap(m); err != nil {
			return nil, fmt.Errorf("instruction %d: %w", i, err)
		}
		// The address of the variable: the map's value at its offset.
		ins.Constant = int64(uint64(meta.Offset) << 32)
		ins.Metadata.Set(kconfigMetaKey{}, nil)
	}
	return m, nil
}

// kconfigVar is a variable of .kconfig whose value comes from the kernel's
// configuration file.
type kconfigVar struct {
	name string
	typ  btf.Type
	data []byte
	// required is false for variables that may stay zero when the kernel
	// lacks them.
	required bool
}

// resolveKconfig sets the contents of spec, a copy of the .kconfig MapSpec,
// to the values of its variables on the running kernel. reads maps the
// offsets of the variables the program reads to whether they are __weak.
//
// It returns an error naming the variable whose type doesn't fit, or whose
// value can't be determined.
func resolveKconfig(spec *MapSpec, reads map[uint32]bool) error {
	ds, ok := spec.Value.(*btf.Datasec)
	if !ok {
		return fmt.Errorf("value type: expected *btf.Datasec, got %T", spec.Value)
	}

	data := make([]byte, ds.Size)
	var configs []kconfigVar
	for i, vsi := range ds.Vars {
		v, ok := vsi.Type.(*btf.Var)
		if !ok {
			return fmt.Errorf("variable %d: expected *btf.Var, got %T", i, vsi.Type)
		}
		end := uint64(vsi.Offset) + uint64(vsi.Size)
		if end > uint64(len(data)) {
			return fmt.Errorf("variable %s: offset %d (+%d) is out of bounds", v.Name, vsi.Offset, vsi.Size)
		}
		if size, err := btf.Sizeof(v.Type); err != nil {
			return fmt.Errorf("variable %s: %w", v.Name, err)
		} else if uint64(size) > uint64(vsi.Size) {
			return fmt.Errorf("variable %s: %d bytes in .kconfig, but its type has %d", v.Name, vsi.Size, size)
		}
		value := data[vsi.Offset:end]

		switch v.Name {
		case "LINUX_KERNEL_VERSION":
			if err := putKernelVersion(value, v.Type); err != nil {
				return fmt.Errorf("variable %s: %w", v.Name, err)
			}

		case "LINUX_HAS_SYSCALL_WRAPPER":
			if err := putSyscallWrapper(value, v.Type); err != nil {
				return fmt.Errorf("variable %s: %w", v.Name, err)
			}

		default:
			weak, read := reads[vsi.Offset]
			configs = append(configs, kconfigVar{v.Name, v.Type, value, read && !weak})
		}
	}

	if err := putKernelConfig(configs); err != nil {
		return err
	}

	spec.Contents = []MapKV{{uint32(0), data}}
	return nil
}

// putKernelVersion writes the running kernel's KERNEL_VERSION(a, b, c) into
// data, which must be a 4-byte integer.
func putKernelVersion(data []byte, typ btf.Type) error {
	integer, ok := btf.UnderlyingType(typ).(*btf.Int)
	if !ok || integer.Size != 4 {
		return fmt.Errorf("must be a 32 bits integer, got %s", typ)
	}
	version, err := internal.KernelVersion()
	if err != nil {
		return fmt.Errorf("get kernel version: %w", err)
	}
	internal.NativeEndian.PutUint32(data, version.Kernel())
	return nil
}

// putSyscallWrapper writes 1 into data if the kernel's syscalls are entered
// through architecture-specific wrappers, 0 otherwise.
func putSyscallWrapper(data []byte, typ btf.Type) error {
	integer, ok := btf.UnderlyingType(typ).(*btf.Int)
	if !ok {
		return fmt.Errorf("must be an integer, got %s", typ)
	}

	var value uint64 = 1
	if err := haveSyscallWrapper(); errors.Is(err, ErrNotSupported) {
		value = 0
	} else if err != nil {
		return fmt.Errorf("unable to derive a value for LINUX_HAS_SYSCALL_WRAPPER: %w", err)
	}
	return kconfig.PutInteger(data, integer, value)
}

// putKernelConfig writes the values of vars from the running kernel's
// configuration file, which is only read if there are any. A variable
// missing from the configuration stays zero unless it is required.
func putKernelConfig(vars []kconfigVar) error {
	if len(vars) == 0 {
		return nil
	}

	f, err := kconfig.Find()
	if err != nil {
		return err
	}
	defer f.Close()

	filter := make(map[string]struct{}, len(vars))
	for _, v := range vars {
		filter[v.name] = struct{}{}
	}
	config, err := kconfig.Parse(f, filter)
	if err != nil {
		return fmt.Errorf("parse kconfig file: %w", err)
	}

	for _, v := range vars {
		value, ok := config[v.name]
		if !ok {
			if v.required {
				return fmt.Errorf("config option %q does not exists for this kernel", v.name)
			}
			continue
		}
		if err := putConfigValue(v.data, v.typ, value); err != nil {
			return fmt.Errorf("variable %s: %w", v.name, err)
		}
	}
	return nil
}

// putConfigValue is kconfig.PutValue, except that a tristate enum narrower
// than 8 bytes (clang makes enum libbpf_tristate 4 bytes) is written with
// its own size. kconfig.PutValue always writes 8 bytes, as the reference
// does, which would overwrite the next variable.
func putConfigValue(data []byte, typ btf.Type, value string) error {
	enum, ok := btf.UnderlyingType(typ).(*btf.Enum)
	if !ok || enum.Size >= 8 {
		return kconfig.PutValue(data, typ, value)
	}

	var wide [8]byte
	if err := kconfig.PutValue(wide[:], typ, value); err != nil {
		return err
	}
	n := internal.NativeEndian.Uint64(wide[:])
	switch enum.Size {
	case 1:
		data[0] = byte(n)
	case 2:
		internal.NativeEndian.PutUint16(data, uint16(n))
	case 4:
		internal.NativeEndian.PutUint32(data, uint32(n))
	default:
		return fmt.Errorf("enum %s has unsupported size %d", enum.Name, enum.Size)
	}
	return nil
}

// haveSyscallWrapper reports whether syscalls enter the kernel through
// wrappers with an architecture prefix, like __x64_sys_bpf (since 4.17 on
// x86), which changes the names kprobes on syscalls must use.
//
// This deliberately differs from the reference, which creates and removes
// a kprobe event on <prefix>sys_bpf through tracefs: on kernels without
// tracefs (or without kprobes) that probe errors, and every object that
// uses LINUX_HAS_SYSCALL_WRAPPER fails to load. Whether the wrapper exists
// is a fact about the kernel's symbols, so it is read from /proc/kallsyms
// (the read internal/kallsyms shares with the kprobes' module lookups), or
// else from the kernel's BTF, where it is a function.
var haveSyscallWrapper = internal.NewFeatureTest("syscall wrapper", "4.17", probeSyscallWrapper)

// probeSyscallWrapper is the probe of haveSyscallWrapper. It returns an
// error wrapping ErrNotSupported if the kernel has no wrappers.
func probeSyscallWrapper() error {
	prefix := internal.PlatformPrefix()
	if prefix == "" {
		return fmt.Errorf("unable to find the platform prefix for (%s)", runtime.GOARCH)
	}
	symbol := prefix + "sys_bpf"

	found, err := kallsyms.HasSyscallWrapper()
	if err != nil {
		found, err = kernelBTFHasFunction(symbol)
	}
	if err != nil {
		return err
	}
	if !found {
		return fmt.Errorf("%s: %w", symbol, ErrNotSupported)
	}
	return nil
}

// kernelBTFHasFunction reports whether the running kernel's BTF has a
// function called name. It looks in the BTF the loader shares for the
// process rather than decoding a copy of its own.
func kernelBTFHasFunction(name string) (bool, error) {
	spec, err := sharedKernelSpec()
	if err != nil {
		return false, err
	}
	return btfHasFunction(spec, name)
}

// btfHasFunction reports whether spec has at least one function called
// name. Kernel BTF may describe one function several times (Debian 12's 6.1
// has two __x64_sys_bpf), so more than one is as good as one.
func btfHasFunction(spec *btf.Spec, name string) (bool, error) {
	types, err := spec.AnyTypesByName(name)
	if errors.Is(err, btf.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("look up function %s in kernel BTF: %w", name, err)
	}
	for _, typ := range types {
		if _, ok := typ.(*btf.Func); ok {
			return true, nil
		}
	}
	return false, nil
}
