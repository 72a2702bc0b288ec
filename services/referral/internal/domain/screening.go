package domain

import (
	"fmt"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/inwords"
)

// Screening is a person's screen of a referral's risk.
type Screening struct {
	Rating referralv1.RiskRating
	// DomesticAbuseFinding means the screener found domestic abuse: it rules out supported contact.
	DomesticAbuseFinding bool
	Note                 string
	// ByLead means the screener is the centre's safeguarding lead acting as the lead (and on the
	// centre's register as its lead: the staff gate lets no one else act as the lead). The event
	// records it (ScreeningRecorded.screener_role): the lead's finding weighs a disclosure.
	ByLead bool
	// ApplicantsChecked means the screener checked that a self-referral's two applicants are two
	// people, where the second application's details matched the first's (decision 192).
	ApplicantsChecked bool
}

// Screen records a screening. A referral is screened only once both parents are on it with a way
// to reach each of them (ErrReferralIncomplete): the screener must be able to speak to both. A
// screened referral may be screened again before the centre decides; the later screen stands.
//
// A screening that finds no domestic abuse where the referral's latest screening found it (even
// one an amendment voided), or where domestic abuse was disclosed on it (by its risk answers at
// any time: an amendment answering "no" afterwards is a retraction for the lead to weigh, not a
// way round the lead, decision 191), or on an earlier referral of a child on it (withdrawing it
// and referring again is no way round the lead either, decision 194), would let supported contact
// go ahead against a finding or a disclosure: it is the centre's safeguarding lead's, acting as
// the lead (ErrFindingClearedByLead, ErrDisclosureClearedByLead), with a note saying why in words
// (ErrNoteRequired), as clearing a risk assessment's finding is in safeguarding (decisions 92, 97).
//
// So is any screen while a risk answer disclosed on the referral besides domestic abuse (an
// abduction risk, an injunction, substance misuse) stands answered no by an amendment that no
// lead's screen has weighed since (ErrRetractionForLead, ErrRetractionNoteRequired, decision 338):
// whatever it finds, a screen is what lets the referral go on, and a "no" nobody weighed would
// let it go on without that risk.
//
// The lead's screen weighs a disclosure standing on the referral (DisclosureUnweighed), its own or
// carried to it, whatever it finds: without a finding it clears it, with one it leaves supervised
// contact only, as any finding does. A coordinator's finding weighs nothing: a coordinator
// records findings, and has not weighed what the lead must.
func (r *Referral) Screen(s Screening, today time.Time) ([]proto.Message, error) {
	if err := r.check(CmdScreen); err != nil {
		return nil, err
	}
	if !r.Complete() {
		return nil, ErrReferralIncomplete
	}
	note := strings.TrimSpace(s.Note)
	var v Invalid
	if !known(referralv1.RiskRating_name, int32(s.Rating)) {
		v.add("rating", "must be red, amber or green")
	} else if s.DomesticAbuseFinding && s.Rating == referralv1.RiskRating_RISK_RATING_GREEN {
		// Review 80 recorded both: a finding that rules supported contact out is no low risk
		// (decision 396).
		v.add("rating", "a finding of domestic abuse is not a green screen: rate it amber or red")
	}
	v.note("note", note, false, "must say something when given")
	if err := v.err(); err != nil {
		return nil, err
	}
	// A second application whose details matched the first's may be one person applying as both
	// parents: the screener, who must speak to both, checks they are two (decision 192).
	if len(r.applicantMatches) > 0 && !r.applicantsChecked && !s.ApplicantsChecked {
		return nil, ErrApplicantsNotChecked
	}
	if r.grave.unweighed(referralv1.RiskQuestion_RISK_QUESTION_UNSPECIFIED) {
		switch {
		case !s.ByLead:
			return nil, ErrRetractionForLead
		case note == "":
			return nil, ErrRetractionNoteRequired
		}
	}
	if !s.DomesticAbuseFinding {
		_, _, disclosed := r.DomesticAbuseDisclosed()
		earlier := r.DisclosedEarlier()
		switch {
		case r.daFinding && !s.ByLead:
			return nil, ErrFindingClearedByLead
		case disclosed && !s.ByLead:
			return nil, ErrDisclosureClearedByLead
		case earlier && !s.ByLead:
			return nil, ErrEarlierDisclosureClearedByLead
		case (r.daFinding || disclosed || earlier) && note == "":
			return nil, ErrNoteRequired
		}
	}
	// Rated below the latest screen, the referral may go ahead with less care: say why.
	if r.screened && s.Rating < r.rating && !inwords.Says(note) {
		return nil, ErrLoweredScreenNoteRequired
	}
	sealed, err := noteOf(note)
	if err != nil {
		return nil, fmt.Errorf("record screening: %w", err)
	}
	role := referralv1.ScreenerRole_SCREENER_ROLE_COORDINATOR
	if s.ByLead {
		role = referralv1.ScreenerRole_SCREENER_ROLE_SAFEGUARDING_LEAD
	}
	return r.record(&referralv1.ScreeningRecorded{ReferralId: r.id.String(), FamilyId: r.family.String(),
		CentreId: r.centre.String(), ScreenedOn: dates.Proto(today), Rating: s.Rating,
		DomesticAbuseFinding: s.DomesticAbuseFinding, SealedNote: sealed,
		ApplicantsChecked: s.ApplicantsChecked && len(r.applicantMatches) > 0, ScreenerRole: role})
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
