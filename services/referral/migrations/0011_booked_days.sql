-- The door is given names only for the families expected at the centre that day (decision
-- 234's Left: any volunteer on a centre's register could read the names of every family in
-- contact there, any day). Referral's bookings consumer keeps the day of every session scheduling
-- booked (SessionBooked), ids and the session's local date only. A row is never deleted: a
-- booking cancelled, rescheduled or called off keeps its day, since the family may still come to
-- the door that day and must be recognised and turned away. The consumer is new with this table,
-- so it reads the scheduling stream from its first event: on an existing deployment every booking
-- made before is kept too.
CREATE TABLE booked_days (
    centre_id  uuid NOT NULL,
    session_on date NOT NULL,
    family_id  uuid NOT NULL,
    PRIMARY KEY (centre_id, session_on, family_id)
);

DO $$
BEGIN
    EXECUTE format('REVOKE ALL ON booked_days FROM PUBLIC');
    EXECUTE format('GRANT SELECT, INSERT ON booked_days TO %I', current_setting('familytime.runtime_role'));
END;
$$;
