-- The centre directory's read model, kept by the command handlers in the append's transaction
-- (an inline projection). The events in the event log are the truth; this table can be rebuilt.
CREATE TABLE centres (
    centre_id            uuid        PRIMARY KEY,
    name                 text        NOT NULL,
    region               integer     NOT NULL,
    service_types        integer[]   NOT NULL,
    accreditation_status integer     NOT NULL,
    accreditation_date   date,
    version              bigint      NOT NULL,
    updated_at           timestamptz NOT NULL
);

-- ListCentres pages by (name, centre_id), optionally within a region.
CREATE INDEX centres_by_name ON centres (name, centre_id);
-- Two centres of the same name in one region would confuse referrers; the unique index makes a
-- duplicate registration fail together with its append.
CREATE UNIQUE INDEX centres_unique_name ON centres (region, lower(name));
CREATE INDEX centres_by_region_name ON centres (region, name, centre_id);

DO $$
BEGIN
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON centres TO %I', current_setting('familytime.runtime_role'));
END;
$$;
