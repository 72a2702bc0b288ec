-- Who cancelled a booking and the notice given (BookingCancelled's cancelled_by and
-- notice_minutes), so that the day sheet says it where staff look (decision 98). Bookings
-- cancelled before this migration have cancelled_by 0 (not known here: read as "not recorded on
-- the day sheet"); their events and the family's history still say both.
ALTER TABLE bookings ADD COLUMN cancelled_by integer NOT NULL DEFAULT 0, ADD COLUMN notice_minutes bigint NOT NULL DEFAULT 0;
