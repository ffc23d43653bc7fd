// Package kconfig reads the kernel's build configuration and encodes its
// values into the layout that BTF describes, for `__kconfig` externs.
package kconfig

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/bpfcore/ebpf/internal"
)

// Find opens the running kernel's configuration: /boot/config-<release>,
// else /proc/config.gz. It returns an error when neither exists.
func Find() (*os.File, error) {
	release, err := internal.KernelRelease()
	if err != nil {
		return nil, fmt.Errorf("find kconfig: %w", err)
	}
	for _, path := range []string{"/boot/config-" + release, "/proc/config.gz"} {
		f, err := os.Open(path)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("find kconfig: %w", err)
		}
	}
	return nil, fmt.Errorf("cannot find a kconfig file")
}

// Parse reads a kernel configuration, plain or gzip-compressed, and returns
// its CONFIG_ options with their values verbatim (quotes included). When
// filter is non-nil only the options it names are returned, and parsing
// stops once all of them were found. A key that appears twice keeps its
// first value. A line without '=' or with an empty value is an error naming
// the line.
func Parse(source io.ReaderAt, filter map[string]struct{}) (map[string]string, error) {
	r := io.NewSectionReader(source, 0, 1<<63-1)
	var rd io.Reader = r
	if gz, err := gzip.NewReader(r); err == nil {
		defer gz.Close()
		rd = gz
	} else if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("parse kconfig: %w", err)
	}

	capacity := len(filter)
	if filter == nil {
		capacity = 1024
	}
	config := make(map[string]string, capacity)
	scanner := bufio.NewScanner(rd)
	scanner.Buffer(make([]byte, 0, 4096), 1<<20)
	for lineNo := 1; scanner.Scan(); lineNo++ {
		if err := processKconfigLine(scanner.Bytes(), config, filter); err != nil {
			return nil, fmt.Errorf("parse kconfig: line %d: %w", lineNo, err)
		}
		if filter != nil && len(config) == len(filter) {
			return config, nil
		}
	}
	if err := scanner.Err(); err != nil {
		return nil, fmt.Errorf("parse kconfig: %w", err)
	}
	return config, nil
}

var configPrefix = []byte("CONFIG_")

// processKconfigLine records the option on line in config, unless it is
// filtered out or already present. Lines that are not options are ignored.
func processKconfigLine(line []byte, config map[string]string, filter map[string]struct{}) error {
	if !bytes.HasPrefix(line, configPrefix) {
		return nil
	}
	key, value, found := bytes.Cut(line, []byte("="))
	if !found {
		return fmt.Errorf("%q: missing '='", line)
	}
	if len(value) == 0 {
		return fmt.Errorf("%q: empty value", line)
	}
	if filter != nil {
		// The map index with a converted []byte does not allocate.
		if _, ok := filter[string(key)]; !ok {
			return nil
		}
	}
	if _, ok := config[string(key)]; ok {
		return nil
	}
	config[string(key)] = string(value)
	return nil
}
