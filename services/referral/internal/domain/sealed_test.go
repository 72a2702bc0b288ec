package domain_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

// sealedOnly are the messages that travel only inside a sealed_ field.
var sealedOnly = map[protoreflect.Name]bool{"PersonDetails": true, "ChildDetails": true,
	"CourtOrderDetails": true, "CaseDetails": true, "Note": true}

// Every readable string in an event is an id: names, addresses and notes have nowhere to go but a
// sealed_ field. A new plain string field fails here until someone decides what it is.
func TestEventsHoldNoReadableText(t *testing.T) {
	msgs := referralv1.File_familytime_referral_v1_events_proto.Messages()
	for i := range msgs.Len() {
		m := msgs.Get(i)
		if sealedOnly[m.Name()] {
			continue
		}
		fields := m.Fields()
		for j := range fields.Len() {
			f := fields.Get(j)
			switch f.Kind() {
			case protoreflect.StringKind:
				// Roles are a closed set of words from the caller's token, never typed by a person.
				isRoles := f.FullName() == "familytime.referral.v1.FamilyDetailsOpened.reader_roles"
				// A list of ids is named for them: hold_ids.
				ids := f.IsList() && strings.HasSuffix(string(f.Name()), "_ids")
				require.True(t, strings.HasSuffix(string(f.Name()), "_id") || ids || isRoles, "%s is readable text", f.FullName())
			case protoreflect.BytesKind:
				require.True(t, strings.HasPrefix(string(f.Name()), domain.SealedPrefix), "%s is bytes but not sealed", f.FullName())
			}
		}
	}
}

// everything drives one family down a long path with every kind of personal detail in it.
func everything(t *testing.T) *history {
	r, h := submit(t, selfSubmission())
	a := secondParty()
	a.RiskNotes = "Notes on violence"
	h.ok(r.SubmitSecondParty(a, today, ids()))
	d := r.Details()
	d.Adults = append(d.Adults, domain.Adult{Role: referralv1.AdultRole_ADULT_ROLE_NAMED_ESCORT, Name: "Eve Escort",
		MayBring: true, Contact: domain.ContactDetails{Phone: "07700 900777"}})
	h.ok(r.Amend(d, "", today, ids()))
	h.ok(r.Screen(domain.Screening{Rating: referralv1.RiskRating_RISK_RATING_RED, DomesticAbuseFinding: true,
		Note: "Screening narrative"}, today))
	h.ok(r.Accept(supervisd, both, "", today))
	for _, a := range r.Adults() {
		h.ok(r.RecordPreVisit(domain.PreVisit{PersonID: a.ID, On: today, GroundRulesSigned: true, Note: "Visit narrative"}, today))
	}
	h.ok(r.AgreeArrangement(arrangement(supervisd), today))
	h.ok(r.FlagPossibleDuplicate(r.Children()[0].ID, otherCtr, exact, today))
	h.ok(r.RecordSessionAttended(today))
	h.ok(r.Suspend(holdID, today))
	h.ok(r.RecordReview(today, cont, "Review narrative", today))
	h.ok(r.Resume(holdID, today))
	h.ok(r.EndCase(referralv1.CaseOutcome_CASE_OUTCOME_SELF_ARRANGED, "Ending narrative", today))
	require.Equal(t, domain.Ended, r.State())
	return h
}

var personal = []string{"Alice", "Bob", "Eve", "Gran", "Zoë", "Safe Street", "AB1 2CD", "07700", "@example.org",
	"asthma", "ZX12", "Sam Solicitor", "neutral place", "Saturday", "arguments", "violence", "narrative", "grandmother"}

func TestSealing(t *testing.T) {
	h := everything(t)
	sealed := make([]proto.Message, len(h.events))
	var fields []string
	for i, ev := range h.events {
		sealed[i] = proto.Clone(ev)
		// A stand-in for AES-GCM: reversible, and nothing of the clear text survives as text.
		require.NoError(t, domain.EachSealed(sealed[i], func(f string, in []byte) ([]byte, error) {
			fields = append(fields, f)
			out := bytes.Clone(in)
			for j := range out {
				out[j] ^= 0xA5
			}
			return out, nil
		}))
		raw, err := proto.Marshal(sealed[i])
		require.NoError(t, err)
		for _, p := range personal {
			require.NotContains(t, string(raw), p, "%s carries personal data in clear", ev.ProtoReflect().Descriptor().Name())
		}
	}
	require.Contains(t, fields, "facts.adults[0].sealed_details")
	require.Contains(t, fields, "facts.adults[1].sealed_details", "each adult's details have a place of their own")
	require.Contains(t, fields, "facts.children[0].sealed_details")
	require.Contains(t, fields, "facts.sealed_case_details")

	// Opened again, the events rebuild the same referral.
	for _, ev := range sealed {
		require.NoError(t, domain.EachSealed(ev, func(_ string, in []byte) ([]byte, error) {
			out := bytes.Clone(in)
			for j := range out {
				out[j] ^= 0xA5
			}
			return out, nil
		}))
	}
	want, err := domain.Rebuild(uuidOf(h), h.events)
	require.NoError(t, err)
	got, err := domain.Rebuild(uuidOf(h), sealed)
	require.NoError(t, err)
	require.Equal(t, want.Details(), got.Details())
	require.Equal(t, want.Adults(), got.Adults())
}

// After crypto-shredding nothing opens: the referral still rebuilds from its readable facts.
func TestRebuildAfterErasure(t *testing.T) {
	h := everything(t)
	want, err := domain.Rebuild(uuidOf(h), h.events)
	require.NoError(t, err)
	erased := make([]proto.Message, len(h.events))
	for i, ev := range h.events {
		erased[i] = proto.Clone(ev)
		require.NoError(t, domain.EachSealed(erased[i], func(string, []byte) ([]byte, error) { return nil, nil }))
	}
	got, err := domain.Rebuild(uuidOf(h), erased)
	require.NoError(t, err)
	require.Equal(t, domain.Ended, got.State())
	require.Equal(t, want.Version(), got.Version())
	require.Equal(t, want.Outcome(), got.Outcome())
	for i, a := range got.Adults() {
		require.Empty(t, a.Name)
		require.Equal(t, want.Adults()[i].ID, a.ID)
		require.Equal(t, want.Adults()[i].ContactDetailsGiven, a.ContactDetailsGiven)
	}
	c := got.Children()[0]
	require.Empty(t, c.Name)
	require.True(t, c.DateOfBirth.IsZero())
	require.Equal(t, []int{2019, 4}, []int{c.BirthYear, c.BirthMonth}, "the birth month outlives erasure (decision 34)")
}

func TestRebuildRefusesSealedBytes(t *testing.T) {
	h := everything(t)
	ev := proto.Clone(h.events[0])
	require.NoError(t, domain.EachSealed(ev, func(string, []byte) ([]byte, error) {
		return []byte{0x01, 0xff, 0xff, 0xff}, nil // ciphertext is not a details message
	}))
	_, err := domain.Rebuild(uuidOf(h), []proto.Message{ev})
	require.Error(t, err, "events must be opened before a rebuild")
}

func uuidOf(h *history) uuid.UUID {
	return uuid.MustParse(h.events[0].(*referralv1.ReferralReceived).GetReferralId())
}
