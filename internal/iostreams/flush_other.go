//go:build !linux

package iostreams

import "context"

// waitForReader does not wait where pipes cannot say what they hold.
func (s *IOStreams) waitForReader(context.Context) {}
