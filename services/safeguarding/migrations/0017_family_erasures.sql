-- When and why a family's personal data was erased, as referral's FamilyErased ordered it: a
-- released report (or any record) of the family then says "text erased with the family's personal
-- data on D (reason)" rather than reading as blank (review 35), and nothing new is placed or
-- recorded on the family from the order on. erased_on is the day its key was destroyed: the
-- erasure's date, or, for an erasure that waited for its records in use (erasures_waiting), the
-- day the last of them ended; NULL while it waits. reason is referral's ErasureReason number.
-- Erasures carried out before this table have no row. Ids, dates and a number only.
CREATE TABLE family_erasures (
    family_id  uuid    PRIMARY KEY,
    reason     integer NOT NULL,
    ordered_on date    NOT NULL,
    erased_on  date
);

DO $$
BEGIN
    EXECUTE format('REVOKE ALL ON family_erasures FROM PUBLIC');
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON family_erasures TO %I', current_setting('familytime.runtime_role'));
END;
$$;
