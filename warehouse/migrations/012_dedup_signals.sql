-- Near-duplicate signals beside the word MinHash (src/newsingest/dedup/index.py): the character-n-gram
-- MinHash of each text and its sample size, and the hashes of its sentences and of its facts (figures and
-- names). NULL in rows written before: `newsingest rededup` computes them from the stored text.
ALTER TABLE signatures ADD COLUMN char_minhash BLOB;
ALTER TABLE signatures ADD COLUMN char_count INTEGER;
ALTER TABLE signatures ADD COLUMN sentences BLOB;
ALTER TABLE signatures ADD COLUMN facts BLOB;

COMMENT ON COLUMN signatures.char_minhash IS 'uint32 MinHash of the sampled 8-byte n-grams of the normalised text without spaces';
COMMENT ON COLUMN signatures.char_count IS 'how many distinct n-grams that sample holds';
COMMENT ON COLUMN signatures.sentences IS 'sorted uint64 hashes of the normalised sentences of 5 words or more';
COMMENT ON COLUMN signatures.facts IS 'sorted uint64 hashes of the figures and capitalised names';

-- Set by `newsingest rededup --char-threshold`; NULL keeps the code's default.
ALTER TABLE dedup_settings ADD COLUMN char_threshold DOUBLE;
