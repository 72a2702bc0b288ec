-- Every safeguarding concern raised about a family, open or closed, and whether the lead referred
-- it to the local authority or the police (decision 279). An erasure at a data subject's request
-- is refused while the family has one: a centre keeps its safeguarding records for their retention
-- period, which a request to erase does not end (UK GDPR article 17(3)), and erasing the family
-- destroyed a concern that had gone to the police a week before (review 48). Ids only. A row is
-- never deleted: a closed concern is still a record kept. Concerns raised before this table are
-- not in it (referral's safeguarding consumer read them before it was asked to keep them).
CREATE TABLE safeguarding_concerns (
    concern_id uuid    PRIMARY KEY,
    family_id  uuid    NOT NULL,
    escalated  boolean NOT NULL DEFAULT false
);
CREATE INDEX safeguarding_concerns_family ON safeguarding_concerns (family_id);

DO $$
BEGIN
    EXECUTE format('REVOKE ALL ON safeguarding_concerns FROM PUBLIC');
    EXECUTE format('GRANT SELECT, INSERT, UPDATE (escalated) ON safeguarding_concerns TO %I', current_setting('familytime.runtime_role'));
END;
$$;
