-- A family's streams (docs/decisions.md, 22). A family's history is read by finding its streams
-- here and loading them through UNIQUE (stream_id, version), instead of keeping an index of every
-- event by family: a row per family and stream is written once, where the index took an entry
-- for every event.
CREATE TABLE family_streams (
    family_id uuid NOT NULL,
    stream_id text COLLATE "C" NOT NULL,
    PRIMARY KEY (family_id, stream_id)
);

INSERT INTO family_streams (family_id, stream_id)
SELECT DISTINCT family_id, stream_id FROM events WHERE family_id IS NOT NULL;

DROP INDEX events_family;

-- Stream ids are identifiers, not words: compared byte by byte, the way every index on them is
-- cheapest to keep, rather than by the rules of a language.
ALTER TABLE events ALTER COLUMN stream_id TYPE text COLLATE "C";

DO $$
DECLARE
    runtime text := current_setting('familytime.runtime_role');
BEGIN
    EXECUTE format('REVOKE ALL ON family_streams FROM PUBLIC');
    EXECUTE format('GRANT SELECT, INSERT ON family_streams TO %I', runtime);
END;
$$;
