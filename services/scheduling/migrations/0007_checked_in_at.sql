-- Each party's first check-in at the door (review 20): the day sheet's parents-at-door-together
-- alert counted recorded arrivals only, so the visiting and the resident parent admitted in the
-- same minute raised nothing. Bookings checked in before this column have none: their alert reads
-- their recorded arrivals, as before.
ALTER TABLE bookings ADD COLUMN visiting_checked_in_at timestamptz, ADD COLUMN children_checked_in_at timestamptz;
