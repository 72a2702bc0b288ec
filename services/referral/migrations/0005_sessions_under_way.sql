-- A family is not erased while one of its sessions is under way (decision 102): a review erased a
-- family minutes after its case was withdrawn, with its children in the building, and the staff
-- lost the names and numbers they needed to hand them back. Referral's scheduling consumer keeps
-- the bookings someone was checked in for, ids and the session's date only: a row is inserted on
-- PersonCheckedIn and deleted on SessionCompleted. A booking cancelled with someone checked in, or
-- a party's no-show, leaves people in the building: its row stays, and holds an erasure back for
-- the rest of its day. A row of an earlier day does not hold an erasure back.
CREATE TABLE sessions_under_way (
    booking_id uuid PRIMARY KEY,
    family_id  uuid NOT NULL,
    session_on date NOT NULL
);

CREATE INDEX sessions_under_way_family ON sessions_under_way (family_id, session_on);

DO $$
DECLARE
    runtime text := current_setting('familytime.runtime_role');
BEGIN
    EXECUTE format('REVOKE ALL ON sessions_under_way FROM PUBLIC');
    EXECUTE format('GRANT SELECT, INSERT, DELETE ON sessions_under_way TO %I', runtime);
END;
$$;
