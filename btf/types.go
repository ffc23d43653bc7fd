package btf

import (
	"fmt"
	"math"

	"github.com/bpfcore/ebpf/internal/sys"
)

// maxResolveDepth bounds every loop that follows Typedefs, qualifiers or
// array elements, so that a cyclic or absurdly deep graph terminates. It has
// the value of libbpf's MAX_RESOLVE_DEPTH.
const maxResolveDepth = 32

// Type is a node in the graph of BTF types.
//
// The concrete types are the pointer types declared in this package (*Int,
// *Struct, *Pointer, ...). Two Types are the same type if and only if they are
// the same pointer; the graph may contain cycles.
//
// Format prints the type as described by formatType: %s gives its kind and
// name, %v adds details, %+v adds the address and a width expands children.
type Type interface {
	fmt.Formatter

	// TypeName returns the name of the type, which may be empty.
	TypeName() string

	// copy returns a shallow copy of the type. Slices of members, values,
	// parameters and variables are copied so that the copy can be modified
	// without affecting the original. It also seals the interface.
	copy() Type
}

var (
	_ Type = (*Void)(nil)
	_ Type = (*Int)(nil)
	_ Type = (*Pointer)(nil)
	_ Type = (*Array)(nil)
	_ Type = (*Struct)(nil)
	_ Type = (*Union)(nil)
	_ Type = (*Enum)(nil)
	_ Type = (*Fwd)(nil)
	_ Type = (*Typedef)(nil)
	_ Type = (*Volatile)(nil)
	_ Type = (*Const)(nil)
	_ Type = (*Restrict)(nil)
	_ Type = (*Func)(nil)
	_ Type = (*FuncProto)(nil)
	_ Type = (*Var)(nil)
	_ Type = (*Datasec)(nil)
	_ Type = (*Float)(nil)
	_ Type = (*declTag)(nil)
	_ Type = (*typeTag)(nil)
	_ Type = (*cycle)(nil)
)

// Void is the unit type of BTF. It has ID 0 in every blob.
type Void struct{}

// TypeName returns the empty string: void has no name.
func (v *Void) TypeName() string { return "" }
func (v *Void) copy() Type       { return (*Void)(nil) }

// IntEncoding describes how the bits of an Int are interpreted.
type IntEncoding byte

// Valid IntEncodings.
//
// These may be ORed together in the wire format, but only one of them is
// meaningful at a time.
const (
	Unsigned IntEncoding = 0
	Signed   IntEncoding = 1
	Char     IntEncoding = 2
	Bool     IntEncoding = 4
)

// String returns "unsigned", "signed", "char" or "bool", or IntEncoding(n)
// for any other value.
func (ie IntEncoding) String() string {
	switch ie {
	case Unsigned:
		return "unsigned"
	case Signed:
		return "signed"
	case Char:
		return "char"
	case Bool:
		return "bool"
	default:
		return fmt.Sprintf("IntEncoding(%d)", byte(ie))
	}
}

// Int is an integer of a given length in bytes.
//
// A bitfield member in the wire format refers to an Int with fewer bits than
// its size; that information is folded into Member.Offset and
// Member.BitfieldSize when decoding, so an Int is always a whole number of
// bytes.
type Int struct {
	Name string

	// The size of the integer in bytes.
	Size     uint32
	Encoding IntEncoding
}

// TypeName returns the name of the integer type, for example "int".
func (i *Int) TypeName() string { return i.Name }
func (i *Int) copy() Type {
	cpy := *i
	return &cpy
}

// Pointer is a pointer to another type.
type Pointer struct {
	Target Type
}

// TypeName returns the empty string: pointers are anonymous.
func (p *Pointer) TypeName() string { return "" }
func (p *Pointer) copy() Type {
	cpy := *p
	return &cpy
}

// Array is an array with a fixed number of elements.
type Array struct {
	// The type used to index the array, usually an Int.
	Index Type
	// The type of each element.
	Type   Type
	Nelems uint32
}

// TypeName returns the empty string: arrays are anonymous.
func (arr *Array) TypeName() string { return "" }
func (arr *Array) copy() Type {
	cpy := *arr
	return &cpy
}

// Struct is a compound type of consecutive members.
type Struct struct {
	Name string
	// The size of the struct including padding, in bytes.
	Size    uint32
	Members []Member
}

// TypeName returns the name of the struct, which is empty for an anonymous
// struct.
func (s *Struct) TypeName() string { return s.Name }
func (s *Struct) copy() Type {
	cpy := *s
	cpy.Members = copyMembers(s.Members)
	return &cpy
}

