-- Whether the family's referral says the children may leave the centre during contact
-- (FamilyReadyNoted's children_may_leave_centre, changed by ChildrenLeavingNoted), for the day
-- sheet's alert (decision 117). Families made ready before it was carried read false: the
-- children stay in the centre, the safe reading of a missing answer.
ALTER TABLE session_families ADD COLUMN children_may_leave_centre boolean NOT NULL DEFAULT false;
