-- Fewer indexes on events, each of which every append pays for (docs/decisions.md, 21).

-- A family's streams. A family's history is read by finding its streams here and loading them
-- through UNIQUE (stream_id, version), instead of keeping an index of every event by family: a
-- row per family and stream is written once, where the index took an entry for every event.
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

-- An event is known by its id: the primary key. Positions are handed out in the order rows are
-- written to an append-only table, so a BRIN index finds a range of them by reading only the
-- pages that hold it, at almost no cost to an append, where a B-tree took an entry per event.
ALTER TABLE events
    DROP CONSTRAINT events_pkey,
    DROP CONSTRAINT events_event_id_key,
    ADD CONSTRAINT events_pkey PRIMARY KEY (event_id);
CREATE INDEX events_position ON events USING brin (position) WITH (pages_per_range = 16);

DO $$
DECLARE
    runtime text := current_setting('familytime.runtime_role');
BEGIN
    EXECUTE format('REVOKE ALL ON family_streams FROM PUBLIC');
    EXECUTE format('GRANT SELECT, INSERT ON family_streams TO %I', runtime);
    -- ReadAll reads the last position handed out, to know where the log ends.
    EXECUTE format('GRANT SELECT ON SEQUENCE %s TO %I', pg_get_serial_sequence('events', 'position'), runtime);
END;
$$;