func (s *Struct) members() []Member { return s.Members }
func (s *Struct) size() uint32      { return s.Size }

// Union is a compound type where members occupy the same memory.
type Union struct {
	Name string
	// The size of the union including padding, in bytes.
	Size    uint32
	Members []Member
}

// TypeName returns the name of the union, which is empty for an anonymous
// union.
func (u *Union) TypeName() string { return u.Name }
func (u *Union) copy() Type {
	cpy := *u
	cpy.Members = copyMembers(u.Members)
	return &cpy
}

func (u *Union) members() []Member { return u.Members }
func (u *Union) size() uint32      { return u.Size }

// composite is implemented by Struct and Union.
type composite interface {
	Type
	members() []Member
	size() uint32
}

var (
	_ composite = (*Struct)(nil)
	_ composite = (*Union)(nil)
)

func copyMembers(orig []Member) []Member {
	if orig == nil {
		return nil
	}
	cpy := make([]Member, len(orig))
	copy(cpy, orig)
	return cpy
}

// Bits is a value measured in bits.
type Bits uint32

// Bytes converts a bit value into bytes, truncating any partial byte.
func (b Bits) Bytes() uint32 {
	return uint32(b / 8)
}

// Member is part of a Struct or Union.
//
// It is not a valid Type.
type Member struct {
	Name   string
	Type   Type
	Offset Bits
	// The width of the member in bits if it is a bitfield, else zero.
	BitfieldSize Bits
}

// Enum lists possible values.
type Enum struct {
	Name string
	// Size of the enum value in bytes.
	Size uint32
	// True if the values should be interpreted as signed integers.
	Signed bool
	Values []EnumValue
}

// TypeName returns the name of the enum, which is empty for an anonymous
// enum.
func (e *Enum) TypeName() string { return e.Name }
func (e *Enum) copy() Type {
	cpy := *e
	if e.Values != nil {
		cpy.Values = make([]EnumValue, len(e.Values))
		copy(cpy.Values, e.Values)
	}
	return &cpy
}

// has64BitValues reports whether any value of the enum needs more than 32
// bits, taking signedness into account.
func (e *Enum) has64BitValues() bool {
	for _, v := range e.Values {
		if e.Signed {
			if s := int64(v.Value); s < math.MinInt32 || s > math.MaxInt32 {
				return true
			}
		} else if v.Value > math.MaxUint32 {
			return true
		}
	}
	return false
}

// EnumValue is part of an Enum.
//
// It is not a valid Type.
type EnumValue struct {
	Name  string
	Value uint64
}

// FwdKind is the type of forward declaration.
type FwdKind int

// Valid types of forward declaration.
const (
	FwdStruct FwdKind = iota
	FwdUnion
)

// String returns "struct" or "union", or btf.FwdKind(n) for any other value.
func (fk FwdKind) String() string {
	switch fk {
	case FwdStruct:
		return "struct"
	case FwdUnion:
		return "union"
	default:
		return fmt.Sprintf("%T(%d)", fk, int(fk))
	}
}

// Fwd is a forward declaration of a Type.
type Fwd struct {
	Name string
	Kind FwdKind
}

// TypeName returns the name of the declared struct or union.
func (f *Fwd) TypeName() string { return f.Name }
func (f *Fwd) copy() Type {
	cpy := *f
	return &cpy
}

// Typedef is an alias of a Type.
type Typedef struct {
	Name string
	Type Type
}

// TypeName returns the name of the alias.
func (td *Typedef) TypeName() string { return td.Name }
func (td *Typedef) copy() Type {
	cpy := *td
	return &cpy
}

// Volatile is a qualifier.
type Volatile struct {
	Type Type
}

// TypeName returns the empty string: qualifiers are anonymous.
func (v *Volatile) TypeName() string { return "" }
func (v *Volatile) qualify() Type    { return v.Type }
func (v *Volatile) copy() Type {
	cpy := *v
	return &cpy
}

// Const is a qualifier.
type Const struct {
	Type Type
}

// TypeName returns the empty string: qualifiers are anonymous.
func (c *Const) TypeName() string { return "" }
func (c *Const) qualify() Type    { return c.Type }
func (c *Const) copy() Type {
	cpy := *c
	return &cpy
}

// Restrict is a qualifier.
type Restrict struct {
	Type Type
}

