package domain

import (
	"fmt"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/problem"
)

// Rules an occupancy keeps.
var (
	// ErrRoomFull means the room holds as many families as it takes in that session.
	ErrRoomFull = problem.Rule("ROOM_FULL", "the room has no place left in that session")
	// ErrRoomNotFree means a supervised session needs the room to itself and another family is booked.
	ErrRoomNotFree = problem.Rule("ROOM_NOT_FREE_FOR_SUPERVISED", "supervised contact needs the room to itself, and another family is booked into it")
	// ErrRoomTakenBySupervised means a supervised session has the room to itself.
	ErrRoomTakenBySupervised = problem.Rule("ROOM_TAKEN_BY_SUPERVISED", "a supervised session has the room to itself in that session")
)

// Occupancy is one room in one opening session: the bookings holding its places. It is one
// stream, so two bookings for the last place cannot both commit (each expects the version it saw).
type Occupancy struct {
	stream  string
	places  map[uuid.UUID]bool // booking -> supervised
	version int64
}

// OccupancyStream names the stream of a room in the opening session that starts at start
// (local) on date.
func OccupancyStream(room uuid.UUID, date time.Time, start Clock) string {
	return fmt.Sprintf("occupancy-%s-%s-%02d%02d", room, dates.String(date), start.Hour, start.Minute)
}

// RebuildOccupancy replays an occupancy stream.
func RebuildOccupancy(stream string, events []proto.Message) (*Occupancy, error) {
	o := &Occupancy{stream: stream, places: map[uuid.UUID]bool{}}
	for _, ev := range events {
		if err := o.apply(ev); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// Stream is the occupancy's stream id.
func (o *Occupancy) Stream() string { return o.stream }

// Version is the number of events in the stream.
func (o *Occupancy) Version() int64 { return o.version }

// Booked is how many places are taken.
func (o *Occupancy) Booked() int { return len(o.places) }

// Take gives a booking a place in the room, within its capacity; supervised contact takes the
// room to itself.
func (o *Occupancy) Take(centre uuid.UUID, room Room, date time.Time, booking, family uuid.UUID, supervised bool) (proto.Message, error) {
	for _, sup := range o.places {
		if sup {
			return nil, ErrRoomTakenBySupervised
		}
	}
	if supervised && len(o.places) > 0 {
		return nil, ErrRoomNotFree
	}
	if len(o.places) >= room.Capacity {
		return nil, ErrRoomFull
	}
	ev := &schedulingv1.PlaceTaken{CentreId: centre.String(), RoomId: room.ID.String(), SessionDate: dates.Proto(date),
		BookingId: booking.String(), FamilyId: family.String(), Supervised: supervised}
	return ev, o.apply(ev)
}

// Free gives a cancelled booking's place back; nil when the booking holds none.
func (o *Occupancy) Free(centre, room uuid.UUID, date time.Time, booking, family uuid.UUID) (proto.Message, error) {
	if _, ok := o.places[booking]; !ok {
		return nil, nil
	}
	ev := &schedulingv1.PlaceFreed{CentreId: centre.String(), RoomId: room.String(), SessionDate: dates.Proto(date),
		BookingId: booking.String(), FamilyId: family.String()}
	return ev, o.apply(ev)
}

func (o *Occupancy) apply(ev proto.Message) error {
	switch e := ev.(type) {
	case *schedulingv1.PlaceTaken:
		o.places[uuid.MustParse(e.GetBookingId())] = e.GetSupervised()
	case *schedulingv1.PlaceFreed:
		delete(o.places, uuid.MustParse(e.GetBookingId()))
	default:
		return fmt.Errorf("%s: unexpected event %s", o.stream, ev.ProtoReflect().Descriptor().FullName())
	}
	o.version++
	return nil
}
