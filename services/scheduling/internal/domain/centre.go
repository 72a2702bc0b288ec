// Package domain is the scheduling service's model: centres (and, to come, rooms, sessions and
// bookings), the rules they keep, and the events that record what happened to them. No I/O.
package domain

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/text"
)

// MaxNameLength is the longest centre name, in characters.
const MaxNameLength = 200

// firstAccreditation is the earliest accreditation date accepted: the national association began
// accrediting centres in the 1990s.
var firstAccreditation = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)

// Details are the facts about a centre that an administrator registers and updates.
type Details struct {
	Name          string
	Region        commonv1.Region
	ServiceTypes  []commonv1.ServiceType
	Accreditation commonv1.AccreditationStatus
	// AccreditedOn is the day the current accreditation began (midnight UTC), zero if none.
	AccreditedOn time.Time
}

// Normalise trims the name and orders the service types, so equal details compare equal.
func (d Details) Normalise() Details {
	d.Name = strings.TrimSpace(d.Name)
	d.ServiceTypes = slices.Clone(d.ServiceTypes)
	slices.Sort(d.ServiceTypes)
	return d
}

// Validate checks the details against the directory's rules; today is the date it is now.
func (d Details) Validate(today time.Time) error {
	var v Invalid
	// The directory's names reach every service, the CLI and the dashboard (decisions.md 91).
	switch n, reason := utf8.RuneCountInString(d.Name), text.Check(d.Name, text.Line); {
	case reason != "":
		v.add("name", reason)
	case n == 0:
		v.add("name", "must not be empty")
	case n > MaxNameLength:
		v.add("name", fmt.Sprintf("must be at most %d characters", MaxNameLength))
	}
	if _, ok := commonv1.Region_name[int32(d.Region)]; !ok || d.Region == commonv1.Region_REGION_UNSPECIFIED {
		v.add("region", "must be one of the regions")
	}
	if len(d.ServiceTypes) == 0 {
		v.add("service_types", "must name at least one kind of contact")
	}
	seen := map[commonv1.ServiceType]bool{}
	for _, st := range d.ServiceTypes {
		if _, ok := commonv1.ServiceType_name[int32(st)]; !ok || st == commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED {
			v.add("service_types", "must be known kinds of contact")
			break
		}
		if seen[st] {
			v.add("service_types", "must not repeat a kind of contact")
			break
		}
		seen[st] = true
	}
	if _, ok := commonv1.AccreditationStatus_name[int32(d.Accreditation)]; !ok || d.Accreditation == commonv1.AccreditationStatus_ACCREDITATION_STATUS_UNSPECIFIED {
		v.add("accreditation_status", "must be one of the accreditation statuses")
	}
	switch {
	case d.AccreditedOn.IsZero() && d.Accreditation == commonv1.AccreditationStatus_ACCREDITATION_STATUS_ACCREDITED:
		v.add("accreditation_date", "is required for an accredited centre")
	case d.AccreditedOn.IsZero():
	case d.AccreditedOn.After(today):
		v.add("accreditation_date", "must not be in the future")
	case d.AccreditedOn.Before(firstAccreditation):
		v.add("accreditation_date", "must be on or after 1990-01-01")
	}
	return v.err()
}

// Centre is a child contact centre in the national directory.
type Centre struct {
	id      uuid.UUID
	details Details
	version int64
}

// ID is the centre's id.
func (c *Centre) ID() uuid.UUID { return c.id }

// Details are the centre's current details.
func (c *Centre) Details() Details { return c.details }

// Version is the number of events recorded for the centre.
func (c *Centre) Version() int64 { return c.version }

// StreamID is the event stream of a centre.
func StreamID(id uuid.UUID) string { return "centre-" + id.String() }

// RegisterCentre creates a centre with a new id and the event that records it.
func RegisterCentre(id uuid.UUID, d Details, today time.Time) (*Centre, proto.Message, error) {
	d = d.Normalise()
	if err := d.Validate(today); err != nil {
		return nil, nil, err
	}
	ev := &schedulingv1.CentreRegistered{CentreId: id.String(), Name: d.Name, Region: d.Region,
		ServiceTypes: d.ServiceTypes, AccreditationStatus: d.Accreditation, AccreditationDate: dates.Proto(d.AccreditedOn)}
	c := &Centre{id: id}
	c.apply(ev)
	return c, ev, nil
}

// Update changes the centre's details. It returns no event when nothing changes.
func (c *Centre) Update(d Details, today time.Time) (proto.Message, error) {
	d = d.Normalise()
	if err := d.Validate(today); err != nil {
		return nil, err
	}
	if d.equal(c.details) {
		return nil, nil
	}
	ev := &schedulingv1.CentreUpdated{CentreId: c.id.String(), Name: d.Name, Region: d.Region,
		ServiceTypes: d.ServiceTypes, AccreditationStatus: d.Accreditation, AccreditationDate: dates.Proto(d.AccreditedOn)}
	c.apply(ev)
	return ev, nil
}

// RebuildCentre replays a centre's events.
func RebuildCentre(id uuid.UUID, events []proto.Message) (*Centre, error) {
	if len(events) == 0 {
		return nil, ErrCentreNotFound
	}
	c := &Centre{id: id}
	for _, ev := range events {
		if err := c.apply(ev); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// apply is the one place an event changes a centre.
func (c *Centre) apply(ev proto.Message) error {
	switch e := ev.(type) {
	case *schedulingv1.CentreRegistered:
		c.details = Details{Name: e.GetName(), Region: e.GetRegion(), ServiceTypes: e.GetServiceTypes(),
			Accreditation: e.GetAccreditationStatus(), AccreditedOn: dates.Time(e.GetAccreditationDate())}
	case *schedulingv1.CentreUpdated:
		c.details = Details{Name: e.GetName(), Region: e.GetRegion(), ServiceTypes: e.GetServiceTypes(),
			Accreditation: e.GetAccreditationStatus(), AccreditedOn: dates.Time(e.GetAccreditationDate())}
	default:
		return fmt.Errorf("centre %s: unexpected event %s", c.id, ev.ProtoReflect().Descriptor().FullName())
	}
	c.version++
	return nil
}

// TakesNewFamilies says whether the centre may give a family a place from its waiting list or put
// one on it: nil, or ErrCentreSuspended or ErrCentreLapsed when its accreditation is suspended, or
// recorded lapsed. Referral refuses to accept or waitlist a family there (decisions.md 77); an
// offer from the list is how a waiting family comes to be accepted, so it stops too (review 59
// offered a suspended centre's place to a family referral could then not accept). Families
// already accepted go on being booked: what becomes of them is a person's decision (decisions.md
// 326). An accreditation whose three years ran out by date with no renewal recorded is not
// refused, as referral only warns of it: the status is the national association's word.
func (d Details) TakesNewFamilies() error {
	switch d.Accreditation {
	case commonv1.AccreditationStatus_ACCREDITATION_STATUS_SUSPENDED:
		return ErrCentreSuspended
	case commonv1.AccreditationStatus_ACCREDITATION_STATUS_LAPSED:
		return ErrCentreLapsed
	}
	return nil
}

func (d Details) equal(o Details) bool {
	return d.Name == o.Name && d.Region == o.Region && slices.Equal(d.ServiceTypes, o.ServiceTypes) &&
		d.Accreditation == o.Accreditation && d.AccreditedOn.Equal(o.AccreditedOn)
}
