-- A family confirmed as another referred again (referral's SameChildConfirmed naming the other
-- family; decision 379): ids only, written by the consumer with the confirmation. A pair of families
-- kept apart recorded on the earlier family after the confirmation is carried to the family
-- referred again (and to its own referrals again), as the pairs standing at the confirmation were
-- (decision 363).
CREATE TABLE referred_again (
    family_id         uuid NOT NULL,
    earlier_family_id uuid NOT NULL,
    centre_id         uuid NOT NULL,
    PRIMARY KEY (earlier_family_id, centre_id, family_id)
);

DO $$
BEGIN
    EXECUTE format('GRANT SELECT, INSERT ON referred_again TO %I', current_setting('familytime.runtime_role'));
END;
$$;
