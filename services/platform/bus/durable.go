package bus

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"

	"github.com/nats-io/nats.go/jetstream"
)

// The durable consumer's check (decisions.md 369). A runner starts where the durable consumer on
// the server says the service got to (its acknowledgement floor, decision 23); that consumer is
// an object anyone with access to NATS could delete and recreate starting past an event the
// service never handled (review 71: a hold never reached scheduling, an erasure never reached
// safeguarding). So the runner starts from it only if it is the one the service made: the
// delivery it was made with (all, or from a start sequence whose MAC under the bus key it carries
// in its metadata), the service's filter subjects, explicit acknowledgement, no limit on
// deliveries, whole messages. Any other is distrusted: logged as an error and recreated delivering
// the whole stream, whose events the inbox already holds are acknowledged without being handled
// again.

// startMACKey names, in a durable consumer's metadata, the MAC of the start the service gave it.
const startMACKey = "ft_start_mac"

// durableDomain stands for the subject in a start's MAC: it has a space, as eventLogDomain has,
// so it is never a message's MAC on the bus, an event's in a log, nor a pseudonym.
const durableDomain = "durable consumer start"

// startMAC is the MAC, under secret i, of a durable consumer's name, stream and start.
func (k Key) startMAC(i int, stream, name string, policy jetstream.DeliverPolicy, seq uint64) []byte {
	var sum [sha256.Size]byte
	body := stream + "\x00" + name + "\x00" + strconv.Itoa(int(policy)) + "\x00" + strconv.FormatUint(seq, 10)
	k.mac(i, durableDomain, []byte(body), &sum)
	return sum[:]
}

// signStart puts in cfg's metadata the MAC, made with the newest secret, of its start.
func (k Key) signStart(stream string, cfg *jetstream.ConsumerConfig) {
	mac := k.startMAC(len(k.secrets)-1, stream, cfg.Durable, cfg.DeliverPolicy, cfg.OptStartSeq)
	cfg.Metadata = map[string]string{startMACKey: base64.StdEncoding.EncodeToString(mac)}
}

// verifyStart reports whether cfg's metadata carries the MAC of its start under one of the secrets.
func (k Key) verifyStart(stream string, cfg jetstream.ConsumerConfig) bool {
	got, err := base64.StdEncoding.DecodeString(cfg.Metadata[startMACKey])
	if err != nil || len(got) != sha256.Size {
		return false
	}
	for i := len(k.secrets) - 1; i >= 0; i-- {
		if hmac.Equal(got, k.startMAC(i, stream, cfg.Durable, cfg.DeliverPolicy, cfg.OptStartSeq)) {
			return true
		}
	}
	return false
}

// durableConfig is the durable consumer as the service makes it, delivering the whole stream;
// restartFromAckFloor moves its start to the floor.
func (c *Consumer) durableConfig() jetstream.ConsumerConfig {
	return jetstream.ConsumerConfig{
		Durable:        c.cfg.Name,
		AckPolicy:      jetstream.AckExplicitPolicy,
		AckWait:        c.cfg.AckWait,
		DeliverPolicy:  jetstream.DeliverAllPolicy,
		FilterSubjects: c.cfg.FilterSubjects,
		// The runner counts attempts and parks poisons itself; JetStream never drops an event
		// silently at its own MaxDeliver.
		MaxDeliver:    -1,
		MaxAckPending: c.cfg.BatchSize * 4,
	}
}

// foreign lists what in have, a durable consumer found on the server, differs from what the
// service makes, by field name (nothing personal: a consumer's configuration holds none); empty
// means the service made it. AckWait and MaxAckPending are not compared: they change with the
// service's own configuration, and neither can make the runner pass over an event.
func (c *Consumer) foreign(have jetstream.ConsumerConfig) []string {
	want := c.durableConfig()
	var diff []string
	switch have.DeliverPolicy {
	case jetstream.DeliverAllPolicy:
	case jetstream.DeliverByStartSequencePolicy:
		if !c.cfg.Key.verifyStart(c.cfg.Stream, have) {
			diff = append(diff, "opt_start_seq (a start this service did not set)")
		}
	default:
		diff = append(diff, "deliver_policy ("+have.DeliverPolicy.String()+")")
	}
	if have.OptStartTime != nil {
		diff = append(diff, "opt_start_time")
	}
	filters := have.FilterSubjects
	if have.FilterSubject != "" {
		filters = append(slices.Clone(filters), have.FilterSubject)
	}
	if !sameSet(filters, want.FilterSubjects) {
		diff = append(diff, "filter_subjects")
	}
	if have.AckPolicy != want.AckPolicy {
		diff = append(diff, "ack_policy ("+have.AckPolicy.String()+")")
	}
	if have.MaxDeliver != want.MaxDeliver {
		diff = append(diff, "max_deliver ("+strconv.Itoa(have.MaxDeliver)+")")
	}
	if have.HeadersOnly {
		diff = append(diff, "headers_only")
	}
	if have.DeliverSubject != "" {
		diff = append(diff, "deliver_subject (a push consumer)")
	}
	return diff
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

// handledAny reports whether the consumer's inbox holds any event: a durable consumer missing
// after that was deleted (its stream deleted, JetStream's store lost, or someone on the bus).
func (c *Consumer) handledAny(ctx context.Context) (bool, error) {
	var found bool
	err := c.store.Pool().QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM inbox WHERE consumer = $1)", c.cfg.Name).Scan(&found)
	if err != nil {
		return false, fmt.Errorf("consumer %s: read its inbox: %w", c.cfg.Name, err)
	}
	return found, nil
}
