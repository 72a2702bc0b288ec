-- Who supervised a completed supervised session, so that a member of staff's leaving is not
-- recorded before a session they supervised (docs/decisions.md 82): the staff register does not
-- know sessions. Bookings completed before this migration have none.
ALTER TABLE bookings ADD COLUMN supervised_by text;
CREATE INDEX bookings_supervised ON bookings (centre_id, supervised_by, session_date) WHERE supervised_by IS NOT NULL;
