// Package wait holds the one way the platform's background loops pause: for a while, or until
// their context ends, whichever comes first.
package wait

import (
	"context"
	"time"
)

// Sleep waits for d or until ctx ends; it reports whether the full wait passed.
func Sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
