package bus

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"os"
	"strings"
	"sync"

	"github.com/nats-io/nats.go"
)

// HeaderEventMAC authenticates a message as published by the platform's relay: the HMAC-SHA256
// of its subject and body under the platform's bus key, in base64. It is a keyed hash of what is
// already on the bus, so it says nothing personal.
const HeaderEventMAC = "Ft-Event-Mac"

// KeySize is the length of a bus key in bytes.
const KeySize = 32

// Key is the platform's bus key: the secret the services share to authenticate the events they
// publish on NATS. A consumer acts only on an event whose MAC verifies: anyone who can reach NATS
// could otherwise publish a made-up event (a hold lifted, a case ended) and the services would act
// on it, and the hash chain does not stop that, since anyone can compute a hash (review 18).
//
// It is one secret for the platform, not one per service: every consumer must verify the events
// of every service it reads, so a per-service MAC key would be held by its consumers anyway. What
// it keeps out is anyone who holds no service's configuration (decisions.md 149).
//
// A key may hold several secrets, oldest first: the newest signs, any of them verifies. The
// streams keep every event since the start, signed with the secret of its day, and a rebuild
// reads them all again; so a new secret is added to every service before it signs, and an old
// one is kept while the streams hold events it signed.
type Key struct {
	secrets [][]byte
	// macs keep each secret's HMACs for reuse: a new one sets its key up with two hash blocks
	// and allocates, which cost a relay a sixth of its rate; a reused one is reset.
	macs []*sync.Pool
}

// keyOf is the key of the secrets, oldest first.
func keyOf(secrets [][]byte) Key {
	k := Key{secrets: secrets}
	for _, s := range secrets {
		k.macs = append(k.macs, &sync.Pool{New: func() any { return &macState{h: hmac.New(sha256.New, s)} }})
	}
	return k
}

// NewKey makes a random bus key of one secret.
func NewKey() Key {
	b := make([]byte, KeySize)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on the platforms the services run on
	}
	return keyOf([][]byte{b})
}

// ParseKey reads a bus key from its text: one or more secrets, each 32 bytes in base64 (standard
// or URL alphabet, padded or not), separated by commas or line breaks, oldest first.
func ParseKey(text string) (Key, error) {
	var secrets [][]byte
	for i, part := range strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' }) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		b, err := decodeSecret(part)
		if err != nil {
			return Key{}, fmt.Errorf("secret %d: %w", i+1, err)
		}
		secrets = append(secrets, b)
	}
	if len(secrets) == 0 {
		return Key{}, errors.New("a bus key is one or more secrets of 32 bytes in base64; none is given")
	}
	return keyOf(secrets), nil
}

func decodeSecret(text string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(text); err == nil {
			if len(b) != KeySize {
				return nil, fmt.Errorf("a bus key's secret is %d bytes, base64; this one is %d", KeySize, len(b))
			}
			return b, nil
		}
	}
	return nil, errors.New("a bus key's secret is 32 bytes in base64; this is not base64")
}

// ReadKeyFile reads a bus key from a file holding its text (ParseKey).
func ReadKeyFile(path string) (Key, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Key{}, fmt.Errorf("bus key: %w", err)
	}
	k, err := ParseKey(string(b))
	if err != nil {
		return Key{}, fmt.Errorf("bus key %s: %w", path, err)
	}
	return k, nil
}

// String is the key's text, as ParseKey reads it.
func (k Key) String() string {
	parts := make([]string, len(k.secrets))
	for i, b := range k.secrets {
		parts[i] = base64.StdEncoding.EncodeToString(b)
	}
	return strings.Join(parts, ",")
}

// Valid says why the key cannot authenticate events, or nil.
func (k Key) Valid() error {
	if len(k.secrets) == 0 {
		return errors.New("a bus key is required (BUS_KEY or BUS_KEY_FILE; familytime dev makes one)")
	}
	return nil
}

// macState is an HMAC kept for reuse, with a buffer for the subject (written through an
// interface, a string's bytes would be copied each time).
type macState struct {
	h      hash.Hash
	prefix []byte
}

// mac puts in out the HMAC-SHA256, under secret i, of subject and body: the subject is covered
// too, so a message is not moved to another service's or centre's subject.
func (k Key) mac(i int, subject string, body []byte, out *[sha256.Size]byte) {
	m := k.macs[i].Get().(*macState)
	m.h.Reset()
	m.prefix = append(append(m.prefix[:0], subject...), 0)
	m.h.Write(m.prefix)
	m.h.Write(body)
	m.h.Sum(out[:0])
	k.macs[i].Put(m)
}

