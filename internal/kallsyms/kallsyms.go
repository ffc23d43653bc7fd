// Package kallsyms answers questions about the kernel's symbols from
// /proc/kallsyms.
package kallsyms

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"sync"
)

// modules caches which module holds a function, "" for vmlinux and for
// functions that don't exist.
var modules struct {
	sync.Mutex
	byFunc map[string]string
}

// KernelModule returns the name of the kernel module that contains the
// function fn, or "" if fn is part of vmlinux or not a known function. The
// answer is cached until FlushKernelModuleCache.
//
// It returns an error if /proc/kallsyms can't be read.
func KernelModule(fn string) (string, error) {
	modules.Lock()
	defer modules.Unlock()

	if mod, ok := modules.byFunc[fn]; ok {
		return mod, nil
	}

	f, err := os.Open("/proc/kallsyms")
	if err != nil {
		return "", err
	}
	defer f.Close()

	mod, err := moduleOf(f, fn)
	if err != nil {
		return "", fmt.Errorf("find module of %s in %s: %w", fn, f.Name(), err)
	}

	if modules.byFunc == nil {
		modules.byFunc = make(map[string]string)
	}
	modules.byFunc[fn] = mod
	return mod, nil
}

// FlushKernelModuleCache forgets the answers of KernelModule, for example
// after modules were loaded or unloaded.
func FlushKernelModuleCache() {
	modules.Lock()
	defer modules.Unlock()
	modules.byFunc = nil
}

// moduleOf scans lines in the format of /proc/kallsyms,
//
//	<address> <type> <name>[\t[<module>]]
//
// for the first text symbol (type t or T) called fn and returns its module,
// "" for a symbol without one or if there is none.
func moduleOf(r io.Reader, fn string) (string, error) {
	want := []byte(fn)
	scanner := bufio.NewScanner(r)
	for scanner.Scan() {
		line := scanner.Bytes()

		_, rest, ok := bytes.Cut(line, []byte{' '})
		if !ok || len(rest) < 2 || rest[1] != ' ' {
			continue
		}
		if typ := rest[0]; typ != 't' && typ != 'T' {
			continue
		}

		name, mod, _ := bytes.Cut(rest[2:], []byte{'\t'})
		if !bytes.Equal(name, want) {
			continue
		}

		mod = bytes.TrimSuffix(bytes.TrimPrefix(mod, []byte{'['}), []byte{']'})
		return string(mod), nil
	}
	return "", scanner.Err()
}
