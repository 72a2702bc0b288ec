-- Each centre's staff register as scheduling keeps it (its stream staff-<centre>: StaffMemberAdded,
-- StaffCheckRecorded, StaffMemberLeft), kept by a service that reads it to know who its staff are
-- today (platform/staff, decisions 96 and 110). The events are kept as scheduling recorded them,
-- in the stream's order, and folded by scheduling's own code when a call is decided. A service
-- that holds no personal data keeps them with each account id replaced by its pseudonym.
-- IF NOT EXISTS: safeguarding made the same table in its own migration 0005 before this set.
CREATE TABLE IF NOT EXISTS staff_register_events (
    centre_id      uuid   NOT NULL,
    stream_version bigint NOT NULL,
    event_type     text   NOT NULL,
    payload        bytea  NOT NULL,
    PRIMARY KEY (centre_id, stream_version)
);

DO $$
BEGIN
    EXECUTE format('REVOKE ALL ON staff_register_events FROM PUBLIC');
    EXECUTE format('GRANT SELECT, INSERT ON staff_register_events TO %I', current_setting('familytime.runtime_role'));
END;
$$;
