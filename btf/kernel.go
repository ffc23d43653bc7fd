package btf

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/bpfcore/ebpf/internal"
	"github.com/bpfcore/ebpf/internal/btfinternal"
	"github.com/bpfcore/ebpf/internal/kallsyms"
)

// The kernel's BTF, parsed once per process until FlushKernelSpec.
var kernelBTF struct {
	sync.Mutex
	kernel  *cachedSpec
	modules map[string]*cachedSpec
}

// cachedSpec is the BTF of vmlinux or of one module, held twice: once for
// the copies LoadKernelSpec hands out and once for the library's own
// lookups, which only read (see internal/btfinternal).
type cachedSpec struct {
	// pristine is never looked into: Copy deep copies every type decoded
	// so far, and with nothing decoded a copy only shares the raw bytes.
	pristine *Spec
	// shared is a copy of pristine that decodes types as the library's
	// loaders look them up, so that each is decoded once per process. Nil
	// until first needed.
	shared *Spec
}

// sharedSpec returns the Spec of c for the library's lookups. kernelBTF
// must be locked.
func (c *cachedSpec) sharedSpec() *Spec {
	if c.shared == nil {
		c.shared = c.pristine.Copy()
	}
	return c.shared
}

func init() {
	btfinternal.KernelSpec = func() (any, error) {
		kernelBTF.Lock()
		defer kernelBTF.Unlock()

		c, err := cachedKernelSpec()
		if err != nil {
			return nil, err
		}
		return c.sharedSpec(), nil
	}
	btfinternal.KernelModuleSpec = func(name string) (any, error) {
		kernelBTF.Lock()
		defer kernelBTF.Unlock()

		c, err := cachedKernelModuleSpec(name)
		if err != nil {
			return nil, err
		}
		return c.sharedSpec(), nil
	}
}

// FlushKernelSpec drops the cached kernel and kernel module BTF, so that the
// next LoadKernelSpec or LoadKernelModuleSpec reads it again, and the cached
// mapping of kernel functions to modules. Use it after the kernel's BTF may
// have changed, for example when a module was loaded.
func FlushKernelSpec() {
	kernelBTF.Lock()
	defer kernelBTF.Unlock()

	kernelBTF.kernel = nil
	kernelBTF.modules = nil
	kallsyms.FlushKernelModuleCache()
}

// LoadKernelSpec returns the BTF of the running kernel.
//
// It reads /sys/kernel/btf/vmlinux, or, if the kernel doesn't provide it, a
// vmlinux ELF file from the usual locations on disk. The result is cached
// for the process; every call returns an independent copy.
//
// It returns an error wrapping ErrNotSupported if the kernel has no BTF.
func LoadKernelSpec() (*Spec, error) {
	kernelBTF.Lock()
	defer kernelBTF.Unlock()

	c, err := cachedKernelSpec()
	if err != nil {
		return nil, err
	}
	return c.pristine.Copy(), nil
}

// LoadKernelModuleSpec returns the BTF of the kernel module with the given
// name, which must be a bare name like "nf_nat", split on top of the
// kernel's BTF. The result is cached for the process; every call returns an
// independent copy.
//
// It returns an error wrapping fs.ErrNotExist if the module has no BTF (for
// example because it isn't loaded).
func LoadKernelModuleSpec(module string) (*Spec, error) {
	kernelBTF.Lock()
	defer kernelBTF.Unlock()

	c, err := cachedKernelModuleSpec(module)
	if err != nil {
		return nil, err
	}
	return c.pristine.Copy(), nil
}

// cachedKernelSpec returns the cached BTF of vmlinux, loading it if needed.
// kernelBTF must be locked.
func cachedKernelSpec() (*cachedSpec, error) {
	if kernelBTF.kernel != nil {
		return kernelBTF.kernel, nil
	}

	spec, err := loadKernelSpec()
	if err != nil {
		return nil, err
	}
	kernelBTF.kernel = &cachedSpec{pristine: spec}
	return kernelBTF.kernel, nil
}

// cachedKernelModuleSpec returns the cached BTF of a module, loading it if
// needed. kernelBTF must be locked.
func cachedKernelModuleSpec(module string) (*cachedSpec, error) {
	if module == "" || filepath.Base(module) != module || strings.ContainsAny(module, ".") {
		return nil, fmt.Errorf("kernel module name %q: must be a bare name without directory or extension", module)
	}
	if c := kernelBTF.modules[module]; c != nil {
		return c, nil
	}

	base, err := cachedKernelSpec()
	if err != nil {
		return nil, err
	}

	spec, err := loadKernelModuleSpec(module, base.pristine)
	if err != nil {
		return nil, err
	}

	if kernelBTF.modules == nil {
		kernelBTF.modules = make(map[string]*cachedSpec)
	}
	c := &cachedSpec{pristine: spec}
	kernelBTF.modules[module] = c
	return c, nil
}

// loadKernelSpec reads the kernel's BTF, without caching.
func loadKernelSpec() (*Spec, error) {
	fh, err := os.Open("/sys/kernel/btf/vmlinux")
	if err == nil {
		defer fh.Close()

		spec, err := LoadSpecFromReader(fh)
		if err != nil {
			return nil, fmt.Errorf("kernel BTF: %w", err)
		}
		return spec, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("kernel BTF: %w", err)
	}

	file, err := findVMLinux()
	if err != nil {
		return nil, err
	}
	defer file.Close()

	spec, err := LoadSpecFromReader(file)
	if err != nil {
		return nil, fmt.Errorf("kernel BTF from %s: %w", file.Name(), err)
	}
	return spec, nil
}

// loadKernelModuleSpec reads the split BTF of a module on top of base,
// without caching.
func loadKernelModuleSpec(module string, base *Spec) (*Spec, error) {
	fh, err := os.Open(filepath.Join("/sys/kernel/btf", module))
	if err != nil {
		return nil, fmt.Errorf("BTF of kernel module %s: %w", module, err)
	}
	defer fh.Close()

	spec, err := LoadSplitSpecFromReader(fh, base)
	if err != nil {
		return nil, fmt.Errorf("BTF of kernel module %s: %w", module, err)
	}
	return spec, nil
}

// vmlinuxLocations are where distributions install an uncompressed vmlinux
// with BTF, %[1]s being the kernel release. The list follows libbpf.
var vmlinuxLocations = []string{
	"/boot/vmlinux-%[1]s",
	"/lib/modules/%[1]s/vmlinux-%[1]s",
	"/lib/modules/%[1]s/build/vmlinux",
	"/usr/lib/modules/%[1]s/kernel/vmlinux",
	"/usr/lib/debug/boot/vmlinux-%[1]s",
	"/usr/lib/debug/boot/vmlinux-%[1]s.debug",
	"/usr/lib/debug/lib/modules/%[1]s/vmlinux",
}

// findVMLinux opens the first vmlinux file of the running kernel found in
// vmlinuxLocations.
//
// It returns an error wrapping ErrNotSupported if there is none.
func findVMLinux() (*os.File, error) {
	release, err := internal.KernelRelease()
	if err != nil {
		return nil, err
	}

	for _, loc := range vmlinuxLocations {
		file, err := os.Open(fmt.Sprintf(loc, release))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		return file, err
	}

	return nil, fmt.Errorf("no BTF found for kernel version %s: %w", release, ErrNotSupported)
}
