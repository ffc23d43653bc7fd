module github.com/bpfcore/ebpf

go 1.24

require (
	github.com/go-quicktest/qt v1.101.0
	github.com/google/go-cmp v0.7.0
	golang.org/x/sys v0.33.0
)

require (
	github.com/kr/pretty v0.3.1 // indirect
	github.com/kr/text v0.2.0 // indirect
	github.com/rogpeppe/go-internal v1.11.0 // indirect
)
