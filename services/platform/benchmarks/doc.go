// Package benchmarks measures the platform's event pipeline against raw baselines run on the same
// machine in the same `make bench` run: appends against plain INSERTs, the relay against a plain
// JetStream async publish of the same messages, and a consumer (inbox plus a projection write)
// against an absolute rate. The package has no code of its own, only benchmarks; docs/performance.md
// says what each one measures, why the comparison is fair, and the latest figures.
//
// Speed targets are never asserted here: a benchmark reports events/s, and tools/benchreport
// compares the figures with the targets.
package benchmarks