// TypeName returns the empty string: qualifiers are anonymous.
func (r *Restrict) TypeName() string { return "" }
func (r *Restrict) qualify() Type    { return r.Type }
func (r *Restrict) copy() Type {
	cpy := *r
	return &cpy
}

// qualifier is implemented by the types that only modify another type:
// Const, Volatile, Restrict and type tags.
type qualifier interface {
	Type
	qualify() Type
}

var (
	_ qualifier = (*Const)(nil)
	_ qualifier = (*Volatile)(nil)
	_ qualifier = (*Restrict)(nil)
	_ qualifier = (*typeTag)(nil)
)

// FuncLinkage describes BTF function linkage metadata.
type FuncLinkage int

// Equivalent of enum btf_func_linkage.
const (
	StaticFunc FuncLinkage = iota // static
	GlobalFunc                    // global
	ExternFunc                    // extern
)

// String returns "static", "global" or "extern", or FuncLinkage(n) for any
// other value.
func (i FuncLinkage) String() string {
	switch i {
	case StaticFunc:
		return "static"
	case GlobalFunc:
		return "global"
	case ExternFunc:
		return "extern"
	default:
		return fmt.Sprintf("FuncLinkage(%d)", int(i))
	}
}

// Func is a function definition.
type Func struct {
	Name string
	// The prototype of the function, a *FuncProto unless the BTF is bogus.
	Type    Type
	Linkage FuncLinkage
}

// TypeName returns the name of the function.
func (f *Func) TypeName() string { return f.Name }
func (f *Func) copy() Type {
	cpy := *f
	return &cpy
}

// FuncProto is a function declaration.
type FuncProto struct {
	Return Type
	Params []FuncParam
}

// TypeName returns the empty string: prototypes are anonymous.
func (fp *FuncProto) TypeName() string { return "" }
func (fp *FuncProto) copy() Type {
	cpy := *fp
	if fp.Params != nil {
		cpy.Params = make([]FuncParam, len(fp.Params))
		copy(cpy.Params, fp.Params)
	}
	return &cpy
}

// FuncParam is a parameter of a FuncProto.
//
// It is not a valid Type.
type FuncParam struct {
	Name string
	Type Type
}

// VarLinkage describes BTF variable linkage metadata.
type VarLinkage int

// Equivalent of enum btf_var_linkage (extern is not part of the UAPI enum but
// is emitted by compilers for extern variables).
const (
	StaticVar VarLinkage = iota // static
	GlobalVar                   // global
	ExternVar                   // extern
)

// String returns "static", "global" or "extern", or VarLinkage(n) for any
// other value.
func (i VarLinkage) String() string {
	switch i {
	case StaticVar:
		return "static"
	case GlobalVar:
		return "global"
	case ExternVar:
		return "extern"
	default:
		return fmt.Sprintf("VarLinkage(%d)", int(i))
	}
}

// Var is a global variable.
type Var struct {
	Name    string
	Type    Type
	Linkage VarLinkage
}

// TypeName returns the name of the variable.
func (v *Var) TypeName() string { return v.Name }
func (v *Var) copy() Type {
	cpy := *v
	return &cpy
}

// Datasec is a global program section containing data.
type Datasec struct {
	Name string
	Size uint32
	Vars []VarSecinfo
}

// TypeName returns the name of the section, for example ".data".
func (ds *Datasec) TypeName() string { return ds.Name }
func (ds *Datasec) copy() Type {
	cpy := *ds
	if ds.Vars != nil {
		cpy.Vars = make([]VarSecinfo, len(ds.Vars))
		copy(cpy.Vars, ds.Vars)
	}
	return &cpy
}

// VarSecinfo describes a variable in a Datasec.
//
// It is not a valid Type.
type VarSecinfo struct {
	// Var or Func.
	Type   Type
	Offset uint32
	Size   uint32
}

// Float is a float of a given length.
type Float struct {
	Name string

	// The size of the float in bytes.
	Size uint32
}

// TypeName returns the name of the floating point type, for example "double".
func (f *Float) TypeName() string { return f.Name }
func (f *Float) copy() Type {
	cpy := *f
	return &cpy
}

// declTag associates metadata with a declaration.
type declTag struct {
	Type  Type
	Value string
	// The index this tag refers to in the target type. For composite types,
	// a value of -1 indicates that the tag refers to the whole type. Otherwise
	// it indicates which member or argument the tag applies to.
	Index int
}

func (dt *declTag) TypeName() string { return "" }
func (dt *declTag) copy() Type {
	cpy := *dt
	return &cpy
}

