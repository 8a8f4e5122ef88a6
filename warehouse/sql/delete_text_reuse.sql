-- rededup finds every article's sources again: the rows found before go first.
DELETE FROM text_reuse;
