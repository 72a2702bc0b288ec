-- A child is matched across centres too (decision 173): a family whose contact a safeguarding hold
-- suspends, or where domestic abuse was found, at one centre got round both by a referral to
-- another (review 22). Submission looks a child's keyed hash up at every centre.
CREATE INDEX child_matches_match ON child_matches (match);
