package btf

import (
	"errors"
	"math"

	"golang.org/x/sys/unix"

	"github.com/bpfcore/ebpf/internal"
	"github.com/bpfcore/ebpf/internal/sys"
)

// Probes for the BTF features of the running kernel. Each loads a minimal
// blob using the feature: the kernel answers EINVAL for kinds or flags it
// doesn't know, and EPERM if BTF as a whole is unavailable to us.
//
// Each probe runs once, on first use, and its answer is cached.

// haveBTF reports whether the kernel accepts BTF at all.
var haveBTF = internal.NewFeatureTest("BTF", "4.18", func() error {
	// An anonymous zero-sized Int is the simplest valid blob.
	return unsupportedIfRejected(probeBTF(&Int{}))
})

// haveMapBTF reports whether the kernel accepts Var and Datasec, which map
// definitions and global data need.
var haveMapBTF = internal.NewFeatureTest("Map BTF (Var/Datasec)", "5.2", func() error {
	if err := haveBTF(); err != nil {
		return err
	}
	v := &Var{
		Name: "a",
		Type: &Pointer{(*Void)(nil)},
	}
	return unsupportedIfRejected(probeBTF(v))
})

// haveProgBTF reports whether the kernel accepts Func and FuncProto, which
// func and line infos of programs need.
var haveProgBTF = internal.NewFeatureTest("Program BTF (func/line_info)", "5.0", func() error {
	if err := haveBTF(); err != nil {
		return err
	}
	fn := &Func{
		Name: "a",
		Type: &FuncProto{Return: (*Void)(nil)},
	}
	return unsupportedIfRejected(probeBTF(fn))
})

// haveFuncLinkage reports whether the kernel accepts the linkage of a Func.
// Without it, linkage has to be stripped, making every function static.
var haveFuncLinkage = internal.NewFeatureTest("BTF func linkage", "5.6", func() error {
	if err := haveProgBTF(); err != nil {
		return err
	}
	fn := &Func{
		Name:    "a",
		Type:    &FuncProto{Return: (*Void)(nil)},
		Linkage: GlobalFunc,
	}
	return unsupportedIfRejected(probeBTF(fn))
})

// haveEnum64 reports whether the kernel accepts the ENUM64 kind. Without
// it, 64-bit enums are replaced by a union when marshaling.
var haveEnum64 = internal.NewFeatureTest("ENUM64", "6.0", func() error {
	if err := haveBTF(); err != nil {
		return err
	}
	enum := &Enum{
		Name: "enum64",
		Size: 8,
		Values: []EnumValue{
			{"enum64val", math.MaxUint64},
		},
	}
	return unsupportedIfRejected(probeBTF(enum))
})

// haveDeclTags reports whether the kernel accepts decl tags. Without them,
// NewHandle replaces each by an anonymous one-byte Int.
var haveDeclTags = internal.NewFeatureTest("BTF decl tags", "5.16", func() error {
	if err := haveBTF(); err != nil {
		return err
	}
	v := &Var{Name: "a", Type: &Int{Size: 4}}
	return unsupportedIfRejected(probeBTF(v, &declTag{Type: v, Value: "a", Index: -1}))
})

// haveTypeTags reports whether the kernel accepts type tags. Without them,
// NewHandle replaces each by a Const.
var haveTypeTags = internal.NewFeatureTest("BTF type tags", "5.17", func() error {
	if err := haveBTF(); err != nil {
		return err
	}
	ptr := &Pointer{&typeTag{Type: &Int{Size: 4}, Value: "a"}}
	return unsupportedIfRejected(probeBTF(ptr))
})

// unsupportedIfRejected turns the errnos of a rejected probe blob into
// ErrNotSupported and passes any other outcome through.
func unsupportedIfRejected(err error) error {
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.EPERM) {
		return internal.ErrNotSupported
	}
	return err
}

// probeBTF loads a blob containing types, encoded without replacing any
// kind.
func probeBTF(types ...Type) error {
	b, err := NewBuilder(types)
	if err != nil {
		return err
	}

	buf, err := b.Marshal(nil, nil)
	if err != nil {
		return err
	}

	fd, err := sys.BtfLoad(&sys.BtfLoadAttr{
		Btf:     sys.NewSlicePointer(buf),
		BtfSize: uint32(len(buf)),
	})
	if err == nil {
		fd.Close()
	}
	return err
}
