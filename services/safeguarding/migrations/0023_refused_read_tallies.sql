-- A refused read repeated is counted, not appended (review 52, decision 307). The first refusal of
-- an account about a family, for one reason, on one UK day (the service's clock) is an
-- AccessRefused on the family's audit, as before. Every refusal, that first one included, is
-- counted here, on the row of its account, day, family and reason:
--   event_id   the audit entry it is shown on: its own AccessRefused; or, for an account past its
--              daily limit of families, the AccessRefused that passed the limit (past_limit);
--   times      how many refusals, first_at and last_at the first and the last.
-- The rows are a record, not a projection: the repeats are in no event, so these rows are never
-- rebuilt, deleted, or counted down. They hold account ids, ids and reason codes, no personal data.
CREATE TABLE refused_read_tallies (
    subject    text        NOT NULL,
    refused_on date        NOT NULL,
    family_id  uuid        NOT NULL,
    reason     text        NOT NULL,
    centre_id  uuid        NOT NULL,
    event_id   uuid        NOT NULL,
    past_limit boolean     NOT NULL,
    times      bigint      NOT NULL CHECK (times > 0),
    first_at   timestamptz NOT NULL,
    last_at    timestamptz NOT NULL,
    PRIMARY KEY (subject, refused_on, family_id, reason)
);
-- The audit reads each entry's counts by its event.
CREATE INDEX refused_read_tallies_by_entry ON refused_read_tallies (event_id);

-- The refusal that passed the account's daily limit says so on the audit (AccessRefused
-- daily_family_limit); 0 on every other row.
ALTER TABLE access_records ADD COLUMN daily_family_limit integer NOT NULL DEFAULT 0;

DO $$
BEGIN
    -- Counted up only: a count is never lowered, moved to another entry, or deleted.
    EXECUTE format('GRANT SELECT, INSERT ON refused_read_tallies TO %I', current_setting('familytime.runtime_role'));
    EXECUTE format('GRANT UPDATE (times, last_at) ON refused_read_tallies TO %I', current_setting('familytime.runtime_role'));
END;
$$;
