package ebpf

import (
	"errors"
	"fmt"

	"github.com/bpfcore/ebpf/asm"
)

// splitSymbols splits insns into functions at every instruction that
// carries a symbol, keyed by the symbol.
//
// It returns an error if insns is empty, doesn't start with a symbol or
// defines a symbol twice.
func splitSymbols(insns asm.Instructions) (map[string]asm.Instructions, error) {
	funcs, err := splitFunctions(insns)
	if err != nil {
		return nil, err
	}
	out := make(map[string]asm.Instructions, len(funcs))
	for _, fn := range funcs {
		out[fn.Name()] = fn
	}
	return out, nil
}

// splitFunctions is splitSymbols in the order of insns. The functions share
// insns' backing array, with their capacity capped so that appending to one
// never overwrites the next.
func splitFunctions(insns asm.Instructions) ([]asm.Instructions, error) {
	if len(insns) == 0 {
		return nil, errors.New("insns is empty")
	}
	if insns[0].Symbol() == "" {
		return nil, errors.New("insns must start with a Symbol")
	}

	var (
		funcs []asm.Instructions
		seen  = make(map[string]struct{})
		start = 0
	)
	for i := range insns {
		sym := insns[i].Symbol()
		if sym == "" {
			continue
		}
		if _, ok := seen[sym]; ok {
			return nil, fmt.Errorf("insns contain duplicate Symbol %s", sym)
		}
		seen[sym] = struct{}{}

		if i > start {
			funcs = append(funcs, insns[start:i:i])
		}
		start = i
	}
	funcs = append(funcs, insns[start:len(insns):len(insns)])
	return funcs, nil
}

// flattenPrograms links every function that the programs called names
// reference, directly or through other functions, into their instructions,
// so that each program becomes self-contained. A reference is a bpf-to-bpf
// call or the load of a function's address whose Constant is still -1
// (unresolved).
//
// Functions are appended once each, in breadth-first order. References to
// functions that progs doesn't hold, such as externs, are left alone: they
// fail when the program is marshalled (asm.ErrUnsatisfiedProgramReference).
// Jump offsets are computed at marshal time, not here.
func flattenPrograms(progs map[string]*ProgramSpec, names []string) {
	l := linker{
		progs:   progs,
		refs:    make(map[string][]string, len(progs)),
		visited: make(map[string]bool),
	}

	// Link everything before assigning anything, so that programs that
	// call each other see the unlinked instructions of their callees.
	linked := make([]asm.Instructions, len(names))
	for i, name := range names {
		linked[i] = l.flatten(name)
	}
	for i, name := range names {
		progs[name].Instructions = linked[i]
	}
}

// linker holds what flattening the programs of one object shares.
type linker struct {
	progs map[string]*ProgramSpec
	// refs caches the function references of each function.
	refs map[string][]string
	// visited and pending are scratch space of flatten.
	visited map[string]bool
	pending []string
	deps    []string
}

// references returns the functions that the function name references.
func (l *linker) references(name string) []string {
	refs, ok := l.refs[name]
	if !ok {
		refs = l.progs[name].Instructions.FunctionReferences()
		l.refs[name] = refs
	}
	return refs
}

// flatten returns the instructions of progs[name] followed by those of every
// function it needs. If it needs none, they are returned as they are.
func (l *linker) flatten(name string) asm.Instructions {
	insns := l.progs[name].Instructions
	refs := l.references(name)
	if len(refs) == 0 {
		return insns
	}

	clear(l.visited)
	l.visited[name] = true
	// pending is a queue (it never aliases the cached reference lists),
	// deps the functions to append, in order.
	pending := append(l.pending[:0], refs...)
	deps := l.deps[:0]
	total := len(insns)
	for i := 0; i < len(pending); i++ {
		ref := pending[i]
		if l.visited[ref] {
			continue
		}
		l.visited[ref] = true

		dep := l.progs[ref]
		if dep == nil {
			continue
		}
		deps = append(deps, ref)
		total += len(dep.Instructions)
		pending = append(pending, l.references(ref)...)
	}
	l.pending, l.deps = pending[:0], deps[:0]

	if len(deps) == 0 {
		return insns
	}

	out := make(asm.Instructions, 0, total)
	out = append(out, insns...)
	for _, dep := range deps {
		out = append(out, l.progs[dep].Instructions...)
	}
	return out
}
