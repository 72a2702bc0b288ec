-- The latest screen a person recorded at referral for each family (referral's ScreeningRecorded),
-- whatever it rated: the lead's list shows it beside the risk, which a screen below it does not
-- lower (ListRiskReviews, decision 214). answers_rating is what the screen of the referral's
-- answers rated the risk just before it (0 when the risk was assessed then). A screen recorded
-- before this table was made is not in it: referral's events are not read again. Ids, dates and
-- ratings only; the row goes when the family is erased.
CREATE TABLE screens_at_referral (
    family_id              uuid     PRIMARY KEY,
    referral_id            uuid     NOT NULL,
    centre_id              uuid     NOT NULL,
    screened_on            date     NOT NULL,
    rating                 smallint NOT NULL,
    domestic_abuse_finding boolean  NOT NULL,
    answers_rating         smallint NOT NULL
);

DO $$
BEGIN
    EXECUTE format('REVOKE ALL ON screens_at_referral FROM PUBLIC');
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON screens_at_referral TO %I', current_setting('familytime.runtime_role'));
END;
$$;
