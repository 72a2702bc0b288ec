// Package bus is how services talk by events on NATS JetStream: one stream per service, subjects
// ft.<service>.<centre>.<EventName>, headers that carry ids and trace context but nothing
// personal, and a durable consumer runner that handles each event exactly once in a PostgreSQL
// transaction.
package bus

import (
	"cmp"
	"context"
	"errors"
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

// StreamOptions configure a service's stream. The zero value is one replica and the default
// dedupe window.
type StreamOptions struct {
	// Replicas: 1 on one server, 3 in a production cluster (at most MaxReplicas). It is a floor:
	// an existing stream with more replicas keeps them.
	Replicas int
	// Duplicates is the window in which a re-published event id is dropped; default
	// DefaultDuplicates. It is a floor too: an operator's longer window is kept.
	Duplicates time.Duration
}

// DefaultDuplicates is the dedupe window when none is configured (decisions.md 6): longer than any
// relay restart.
const DefaultDuplicates = 10 * time.Minute

// MaxReplicas is the most replicas JetStream gives a stream.
const MaxReplicas = 5

// Validate refuses options JetStream cannot honour; zero fields take their defaults.
func (o StreamOptions) Validate() error {
	if o.Replicas < 0 || o.Replicas > MaxReplicas {
		return fmt.Errorf("stream replicas must be 1 to %d (JetStream's maximum), not %d", MaxReplicas, o.Replicas)
	}
	if o.Duplicates < 0 {
		return fmt.Errorf("stream dedupe window must be positive, not %s", o.Duplicates)
	}
	return nil
}

// StreamConfig is the configuration of a service's stream as EnsureStream creates it: file
// storage, limits retention, and no message can be deleted or purged, so the stream is a faithful
// copy of the event log.
func StreamConfig(service string, opts StreamOptions) (jetstream.StreamConfig, error) {
	if !serviceName.MatchString(service) {
		return jetstream.StreamConfig{}, fmt.Errorf("stream: service name %q must be lower-case letters and digits", service)
	}
	return wanted(jetstream.StreamConfig{
		Name:        StreamName(service),
		Description: "Events of the " + service + " service, published from its event log",
		Subjects:    []string{"ft." + service + ".>"},
	}, opts)
}

// DeadLetterStreamConfig is the configuration of the dead-letter stream as
// EnsureDeadLetterStream creates it; the same protections as a service's stream.
func DeadLetterStreamConfig(opts StreamOptions) (jetstream.StreamConfig, error) {
	return wanted(jetstream.StreamConfig{
		Name:        DeadLetterStream,
		Description: "Events consumers could not handle after MaxDeliver attempts",
		Subjects:    []string{"ft.deadletter.>"},
	}, opts)
}

func wanted(cfg jetstream.StreamConfig, opts StreamOptions) (jetstream.StreamConfig, error) {
	if err := opts.Validate(); err != nil {
		return jetstream.StreamConfig{}, fmt.Errorf("stream %s: %w", cfg.Name, err)
	}
	cfg.Storage = jetstream.FileStorage
	cfg.Retention = jetstream.LimitsPolicy
	cfg.Replicas = max(opts.Replicas, 1)
	cfg.Duplicates = cmp.Or(opts.Duplicates, DefaultDuplicates)
	cfg.DenyDelete = true
	cfg.DenyPurge = true
	return cfg, nil
}

// EnsureStream creates a service's stream (StreamConfig), or brings an existing one up to it
// without lowering anything (Reconcile).
func EnsureStream(ctx context.Context, js jetstream.JetStream, service string, opts StreamOptions) (jetstream.Stream, error) {
	cfg, err := StreamConfig(service, opts)
	if err != nil {
		return nil, fmt.Errorf("ensure %w", err)
	}
	return ensure(ctx, js, cfg)
}

// EnsureDeadLetterStream creates or raises the stream that holds dead letters, by the same rules.
func EnsureDeadLetterStream(ctx context.Context, js jetstream.JetStream, opts StreamOptions) (jetstream.Stream, error) {
	cfg, err := DeadLetterStreamConfig(opts)
	if err != nil {
		return nil, fmt.Errorf("ensure %w", err)
	}
	return ensure(ctx, js, cfg)
}

// ensure creates the stream when it is missing, and otherwise updates it only when Reconcile
// finds a managed setting below what is wanted: relays and consumers call it each time they lead,
// and a needless update makes the server reconfigure the stream's storage while consumers are
// being created on it (decisions.md 14).
func ensure(ctx context.Context, js jetstream.JetStream, want jetstream.StreamConfig) (jetstream.Stream, error) {
	s, err := js.Stream(ctx, want.Name)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		s, err = js.CreateStream(ctx, want)
		if !errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
			if err != nil {
				return nil, fmt.Errorf("ensure stream %s: create: %w", want.Name, err)
			}
			return s, nil
		}
		// Another replica created it meanwhile: reconcile with what it made.
		s, err = js.Stream(ctx, want.Name)
	}
	if err != nil {
		return nil, fmt.Errorf("ensure stream %s: %w", want.Name, err)
	}
	cfg, changed, err := Reconcile(s.CachedInfo().Config, want)
	if err != nil || !changed {
		return s, err
	}
	if s, err = js.UpdateStream(ctx, cfg); err != nil {
		return nil, fmt.Errorf("ensure stream %s: update: %w", want.Name, err)
	}
	return s, nil
}

// Reconcile is what ensure makes of an existing stream's configuration (have) given the wanted
// one (want): have, with only the settings bus manages raised to want and never lowered. The
// subjects gain want's if missing (an operator's extra subjects stay); retention becomes limits
// and delete and purge are denied; the dedupe window and the replicas become the larger of the
// two (the window no longer than the stream's max age, which JetStream requires). Everything else
// (limits, placement, compression, sources, description, metadata, ...) stays as the operator set
// it. changed reports whether the result differs from have, that is, whether an update is needed.
// A stream whose storage is not want's is an error: JetStream cannot change a stream's storage,
// and the services never publish to a stream that would lose its events on a restart.
func Reconcile(have, want jetstream.StreamConfig) (cfg jetstream.StreamConfig, changed bool, err error) {
	if have.Storage != want.Storage {
		return have, false, fmt.Errorf("stream %s has %s storage, not %s, and JetStream cannot change it: "+
			"recreate the stream with %s storage (docs/runbook.md)", have.Name, have.Storage, want.Storage, want.Storage)
	}
	cfg = have
	cfg.Subjects = slices.Clone(have.Subjects)
	for _, s := range want.Subjects {
		if !slices.Contains(cfg.Subjects, s) {
			cfg.Subjects = append(cfg.Subjects, s)
		}
	}
	cfg.Retention = want.Retention
	cfg.DenyDelete = cfg.DenyDelete || want.DenyDelete
	cfg.DenyPurge = cfg.DenyPurge || want.DenyPurge
	cfg.Duplicates = max(have.Duplicates, want.Duplicates)
	if have.MaxAge > 0 {
		// JetStream refuses a window longer than the stream's max age, the operator's to keep.
		cfg.Duplicates = min(cfg.Duplicates, have.MaxAge)
	}
	cfg.Replicas = max(have.Replicas, want.Replicas)
	changed = len(cfg.Subjects) != len(have.Subjects) || cfg.Retention != have.Retention ||
		cfg.DenyDelete != have.DenyDelete || cfg.DenyPurge != have.DenyPurge ||
		cfg.Duplicates != have.Duplicates || cfg.Replicas != have.Replicas
	return cfg, changed, nil
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
