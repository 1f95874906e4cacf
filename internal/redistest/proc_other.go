//go:build !linux

package redistest

import (
	"os"
	"os/exec"
	"syscall"
)

// terminate is the signal Stop sends.
var terminate os.Signal = syscall.SIGTERM

// setDeathSignal does nothing here: only Linux kills children with their parent.
func setDeathSignal(*exec.Cmd) {}
