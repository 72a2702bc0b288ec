package domain

import (
	"slices"
	"time"

	"github.com/google/uuid"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
)

// AccreditationYears is how long an accreditation by the national association lasts.
const AccreditationYears = 3

// Centre is a centre as the service's copy of the directory knows it, from scheduling's centre
// events: the kinds of contact it offers and where it stands with the national association.
// Accreditation is unspecified for a centre last heard of before the service kept it.
type Centre struct {
	ID            uuid.UUID
	Services      []commonv1.ServiceType
	Accreditation commonv1.AccreditationStatus
	// AccreditedOn is the day the current accreditation began (midnight UTC); zero if none.
	AccreditedOn time.Time
}

// Offers reports whether the centre offers a kind of contact.
func (c Centre) Offers(st commonv1.ServiceType) bool { return slices.Contains(c.Services, st) }

// TakesNewFamilies says whether the centre may take a new referral, or accept or waitlist a
// family: nil, or ErrCentreSuspended or ErrCentreLapsed when the directory says its accreditation
// is suspended, or lapsed and not renewed. Families already accepted go on: what becomes of them
// is a person's decision (docs/decisions.md 77).
func (c Centre) TakesNewFamilies() error {
	switch c.Accreditation {
	case commonv1.AccreditationStatus_ACCREDITATION_STATUS_SUSPENDED:
		return ErrCentreSuspended
	case commonv1.AccreditationStatus_ACCREDITATION_STATUS_LAPSED:
		return ErrCentreLapsed
	}
	return nil
}

// AccreditationRanOut is the day an accredited centre's three years ran out, when that is on or
// before today and the directory records no renewal (ok false otherwise). It is a warning, not a
// refusal: the status is the national association's word, the date only says when the current
// accreditation began, and a renewal the directory has not caught up with must not turn
// families away.
func (c Centre) AccreditationRanOut(today time.Time) (on time.Time, ok bool) {
	if c.Accreditation != commonv1.AccreditationStatus_ACCREDITATION_STATUS_ACCREDITED || c.AccreditedOn.IsZero() {
		return time.Time{}, false
	}
	on = c.AccreditedOn.AddDate(AccreditationYears, 0, 0)
	return on, !today.Before(on)
}

// Directory is the part of the service's copy of the centre directory a command needs, by id.
type Directory map[uuid.UUID]Centre
