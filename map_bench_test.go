package ebpf

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"
	"unsafe"

	"github.com/bpfcore/ebpf/internal/sys"
	"github.com/bpfcore/ebpf/internal/testutils"
)

// The benchmarks compare the Map methods with the raw internal/sys syscall
// they wrap, in the same run: the difference is the library's overhead.

// value64 is a 64-byte value without padding, used in place by Lookup.
type value64 struct {
	Fields [8]uint64
}

func benchMap(b *testing.B, spec *MapSpec) *Map {
	b.Helper()
	testutils.RequirePrivileges(b)
	m, err := NewMap(spec)
	testutils.SkipIfNotSupported(b, err)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = m.Close() })
	return m
}

func rawLookup(b *testing.B, m *Map, key, value unsafe.Pointer) {
	attr := sys.MapLookupElemAttr{
		MapFd: m.fd.Uint(),
		Key:   sys.NewPointer(key),
		Value: sys.NewPointer(value),
	}
	if err := sys.MapLookupElem(&attr); err != nil {
		b.Fatal(err)
	}
}

func rawUpdate(b *testing.B, m *Map, key, value unsafe.Pointer) {
	attr := sys.MapUpdateElemAttr{
		MapFd: m.fd.Uint(),
		Key:   sys.NewPointer(key),
		Value: sys.NewPointer(value),
	}
	if err := sys.MapUpdateElem(&attr); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkMap measures single-element operations on a hash with uint32
// keys and uint64 values, and lookups of 64-byte values.
func BenchmarkMap(b *testing.B) {
	m := benchMap(b, &MapSpec{Type: Hash, KeySize: 4, ValueSize: 8, MaxEntries: 1})
	big := benchMap(b, &MapSpec{Type: Hash, KeySize: 4, ValueSize: 64, MaxEntries: 1})

	key := uint32(1000)
	value := uint64(42)
	if err := m.Put(key, value); err != nil {
		b.Fatal(err)
	}
	var big64 value64
	if err := big.Put(key, &big64); err != nil {
		b.Fatal(err)
	}

	b.Run("Lookup/raw syscall", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			rawLookup(b, m, unsafe.Pointer(&key), unsafe.Pointer(&value))
		}
	})
	b.Run("Lookup/pointers", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := m.Lookup(&key, &value); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Lookup/value key", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := m.Lookup(uint32(1000), &value); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Lookup/unsafe.Pointer", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := m.Lookup(unsafe.Pointer(&key), unsafe.Pointer(&value)); err != nil {
				b.Fatal(err)
			}
		}
	})

	b.Run("Update/raw syscall", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			rawUpdate(b, m, unsafe.Pointer(&key), unsafe.Pointer(&value))
		}
	})
	b.Run("Update/pointers", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := m.Update(&key, &value, UpdateAny); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Update/values", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			// Constants don't allocate when converted to an interface;
			// variables would, in the caller.
			if err := m.Update(uint32(1000), uint64(42), UpdateAny); err != nil {
				b.Fatal(err)
			}
		}
	})

	b.Run("Lookup64/raw syscall", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			rawLookup(b, big, unsafe.Pointer(&key), unsafe.Pointer(&big64))
		}
	})
	b.Run("Lookup64/pointer", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := big.Lookup(&key, &big64); err != nil {
				b.Fatal(err)
			}
		}
	})

	b.Run("NextKey/raw syscall", func(b *testing.B) {
		b.ReportAllocs()
		var next uint32
		for b.Loop() {
			attr := sys.MapGetNextKeyAttr{MapFd: m.fd.Uint(), NextKey: sys.NewPointer(unsafe.Pointer(&next))}
			if err := sys.MapGetNextKey(&attr); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("NextKey/pointer", func(b *testing.B) {
		b.ReportAllocs()
		var next uint32
		for b.Loop() {
			if err := m.NextKey(nil, &next); err != nil {
				b.Fatal(err)
			}
		}
	})

	b.Run("Delete", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := m.Update(&key, &value, UpdateAny); err != nil {
				b.Fatal(err)
			}
			if err := m.Delete(&key); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkIterate walks maps of 10,000 entries: with MapIterator, with
// the raw get-next-key/lookup syscalls it issues, and in batches.
func BenchmarkIterate(b *testing.B) {
	for _, typ := range []MapType{Hash, PerCPUHash} {
		b.Run(typ.String(), func(b *testing.B) {
			m := benchMap(b, &MapSpec{Type: typ, KeySize: 4, ValueSize: 8, MaxEntries: batchEntries})
			keys := make([]uint32, batchEntries)
			perKey := 1
			if typ.hasPerCPUValue() {
				perKey = MustPossibleCPU()
			}
			values := make([]uint64, batchEntries*perKey)
			for i := range keys {
				keys[i] = uint32(i)
			}
			fill := func(b *testing.B) {
				if _, err := m.BatchUpdate(keys, values, nil); err != nil {
					testutils.SkipIfNotSupported(b, err)
					b.Fatal(err)
				}
			}
			fill(b)

			b.Run("MapIterator", func(b *testing.B) {
				b.ReportAllocs()
				var key uint32
				value := make([]uint64, perKey)
				var valueOut any = &value[0]
				if perKey > 1 {
					valueOut = value
				}
				for b.Loop() {
					entries := m.Iterate()
					n := 0
					for entries.Next(&key, valueOut) {
						n++
					}
					if err := entries.Err(); err != nil || n != batchEntries {
						b.Fatal(n, err)
					}
				}
			})

			if typ == Hash {
				b.Run("raw syscalls", func(b *testing.B) {
					b.ReportAllocs()
					var key uint32
					var value uint64
					for b.Loop() {
						n := 0
						var prev sys.Pointer
						for {
							attr := sys.MapGetNextKeyAttr{MapFd: m.fd.Uint(), Key: prev, NextKey: sys.NewPointer(unsafe.Pointer(&key))}
							if err := sys.MapGetNextKey(&attr); err != nil {
								break
							}
							prev = sys.NewPointer(unsafe.Pointer(&key))
							rawLookup(b, m, unsafe.Pointer(&key), unsafe.Pointer(&value))
							n++
						}
						if n != batchEntries {
							b.Fatal(n)
						}
					}
				})
			}

			b.Run("BatchLookup", func(b *testing.B) {
				b.ReportAllocs()
				var keysOut, valuesOut any = make([]uint32, batchEntries), make([]uint64, batchEntries*perKey)
				for b.Loop() {
					var cursor MapBatchCursor
					n, err := m.BatchLookup(&cursor, keysOut, valuesOut, nil)
					if !errors.Is(err, ErrKeyNotExist) || n != batchEntries {
						b.Fatal(n, err)
					}
				}
			})

			if typ == Hash {
				b.Run("BatchLookup raw syscall", func(b *testing.B) {
					b.ReportAllocs()
					keysOut, valuesOut := make([]uint32, batchEntries), make([]uint64, batchEntries)
					cursor := make([]byte, 4)
					for b.Loop() {
						attr := sys.MapLookupBatchAttr{
							MapFd:    m.fd.Uint(),
							OutBatch: sys.NewSlicePointer(cursor),
							Keys:     sys.NewPointer(unsafe.Pointer(&keysOut[0])),
							Values:   sys.NewPointer(unsafe.Pointer(&valuesOut[0])),
							Count:    batchEntries,
						}
						if err := sys.MapLookupBatch(&attr); err == nil || attr.Count != batchEntries {
							b.Fatal(attr.Count, err)
						}
					}
				})
			}

			b.Run("BatchLookupAndDelete", func(b *testing.B) {
				b.ReportAllocs()
				keysOut, valuesOut := make([]uint32, batchEntries), make([]uint64, batchEntries*perKey)
				for b.Loop() {
					b.StopTimer()
					fill(b)
					b.StartTimer()
					var cursor MapBatchCursor
					n, err := m.BatchLookupAndDelete(&cursor, keysOut, valuesOut, nil)
					if !errors.Is(err, ErrKeyNotExist) || n != batchEntries {
						b.Fatal(n, err)
					}
				}
			})

			b.Run("BatchDelete", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					b.StopTimer()
					fill(b)
					b.StartTimer()
					if n, err := m.BatchDelete(keys, nil); err != nil || n != batchEntries {
						b.Fatal(n, err)
					}
				}
			})
		})
	}
}

// BenchmarkMarshaling measures the marshaling of keys and values without
// syscalls.
func BenchmarkMarshaling(b *testing.B) {
	key := uint32(1000)
	var value value64
	for _, tc := range []struct {
		name string
		data any
		size int
	}{
		{"uint32 value", uint32(1000), 4},
		{"*uint32", &key, 4},
		{"*struct", &value, 64},
		{"struct", value, 64},
		{"BinaryMarshaler", customEncoding{"hello"}, 5},
		{"unsafe.Pointer", unsafe.Pointer(&value), 64},
	} {
		b.Run("input/"+tc.name, func(b *testing.B) {
			b.ReportAllocs()
			var s scratch
			for b.Loop() {
				if _, err := marshalMapSyscallInput(tc.data, tc.size, &s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}

	for _, tc := range []struct {
		name string
		dst  any
		size int
	}{
		{"*uint64", new(uint64), 8},
		{"*struct", new(value64), 64},
		{"BinaryUnmarshaler", new(customEncoding), 5},
		{"*[]byte", new([]byte), 8},
	} {
		b.Run("output/"+tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				buf := makeMapSyscallOutput(tc.dst, tc.size)
				if err := buf.Unmarshal(tc.dst); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPerCPUMarshalling measures per-CPU value encoding.
func BenchmarkPerCPUMarshalling(b *testing.B) {
	cpus := MustPossibleCPU()
	for _, size := range []int{4, 8} {
		b.Run(fmt.Sprintf("valueSize=%d", size), func(b *testing.B) {
			values := make([]uint64, cpus)
			if size == 4 {
				b.Run("marshal", func(b *testing.B) {
					b.ReportAllocs()
					small := make([]uint32, cpus)
					for b.Loop() {
						if _, err := marshalPerCPUValue(small, size); err != nil {
							b.Fatal(err)
						}
					}
				})
				return
			}
			buf, err := marshalPerCPUValue(values, size)
			if err != nil {
				b.Fatal(err)
			}
			b.Run("marshal", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := marshalPerCPUValue(values, size); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("unmarshal", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if err := unmarshalPerCPUValue(values, size, buf); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// BenchmarkMapOverhead runs the raw syscall and the Map method alternately
// in the same loop and reports the median time of each, which stays
// meaningful on a busy machine where separate benchmarks drift apart.
// overhead-% is (Map - raw) / raw of the medians; allocs/op covers both.
func BenchmarkMapOverhead(b *testing.B) {
	m := benchMap(b, &MapSpec{Type: Hash, KeySize: 4, ValueSize: 8, MaxEntries: 1})
	big := benchMap(b, &MapSpec{Type: Hash, KeySize: 4, ValueSize: 64, MaxEntries: 1})
	key, value := uint32(1000), uint64(42)
	var big64 value64
	if err := m.Put(key, value); err != nil {
		b.Fatal(err)
	}
	if err := big.Put(key, &big64); err != nil {
		b.Fatal(err)
	}

	for _, tc := range []struct {
		name string
		raw  func()
		lib  func() error
	}{
		{"Lookup uint32-uint64",
			func() { rawLookup(b, m, unsafe.Pointer(&key), unsafe.Pointer(&value)) },
			func() error { return m.Lookup(&key, &value) }},
		{"Update uint32-uint64",
			func() { rawUpdate(b, m, unsafe.Pointer(&key), unsafe.Pointer(&value)) },
			func() error { return m.Update(&key, &value, UpdateAny) }},
		{"Lookup 64-byte struct",
			func() { rawLookup(b, big, unsafe.Pointer(&key), unsafe.Pointer(&big64)) },
			func() error { return big.Lookup(&key, &big64) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			const maxSamples = 1 << 18
			raw := make([]time.Duration, 0, maxSamples)
			lib := make([]time.Duration, 0, maxSamples)
			i := 0
			for b.Loop() {
				var rawTime, libTime time.Duration
				// Alternate which goes first so neither profits from the
				// other warming caches.
				if i%2 == 0 {
					start := time.Now()
					tc.raw()
					mid := time.Now()
					if err := tc.lib(); err != nil {
						b.Fatal(err)
					}
					rawTime, libTime = mid.Sub(start), time.Since(mid)
				} else {
					start := time.Now()
					if err := tc.lib(); err != nil {
						b.Fatal(err)
					}
					mid := time.Now()
					tc.raw()
					libTime, rawTime = mid.Sub(start), time.Since(mid)
				}
				if len(raw) < maxSamples {
					raw = append(raw, rawTime)
					lib = append(lib, libTime)
				}
				i++
			}
			rawMedian, libMedian := median(raw), median(lib)
			b.ReportMetric(float64(rawMedian.Nanoseconds()), "raw-ns")
			b.ReportMetric(float64(libMedian.Nanoseconds()), "map-ns")
			b.ReportMetric(100*float64(libMedian-rawMedian)/float64(rawMedian), "overhead-%")
		})
	}
}

func median(samples []time.Duration) time.Duration {
	if len(samples) == 0 {
		return 0
	}
	sorted := slices.Clone(samples)
	slices.Sort(sorted)
	return sorted[len(sorted)/2]
}
