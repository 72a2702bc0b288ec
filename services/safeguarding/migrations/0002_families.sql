-- The centre each family was referred to, from referral's ReferralReceived (a family id is minted
-- with its referral, for one centre). Every command and read about a family checks that the family
-- belongs to the centre the caller acts for: a lead of one centre can neither hold, assess, raise
-- concerns about nor read another centre's family (decision 55).
CREATE TABLE families (
    family_id uuid PRIMARY KEY,
    centre_id uuid NOT NULL
);

DO $$
BEGIN
    EXECUTE format('REVOKE ALL ON families FROM PUBLIC');
    EXECUTE format('GRANT SELECT, INSERT ON families TO %I', current_setting('familytime.runtime_role'));
END;
$$;
