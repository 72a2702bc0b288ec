-- Guards (UnitOfWork.Guard and GuardShared, decisions 75 and 79): a unit of work that read a
-- stream it does not append to commits only if the stream is still at the version it read,
-- checked under a lock of the guard's key. Units that guard one key exclusively commit one at a
-- time; shared guards of one key never wait for each other, only for an exclusive holder
-- (eventstore.Lock). Each statement of a volatile function reads what was committed before it
-- began, so the version is read after the lock is granted: whichever unit takes the lock second
-- sees what the first committed. 18004 ("FT") is the guards' key space, of the two-key form, apart
-- from the one-key locks of leader election and the migrations.

-- eventstore_guard takes key's lock (shared or not) and fails with FTGRD (the detail is the
-- stream) unless stream is at version seen.
CREATE FUNCTION eventstore_guard(key text, stream text, seen bigint, shared boolean) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    current bigint;
BEGIN
    IF shared THEN
        PERFORM pg_advisory_xact_lock_shared(18004, hashtext(key));
    ELSE
        PERFORM pg_advisory_xact_lock(18004, hashtext(key));
    END IF;
    SELECT coalesce(max(version), 0) INTO current FROM events WHERE stream_id = stream;
    IF current <> seen THEN
        RAISE EXCEPTION 'stream % is at version %, not the version % it was read at', stream, current, seen
            USING ERRCODE = 'FTGRD', DETAIL = stream;
    END IF;
END;
$$;

-- eventstore_lock takes key's lock alone until the transaction ends: units guarding the key have
-- committed, and later ones wait.
CREATE FUNCTION eventstore_lock(key text) RETURNS void LANGUAGE sql AS $$
    SELECT pg_advisory_xact_lock(18004, hashtext(key));
$$;

DO $$
BEGIN
    EXECUTE format('REVOKE ALL ON FUNCTION eventstore_guard(text, text, bigint, boolean), eventstore_lock(text) FROM PUBLIC');
    EXECUTE format('GRANT EXECUTE ON FUNCTION eventstore_guard(text, text, bigint, boolean), eventstore_lock(text) TO %I',
        current_setting('familytime.runtime_role'));
END;
$$;
