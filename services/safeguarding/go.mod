module github.com/familytime/familytime/services/safeguarding

go 1.26.0

require (
	github.com/familytime/familytime/proto v0.0.0
	github.com/familytime/familytime/services/platform v0.0.0
	github.com/google/uuid v1.6.0
	google.golang.org/protobuf v1.36.12
)

require (
	buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go v1.36.12-20260825204119-511051f7f437.1 // indirect
	golang.org/x/net v0.60.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
	golang.org/x/text v0.43.0 // indirect
	google.golang.org/genproto/googleapis/rpc v0.0.0-20260928230214-8a89bd6388cc // indirect
	google.golang.org/grpc v1.85.0 // indirect
)

replace (
	github.com/familytime/familytime/proto => ../../proto
	github.com/familytime/familytime/services/platform => ../platform
)
