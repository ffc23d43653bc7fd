package ebpf

// Collection is a set of loaded maps and programs, keyed by name.
type Collection struct {
	Programs map[string]*Program
	Maps     map[string]*Map
}
