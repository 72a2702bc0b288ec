-- The families whose case closed at referral (declined, withdrawn or ended), or whose data was
-- erased: their risk is no longer anyone's to review (ListRiskReviews, decision 126). A family
-- closed before this table was made is not in it: referral's events are not read again. Ids and
-- dates only.
CREATE TABLE closed_cases (
    family_id uuid PRIMARY KEY,
    closed_on date NOT NULL
);

DO $$
BEGIN
    EXECUTE format('REVOKE ALL ON closed_cases FROM PUBLIC');
    EXECUTE format('GRANT SELECT, INSERT ON closed_cases TO %I', current_setting('familytime.runtime_role'));
END;
$$;
