package domain

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	"github.com/familytime/familytime/services/platform/problem"
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

// TakesReferralsFor refuses a referral asking for a kind of contact the centre does not offer
// (ErrServiceNotOffered), saying which kinds it offers. Review 49 asked a supported-only centre for
// supervised contact: the referral was received without a word, and its coordinator could only
// accept it for supported contact, which a court may not have allowed; the referrer, told at once,
// refers the family to a centre that offers what was asked.
func (c Centre) TakesReferralsFor(st commonv1.ServiceType) error {
	if c.Offers(st) || !serviceTypeKnown(st) {
		// An unknown kind is the submission's field error (Submit), not the centre's.
		return nil
	}
	return notOffered(st, c.Services, "")
}

// notOffered is ErrServiceNotOffered saying which kind is not offered and which kinds are, so
// the caller can choose one or another centre without reading the directory, and then the way on,
// if any.
func notOffered(st commonv1.ServiceType, offered []commonv1.ServiceType, way string) error {
	names := make([]string, 0, len(offered))
	for _, o := range offered {
		names = append(names, ServiceName(o))
	}
	offers := "no kind of contact"
	switch n := len(names); {
	case n == 1:
		offers = names[0] + " contact"
	case n > 1:
		offers = strings.Join(names[:n-1], ", ") + " and " + names[n-1] + " contact"
	}
	message := fmt.Sprintf("the centre does not offer %s contact: it offers %s", ServiceName(st), offers)
	if way != "" {
		message += ": " + way
	}
	return problem.Rule(ErrServiceNotOffered.Reason, message)
}

// ServiceName is a kind of contact in words, as the service's messages name it ("supervised").
func ServiceName(st commonv1.ServiceType) string {
	if name, ok := commonv1.ServiceType_name[int32(st)]; ok && st != commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED {
		return strings.ToLower(strings.TrimPrefix(name, "SERVICE_TYPE_"))
	}
	return "an unknown kind of"
}

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
