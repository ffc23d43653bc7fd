package internal

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// MagicKernelVersion is the kernel version a BPF object may carry to ask the
// loader to fill in the running kernel's version.
const MagicKernelVersion = 0xFFFFFFFE

// Version is a kernel version: major, minor and patch (sublevel).
type Version [3]uint16

// NewVersion parses "major.minor" or "major.minor.patch". It returns an
// error naming ver if it has another shape or a number exceeds 65535.
func NewVersion(ver string) (Version, error) {
	parts := strings.Split(ver, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return Version{}, fmt.Errorf("parse version %q: want major.minor[.patch]", ver)
	}

	var v Version
	for i, part := range parts {
		n, err := strconv.ParseUint(part, 10, 16)
		if err != nil {
			return Version{}, fmt.Errorf("parse version %q: %w", ver, err)
		}
		v[i] = uint16(n)
	}
	return v, nil
}

// NewVersionFromCode splits a LINUX_VERSION_CODE (KERNEL_VERSION(a, b, c))
// into its parts.
func NewVersionFromCode(code uint32) Version {
	return Version{
		uint16(code >> 16),
		uint16(uint8(code >> 8)),
		uint16(uint8(code)),
	}
}

// String returns "v5.2" or, with a non-zero patch level, "v5.2.1".
func (v Version) String() string {
	if v[2] == 0 {
		return fmt.Sprintf("v%d.%d", v[0], v[1])
	}
	return fmt.Sprintf("v%d.%d.%d", v[0], v[1], v[2])
}

// Less reports whether v is older than other.
func (v Version) Less(other Version) bool {
	for i, a := range v {
		if a != other[i] {
			return a < other[i]
		}
	}
	return false
}

// Unspecified reports whether v is the zero version.
func (v Version) Unspecified() bool {
	return v == Version{}
}

// Kernel encodes v like the kernel's KERNEL_VERSION macro, which caps the
// patch level at 255 so that it cannot overflow into the minor version.
func (v Version) Kernel() uint32 {
	return uint32(v[0])<<16 + uint32(v[1])<<8 + uint32(min(v[2], 255))
}

// KernelVersion returns the version of the running kernel. It is computed
// once per process.
//
// The version comes from the "Linux" note of the vDSO, which carries the
// kernel's own LINUX_VERSION_CODE; distributions such as Ubuntu report a
// different patch level in uname. If the vDSO cannot be read, the uname
// release is parsed instead. It returns an error if neither works.
var KernelVersion = sync.OnceValues(func() (Version, error) {
	if code, err := vdsoVersionCode(); err == nil {
		return NewVersionFromCode(code), nil
	}

	release, err := KernelRelease()
	if err != nil {
		return Version{}, err
	}
	return parseKernelRelease(release)
})

// KernelRelease returns the release of the running kernel as uname -r
// prints it, or the error of uname(2).
func KernelRelease() (string, error) {
	var uname unix.Utsname
	if err := unix.Uname(&uname); err != nil {
		return "", fmt.Errorf("uname: %w", err)
	}
	return unix.ByteSliceToString(uname.Release[:]), nil
}

// parseKernelRelease extracts the leading "major.minor[.patch]" of a release
// string such as "6.18.44-fc-v669", "5.4.0-42-generic" or
// "5.15.153.1-microsoft-standard-WSL2" (extra components are ignored).
func parseKernelRelease(release string) (Version, error) {
	end := strings.IndexFunc(release, func(r rune) bool {
		return r != '.' && (r < '0' || r > '9')
	})
	if end == -1 {
		end = len(release)
	}

	parts := strings.SplitN(strings.TrimRight(release[:end], "."), ".", 4)
	v, err := NewVersion(strings.Join(parts[:min(len(parts), 3)], "."))
	if err != nil {
		return Version{}, fmt.Errorf("kernel release %q: %w", release, err)
	}
	return v, nil
}
