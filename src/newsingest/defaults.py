"""Defaults the CLI shows in its help, in a module that imports nothing: importing the pipeline to learn
them would cost every command seconds of start-up."""

# Documents per batch, and so per warehouse transaction. Each transaction opens the file and checkpoints
# at close (so analysts can query between batches), ~0.3 s whatever the batch holds: landing ran 510
# articles/s in batches of 256, 680 in 512, 870 in 1,024. Ingests of 10k documents (2 workers) ran text
# 177 / 194 / 196 docs/s and HTML 139 / 160 / 138: past 512 the workers wait longer for the first batch and
# the last one lands alone.
DEFAULT_BATCH_SIZE = 512  # documents per batch: one transaction, one task run per stage
