// Package benchmarks measures the scheduling service through its gRPC API on real PostgreSQL and
// JetStream: BookSession from 32 concurrent clients over 50 centres (bookings/s, reported as
// requests/s, and p99), and GetDaySheet for a centre with 50 bookings (p99, target under 10 ms).
// `make bench` runs it; tools/benchreport prints the figures. Benchmarks only: no tests here.
package benchmarks
