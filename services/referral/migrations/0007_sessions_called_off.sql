-- A family is not erased while a session someone was checked in for, on any day, was neither
-- completed nor called off (decision 170). Decision 102 let a row of an earlier day through, since
-- the children went home that day; review 22 then erased a family the day after its supervised
-- session, before the session was recorded as completed, and its completion then made an
-- observation report fall due for the court that could never be written (the family's key was
-- gone). A row whose booking was cancelled, or whose party did not come, is called off: on a later
-- day it holds nothing back (on its own day the others may still be in the building). A no-show
-- withdrawn makes the booking booked again.
ALTER TABLE sessions_under_way ADD COLUMN called_off boolean NOT NULL DEFAULT false;

DO $$
BEGIN
    EXECUTE format('GRANT UPDATE (called_off) ON sessions_under_way TO %I', current_setting('familytime.runtime_role'));
END;
$$;
