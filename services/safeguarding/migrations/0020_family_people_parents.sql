-- Whether the family's referral names each adult a parent (resident or not): a report's copy for
-- a party is listed under the kind their role gives, a parent as a parent and another adult with
-- parental responsibility as such (review 41 released a copy to a parent listed as "other
-- parental responsibility"). NULL for the people noted before this migration, whose role was not
-- kept: their copy's kind is not checked until an amendment of the referral notes them again.
ALTER TABLE family_people ADD COLUMN parent boolean;

DO $$
BEGIN
    EXECUTE format('GRANT UPDATE (parent) ON family_people TO %I', current_setting('familytime.runtime_role'));
END;
$$;
