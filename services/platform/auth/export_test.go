package auth

import "time"

// NewVerifierWithTicks is NewVerifier whose scheduled refresh runs at each value sent on ticks,
// so a test decides when it happens.
func NewVerifierWithTicks(cfg VerifierConfig, ticks <-chan time.Time) (*Verifier, error) {
	return newVerifier(cfg, ticks)
}
