-- The key store's guard (decision 31). The runtime role may create keys, re-wrap a live key under
-- another key-encryption key, and tombstone a key; it may never bring a tombstoned key back, move
-- a key to another family, clear or change the time of an erasure, or delete a row. The guard is
-- a trigger, so it holds for every role short of one that may disable triggers (the owner, who
-- runs migrations and nothing else).

CREATE FUNCTION family_keys_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'UPDATE' THEN
        RAISE EXCEPTION 'family keys are never deleted: % on family_keys is not allowed (erasure is a tombstone)', TG_OP
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF NEW.family_id IS DISTINCT FROM OLD.family_id THEN
        RAISE EXCEPTION 'a family key cannot be moved to another family'
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF OLD.wrapped_key IS NULL AND NEW.wrapped_key IS NOT NULL THEN
        RAISE EXCEPTION 'the family''s key was shredded: an erasure cannot be undone'
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF OLD.shredded_at IS NOT NULL AND NEW.shredded_at IS DISTINCT FROM OLD.shredded_at THEN
        RAISE EXCEPTION 'the time of an erasure cannot be changed or cleared'
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF NEW.created_at IS DISTINCT FROM OLD.created_at THEN
        RAISE EXCEPTION 'a family key''s creation time cannot be changed'
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER family_keys_guard_update BEFORE UPDATE ON family_keys
    FOR EACH ROW EXECUTE FUNCTION family_keys_guard();
CREATE TRIGGER family_keys_guard_delete BEFORE DELETE ON family_keys
    FOR EACH ROW EXECUTE FUNCTION family_keys_guard();
CREATE TRIGGER family_keys_guard_truncate BEFORE TRUNCATE ON family_keys
    FOR EACH STATEMENT EXECUTE FUNCTION family_keys_guard();

DO $$
BEGIN
    -- Only the columns a re-wrap and a tombstone write; SELECT, INSERT stay as 0001 granted them.
    EXECUTE format('REVOKE UPDATE ON family_keys FROM %I', current_setting('familytime.runtime_role'));
    EXECUTE format('GRANT UPDATE (wrapped_key, kek_id, shredded_at) ON family_keys TO %I', current_setting('familytime.runtime_role'));
END;
$$;
