// Package sys is the raw bpf(2) layer: one attribute struct per command that
// mirrors the kernel's UAPI layout, a small wrapper per command, and FD, the
// owner of a kernel object descriptor.
//
// Nothing here interprets results; callers add meaning and context to errors.
// All syscall errors keep their errno: errors.Is(err, unix.ENOENT) works, but
// err is never == to a bare syscall.Errno.
package sys
