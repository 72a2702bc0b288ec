-- Volunteers and staff, for the figures' staff_at_end (docs/decisions.md 84): who is on each
-- centre's staff register, from scheduling's StaffMemberAdded and StaffMemberLeft. One row per
-- period of membership, keyed by the day it began (someone who left and was added again has two);
-- left_on is the member's last day, NULL while they are on the staff. A member is named by a
-- name-based UUID of their account id in the centre's namespace, never by the account id: the
-- figures need counts only. No secondary index: a centre's staff are a few dozen rows, and the
-- figures read them all.

CREATE TABLE reporting.staff (
    centre_id uuid    NOT NULL,
    member_id uuid    NOT NULL,
    role      integer NOT NULL,
    joined_on date    NOT NULL,
    left_on   date,
    PRIMARY KEY (centre_id, member_id, joined_on)
);

DO $$
BEGIN
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON reporting.staff TO %I', current_setting('familytime.runtime_role'));
END;
$$;

-- Rebuilt schemas have the same table (reporting_begin_rebuild grants it with the others).
ALTER FUNCTION reporting_create_projections(text) RENAME TO reporting_create_projections_without_staff;

CREATE FUNCTION reporting_create_projections(target text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
    PERFORM public.reporting_create_projections_without_staff(target);
    EXECUTE format($ddl$
    -- Each period of a member's membership of a centre's staff (scheduling's staff register).
    CREATE TABLE %1$I.staff (
        centre_id uuid    NOT NULL,
        member_id uuid    NOT NULL,
        role      integer NOT NULL,
        joined_on date    NOT NULL,
        left_on   date,
        PRIMARY KEY (centre_id, member_id, joined_on)
    );
    $ddl$, target);
END;
$fn$;

REVOKE ALL ON FUNCTION reporting_create_projections(text) FROM PUBLIC;
