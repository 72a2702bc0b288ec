package grpcx

import (
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Text that is not valid UTF-8. Protobuf refuses a proto3 string field holding it, and gRPC turns
// that refusal into Internal, before any interceptor runs: a caller who sent a bad byte would be
// told the server failed, without a word on which field. The server's codec therefore repairs such
// a request (each bad byte becomes U+FFFD) so that it decodes, and remembers which field was bad;
// the validation step then refuses the request with InvalidArgument naming that field, before the
// handler sees any of it.

// codec is the server's protobuf codec.
type codec struct {
	// invalid holds, for each decoded request that had invalid UTF-8, the path of the first bad
	// field. The interceptors take the entry out (takeInvalid) before anything uses the request.
	invalid sync.Map // proto.Message -> string
}

// Name is the codec's content subtype: it serves every protobuf request.
func (*codec) Name() string { return "proto" }

func (c *codec) Marshal(v any) (mem.BufferSlice, error) {
	return encoding.GetCodecV2("proto").Marshal(v)
}

func (c *codec) Unmarshal(data mem.BufferSlice, v any) error {
	msg, ok := v.(proto.Message)
	if !ok {
		return fmt.Errorf("grpcx: cannot decode %T: not a protobuf message", v)
	}
	buf := data.MaterializeToBuffer(mem.DefaultBufferPool())
	defer buf.Free()
	err := proto.Unmarshal(buf.ReadOnlyData(), msg)
	if err == nil || !strings.Contains(err.Error(), "UTF-8") {
		return err
	}
	repaired, path := repairUTF8(buf.ReadOnlyData(), msg.ProtoReflect().Descriptor(), "")
	if path == "" {
		return err // a UTF-8 complaint we could not place: let gRPC report it
	}
	if err := proto.Unmarshal(repaired, msg); err != nil {
		return err
	}
	c.invalid.Store(msg, path)
	return nil
}

// takeInvalid returns the field of req that held invalid UTF-8, if any, and forgets it.
func (c *codec) takeInvalid(req any) (string, bool) {
	if req == nil {
		return "", false
	}
	path, ok := c.invalid.LoadAndDelete(req)
	if !ok {
		return "", false
	}
	return path.(string), true
}

// repairUTF8 returns data with every invalid UTF-8 sequence in a string field replaced by U+FFFD,
// nested messages included, and the path of the first field it repaired ("" if none).
func repairUTF8(data []byte, md protoreflect.MessageDescriptor, prefix string) ([]byte, string) {
	out := make([]byte, 0, len(data))
	first := ""
	index := map[protowire.Number]int{} // occurrences of repeated fields so far, for the path
	for len(data) > 0 {
		num, typ, n := protowire.ConsumeTag(data)
		if n < 0 {
			return append(out, data...), first
		}
		fieldLen := protowire.ConsumeFieldValue(num, typ, data[n:])
		if fieldLen < 0 {
			return append(out, data...), first
		}
		whole := data[:n+fieldLen]
		data = data[n+fieldLen:]
		fd := md.Fields().ByNumber(num)
		if fd == nil || typ != protowire.BytesType || (fd.Kind() != protoreflect.StringKind && fd.Kind() != protoreflect.MessageKind) {
			out = append(out, whole...)
			continue
		}
		value, _ := protowire.ConsumeBytes(whole[n:])
		path := prefix + string(fd.Name())
		if fd.IsList() {
			path = fmt.Sprintf("%s[%d]", path, index[num])
			index[num]++
		}
		switch fd.Kind() {
		case protoreflect.StringKind:
			if utf8.Valid(value) {
				out = append(out, whole...)
				continue
			}
			if first == "" {
				first = path
			}
			out = protowire.AppendTag(out, num, protowire.BytesType)
			out = protowire.AppendString(out, strings.ToValidUTF8(string(value), "\uFFFD"))
		case protoreflect.MessageKind:
			inner, bad := repairUTF8(value, fd.Message(), path+".")
			if bad != "" && first == "" {
				first = bad
			}
			out = protowire.AppendTag(out, num, protowire.BytesType)
			out = protowire.AppendBytes(out, inner)
		}
	}
	return out, first
}
