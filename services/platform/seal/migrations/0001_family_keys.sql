-- Per-family data keys, wrapped by the key-encryption key. Apart from the events, so a backup of
-- the events never carries a key. A shredded family keeps its row as a tombstone with no key.
CREATE TABLE family_keys (
    family_id   uuid        PRIMARY KEY,
    wrapped_key bytea,
    kek_id      text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    shredded_at timestamptz,
    CHECK ((wrapped_key IS NULL) = (shredded_at IS NOT NULL))
);

DO $$
BEGIN
    EXECUTE format('REVOKE ALL ON family_keys FROM PUBLIC');
    -- No DELETE: erasure is a tombstone, so it cannot be undone by a late Seal.
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON family_keys TO %I', current_setting('familytime.runtime_role'));
END;
$$;
