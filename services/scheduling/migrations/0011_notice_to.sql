-- The party whose due time a cancellation's notice is counted to (BookingCancelled's notice_to,
-- review 42): the cancelling parent's own party, or the first to be due for the centre, the
-- referrer and the system. Bookings cancelled before this migration have 0 (unset): their notice
-- was counted to the children's arrival, as their events say.
ALTER TABLE bookings ADD COLUMN notice_to integer NOT NULL DEFAULT 0;
