package kallsyms

import (
	"bytes"
	"fmt"
	"runtime"

	"github.com/bpfcore/ebpf/internal"
)

// HasSyscallWrapper reports whether the kernel enters system calls through
// wrappers named after the architecture, like __x64_sys_bpf (x86 since
// 4.17), which kprobes on system calls have to use instead of sys_bpf. It
// looks for the text symbol <prefix>sys_bpf in the same single read of
// /proc/kallsyms that KernelModule uses, cached until
// FlushKernelModuleCache, so that asking costs no second pass over the
// kernel's symbols.
//
// It returns an error if the architecture has no known wrapper prefix or
// /proc/kallsyms can't be read.
func HasSyscallWrapper() (bool, error) {
	if syscallWrapperSymbol() == "" {
		return false, fmt.Errorf("no syscall wrapper prefix known for %s", runtime.GOARCH)
	}

	symbols.Lock()
	defer symbols.Unlock()

	if err := loadSymbols(); err != nil {
		return false, fmt.Errorf("find syscall wrapper: %w", err)
	}
	return symbols.syscallWrapper, nil
}

// syscallWrapperSymbol returns the name bpf(2) has in the kernel if system
// calls are wrapped, or "" if the architecture's prefix is unknown.
func syscallWrapperSymbol() string {
	prefix := internal.PlatformPrefix()
	if prefix == "" {
		return ""
	}
	return prefix + "sys_bpf"
}

// hasTextSymbol reports whether data, in the format of /proc/kallsyms, lists
// a text symbol (type t or T) called name, in vmlinux or a module. It
// searches for the name rather than parsing every line: that is a fraction
// of the cost of the parse that moduleFunctions does anyway.
func hasTextSymbol(data []byte, name string) bool {
	if name == "" {
		return false
	}

	pattern := []byte(" " + name)
	for off := 0; off < len(data); {
		i := bytes.Index(data[off:], pattern)
		if i < 0 {
			return false
		}
		i += off

		// Check the whole line the match is on.
		start := bytes.LastIndexByte(data[:i], '\n') + 1
		line, _ := nextLine(data[start:])
		if sym, _, ok := parseTextSymbol(line); ok && string(sym) == name {
			return true
		}
		off = i + 1
	}
	return false
}
