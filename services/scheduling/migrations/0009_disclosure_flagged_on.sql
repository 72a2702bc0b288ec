-- A disclosure of domestic abuse carried to a family's referral that the centre's safeguarding lead
-- has not weighed (DisclosureNoted): the day it was flagged, until a risk assessment dated on or
-- after it is noted (then NULL). The day sheet alerts the family's sessions from that day on
-- (ALERT_DISCLOSURE_NOT_WEIGHED) as it alerts a hold from holds_in_force. Families noted before
-- have none.
ALTER TABLE session_families ADD COLUMN disclosure_flagged_on date;
