package btf

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// GoFormatter converts a Type to Go syntax, as a code generator like
// bpf2go needs it: Go types with the same memory layout as the C types.
//
// A zero GoFormatter is valid to use.
type GoFormatter struct {
	w strings.Builder

	// Types present in this map are referred to using the given name if they
	// are encountered when outputting another type.
	Names map[Type]string

	// Identifier is called for each field of struct-like types. By default the
	// field name is used as is.
	Identifier func(string) string

	// EnumIdentifier is called for each element of an enum. By default the
	// name of the enum type is concatenated with Identifier(element).
	EnumIdentifier func(name, element string) string
}

// TypeDeclaration generates a Go type declaration for a BTF type, on a
// single line:
//
//	type foo struct { bar uint32; _ [4]byte; baz uint64; }
//	type e uint32; const ( eA e = 0; eB e = 1; )
//
// Qualifiers are skipped and Typedefs replaced by what they name. Members
// that Go can't express (bitfields) become padding, so the layout stays
// correct.
//
// It returns an error if name is empty, for kinds that have no Go
// equivalent (wrapping ErrNotSupported), for members that exceed the size of
// their struct, for invalid bool or char sizes and for types nested more
// than 32 levels deep, which includes cycles.
func (gf *GoFormatter) TypeDeclaration(name string, typ Type) (string, error) {
	gf.w.Reset()
	if err := gf.writeTypeDecl(name, typ); err != nil {
		return "", err
	}
	return gf.w.String(), nil
}

func (gf *GoFormatter) identifier(s string) string {
	if gf.Identifier != nil {
		return gf.Identifier(s)
	}
	return s
}

func (gf *GoFormatter) enumIdentifier(name, element string) string {
	if gf.EnumIdentifier != nil {
		return gf.EnumIdentifier(name, element)
	}
	return name + gf.identifier(element)
}

// writeTypeDecl writes "type <name> <literal>", followed by the constants
// of an enum.
func (gf *GoFormatter) writeTypeDecl(name string, typ Type) error {
	if name == "" {
		return fmt.Errorf("need a name for type %s", typ)
	}

	typ = skipQualifiers(typ)
	gf.w.WriteString("type ")
	gf.w.WriteString(name)
	gf.w.WriteByte(' ')
	if err := gf.writeTypeLit(typ, 0); err != nil {
		return err
	}

	enum, ok := typ.(*Enum)
	if !ok || len(enum.Values) == 0 {
		return nil
	}

	gf.w.WriteString("; const ( ")
	for _, ev := range enum.Values {
		gf.w.WriteString(gf.enumIdentifier(name, ev.Name))
		gf.w.WriteByte(' ')
		gf.w.WriteString(name)
		gf.w.WriteString(" = ")
		if enum.Signed {
			gf.w.WriteString(strconv.FormatInt(int64(ev.Value), 10))
		} else {
			gf.w.WriteString(strconv.FormatUint(ev.Value, 10))
		}
		gf.w.WriteString("; ")
	}
	gf.w.WriteString(")")
	return nil
}

// writeType writes the name typ has in Names, or else a literal.
func (gf *GoFormatter) writeType(typ Type, depth int) error {
	typ = skipQualifiers(typ)
	if name := gf.Names[typ]; name != "" {
		gf.w.WriteString(name)
		return nil
	}
	return gf.writeTypeLit(typ, depth)
}

// writeTypeLit writes a literal describing typ, ignoring Names for typ
// itself.
func (gf *GoFormatter) writeTypeLit(typ Type, depth int) error {
	depth++
	if depth > maxResolveDepth {
		return errNestedTooDeep
	}

	var err error
	switch v := skipQualifiers(typ).(type) {
	case *Int:
		err = gf.writeIntLit(v)

	case *Enum:
		err = gf.writeIntOfSize(v.Size, v.Signed)

	case *Typedef:
		err = gf.writeType(v.Type, depth)

	case *Array:
		gf.w.WriteByte('[')
		gf.w.WriteString(strconv.FormatUint(uint64(v.Nelems), 10))
		gf.w.WriteByte(']')
		err = gf.writeType(v.Type, depth)

	case *Struct:
		err = gf.writeStructLit(v.Size, v.Members, depth)

	case *Union:
		// Go has no unions: the first member stands for all of them, padded
		// to the size of the union.
		err = gf.writeStructLit(v.Size, v.Members[:min(1, len(v.Members))], depth)

	case *Datasec:
		err = gf.writeDatasecLit(v, depth)

	case *cycle:
		return fmt.Errorf("%s: %w", v.root, errNestedTooDeep)

	default:
		return fmt.Errorf("type %s: %w", v, ErrNotSupported)
	}

	if err != nil {
		return fmt.Errorf("%s: %w", typ, err)
	}
	return nil
}

func (gf *GoFormatter) writeIntLit(i *Int) error {
	switch i.Encoding {
	case Bool:
		if i.Size != 1 {
			return fmt.Errorf("bool with size %d", i.Size)
		}
		gf.w.WriteString("bool")
		return nil

	case Char:
		if i.Size != 1 {
			return fmt.Errorf("char with size %d", i.Size)
		}
		// BTF doesn't say whether a char is signed. Unsigned works nicely
		// with []byte in Go code.
		gf.w.WriteString("uint8")
		return nil

	case Unsigned, Signed:
		return gf.writeIntOfSize(i.Size, i.Encoding == Signed)

	default:
		return fmt.Errorf("can't encode %s", i.Encoding)
	}
}

