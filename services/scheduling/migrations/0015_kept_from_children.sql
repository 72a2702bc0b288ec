-- Adults a court order amended in after readiness keeps from the children (AdultKeptFromChildrenNoted,
-- decision 323): the day sheet reads the readiness (ready) with their permissions taken away. A new
-- readiness clears it.
ALTER TABLE session_families ADD COLUMN kept_from_children uuid[] NOT NULL DEFAULT '{}';
