// Package kallsyms answers questions about the kernel's symbols from
// /proc/kallsyms.
package kallsyms

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"sync"
)

// symbols caches which module holds each function, read from /proc/kallsyms
// once until FlushKernelModuleCache. Only functions of modules are kept:
// those of vmlinux, the vast majority, map to "" like unknown names do.
// The few other answers the package gives are taken from the same read.
var symbols struct {
	sync.Mutex
	loaded  bool
	modules map[string]string
	// syscallWrapper is the answer of HasSyscallWrapper.
	syscallWrapper bool
}

// KernelModule returns the name of the kernel module that contains the
// function fn, or "" if fn is part of vmlinux or not a known function. The
// kernel's symbols are read once and cached until FlushKernelModuleCache.
//
// It returns an error if /proc/kallsyms can't be read.
func KernelModule(fn string) (string, error) {
	symbols.Lock()
	defer symbols.Unlock()

	if err := loadSymbols(); err != nil {
		return "", fmt.Errorf("find module of %s: %w", fn, err)
	}
	return symbols.modules[fn], nil
}

// loadSymbols reads /proc/kallsyms into symbols, unless it has done so
// since the last flush. The caller holds the lock of symbols.
func loadSymbols() error {
	if symbols.loaded {
		return nil
	}

	data, err := readFile("/proc/kallsyms")
	if err != nil {
		return err
	}
	symbols.modules = moduleFunctions(data)
	symbols.syscallWrapper = hasTextSymbol(data, syscallWrapperSymbol())
	symbols.loaded = true
	return nil
}

// FlushKernelModuleCache forgets the kernel's symbols, for example after
// modules were loaded or unloaded, so that KernelModule and
// HasSyscallWrapper read them again.
func FlushKernelModuleCache() {
	symbols.Lock()
	defer symbols.Unlock()
	symbols.loaded, symbols.modules, symbols.syscallWrapper = false, nil, false
}

// readFile reads a file in the format of /proc/kallsyms.
func readFile(file string) ([]byte, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()

	data, err := readAll(f)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	return data, nil
}

// readAll reads everything from a file whose size stat doesn't know, like
// those in /proc. /proc/kallsyms is several megabytes, so it starts big to
// save the copies of growing.
func readAll(r io.Reader) ([]byte, error) {
	buf := bytes.NewBuffer(make([]byte, 0, 8<<20))
	_, err := buf.ReadFrom(r)
	return buf.Bytes(), err
}

// moduleFunctions parses lines in the format of /proc/kallsyms,
//
//	<address> <type> <name>[\t[<module>]]
//
// and returns, for every text symbol (type t or T) whose first occurrence
// is in a module, its module. Other lines are ignored. Names are the only
// strings it allocates: one per module function, modules are shared.
func moduleFunctions(data []byte) map[string]string {
	var (
		modules     = make(map[string]string)
		moduleNames = make(map[string]string)
		// The kernel lists vmlinux first. Its functions that precede every
		// module line are checked once all modules are known; any later
		// ones are rare enough to be stored, as "", when seen.
		vmlinuxEnd = -1
	)
	for rest := data; len(rest) > 0; {
		start := len(data) - len(rest)
		var line []byte
		line, rest = nextLine(rest)

		name, mod, ok := parseTextSymbol(line)
		if !ok {
			continue
		}
		if _, seen := modules[string(name)]; seen {
			continue
		}

		if mod == nil {
			if vmlinuxEnd >= 0 {
				modules[string(name)] = ""
			}
			continue
		}

		if vmlinuxEnd < 0 {
			vmlinuxEnd = start
		}
		modName, ok := moduleNames[string(mod)]
		if !ok {
			modName = string(mod)
			moduleNames[modName] = modName
		}
		modules[string(name)] = modName
	}

	if vmlinuxEnd < 0 {
		return modules
	}

	// A vmlinux function listed before any module shadows module functions
	// of the same name.
	for rest := data[:vmlinuxEnd]; len(rest) > 0; {
		var line []byte
		line, rest = nextLine(rest)
		if name, mod, ok := parseTextSymbol(line); ok && mod == nil {
			delete(modules, string(name))
		}
	}
	for name, mod := range modules {
		if mod == "" {
			delete(modules, name)
		}
	}
	return modules
}

// nextLine splits data after the first newline.
func nextLine(data []byte) (line, rest []byte) {
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		return data[:i], data[i+1:]
	}
	return data, nil
}

// parseTextSymbol returns the name and module of a line of /proc/kallsyms
// that describes a text symbol. mod is nil for a symbol without a module
// column. ok is false for other symbols and malformed lines.
func parseTextSymbol(line []byte) (name, mod []byte, ok bool) {
	_, rest, found := bytes.Cut(line, []byte{' '})
	if !found || len(rest) < 3 || rest[1] != ' ' {
		return nil, nil, false
	}
	if typ := rest[0]; typ != 't' && typ != 'T' {
		return nil, nil, false
	}

	name, mod, found = bytes.Cut(rest[2:], []byte{'\t'})
	if !found {
		return name, nil, true
	}
	mod = bytes.TrimSuffix(bytes.TrimPrefix(mod, []byte{'['}), []byte{']'})
	return name, mod, true
}
