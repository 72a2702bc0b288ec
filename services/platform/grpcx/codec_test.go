package grpcx_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/grpcx"
)

// rawCodec sends bytes as they are: a client that does not check its strings, as any client in any
// language may be.
type rawCodec struct{}

func (rawCodec) Name() string { return "proto" }
func (rawCodec) Marshal(v any) (mem.BufferSlice, error) {
	return mem.BufferSlice{mem.SliceBuffer(v.([]byte))}, nil
}
func (rawCodec) Unmarshal(data mem.BufferSlice, v any) error {
	*(v.(*[]byte)) = data.Materialize()
	return nil
}

// Text that is not valid UTF-8 is refused with InvalidArgument naming the field, not an Internal
// error from deep in gRPC, and the handler never sees it.
func TestInvalidUTF8IsInvalidArgumentNamingTheField(t *testing.T) {
	g := newRig(t)
	req := validRequest()
	req.Details.Name = "Riverside"
	body, err := proto.Marshal(req)
	require.NoError(t, err)
	body = bytes.Replace(body, []byte("Riverside"), []byte("River\xffide"), 1)

	tok, err := auth.Mint(g.key, auth.MintOptions{Issuer: issuer, Audience: audience, Subject: "account-9",
		Roles: []auth.Role{auth.RoleAdmin}, TTL: time.Hour})
	require.NoError(t, err)
	conn, err := grpcx.Dial(g.addr, tok)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	var reply []byte
	err = conn.Invoke(t.Context(), "/familytime.scheduling.v1.SchedulingService/RegisterCentre", body, &reply, grpc.ForceCodecV2(rawCodec{}))
	require.Equal(t, codes.InvalidArgument, status.Code(err), "%v", err)
	require.Contains(t, status.Convert(err).Message(), "details.name: must be valid UTF-8")

	// Without a token, the caller learns nothing about the request.
	anon, err := grpcx.Dial(g.addr, "not-a-token")
	require.NoError(t, err)
	t.Cleanup(func() { anon.Close() })
	err = anon.Invoke(t.Context(), "/familytime.scheduling.v1.SchedulingService/RegisterCentre", body, &reply, grpc.ForceCodecV2(rawCodec{}))
	require.Equal(t, codes.Unauthenticated, status.Code(err))
}
