-- The way each response came in: 'web' (the participant's form), 'api' (the
-- JSON API) or 'paper' (a paper sheet keyed by staff), so that the workbook
-- can count them apart and a sheet keyed twice can be found. Every response
-- stored before came from the form.
ALTER TABLE responses ADD COLUMN source TEXT NOT NULL DEFAULT 'web' CHECK (source IN ('web', 'api', 'paper'));
