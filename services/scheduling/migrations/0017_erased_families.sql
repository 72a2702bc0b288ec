-- Families whose personal data referral erased (FamilyErased; decision 363): ids only, written by
-- the consumer with the erasure. Keeping a family apart refuses an erased one (its record would grow
-- after its erasure), answers no "also record" pair naming one, and carries no pair to one.
CREATE TABLE erased_families (
    family_id uuid PRIMARY KEY
);

DO $$
BEGIN
    EXECUTE format('GRANT SELECT, INSERT ON erased_families TO %I', current_setting('familytime.runtime_role'));
END;
$$;
