package ebpf

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/bpfcore/ebpf/asm"
	"github.com/bpfcore/ebpf/btf"
	"github.com/bpfcore/ebpf/internal/sysenc"
)

// The explicit mutators of a CollectionSpec. Loading never changes a spec;
// these do, before it is loaded.

// RewriteMaps makes every program of the spec that refers to one of the
// given maps by name use that map instead, and removes the names from
// cs.Maps, so that loading the spec does not create them. The programs'
// instructions are changed in place.
//
// It returns an error if a map is not referenced by any program, or if an
// instruction that refers to it is not a map load. Maps processed before
// the failing one stay rewritten.
//
// Deprecated: Pass maps to use in CollectionOptions.MapReplacements
// instead, which also checks that they are compatible.
func (cs *CollectionSpec) RewriteMaps(maps map[string]*Map) error {
	if cs == nil {
		return errors.New("nil CollectionSpec")
	}
	for _, symbol := range sortedKeys(maps) {
		m := maps[symbol]
		referenced := false
		for _, progName := range sortedKeys(cs.Programs) {
			err := cs.Programs[progName].Instructions.AssociateMap(symbol, m)
			switch {
			case err == nil:
				referenced = true
			case errors.Is(err, asm.ErrUnreferencedSymbol):
				// This program doesn't use the map.
			default:
				return fmt.Errorf("program %s: %w", progName, err)
			}
		}
		if !referenced {
			return fmt.Errorf("map %s not referenced by any programs", symbol)
		}
		delete(cs.Maps, symbol)
	}
	return nil
}

// RewriteConstants sets the initial values of global constants, the
// variables a C program declares `volatile const`, which live in the
// .rodata sections. Each value is encoded like a map value (see Map.Put)
// to exactly the variable's size. Because .rodata is frozen before the
// programs are verified, the verifier can prune code that depends on them.
//
// Only .rodata* sections with BTF take part; .data and .bss variables can't
// be rewritten here. The new contents are fresh copies: a spec copied
// before the call, and the byte slices it shares, stay unchanged.
//
// It returns an error wrapping *MissingConstantsError that lists the names
// that are in no .rodata section (the others are still rewritten), and
// errors naming the section and variable for contents that are not a single
// []byte, variables out of bounds, names declared in two sections, and
// values that don't encode to the variable's size.
func (cs *CollectionSpec) RewriteConstants(consts map[string]interface{}) error {
	if cs == nil {
		return errors.New("nil CollectionSpec")
	}
	replaced := make(map[string]bool, len(consts))

	for _, name := range sortedKeys(cs.Maps) {
		spec := cs.Maps[name]
		if spec == nil || !strings.HasPrefix(name, ".rodata") {
			continue
		}
		ds, ok := spec.Value.(*btf.Datasec)
		if !ok {
			// Anonymous data, such as string literals, has no variables.
			continue
		}

		contents, err := rewriteDataSection(name, spec, ds, consts, replaced)
		if err != nil {
			return err
		}
		if contents != nil {
			// A new slice, so that copies of the spec keep theirs.
			spec.Contents = []MapKV{{uint32(0), contents}}
		}
	}

	var missing []string
	for name := range consts {
		if !replaced[name] {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return fmt.Errorf("rewrite constants: %w", &MissingConstantsError{Constants: missing})
	}
	return nil
}

// rewriteDataSection writes the constants that are variables of ds into a
// copy of the section's contents and records them in replaced. It returns
// the copy, or nil if the section has none of the constants.
func rewriteDataSection(section string, spec *MapSpec, ds *btf.Datasec, consts map[string]interface{}, replaced map[string]bool) ([]byte, error) {
	var data, contents []byte
	for i, vsi := range ds.Vars {
		v, ok := vsi.Type.(*btf.Var)
		if !ok {
			return nil, fmt.Errorf("section %s: variable %d: expected a *btf.Var, got %T", section, i, vsi.Type)
		}
		value, ok := consts[v.Name]
		if !ok {
			continue
		}
		if replaced[v.Name] {
			return nil, fmt.Errorf("section %s: duplicate variable %s", section, v.Name)
		}

		if contents == nil {
			var err error
			if data, err = dataSectionContents(spec); err != nil {
				return nil, fmt.Errorf("section %s: %w", section, err)
			}
			contents = make([]byte, len(data))
			copy(contents, data)
		}

		start, end := uint64(vsi.Offset), uint64(vsi.Offset)+uint64(vsi.Size)
		if end > uint64(len(contents)) {
			return nil, fmt.Errorf("section %s: variable %s at offset %d (+%d) is out of bounds (%d bytes)",
				section, v.Name, vsi.Offset, vsi.Size, len(contents))
		}

		buf, err := sysenc.Marshal(value, int(vsi.Size))
		if err != nil {
			return nil, fmt.Errorf("section %s: constant %s: %w", section, v.Name, err)
		}
		buf.CopyTo(contents[start:end])
		replaced[v.Name] = true
	}
	return contents, nil
}

// dataSectionContents returns the single value of a data section's map.
func dataSectionContents(spec *MapSpec) ([]byte, error) {
	if len(spec.Contents) != 1 {
		return nil, fmt.Errorf("expected exactly one value in contents, got %d", len(spec.Contents))
	}
	data, ok := spec.Contents[0].Value.([]byte)
	if !ok {
		return nil, fmt.Errorf("expected contents to be []byte, got %T", spec.Contents[0].Value)
	}
	return data, nil
}

// sortedKeys returns the keys of m in order, so that loading and rewriting
// visit objects in the same order on every run and report the same error.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
