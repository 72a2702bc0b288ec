// Package proto is the root of Familytime's protobuf contracts: the .proto sources under
// familytime/<svc>/v1 (a buf v2 module, see buf.yaml) and the Go generated from them under
// gen/go/familytime/<svc>/v1, which is committed. Import the generated packages with aliases such
// as commonv1; regenerate with `make proto` from the repository root, never by hand.
package proto