// writeIntOfSize writes the Go integer type of size bytes, or a byte array
// of that size if Go has no such integer.
func (gf *GoFormatter) writeIntOfSize(size uint32, signed bool) error {
	stem := "uint"
	if signed {
		stem = "int"
	}

	switch size {
	case 0:
		return errors.New("integer of size 0")
	case 1, 2, 4, 8:
		gf.w.WriteString(stem)
		gf.w.WriteString(strconv.Itoa(int(size) * 8))
	default:
		fmt.Fprintf(&gf.w, "[%d]byte /* %s%d */", size, stem, uint64(size)*8)
	}
	return nil
}

// writeStructLit writes a struct with the given members and size. Gaps
// between members become blank byte arrays, as do bitfields, which Go can't
// express.
func (gf *GoFormatter) writeStructLit(size uint32, members []Member, depth int) error {
	gf.w.WriteString("struct { ")

	var (
		prevOffset uint32
		// Whether the bytes since prevOffset hold bitfields.
		skippedBitfield bool
	)
	for i, m := range members {
		if m.BitfieldSize > 0 {
			skippedBitfield = true
			continue
		}
		if m.Offset%8 != 0 {
			return fmt.Errorf("field %d: unsupported offset %d", i, m.Offset)
		}

		offset := m.Offset.Bytes()
		if offset < prevOffset {
			return fmt.Errorf("field %d: offset %d overlaps the previous field, which ends at %d", i, offset, prevOffset)
		}
		gf.writeGap(offset-prevOffset, skippedBitfield)
		skippedBitfield = false

		fieldSize, err := Sizeof(m.Type)
		if err != nil {
			return fmt.Errorf("field %d: %w", i, err)
		}

		end := uint64(offset) + uint64(fieldSize)
		if end > uint64(size) {
			return fmt.Errorf("field %d of size %d exceeds type size %d", i, fieldSize, size)
		}
		prevOffset = uint32(end)

		if err := gf.writeStructField(m, depth); err != nil {
			return fmt.Errorf("field %d: %w", i, err)
		}
	}

	gf.writeGap(size-prevOffset, skippedBitfield)
	gf.w.WriteString("}")
	return nil
}

// writeStructField writes "name type; ". An anonymous union member is
// replaced by its first member, padded to the size of the union.
func (gf *GoFormatter) writeStructField(m Member, depth int) error {
	if m.Name != "" {
		gf.w.WriteString(gf.identifier(m.Name))
		gf.w.WriteByte(' ')
		if err := gf.writeType(m.Type, depth); err != nil {
			return err
		}
		gf.w.WriteString("; ")
		return nil
	}

	// struct foo { union { int bar; int baz; }; }
	union, ok := skipQualifiers(m.Type).(*Union)
	if !ok {
		return fmt.Errorf("anonymous %s: only anonymous unions are supported", m.Type)
	}
	if len(union.Members) == 0 {
		return errors.New("empty anonymous union")
	}

	depth++
	if depth > maxResolveDepth {
		return errNestedTooDeep
	}

	first := union.Members[0]
	if first.BitfieldSize > 0 || first.Offset != 0 {
		return fmt.Errorf("anonymous union: first member %q is a bitfield or not at offset 0", first.Name)
	}
	size, err := Sizeof(first.Type)
	if err != nil {
		return fmt.Errorf("anonymous union: %w", err)
	}
	if uint64(size) > uint64(union.Size) {
		return fmt.Errorf("anonymous union: member of size %d exceeds union size %d", size, union.Size)
	}

	if err := gf.writeStructField(first, depth); err != nil {
		return err
	}
	gf.writeGap(union.Size-uint32(size), false)
	return nil
}

// writeDatasecLit writes a struct of the global variables of a section,
// with padding in place of the others. Functions listed in the section
// (kfuncs in .ksyms) are skipped.
func (gf *GoFormatter) writeDatasecLit(ds *Datasec, depth int) error {
	gf.w.WriteString("struct { ")

	var prevOffset uint32
	for i, vsi := range ds.Vars {
		if _, ok := vsi.Type.(*Func); ok {
			// Functions (kfuncs in .ksyms) take no space in the section.
			continue
		}
		v, ok := vsi.Type.(*Var)
		if !ok {
			return fmt.Errorf("can't format %s as part of data section", vsi.Type)
		}

		if v.Linkage != GlobalVar {
			// Static and extern variables aren't part of the section's API.
			continue
		}

		if v.Name == "" {
			return fmt.Errorf("variable %d: empty name", i)
		}
		if vsi.Offset < prevOffset {
			return fmt.Errorf("variable %s: offset %d overlaps the previous variable, which ends at %d", v.Name, vsi.Offset, prevOffset)
		}

		gf.writeGap(vsi.Offset-prevOffset, false)
		end := uint64(vsi.Offset) + uint64(vsi.Size)
		if end > uint64(ds.Size) {
			return fmt.Errorf("variable %s of size %d exceeds section size %d", v.Name, vsi.Size, ds.Size)
		}
		prevOffset = uint32(end)

		gf.w.WriteString(gf.identifier(v.Name))
		gf.w.WriteByte(' ')
		if err := gf.writeType(v.Type, depth); err != nil {
			return fmt.Errorf("variable %d: %w", i, err)
		}
		gf.w.WriteString("; ")
	}

	gf.writeGap(ds.Size-prevOffset, false)
	gf.w.WriteString("}")
	return nil
}

// writeGap writes a blank field of n bytes, if n isn't zero.
func (gf *GoFormatter) writeGap(n uint32, bitfield bool) {
	if n == 0 {
		return
	}
	fmt.Fprintf(&gf.w, "_ [%d]byte", n)
	if bitfield {
		gf.w.WriteString(" /* unsupported bitfield */")
	}
	gf.w.WriteString("; ")
}
