-- Whether the children may leave the centre, kept per booking as it stood for the session's day
-- (review 13): the day sheet of a past date says what the door was told that day, not what the
-- referral says now. A booking takes the family's answer when it is made, and a change
-- (ChildrenLeavingNoted) reaches the bookings on or after the day it was recorded. Bookings made
-- before this column take the family's answer as it stands, which is what their day sheet said
-- until now.
ALTER TABLE bookings ADD COLUMN children_may_leave_centre boolean NOT NULL DEFAULT false;
UPDATE bookings b SET children_may_leave_centre = f.children_may_leave_centre
    FROM session_families f WHERE f.family_id = b.family_id AND f.children_may_leave_centre;
