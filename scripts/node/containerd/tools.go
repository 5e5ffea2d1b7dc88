//go:build tools

// Package tools records the containerd commands this module builds for the
// end-to-end node (scripts/node/prepare.sh), so that `go mod tidy` keeps their
// dependencies.
package tools

import (
	_ "github.com/containerd/containerd/v2/cmd/containerd"
	_ "github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2"
	_ "github.com/containerd/containerd/v2/cmd/ctr"
)
