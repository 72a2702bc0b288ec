package domain_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/services/referral/internal/domain"
)

// One UK number in every way it is written is one number; too few digits are none (decision 350).
func TestNormalisePhone(t *testing.T) {
	for _, in := range []string{"07700 900123", "07700-900-123", "(07700) 900123", "+44 7700 900123",
		"+44 (0)7700 900123", "+447700900123", "447700 900123", " 0 7 7 0 0 9 0 0 1 2 3 "} {
		require.Equal(t, "07700900123", domain.NormalisePhone(in), in)
	}
	require.Equal(t, "01614960732", domain.NormalisePhone("+44 161 496 0732"))
	require.Equal(t, "33612345678", domain.NormalisePhone("+33 6 12 34 56 78"), "a number abroad keeps its country code")
	for _, in := range []string{"", "123", "+44", "ext 12"} {
		require.Empty(t, domain.NormalisePhone(in), in)
	}
}

func TestNormaliseEmail(t *testing.T) {
	require.Equal(t, "jordan@example.org", domain.NormaliseEmail("  Jordan@Example.ORG "))
	require.Empty(t, domain.NormaliseEmail("not an address"))
	require.Empty(t, domain.NormaliseEmail(""))
}

// An adult is matched on each of their phone and email, normalised; a name never; the same number
// written two ways gives the same key, and a phone's key is never an email's.
func TestAdultMatchKeys(t *testing.T) {
	adult := func(name, phone, email string) domain.AdultRecord {
		return domain.AdultRecord{Adult: domain.Adult{ID: uuid.New(), Name: name,
			Contact: domain.ContactDetails{Phone: phone, Email: email}}}
	}
	a, b := adult("Jordan Kestrel", "07700 900456", "Jordan@Example.org"), adult("J. Kestrel", "+44 7700 900456", "jordan@example.org")
	ka, kb := domain.AdultMatchKeys([]domain.AdultRecord{a}), domain.AdultMatchKeys([]domain.AdultRecord{b})
	require.Len(t, ka, 2)
	require.Equal(t, []domain.AdultMatchKind{domain.AdultPhone, domain.AdultEmail}, []domain.AdultMatchKind{ka[0].Kind, ka[1].Kind})
	require.Equal(t, a.ID, ka[0].Person)
	require.Equal(t, ka[0].Input, kb[0].Input, "the same phone written two ways")
	require.Equal(t, ka[1].Input, kb[1].Input, "the same email in two cases")
	require.NotEqual(t, ka[0].Input, ka[1].Input)
	require.NotContains(t, string(ka[0].Input), "Kestrel", "a name is not matched")

	same := adult("Jordan Kestrel", "07700 900999", "")
	require.Len(t, domain.AdultMatchKeys([]domain.AdultRecord{same}), 1, "the same name, another phone and no email")
	require.NotEqual(t, ka[0].Input, domain.AdultMatchKeys([]domain.AdultRecord{same})[0].Input)
	require.Empty(t, domain.AdultMatchKeys([]domain.AdultRecord{adult("Erased", "", "")}), "an erased adult has none")
}
