// Package bus is how services talk by events on NATS JetStream: one stream per service, subjects
// ft.<service>.<centre>.<EventName>, headers that carry ids and trace context but nothing
// personal, and a durable consumer runner that handles each event exactly once in a PostgreSQL
// transaction.
package bus

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Header names. Nothing personal ever goes in a header: ids and the event type only.
const (
	HeaderEventID   = "Ft-Event-Id"
	HeaderEventType = "Ft-Event-Type"
	HeaderFamilyID  = "Ft-Family-Id"
	// Dead letters carry where they came from and why.
	HeaderDeadLetterConsumer = "Ft-Dead-Letter-Consumer"
	HeaderDeadLetterReason   = "Ft-Dead-Letter-Reason"
	HeaderDeadLetterSubject  = "Ft-Dead-Letter-Subject"
	HeaderDeadLetterSequence = "Ft-Dead-Letter-Sequence"
)

// National is the centre token of events that concern no one centre.
const National = "national"

// DeadLetterStream holds events that consumers gave up on, under ft.deadletter.<consumer>.
const DeadLetterStream = "DEADLETTER"

var serviceName = regexp.MustCompile(`^[a-z][a-z0-9]*$`)

// StreamName is the JetStream stream of a service: "scheduling" -> "SCHEDULING".
func StreamName(service string) string { return strings.ToUpper(service) }

// Subject is where an event is published: ft.<service>.<centre id or national>.<EventName>,
// EventName being the last part of the event's protobuf full name.
func Subject(service string, centre uuid.UUID, eventType string) string {
	token := National
	if centre != uuid.Nil {
		token = centre.String()
	}
	return "ft." + service + "." + token + "." + EventName(eventType)
}

// EventName is the short name of an event type: "familytime.scheduling.v1.CentreRegistered" ->
// "CentreRegistered".
func EventName(eventType string) string {
	return eventType[strings.LastIndexByte(eventType, '.')+1:]
}

// StreamOptions configure a service's stream.
type StreamOptions struct {
	// Replicas: 1 on one server, 3 in a production cluster.
	Replicas int
	// Duplicates is the window in which a re-published event id is dropped; default 10 minutes,
	// longer than any relay restart.
	Duplicates time.Duration
}

// EnsureStream creates or updates a service's stream: file storage, and no message can be
// deleted or purged, so the stream is a faithful copy of the event log.
func EnsureStream(ctx context.Context, js jetstream.JetStream, service string, opts StreamOptions) (jetstream.Stream, error) {
	if !serviceName.MatchString(service) {
		return nil, fmt.Errorf("ensure stream: service name %q must be lower-case letters and digits", service)
	}
	return ensure(ctx, js, jetstream.StreamConfig{
		Name:        StreamName(service),
		Description: "Events of the " + service + " service, published from its event log",
		Subjects:    []string{"ft." + service + ".>"},
	}, opts)
}

// EnsureDeadLetterStream creates or updates the stream that holds dead letters.
func EnsureDeadLetterStream(ctx context.Context, js jetstream.JetStream, opts StreamOptions) (jetstream.Stream, error) {
	return ensure(ctx, js, jetstream.StreamConfig{
		Name:        DeadLetterStream,
		Description: "Events consumers could not handle after MaxDeliver attempts",
		Subjects:    []string{"ft.deadletter.>"},
	}, opts)
}

func ensure(ctx context.Context, js jetstream.JetStream, cfg jetstream.StreamConfig, opts StreamOptions) (jetstream.Stream, error) {
	if opts.Replicas == 0 {
		opts.Replicas = 1
	}
	if opts.Duplicates == 0 {
		opts.Duplicates = 10 * time.Minute
	}
	cfg.Storage = jetstream.FileStorage
	cfg.Retention = jetstream.LimitsPolicy
	cfg.Replicas = opts.Replicas
	cfg.Duplicates = opts.Duplicates
	cfg.DenyDelete = true
	cfg.DenyPurge = true
	// Leave a stream that is already as wanted alone: relays ensure their stream each time they
	// lead, and a needless update makes the server reconfigure the stream's storage while
	// consumers are being created on it.
	if s, err := js.Stream(ctx, cfg.Name); err == nil && sameStream(s.CachedInfo().Config, cfg) {
		return s, nil
	}
	s, err := js.CreateOrUpdateStream(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("ensure stream %s: %w", cfg.Name, err)
	}
	return s, nil
}

// sameStream reports whether a stream's configuration has every setting ensure manages.
func sameStream(have, want jetstream.StreamConfig) bool {
	return slices.Equal(have.Subjects, want.Subjects) && have.Description == want.Description &&
		have.Storage == want.Storage && have.Retention == want.Retention && have.Replicas == want.Replicas &&
		have.Duplicates == want.Duplicates && have.DenyDelete == want.DenyDelete && have.DenyPurge == want.DenyPurge
}

// HeaderCarrier lets OpenTelemetry read and write W3C trace context in NATS headers.
type HeaderCarrier nats.Header

// Get returns the first value of a header.
func (c HeaderCarrier) Get(key string) string { return nats.Header(c).Get(key) }

// Set sets a header.
func (c HeaderCarrier) Set(key, value string) { nats.Header(c).Set(key, value) }

// Keys lists the headers present.
func (c HeaderCarrier) Keys() []string {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	return keys
}
