-- A family's erasure (FamilyErased, docs/decisions.md 86) deletes its children's keyed hashes: with
-- the service-wide matching key still alive, a hash left behind would match the erased child's name
-- and date of birth against every new referral. Deleting is the only way to forget a row, so the
-- runtime role may delete from child_matches, and only from it.
DO $$
BEGIN
    EXECUTE format('GRANT DELETE ON child_matches TO %I', current_setting('familytime.runtime_role'));
END;
$$;
