-- A hold in force is reviewed and continues (ReviewHold, HoldReviewed; decision 94): its
-- review_by becomes the review's next review date, and reviewed_on is the date of its latest
-- review (NULL if it was never reviewed). The runtime role's grants on holds cover the column.
ALTER TABLE holds ADD COLUMN reviewed_on date;
