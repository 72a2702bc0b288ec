package domain

import (
	"strings"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
)

// ChildAccount is what a self-referral's second parent said of one child in their application:
// the child's needs and language as that parent gave them (decision 337). The referral's own words
// for the child are the first application's, as amended; the second parent's are kept beside them,
// not merged in: two accounts of a child's needs may differ, and which stands is the coordinator's
// to settle by amending the referral, not the later applicant's.
type ChildAccount struct {
	Child    uuid.UUID
	Needs    string
	Language string
}

// childAccountsOf builds the event form of what the applicant said of each child they gave needs
// or a language for, each matched to the referral's child as NamesTheChildren matched them (the
// name normalised, the date of birth): the applicant does not know the person ids. Called only
// once NamesTheChildren holds, so every child given has its match.
func (r *Referral) childAccountsOf(w *inClear, given []Child) []*referralv1.SecondPartyChildAccount {
	ids := map[string][]uuid.UUID{}
	for _, c := range r.children {
		k := string(DuplicateKey(c.Name, c.DateOfBirth))
		ids[k] = append(ids[k], c.ID)
	}
	var out []*referralv1.SecondPartyChildAccount
	for _, c := range given {
		k := string(DuplicateKey(c.Name, c.DateOfBirth))
		if len(ids[k]) == 0 {
			continue
		}
		id := ids[k][0]
		ids[k] = ids[k][1:]
		needs, language := strings.TrimSpace(c.Needs), strings.TrimSpace(c.Language)
		if needs == "" && language == "" {
			continue
		}
		out = append(out, &referralv1.SecondPartyChildAccount{PersonId: id.String(),
			SealedDetails: w.bytes(&referralv1.ChildDetails{Needs: needs, Language: language})})
	}
	return out
}

// childAccountsFrom reads the accounts of an application; an account whose sealed details were
// emptied (the family's key destroyed) says nothing and is left out.
func childAccountsFrom(in []*referralv1.SecondPartyChildAccount) ([]ChildAccount, error) {
	var out []ChildAccount
	for _, a := range in {
		var cd referralv1.ChildDetails
		if err := proto.Unmarshal(a.GetSealedDetails(), &cd); err != nil {
			return nil, err
		}
		if cd.GetNeeds() == "" && cd.GetLanguage() == "" {
			continue
		}
		out = append(out, ChildAccount{Child: parseID(a.GetPersonId()), Needs: cd.GetNeeds(), Language: cd.GetLanguage()})
	}
	return out, nil
}

// SecondPartyChildren are what the second parent's application said of the referral's children,
// in the referral's order of its children, for a child still on the referral; none for a referral
// that is no self-referral, or whose second parent gave no needs or language.
func (r *Referral) SecondPartyChildren() []ChildAccount {
	var out []ChildAccount
	for _, c := range r.children {
		for _, a := range r.secondPartyChildren {
			if a.Child == c.ID {
				out = append(out, a)
			}
		}
	}
	return out
}

// FromOtherApplication is what the door is told of child c from the second parent's application
// beyond what the referral now says (decision 325 and 337): the needs, when the referral's needs do
// not already say them (an amendment that took them in word for word), and the language, when it
// is not the referral's. Both empty when the application added nothing. The staff in the room must
// know a condition either parent described, whichever of them the referral was written by.
func (r *Referral) FromOtherApplication(c Child) (needs, language string) {
	for _, a := range r.secondPartyChildren {
		if a.Child != c.ID {
			continue
		}
		if a.Needs != "" && !strings.Contains(sayingOf(c.Needs), sayingOf(a.Needs)) {
			needs = a.Needs
		}
		if a.Language != "" && !strings.EqualFold(strings.TrimSpace(a.Language), strings.TrimSpace(c.Language)) {
			language = a.Language
		}
	}
	return needs, language
}

// sayingOf is free text as compared for what it says: case and spacing do not matter.
func sayingOf(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
