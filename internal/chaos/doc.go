// Package chaos is mfactl's fault-and-kill suite (`make chaos`): it runs the
// mfactl binary against the in-process emulator under injected faults,
// kill -9, SIGINT and SIGTERM at random points, two applies at once and
// hostile inputs, and judges every run from the emulator's own state and
// call log rather than from what mfactl says. It has only tests; they run
// when MFACTL_CHAOS is set ("ci" for the bounded form .ci/run uses,
// "full" for the figures in docs/reliability.md).
package chaos
