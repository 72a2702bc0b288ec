-- Reporting's own projection of the centre directory, fed by the scheduling stream. It can be
-- dropped and rebuilt by replaying the stream from the start.
CREATE TABLE centres (
    centre_id            uuid        PRIMARY KEY,
    name                 text        NOT NULL,
    region               integer     NOT NULL,
    service_types        integer[]   NOT NULL,
    accreditation_status integer     NOT NULL,
    accreditation_date   date,
    -- The centre stream's version this row reflects: an older event never overwrites a newer one.
    version              bigint      NOT NULL,
    updated_at           timestamptz NOT NULL
);

CREATE INDEX centres_by_name ON centres (name, centre_id);
CREATE INDEX centres_by_region_name ON centres (region, name, centre_id);

DO $$
BEGIN
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON centres TO %I', current_setting('familytime.runtime_role'));
END;
$$;
