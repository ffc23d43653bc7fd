package btf

import (
	"fmt"
	"io"
	"strconv"
)

// formatType implements fmt.Formatter for every Type.
//
// %s prints kind and name (Struct:"foo"), %+s adds the address, %v appends a
// bracketed list of details and a width N prints children N levels deep in
// %v form instead of %s form. Any other verb prints {UNRECOGNIZED: c}.
//
// extra lists the details: a string ending in '=' labels the item after it,
// other strings are printed verbatim (empty ones not at all), Types are
// formatted recursively and anything else with fmt.Fprint.
func formatType(f fmt.State, verb rune, kind string, t Type, extra ...any) {
	if verb != 'v' && verb != 's' {
		fmt.Fprintf(f, "{UNRECOGNIZED: %c}", verb)
		return
	}

	io.WriteString(f, kind)
	if name := t.TypeName(); name != "" {
		io.WriteString(f, ":")
		io.WriteString(f, strconv.Quote(name))
	}
	if f.Flag('+') {
		fmt.Fprintf(f, ":%#p", t)
	}
	if verb == 's' || len(extra) == 0 {
		return
	}

	depth, _ := f.Width()
	io.WriteString(f, "[")
	space := false
	for _, item := range extra {
		if s, ok := item.(string); ok {
			if s == "" {
				continue
			}
			if space {
				io.WriteString(f, " ")
			}
			io.WriteString(f, s)
			// A label is glued to its value.
			space = s[len(s)-1] != '='
			continue
		}

		if space {
			io.WriteString(f, " ")
		}
		space = true

		switch v := item.(type) {
		case Type:
			formatChild(f, v, depth)
		case nil:
			io.WriteString(f, "<nil>")
		default:
			fmt.Fprint(f, v)
		}
	}
	io.WriteString(f, "]")
}

// formatChild prints a child type in %v form if there is depth left, else in
// %s form. The + flag is passed on.
func formatChild(f fmt.State, child Type, depth int) {
	if child == nil {
		io.WriteString(f, "<nil>")
		return
	}

	plus := f.Flag('+')
	switch {
	case depth > 0 && plus:
		fmt.Fprintf(f, "%+*v", depth-1, child)
	case depth > 0:
		fmt.Fprintf(f, "%*v", depth-1, child)
	case plus:
		fmt.Fprintf(f, "%+s", child)
	default:
		fmt.Fprintf(f, "%s", child)
	}
}

// Format implements fmt.Formatter, see Type.
func (v *Void) Format(fs fmt.State, verb rune) { formatType(fs, verb, "Void", v) }

// Format implements fmt.Formatter, see Type.
func (i *Int) Format(fs fmt.State, verb rune) {
	formatType(fs, verb, "Int", i, i.Encoding.String(), "size=", i.Size)
}

// Format implements fmt.Formatter, see Type.
func (p *Pointer) Format(fs fmt.State, verb rune) {
	formatType(fs, verb, "Pointer", p, "target=", p.Target)
}

// Format implements fmt.Formatter, see Type.
func (arr *Array) Format(fs fmt.State, verb rune) {
	formatType(fs, verb, "Array", arr, "index=", arr.Index, "type=", arr.Type, "n=", arr.Nelems)
}

// Format implements fmt.Formatter, see Type.
func (s *Struct) Format(fs fmt.State, verb rune) {
	formatType(fs, verb, "Struct", s, "fields=", len(s.Members))
}

// Format implements fmt.Formatter, see Type.
func (u *Union) Format(fs fmt.State, verb rune) {
	formatType(fs, verb, "Union", u, "fields=", len(u.Members))
}

// Format implements fmt.Formatter, see Type.
func (e *Enum) Format(fs fmt.State, verb rune) {
	formatType(fs, verb, "Enum", e, "size=", e.Size, "values=", len(e.Values))
}

// Format implements fmt.Formatter, see Type.
func (f *Fwd) Format(fs fmt.State, verb rune) {
	formatType(fs, verb, "Fwd", f, f.Kind.String())
}

// Format implements fmt.Formatter, see Type.
func (td *Typedef) Format(fs fmt.State, verb rune) {
	formatType(fs, verb, "Typedef", td, td.Type)
}

// Format implements fmt.Formatter, see Type.
func (v *Volatile) Format(fs fmt.State, verb rune) {
	formatType(fs, verb, "Volatile", v, v.Type)
}

// Format implements fmt.Formatter, see Type.
func (c *Const) Format(fs fmt.State, verb rune) {
	formatType(fs, verb, "Const", c, c.Type)
}

// Format implements fmt.Formatter, see Type.
func (r *Restrict) Format(fs fmt.State, verb rune) {
	formatType(fs, verb, "Restrict", r, r.Type)
}

// Format implements fmt.Formatter, see Type.
func (f *Func) Format(fs fmt.State, verb rune) {
	formatType(fs, verb, "Func", f, f.Linkage.String(), "proto=", f.Type)
}

// Format implements fmt.Formatter, see Type.
func (fp *FuncProto) Format(fs fmt.State, verb rune) {
	formatType(fs, verb, "FuncProto", fp, "args=", len(fp.Params), "return=", fp.Return)
}

// Format implements fmt.Formatter, see Type.
func (v *Var) Format(fs fmt.State, verb rune) {
	formatType(fs, verb, "Var", v, v.Linkage.String())
}

// Format implements fmt.Formatter, see Type.
func (ds *Datasec) Format(fs fmt.State, verb rune) {
	formatType(fs, verb, "Datasec", ds)
}

// Format implements fmt.Formatter, see Type.
func (f *Float) Format(fs fmt.State, verb rune) {
	formatType(fs, verb, "Float", f, "size=", f.Size*8)
}

func (dt *declTag) Format(fs fmt.State, verb rune) {
	formatType(fs, verb, "declTag", dt, "type=", dt.Type, "value=", strconv.Quote(dt.Value), "index=", dt.Index)
}

func (tt *typeTag) Format(fs fmt.State, verb rune) {
	formatType(fs, verb, "typeTag", tt, "type=", tt.Type, "value=", strconv.Quote(tt.Value))
}

func (c *cycle) Format(fs fmt.State, verb rune) {
	formatType(fs, verb, "cycle", c, "root=", c.root)
}
