"""NormalizeDiacritics: the fixed table of Microsoft's reference page, not plain NFD.

The table maps each listed character or character sequence (a letter with combining
marks) to its replacement; æ, ø, ß and ł are not decomposable, so NFD stripping alone
would miss them, and characters the table does not list are left as they are.
"""

from __future__ import annotations

import unicodedata

# replacement: the characters and sequences the reference page lists for it.
_TABLE: dict[str, str] = {
    "a": "ä à â ã å á ą ă ā ā́ ā̀ ā̂ ā̃ ǟ ā̈ ǡ a̱ å̄",
    "A": "Ä À Â Ã Å Á Ą Ă Ā Ā́ Ā̀ Ā̂ Ā̃ Ǟ Ā̈ Ǡ A̱ Å̄",
    "ae": "æ ǣ",
    "AE": "Æ Ǣ",
    "c": "ç č ć c̄ c̱",
    "C": "Ç Č Ć C̄ C̱",
    "d": "ď d̄ ḏ",
    "D": "Ď D̄ Ḏ",
    "e": "ë è é ê ę ě ė ē ḗ ḕ ē̂ ē̃ ê̄ e̱ ë̄ e̊̄",
    "E": "Ë È É Ê Ę Ě Ė Ē Ḗ Ḕ Ē̂ Ē̃ Ê̄ E̱ Ë̄ E̊̄",
    "g": "ğ ḡ g̱",
    "G": "Ğ Ḡ G̱",
    "i": "ï î ì í \u0131 ī ī́ ī̀ ī̂ ī̃ i̱",  # \u0131: dotless i
    "I": "Ï Î Ì Í İ Ī Ī́ Ī̀ Ī̂ Ī̃ I̱",
    "l": "ľ ł l̄ ḹ ḻ",
    "L": "Ł Ľ L̄ Ḹ Ḻ",
    "n": "ñ ń ň n̄ ṉ",
    "N": "Ñ Ń Ň N̄ Ṉ",
    "o": "ö ò ő õ ô ó ō ṓ ṑ ō̂ ō̃ ȫ ō̈ ǭ ȭ ȱ o̱",
    "O": "Ö Ò Ő Õ Ô Ó Ō Ṓ Ṑ Ō̂ Ō̃ Ȫ Ō̈ Ǭ Ȭ Ȱ O̱",
    "oe": "ø ø̄ œ̄",
    "OE": "Ø Ø̄ Œ̄",
    "r": "ř r̄ ṟ ṝ",
    "R": "Ř R̄ Ṟ Ṝ",
    "ss": "ß",
    "s": "š ś ș ş s̄ s̱",
    "S": "Š Ś Ș Ş S̄ S̱",
    "t": "ť ț t̄ ṯ",
    "T": "Ť Ț T̄ Ṯ",
    "u": "ü ù û ú ů ű ū ū́ ū̀ ū̂ ū̃ u̇̄ ǖ ṻ ṳ̄ u̱",
    "U": "Ü Ù Û Ú Ů Ű Ū Ū́ Ū̀ Ū̂ Ū̃ U̇̄ Ǖ Ṻ Ṳ̄ U̱",
    "y": "ÿ ý ȳ ȳ́ ȳ̀ ȳ̃ y̱",
    "Y": "Ÿ Ý Ȳ Ȳ́ Ȳ̀ Ȳ̃ Y̱",
    "z": "ź ž ż z̄ ẕ",
    "Z": "Ź Ž Ż Z̄ Ẕ",
}

# Keys are NFD clusters (a base character followed by its combining marks).
_BY_CLUSTER: dict[str, str] = {
    unicodedata.normalize("NFD", listed): replacement
    for replacement, listed_all in _TABLE.items()
    for listed in listed_all.split()
}


def normalize_diacritics(value: str) -> str:
    """Replace the characters the reference table lists with their plain forms."""
    if value.isascii():
        return value
    decomposed = unicodedata.normalize("NFD", value)
    out: list[str] = []
    index = 0
    length = len(decomposed)
    while index < length:
        end = index + 1
        while end < length and unicodedata.combining(decomposed[end]):
            end += 1
        cluster = decomposed[index:end]
        replacement = _BY_CLUSTER.get(cluster)
        out.append(replacement if replacement is not None else cluster)
        index = end
    return unicodedata.normalize("NFC", "".join(out))
