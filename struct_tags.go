package ebpf

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// Struct tags (LOADER.md §3): CollectionSpec.Assign, LoadAndAssign and
// Collection.Assign fill the fields of a caller's struct that carry an
// `ebpf:"name"` tag. Untagged struct fields, and non-nil pointers to
// structs, are searched for more tags, so that generated structs can be
// embedded in one another.

// structField is a field of a struct being assigned, with the value that
// holds it.
type structField struct {
	reflect.StructField
	value reflect.Value
}

// assignValues fills every tagged field of the struct that to points at with
// getValue(field type, tag). getValue decides which field types it supports.
//
// It returns an error if to is not a non-nil pointer to a struct, if the
// struct has a nil pointer to a struct or refers to itself, if a tag has a
// comma or names the same object twice for fields of the same type, if
// getValue fails, or if a tagged field is unexported. Fields before the
// failing one stay assigned.
func assignValues(to interface{}, getValue func(typ reflect.Type, name string) (interface{}, error)) error {
	toValue := reflect.ValueOf(to)
	if !toValue.IsValid() || toValue.Kind() != reflect.Ptr {
		return fmt.Errorf("%T is not a pointer to struct", to)
	}
	if toValue.IsNil() {
		return fmt.Errorf("nil pointer to %T", to)
	}

	fields, err := ebpfFields(toValue.Elem(), make(map[reflect.Type]bool))
	if err != nil {
		return err
	}

	type object struct {
		typ  reflect.Type
		name string
	}
	assigned := make(map[object]string, len(fields))
	for _, field := range fields {
		name := field.Tag.Get("ebpf")
		if strings.Contains(name, ",") {
			return fmt.Errorf("field %s: ebpf tag contains a comma", field.Name)
		}

		obj := object{field.Type, name}
		if prev, ok := assigned[obj]; ok {
			return fmt.Errorf("field %s: object %q was already assigned to %s", field.Name, name, prev)
		}

		value, err := getValue(field.Type, name)
		if err != nil {
			return fmt.Errorf("field %s: %w", field.Name, err)
		}
		if !field.value.CanSet() {
			return fmt.Errorf("field %s: can't set value", field.Name)
		}

		v := reflect.ValueOf(value)
		if !v.IsValid() || !v.Type().AssignableTo(field.Type) {
			// getValue returns values of the type it was asked for; this
			// guards against a mistake there turning into a panic.
			return fmt.Errorf("field %s: can't assign %T to %s", field.Name, value, field.Type)
		}
		field.value.Set(v)
		assigned[obj] = field.Name
	}
	return nil
}

// errRecursiveStruct is wrapped when a struct contains itself through
// pointers, which would make the search for tags endless.
var errRecursiveStruct = errors.New("recursion")

// ebpfFields returns the tagged fields of structVal and of the structs it
// embeds or points to through untagged fields, in declaration order
// (depth first). onPath holds the struct types being searched on the way
// from the outermost struct, to detect a struct that contains itself.
func ebpfFields(structVal reflect.Value, onPath map[reflect.Type]bool) ([]structField, error) {
	structType := structVal.Type()
	if structType.Kind() != reflect.Struct {
		return nil, fmt.Errorf("%s is not a struct", structType)
	}
	if onPath[structType] {
		return nil, fmt.Errorf("%w on type %s", errRecursiveStruct, structType)
	}
	onPath[structType] = true
	defer delete(onPath, structType)

	var fields []structField
	for i := 0; i < structType.NumField(); i++ {
		field := structField{structType.Field(i), structVal.Field(i)}

		if name := field.Tag.Get("ebpf"); name != "" {
			fields = append(fields, field)
			continue
		}

		var inner reflect.Value
		switch field.Type.Kind() {
		case reflect.Ptr:
			if field.Type.Elem().Kind() != reflect.Struct {
				continue
			}
			if field.value.IsNil() {
				return nil, fmt.Errorf("field %s: nil pointer to %s", field.Name, field.Type)
			}
			inner = field.value.Elem()

		case reflect.Struct:
			inner = field.value

		default:
			continue
		}

		innerFields, err := ebpfFields(inner, onPath)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", field.Name, err)
		}
		fields = append(fields, innerFields...)
	}
	return fields, nil
}