// typeTag associates metadata with a pointer type. It is a qualifier.
type typeTag struct {
	Type  Type
	Value string
}

func (tt *typeTag) TypeName() string { return "" }
func (tt *typeTag) qualify() Type    { return tt.Type }
func (tt *typeTag) copy() Type {
	cpy := *tt
	return &cpy
}

// cycle is returned by UnderlyingType when resolving root needs more than
// maxResolveDepth steps, which usually means the graph loops through
// Typedefs or qualifiers.
type cycle struct {
	root Type
}

func (c *cycle) TypeName() string { return "" }
func (c *cycle) copy() Type {
	cpy := *c
	return &cpy
}

// UnderlyingType skips qualifiers and Typedefs.
//
// If typ needs more than 32 steps to resolve, for example because Typedefs
// form a loop, it returns a placeholder type that is not otherwise produced
// by this package.
func UnderlyingType(typ Type) Type {
	result := typ
	for depth := 0; depth <= maxResolveDepth; depth++ {
		switch v := result.(type) {
		case qualifier:
			result = v.qualify()
		case *Typedef:
			result = v.Type
		default:
			return result
		}
	}
	return &cycle{typ}
}

// skipQualifiers skips all qualifiers on top of typ, but not Typedefs.
//
// It returns a placeholder type like UnderlyingType if the chain is too long.
func skipQualifiers(typ Type) Type {
	result := typ
	for depth := 0; depth <= maxResolveDepth; depth++ {
		switch v := result.(type) {
		case qualifier:
			result = v.qualify()
		default:
			return result
		}
	}
	return &cycle{typ}
}

// As returns typ if it is of type T. Otherwise it peels qualifiers and
// Typedefs until it finds a T.
//
// It returns the zero value and false if there is no T or if the chain is
// deeper than 32 steps. Pointers are never peeled.
func As[T Type](typ Type) (T, bool) {
	// Check the type directly first: it is by far the most common case and
	// avoids resolving at all.
	if t, ok := typ.(T); ok {
		return t, true
	}
	for depth := 0; depth <= maxResolveDepth; depth++ {
		switch v := typ.(type) {
		case qualifier:
			typ = v.qualify()
		case *Typedef:
			typ = v.Type
		default:
			var zero T
			return zero, false
		}
		if t, ok := typ.(T); ok {
			return t, true
		}
	}
	var zero T
	return zero, false
}

// Sizeof returns the size of a type in bytes.
//
// Arrays multiply the size of their element by the number of elements, and
// Typedefs and qualifiers are followed. It returns an error wrapping
// errUnsizedType for types without a size (Func, FuncProto, Fwd, Var, ...),
// and an error if the size overflows an int or the type nests deeper than 32
// levels.
func Sizeof(typ Type) (int, error) {
	var (
		n    = int64(1)
		elem int64
	)

	for i := 0; i < maxResolveDepth; i++ {
		switch v := typ.(type) {
		case *Array:
			if n > 0 && int64(v.Nelems) > math.MaxInt64/n {
				return 0, fmt.Errorf("type %s: size overflows int64", typ)
			}
			// Arrays may be of zero length, which allows n to be zero as well.
			n *= int64(v.Nelems)
			typ = v.Type
			continue

		case *Int:
			elem = int64(v.Size)
		case *Enum:
			elem = int64(v.Size)
		case *Struct:
			elem = int64(v.Size)
		case *Union:
			elem = int64(v.Size)
		case *Float:
			elem = int64(v.Size)
		case *Datasec:
			elem = int64(v.Size)
		case *Pointer:
			// Pointers are always 64 bit in BPF, regardless of the host.
			elem = 8
		case *Void:
			elem = 0

		case *Typedef:
			typ = v.Type
			continue
		case qualifier:
			typ = v.qualify()
			continue

		default:
			return 0, fmt.Errorf("type %T: %w", typ, errUnsizedType)
		}

		if n > 0 && elem > math.MaxInt64/n {
			return 0, fmt.Errorf("type %s: size overflows int64", typ)
		}

		size := n * elem
		if int64(int(size)) != size {
			return 0, fmt.Errorf("type %s: size overflows int", typ)
		}

		return int(size), nil
	}

	return 0, fmt.Errorf("type %s: %w", typ, errNestedTooDeep)
}

// TypeID identifies a type in a BTF blob. Void is always 0.
type TypeID = sys.TypeID

// ID identifies a BTF blob loaded into the kernel.
type ID = sys.BTFID
