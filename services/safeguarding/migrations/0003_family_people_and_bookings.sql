-- The people a referral names for each family (ids only: adults and children, from referral's
-- ReferralReceived, SecondPartyApplicationReceived and ReferralAmended) and each family's
-- bookings (scheduling's SessionBooked). A concern names people and a session of the family it is
-- about: ids of another family's people or bookings, or made up, are refused (decision 78). A
-- person once named stays known: a concern may be about someone an amendment later removed.
CREATE TABLE family_people (
    family_id uuid NOT NULL,
    person_id uuid NOT NULL,
    -- A party to the children's contact: a parent, or another adult with parental responsibility
    -- (a report's copy goes to a party, or to a solicitor for one). Children, relatives and
    -- escorts are not.
    party     boolean NOT NULL DEFAULT false,
    PRIMARY KEY (family_id, person_id)
);

CREATE TABLE family_bookings (
    booking_id uuid PRIMARY KEY,
    family_id  uuid NOT NULL
);

DO $$
BEGIN
    EXECUTE format('REVOKE ALL ON family_people, family_bookings FROM PUBLIC');
    EXECUTE format('GRANT SELECT, INSERT ON family_people, family_bookings TO %I', current_setting('familytime.runtime_role'));
    EXECUTE format('GRANT UPDATE (party) ON family_people TO %I', current_setting('familytime.runtime_role'));
END;
$$;
