-- Families kept apart at a centre (FamiliesKeptApart, KeepingApartEnded; decision 330): one row per
-- family and the family it is kept apart from, written by each family's event. The day sheet reads
-- it to alert two such families booked at overlapping times; booking reads the families' streams.
CREATE TABLE families_apart (
    family_id       uuid NOT NULL,
    other_family_id uuid NOT NULL,
    centre_id       uuid NOT NULL,
    PRIMARY KEY (family_id, other_family_id)
);

DO $$
BEGIN
    EXECUTE format('GRANT SELECT, INSERT, DELETE ON families_apart TO %I', current_setting('familytime.runtime_role'));
END;
$$;
