-- A family's erasure waits in safeguarding while a concern about it is open or a hold in force
-- (decision 104). Referral refuses an erasure while safeguarding has records in use, as far as its
-- events told it; a concern raised in the moment before referral heard of it was accepted, and
-- shredding the key then left the concern's description unreadable while it was being dealt with.
-- Safeguarding records are never deleted while in use: the key is destroyed when the last of the
-- family's concerns is closed and its last hold lifted. Ids only.
CREATE TABLE erasures_waiting (
    family_id  uuid        PRIMARY KEY,
    ordered_at timestamptz NOT NULL DEFAULT now()
);

DO $$
BEGIN
    EXECUTE format('REVOKE ALL ON erasures_waiting FROM PUBLIC');
    EXECUTE format('GRANT SELECT, INSERT, DELETE ON erasures_waiting TO %I', current_setting('familytime.runtime_role'));
END;
$$;
