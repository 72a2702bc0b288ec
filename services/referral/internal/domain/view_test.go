package domain_test

import (
	"fmt"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/services/referral/internal/domain"
)

func TestViewFor(t *testing.T) {
	r, _ := inState(t, domain.ReadyForContact)
	adults := r.Adults()
	alice, bob, gran := adults[0], adults[1], adults[2]
	contact := func(a domain.AdultRecord) []string {
		return append([]string{a.Contact.Phone, a.Contact.Email, a.Contact.Postcode}, a.Contact.AddressLines...)
	}
	cases := []struct {
		name        string
		viewer      domain.AdultRecord
		mayNotSee   []domain.AdultRecord
		seesStagger bool
	}{
		{"the resident parent", alice, []domain.AdultRecord{bob, gran}, false},
		{"the non-resident parent", bob, []domain.AdultRecord{alice, gran}, true},
		{"a named relative", gran, []domain.AdultRecord{alice, bob}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, err := r.ViewFor(tc.viewer.ID)
			require.NoError(t, err)
			require.Equal(t, tc.viewer.Adult, v.Viewer, "their own details, contact details included")
			require.Len(t, v.Others, 2)
			all := fmt.Sprintf("%+v", v)
			for _, other := range tc.mayNotSee {
				for _, c := range contact(other) {
					if c != "" {
						require.NotContains(t, all, c, "another party's contact details never appear")
					}
				}
			}
			for _, o := range v.Others {
				require.Equal(t, domain.ContactDetails{}, o.Contact)
				require.NotEmpty(t, o.Name, "names and roles are known to the family")
				require.Empty(t, o.Relationship, "a relationship in words may say where they live (review 91)")
				require.Empty(t, o.Language)
			}
			if tc.viewer.ID != gran.ID {
				require.NotContains(t, all, "paternal grandmother")
			}
			require.NotContains(t, all, "worry about arguments", "risk notes are staff's")
			require.NotContains(t, all, "Sam Solicitor", "so is the referrer")
			require.Len(t, v.Children, 1)
			require.NotEmpty(t, v.Children[0].Name)
			require.Empty(t, v.Children[0].Needs, "the referrer's words on the children's needs are staff's (review 41)")
			require.NotContains(t, all, "asthma inhaler")
			require.NotNil(t, v.Arrangement)
			require.Equal(t, tc.seesStagger, v.Arrangement.Stagger != domain.Stagger{}, "only the visiting parent sees the stagger")
		})
	}
	t.Run("a view does not share the referral's memory", func(t *testing.T) {
		v, err := r.ViewFor(alice.ID)
		require.NoError(t, err)
		v.Viewer.Contact.AddressLines[0] = "changed"
		require.Equal(t, "1 Safe Street", r.Adults()[0].Contact.AddressLines[0])
	})
	t.Run("not on the referral", func(t *testing.T) {
		_, err := r.ViewFor(uuid.New())
		require.ErrorIs(t, err, domain.ErrPersonNotFound)
		_, err = r.ViewFor(r.Children()[0].ID)
		require.ErrorIs(t, err, domain.ErrPersonNotFound, "a view is for an adult")
	})
}
