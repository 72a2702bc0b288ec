-- Why the centre called a session off (BookingCancelled's call_off_reason, review 50): premises,
-- staffing, weather, safeguarding or other. Bookings cancelled before this migration, and those
-- cancelled by anyone but the centre, have 0: not recorded.
ALTER TABLE bookings ADD COLUMN call_off_reason integer NOT NULL DEFAULT 0;
