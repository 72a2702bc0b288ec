// Package peer measures a peer, Watermill, on the platform's own workloads, in the same
// `make bench` run as the platform's benchmarks (services/platform/benchmarks), on the same
// PostgreSQL and an embedded JetStream of the same kind: appends through Watermill's SQL publisher
// (PeerAppendSingle16, PeerAppendBatch100 against AppendSingle16, AppendBatch100), its outbox
// Forwarder from PostgreSQL to JetStream (PeerRelay against RelayPublish), and a Watermill router
// with its JetStream subscriber and a handler that writes an inbox row and a projection row in one
// transaction (PeerConsumer against Consumer).
//
// It is a module of its own so that Watermill's dependencies (lib/pq, the MySQL driver, chi, gogo
// protobuf, ...) stay out of the platform module. Like the platform's benchmarks it asserts no
// speed: tools/benchreport sets each Peer benchmark beside the platform's and prints the ratio,
// the target and what each side guarantees; docs/performance.md ("Peers") says how Watermill is
// configured and why the comparison is fair.
package peer
