"""extract/language_model.py: py3langid's model read from an uncompressed cached copy is py3langid's own."""

import numpy as np
from py3langid import langid

from newsingest.extract.language_model import load_identifier

TEXTS = ["The council voted on Tuesday to approve new cycle lanes along the harbour road.",
         "Le conseil municipal a voté mardi de nouvelles pistes cyclables le long du port.",
         "Der Stadtrat hat am Dienstag neue Radwege entlang der Hafenstraße beschlossen.",
         "東京都は晴れ、気温は二十度まで上がる見込みです。", "12345 !!!", ""]


def test_the_cached_copy_gives_py3langids_identifier(tmp_path):
    own = langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE)
    path = tmp_path / "cache" / "model.npz"
    written = load_identifier(path)  # writes the copy, then reads it
    assert path.exists() and [p.name for p in path.parent.iterdir()] == ["model.npz"]  # no temporary left
    again = load_identifier(path)  # reads the copy written before
    for identifier in (written, again):
        assert np.array_equal(identifier.nb_ptc, own.nb_ptc) and np.array_equal(identifier.nb_pc, own.nb_pc)
        assert identifier.nb_classes == own.nb_classes and identifier.tk_output == own.tk_output
        assert list(identifier.tk_nextmove) == list(own.tk_nextmove) and list(identifier.tk_row) == list(own.tk_row)
        assert [identifier.classify(text) for text in TEXTS] == [own.classify(text) for text in TEXTS]


def test_an_unreadable_copy_falls_back_to_py3langids_own_model(tmp_path):
    path = tmp_path / "model.npz"
    path.write_bytes(b"not a zip file")
    identifier = load_identifier(path)
    assert identifier.classify(TEXTS[0])[0] == "en"
    blocked = tmp_path / "a-file" / "model.npz"  # its folder cannot be made: a file is in the way
    (tmp_path / "a-file").write_text("")
    assert load_identifier(blocked).classify(TEXTS[1])[0] == "fr"
