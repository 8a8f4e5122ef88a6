import codecs

import pytest

from newsingest.extract.decode import Undecodable, decode

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


@pytest.mark.parametrize("body, reason", [
    (b"", "empty"), (b"  \n\t ", "empty"), (PNG, "binary_content"), (b"%PDF-1.7 ...", "binary_content"),
    (b"\x7fELF\x02\x01\x01", "binary_content"), (b"PK\x03\x04zip", "binary_content"),
    (b"\x00\x01\x02\x03" * 100, "binary_content"),
])
def test_non_text_is_refused_with_a_reason(body, reason):
    with pytest.raises(Undecodable) as excinfo:
        decode(body)
    assert excinfo.value.reason == reason


def test_utf8_wins_over_a_wrong_single_byte_label():
    decoded = decode("Café déjà vu".encode(), declared="iso-8859-1")
    assert decoded.text == "Café déjà vu"


def test_windows_1252_smart_quotes_are_decoded():
    decoded = decode("“Quoted” – it’s".encode("cp1252"), declared="windows-1252")
    assert decoded.text == "“Quoted” – it’s"


def test_meta_charset_is_used_when_not_utf8():
    html = '<html><head><meta charset="iso-8859-1"></head><body>Ça va</body></html>'.encode("latin-1")
    assert "Ça va" in decode(html).text


@pytest.mark.parametrize("bom, codec", [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF8, "utf-8")])
def test_bom_decides_the_encoding(bom, codec):
    assert decode(bom + "Grüße aus Köln".encode(codec)).text == "Grüße aus Köln"


def test_utf16_without_bom_is_detected_not_rejected():
    assert "news" in decode("Breaking news from the city council meeting".encode("utf-16-le")).text


def test_terminal_escapes_and_invisible_characters_are_dropped():
    body = "\x1b[1;31mFlood\x1b[0m warning\u200b for the\x00 valley\u202e, \U0001F469\u200d\U0001F469 stays\x1b".encode()
    assert decode(body).text == "Flood warning for the valley, \U0001F469\u200d\U0001F469 stays"
