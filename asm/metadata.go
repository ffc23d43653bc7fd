package asm

// Metadata holds values attached to an instruction, keyed like a Go map.
//
// It is a single pointer to an immutable singly linked list: copying an
// Instruction copies the pointer, and Set builds a new list head instead of
// modifying nodes that copies may share (copy-on-write). Two Metadata values
// are == exactly when they share the same list. The zero value is empty.
type Metadata struct {
	head *metaElement
}

type metaElement struct {
	next       *metaElement
	key, value interface{}
}

// Find the element for key, or nil.
func (m *Metadata) find(key interface{}) *metaElement {
	for e := m.head; e != nil; e = e.next {
		if e.key == key {
			return e
		}
	}
	return nil
}

// Set stores value under key, replacing an existing value; a nil value
// removes the key. Keys compare with ==, so values of distinct named types
// are distinct keys; key must be comparable, as a map key must. Setting the
// value a key already has leaves m untouched.
func (m *Metadata) Set(key, value interface{}) {
	old := m.find(key)
	switch {
	case old == nil && value == nil:
		return
	case old == nil:
		m.head = &metaElement{next: m.head, key: key, value: value}
		return
	case value != nil && sameValue(old.value, value):
		return
	}

	// Copy the elements in front of old, then either drop old or replace it
	// with a new element; the elements behind old are shared.
	tail := old.next
	if value != nil {
		tail = &metaElement{next: tail, key: key, value: value}
	}
	m.head = copyUntil(m.head, old, tail)
}

// copyUntil returns a copy of the list from e up to (excluding) stop, with
// tail appended.
func copyUntil(e, stop, tail *metaElement) *metaElement {
	if e == stop {
		return tail
	}
	return &metaElement{next: copyUntil(e.next, stop, tail), key: e.key, value: e.value}
}

// sameValue reports whether a == b, treating values that cannot be compared
// as different instead of panicking.
func sameValue(a, b interface{}) (same bool) {
	defer func() {
		if recover() != nil {
			same = false
		}
	}()
	return a == b
}

// Get returns the value stored under key, or nil.
func (m *Metadata) Get(key interface{}) interface{} {
	if e := m.find(key); e != nil {
		return e.value
	}
	return nil
}

// stringElement is a metaElement that carries its string value itself, its
// value field pointing at str. Converting a string to interface{} costs an
// allocation of its own, which symbols and references, set on a large part
// of all instructions, would pay on top of the element's.
type stringElement struct {
	metaElement
	str string
}

// setString is Set(key, value) for a string, read back by getString: one
// allocation instead of two. "" removes the key.
func (m *Metadata) setString(key interface{}, value string) {
	if value == "" {
		m.Set(key, nil)
		return
	}

	old := m.find(key)
	if old != nil {
		if p, ok := old.value.(*string); ok && *p == value {
			return
		}
	}

	e := &stringElement{str: value}
	e.key, e.value = key, &e.str
	if old == nil {
		e.next = m.head
		m.head = &e.metaElement
		return
	}
	e.next = old.next
	m.head = copyUntil(m.head, old, &e.metaElement)
}

// getString returns the string that setString stored under key, or "".
func (m *Metadata) getString(key interface{}) string {
	if p, ok := m.Get(key).(*string); ok {
		return *p
	}
	return ""
}
