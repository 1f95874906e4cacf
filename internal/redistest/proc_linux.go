package redistest

import (
	"os/exec"
	"syscall"
)

// terminate is the signal Stop sends.
var terminate = syscall.SIGTERM

// setDeathSignal has the kernel kill a test's Redis processes when the
// test binary dies before its cleanup (a panic, a timeout, SIGKILL), so no
// server outlives its test.
func setDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