// Sign puts the message's MAC, made with the newest secret, in its headers.
func (k Key) Sign(msg *nats.Msg) {
	if msg.Header == nil {
		msg.Header = nats.Header{}
	}
	var sum [sha256.Size]byte
	k.mac(len(k.secrets)-1, msg.Subject, msg.Data, &sum)
	msg.Header[HeaderEventMAC] = []string{base64.StdEncoding.EncodeToString(sum[:])}
}

// eventLogDomain stands for the subject in an event's MAC in its service's log
// (eventstore.EventKey), followed by the service's name: it has a space, which no NATS subject
// has, so a MAC of the log is never a message's MAC on the bus, nor the reverse.
const eventLogDomain = "event log/"

// LogKey is the platform's key as one service's event log signs with it (eventstore.EventKey):
// the service's name is in every MAC, so an event copied from one service's log into another's
// does not verify there (review 23 copied a referral stream into safeguarding's log, and its relay
// published it; decision 176).
type LogKey struct {
	key    Key
	domain string
}

// ForLog is the key for service's event log.
func (k Key) ForLog(service string) LogKey { return LogKey{key: k, domain: eventLogDomain + service} }

// AppendEventMAC appends the MAC, made with the newest secret, of an event's chain hash as its
// service appends it.
func (l LogKey) AppendEventMAC(dst, hash []byte) []byte {
	var sum [sha256.Size]byte
	l.key.mac(len(l.key.secrets)-1, l.domain, hash, &sum)
	return append(dst, sum[:]...)
}

// VerifyEventMAC reports whether mac is an event's MAC of hash in this service's log under one of
// the key's secrets, the newest tried first.
func (l LogKey) VerifyEventMAC(hash, mac []byte) bool {
	if len(mac) != sha256.Size {
		return false
	}
	var want [sha256.Size]byte
	for i := len(l.key.secrets) - 1; i >= 0; i-- {
		l.key.mac(i, l.domain, hash, &want)
		if hmac.Equal(mac, want[:]) {
			return true
		}
	}
	return false
}

// pseudonymDomain stands for the subject in the MAC that makes an account's pseudonym
// (Key.Pseudonyms): it has a space, as eventLogDomain has, so a pseudonym is never a message's MAC
// on the bus nor an event's in a log, nor the reverse.
const pseudonymDomain = "account pseudonym"

// Pseudonyms are the HMAC-SHA256 of an account under each of the key's secrets, the newest first:
// the newest names the account in what is recorded from now on, and each older one names it as it
// was recorded while that secret was the newest (decision 271). They are the platform's, the same
// in every service, and cannot be turned back into the account without the key: a guess at an
// account can be checked only by someone holding it. The caller normalises the account (case).
func (k Key) Pseudonyms(account string) [][sha256.Size]byte {
	out := make([][sha256.Size]byte, len(k.secrets))
	for i := range k.secrets {
		k.mac(len(k.secrets)-1-i, pseudonymDomain, []byte(account), &out[i])
	}
	return out
}

// Pseudonyms are the platform key's pseudonyms of an account (Key.Pseudonyms): the platform's,
// not this log's, so an account has the same pseudonym in every service's log.
func (l LogKey) Pseudonyms(account string) [][sha256.Size]byte { return l.key.Pseudonyms(account) }

// ErrNotAuthenticated means a message on the bus does not carry the MAC of the platform's bus
// key: it was not published by a relay of this platform, or was changed since.
var ErrNotAuthenticated = errors.New("not published by the platform: the event's MAC does not verify under the bus key")

// Verify says whether a message's subject and body carry a MAC made with one of the key's
// secrets, the newest tried first (ErrNotAuthenticated if none).
func (k Key) Verify(subject string, body []byte, header nats.Header) error {
	text := header.Get(HeaderEventMAC)
	var got, want [sha256.Size]byte
	if base64.StdEncoding.DecodedLen(len(text)) > len(got)+2 {
		return ErrNotAuthenticated
	}
	var buf [sha256.Size + 2]byte
	n, err := base64.StdEncoding.Decode(buf[:], []byte(text))
	if err != nil || n != sha256.Size {
		return ErrNotAuthenticated
	}
	copy(got[:], buf[:n])
	for i := len(k.secrets) - 1; i >= 0; i-- {
		k.mac(i, subject, body, &want)
		if hmac.Equal(got[:], want[:]) {
			return nil
		}
	}
	return ErrNotAuthenticated
}

// LoadOrCreateKeyFile reads the bus key in path, first writing a new one there (0600) if the
// file does not exist: the dev platform's key, kept with its data so a restart keeps it.
func LoadOrCreateKeyFile(path string) (Key, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return Key{}, fmt.Errorf("bus key: %w", err)
		}
		_, err = f.WriteString(NewKey().String() + "\n")
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return Key{}, fmt.Errorf("bus key: %w", err)
		}
	}
	return ReadKeyFile(path)
}
