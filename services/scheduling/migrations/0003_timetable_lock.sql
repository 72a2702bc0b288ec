-- A booking is decided on the centre's timetable as it was read (the pattern's session and
-- room), and a redefinition of a pattern on the pattern's bookings as they were read: each must
-- see what the other committed, or a booking made on a pattern's old times commits beside the
-- new ones, outside every session (decision 79). Both take one advisory lock per timetable in
-- the transaction that commits them: a booking shares it (bookings never wait for each other,
-- and stay group-committed: these are statements of their unit), a redefinition holds it alone.
-- Whichever takes it second sees the other: the booking finds the timetable moved on and is
-- decided again; the redefinition finds the booking and is refused.

-- timetable_lock takes a timetable's lock alone, for a redefinition about to read its bookings.
CREATE FUNCTION timetable_lock(stream text) RETURNS void LANGUAGE sql AS $$
    SELECT pg_advisory_xact_lock(21588, hashtext(stream)); -- 21588 is "TT": a key space of its own
$$;

-- timetable_unchanged shares a timetable's lock and then fails with FTTTB (the detail is the
-- stream) unless the timetable is still at the version the booking was decided on. Each
-- statement of a volatile function reads what was committed before it began, so the version is
-- read after the lock is granted.
CREATE FUNCTION timetable_unchanged(stream text, seen bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    current bigint;
BEGIN
    PERFORM pg_advisory_xact_lock_shared(21588, hashtext(stream));
    SELECT coalesce(max(version), 0) INTO current FROM events WHERE stream_id = stream;
    IF current <> seen THEN
        RAISE EXCEPTION 'timetable % is at version %, the booking was decided on version %', stream, current, seen
            USING ERRCODE = 'FTTTB', DETAIL = stream;
    END IF;
END;
$$;

DO $$
BEGIN
    EXECUTE format('REVOKE ALL ON FUNCTION timetable_lock(text), timetable_unchanged(text, bigint) FROM PUBLIC');
    EXECUTE format('GRANT EXECUTE ON FUNCTION timetable_lock(text), timetable_unchanged(text, bigint) TO %I',
        current_setting('familytime.runtime_role'));
END;
$$;
