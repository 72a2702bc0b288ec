-- Each centre's staff register as scheduling keeps it (its stream staff-<centre>: StaffMemberAdded,
-- StaffCheckRecorded, StaffMemberLeft; account ids and dates, no personal data), so that a
-- supervised session's report is written, checked and released only by someone cleared at the
-- centre that day (decision 96). The events are kept as scheduling recorded them, in the
-- stream's order, and folded by the same code as scheduling's (platform/staff) when a report
-- command is decided.
CREATE TABLE staff_register_events (
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
