-- Each event's MAC: a keyed hash of its chain hash under the platform's key, a secret kept
-- outside the database (docs/decisions.md 157). The chain is a plain SHA-256 that anyone with
-- write access can extend: an event inserted with its hash recomputed verified, and its relay
-- published it for every other service to act on (review 19). Without the key no one can make a
-- MAC. Events appended before have none (NULL): they are reported apart, never as signed.
ALTER TABLE events ADD COLUMN mac bytea CHECK (mac IS NULL OR length(mac) = 32);

DO $$
BEGIN
    EXECUTE format('GRANT INSERT (mac) ON events TO %I', current_setting('familytime.runtime_role'));
END;
$$;
