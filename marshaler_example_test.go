package ebpf

import (
	"fmt"
	"strings"
)

// upperKey is stored in upper case and read back as it is.
type upperKey string

func (k upperKey) MarshalBinary() ([]byte, error) {
	return []byte(strings.ToUpper(string(k))), nil
}

func (k *upperKey) UnmarshalBinary(data []byte) error {
	*k = upperKey(data)
	return nil
}

// Types implementing encoding.BinaryMarshaler and BinaryUnmarshaler choose
// their own encoding as keys and values.
func Example_customMarshaler() {
	hash, err := NewMap(&MapSpec{Type: Hash, KeySize: 5, ValueSize: 4, MaxEntries: 1})
	if err != nil {
		panic(err)
	}
	defer hash.Close()

	if err := hash.Put(upperKey("hello"), uint32(111)); err != nil {
		panic(err)
	}

	var key upperKey
	var value uint32
	entries := hash.Iterate()
	for entries.Next(&key, &value) {
		fmt.Printf("key: %s, value: %d\n", key, value)
	}
}
