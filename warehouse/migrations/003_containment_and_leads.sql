-- Containment (teasers, truncated copies): the lead signature and shingle count of each text, and the
-- estimated containment stored with each near-duplicate decision.
ALTER TABLE signatures ADD COLUMN lead_minhash BLOB;
ALTER TABLE signatures ADD COLUMN shingle_count INTEGER;
ALTER TABLE articles ADD COLUMN containment DOUBLE;
