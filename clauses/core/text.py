"""Text normalisation shared by the apps."""

import unicodedata

# Letters NFKD does not decompose, spelled out so that « Cœur » and « Coeur » agree.
LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})


def fold(text):
    """Lower case, without accents, « œ » spelled « oe »: « Lætitia » -> « laetitia »."""
    text = unicodedata.normalize("NFKD", (text or "").lower().translate(LIGATURES))
    return "".join(c for c in text if not unicodedata.combining(c))
