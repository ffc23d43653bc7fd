package btf

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// This file holds the vocabulary of CO-RE relocations: what clang records in
// .BTF.ext (kind, root type, accessor) as CORERelocation. Parsing the
// records out of .BTF.ext and attaching them to instructions
// (CORERelocationMetadata) belongs to the ext info code; resolving them
// against target types to COREFixups is in core.go.

// coreKind is the aspect of a type, field or enumerator that a CO-RE
// relocation asks for. The values are those of enum bpf_core_relo_kind in
// the kernel's UAPI.
type coreKind uint32

const (
	reloFieldByteOffset coreKind = iota // BPF_CORE_FIELD_BYTE_OFFSET
	reloFieldByteSize                   // BPF_CORE_FIELD_BYTE_SIZE
	reloFieldExists                     // BPF_CORE_FIELD_EXISTS
	reloFieldSigned                     // BPF_CORE_FIELD_SIGNED
	reloFieldLShiftU64                  // BPF_CORE_FIELD_LSHIFT_U64
	reloFieldRShiftU64                  // BPF_CORE_FIELD_RSHIFT_U64
	reloTypeIDLocal                     // BPF_CORE_TYPE_ID_LOCAL
	reloTypeIDTarget                    // BPF_CORE_TYPE_ID_TARGET
	reloTypeExists                      // BPF_CORE_TYPE_EXISTS
	reloTypeSize                        // BPF_CORE_TYPE_SIZE
	reloEnumvalExists                   // BPF_CORE_ENUMVAL_EXISTS
	reloEnumvalValue                    // BPF_CORE_ENUMVAL_VALUE
	reloTypeMatches                     // BPF_CORE_TYPE_MATCHES
)

var coreKindNames = [...]string{
	reloFieldByteOffset: "byte_off",
	reloFieldByteSize:   "byte_sz",
	reloFieldExists:     "field_exists",
	reloFieldSigned:     "signed",
	reloFieldLShiftU64:  "lshift_u64",
	reloFieldRShiftU64:  "rshift_u64",
	reloTypeIDLocal:     "local_type_id",
	reloTypeIDTarget:    "target_type_id",
	reloTypeExists:      "type_exists",
	reloTypeSize:        "type_size",
	reloEnumvalExists:   "enumval_exists",
	reloEnumvalValue:    "enumval_value",
	reloTypeMatches:     "type_matches",
}

// String returns the name libbpf uses for the kind, or "unknown (n)".
func (k coreKind) String() string {
	if int(k) < len(coreKindNames) {
		return coreKindNames[k]
	}
	return fmt.Sprintf("unknown (%d)", uint32(k))
}

// valid reports whether the kernel defines the kind.
func (k coreKind) valid() bool {
	return int(k) < len(coreKindNames)
}

// checksForExistence reports whether the kind asks whether something exists
// (or matches). Such a relocation resolves to 0 instead of poisoning the
// instruction when there is no target.
func (k coreKind) checksForExistence() bool {
	return k == reloFieldExists || k == reloTypeExists || k == reloEnumvalExists || k == reloTypeMatches
}

// isField reports whether the kind describes a member of a struct or union
// reached through an accessor.
func (k coreKind) isField() bool {
	return k <= reloFieldRShiftU64
}

// isType reports whether the kind describes the root type as a whole.
func (k coreKind) isType() bool {
	switch k {
	case reloTypeIDLocal, reloTypeIDTarget, reloTypeExists, reloTypeSize, reloTypeMatches:
		return true
	}
	return false
}

// isEnumval reports whether the kind describes an enumerator.
func (k coreKind) isEnumval() bool {
	return k == reloEnumvalExists || k == reloEnumvalValue
}

// coreAccessor is the parsed access string of a relocation: for field kinds
// the path from the root type to the field (first an index into an
// imaginary array of the root type, then member or element indices), for
// enum kinds the index of the enumerator, for type kinds always [0].
type coreAccessor []int

var errInvalidAccessor = errors.New("invalid accessor")

// parseCOREAccessor parses an access string like "0:1:3".
//
// It returns an error wrapping errInvalidAccessor for an empty string, an
// empty part, anything but decimal digits or an index that doesn't fit in
// 31 bits.
func parseCOREAccessor(accessor string) (coreAccessor, error) {
	if accessor == "" {
		return nil, fmt.Errorf("%w: empty access string", errInvalidAccessor)
	}

	result := make(coreAccessor, 0, strings.Count(accessor, ":")+1)
	for part := range strings.SplitSeq(accessor, ":") {
		// ParseUint rejects signs, so negative indices are refused here.
		index, err := strconv.ParseUint(part, 10, 31)
		if err != nil {
			return nil, fmt.Errorf("%w %q: %w", errInvalidAccessor, accessor, err)
		}
		result = append(result, int(index))
	}
	return result, nil
}

// String formats the accessor the way clang writes it.
func (ca coreAccessor) String() string {
	var sb strings.Builder
	for i, index := range ca {
		if i > 0 {
			sb.WriteByte(':')
		}
		sb.WriteString(strconv.Itoa(index))
	}
	return sb.String()
}

// enumValue returns the enumerator an enum relocation's accessor selects in
// t, which must be an Enum after Typedefs and qualifiers.
func (ca coreAccessor) enumValue(t Type) (*EnumValue, error) {
	e, ok := As[*Enum](t)
	if !ok {
		return nil, fmt.Errorf("%s is not an enum", t)
	}
	if len(ca) != 1 {
		return nil, fmt.Errorf("accessor %s of enum %s: want a single index", ca, t)
	}
	if ca[0] < 0 || ca[0] >= len(e.Values) {
		return nil, fmt.Errorf("accessor %s: enum %s has %d values", ca, t, len(e.Values))
	}
	return &e.Values[ca[0]], nil
}

// CORERelocation is a CO-RE relocation recorded by the compiler for one
// instruction: which aspect (kind) of which local type, field (accessor) or
// enumerator needs to be adjusted to the types of the running kernel.
//
// Its fields are positional so tests can build one as a literal.
type CORERelocation struct {
	// The local type the relocation is rooted at.
	typ Type
	// Path to the field or enumerator; [0] for type kinds.
	accessor coreAccessor
	kind     coreKind
	// The ID of typ in the BTF of the object that carries the relocation.
	id TypeID
}

// String describes the relocation: kind, local type, accessor and local
// type ID, for example
// "CORERelocation(byte_off, Struct:\"sk_buff\"[0:1], local_id=42)".
func (cr *CORERelocation) String() string {
	return fmt.Sprintf("CORERelocation(%s, %s[%s], local_id=%d)", cr.kind, cr.typ, cr.accessor, cr.id)
}
