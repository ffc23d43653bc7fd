package btf

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/go-quicktest/qt"

	"github.com/bpfcore/ebpf/internal"
	"github.com/bpfcore/ebpf/internal/btfinternal"
)

// The entry point for parsed ELFs gives what LoadSpecAndExtInfosFromReader
// gives for the same file.
func TestLoadSpecAndExtInfosFromParsedELF(t *testing.T) {
	for _, file := range testELFs(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			fh, err := os.Open(file)
			qt.Assert(t, qt.IsNil(err))
			defer fh.Close()

			wantSpec, wantExt, wantErr := LoadSpecAndExtInfosFromReader(fh)

			elfFile, err := internal.NewSafeELFFile(fh)
			qt.Assert(t, qt.IsNil(err))
			// The ELF reader hands over the symbols it read; nil if it
			// couldn't, and btf reads them itself.
			symbols, _ := elfFile.Symbols()
			spec, ext, err := btfinternal.LoadSpecAndExtInfosFromELF(elfFile, symbols)
			if wantErr != nil {
				qt.Assert(t, qt.IsNotNil(err))
				qt.Assert(t, qt.Equals(errors.Is(err, ErrNotFound), errors.Is(wantErr, ErrNotFound)))
				return
			}
			qt.Assert(t, qt.IsNil(err))
			qt.Assert(t, qt.IsTrue(reflect.DeepEqual(spec.(*Spec), wantSpec)))
			qt.Assert(t, qt.IsTrue(reflect.DeepEqual(ext.(*ExtInfos), wantExt)))
		})
	}
}
