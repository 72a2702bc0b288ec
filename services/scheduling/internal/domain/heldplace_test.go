package domain

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// A booking of another family leaves each offer of the place standing to others a place in the
// session, or is refused PLACE_ON_OFFER (review 68); an offer to a family waiting for supervised
// contact holds the room whole, and the family offered the place is not held from it.
func TestAPlaceOfferedIsKeptForTheFamiliesOfferedIt(t *testing.T) {
	loc, _ := time.LoadLocation("Europe/London")
	lapses := time.Date(2026, 1, 24, 11, 15, 0, 0, loc)
	holder, other := uuid.New(), uuid.New()
	offers := []Offer{{Waiting: Waiting{Family: holder}, Lapses: lapses}}
	shared := Room{Capacity: 2}

	require.Empty(t, HeldFrom(offers, holder), "its own offer does not hold the place from the family offered it")
	require.Len(t, HeldFrom(offers, other), 1)
	require.NoError(t, KeepsPlacesOffered(shared, RoomUse{Booked: 1}, HeldFrom(offers, other), false, loc), "one place left for one offer")
	err := KeepsPlacesOffered(shared, RoomUse{Booked: 2}, HeldFrom(offers, other), false, loc)
	require.ErrorIs(t, err, ErrPlaceOnOffer)
	require.ErrorContains(t, err, "the first lapses on 2026-01-24 at 11:15")
	require.ErrorContains(t, err, holder.String(), "the family offered it, by id only")
	require.ErrorIs(t, KeepsPlacesOffered(shared, RoomUse{Booked: 1}, HeldFrom(offers, other), true, loc), ErrPlaceOnOffer,
		"supervised contact offered needs the room to itself")
	require.ErrorIs(t, KeepsPlacesOffered(shared, RoomUse{Booked: 1, Supervised: true}, HeldFrom(offers, other), false, loc), ErrPlaceOnOffer,
		"a supervised booking takes the room whole")
	require.NoError(t, KeepsPlacesOffered(Room{Capacity: 1}, RoomUse{Booked: 1}, nil, false, loc), "nothing on offer")
}
