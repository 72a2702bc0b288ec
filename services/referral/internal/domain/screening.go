package domain

import (
	"fmt"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
)

// Screening is a person's screen of a referral's risk.
type Screening struct {
	Rating referralv1.RiskRating
	// DomesticAbuseFinding means the screener found domestic abuse: it rules out supported contact.
	DomesticAbuseFinding bool
	Note                 string
}

// Screen records a screening. A referral is screened only once both parents are on it with a way
// to reach each of them (ErrReferralIncomplete): the screener must be able to speak to both. A
// screened referral may be screened again before the centre decides; the later screen stands.
func (r *Referral) Screen(s Screening, today time.Time) ([]proto.Message, error) {
	if err := CheckTransition(r.state, CmdScreen); err != nil {
		return nil, err
	}
	if !r.Complete() {
		return nil, ErrReferralIncomplete
	}
	note := strings.TrimSpace(s.Note)
	var v Invalid
	if !known(referralv1.RiskRating_name, int32(s.Rating)) {
		v.add("rating", "must be red, amber or green")
	}
	v.text("note", note, MaxTextLength, false)
	if err := v.err(); err != nil {
		return nil, err
	}
	sealed, err := noteOf(note)
	if err != nil {
		return nil, fmt.Errorf("record screening: %w", err)
	}
	return r.record(&referralv1.ScreeningRecorded{ReferralId: r.id.String(), FamilyId: r.family.String(),
		CentreId: r.centre.String(), ScreenedOn: toDate(today), Rating: s.Rating,
		DomesticAbuseFinding: s.DomesticAbuseFinding, SealedNote: sealed})
}

// Complete reports whether the referral names both parents, each with a way to reach them.
func (r *Referral) Complete() bool {
	var resident, nonResident bool
	for _, a := range r.adults {
		switch a.Role {
		case referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT:
			resident = a.ContactDetailsGiven
		case referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT:
			nonResident = a.ContactDetailsGiven
		}
	}
	return resident && nonResident
}
