SELECT path, size_bytes, last_offset, complete FROM warc_files WHERE path = $path;
