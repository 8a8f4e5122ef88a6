"""Defaults the CLI shows in its help, in a module that imports nothing: importing the pipeline to learn
them would cost every command seconds of start-up."""

DEFAULT_BATCH_SIZE = 512  # documents per batch: one transaction, one task run per stage
