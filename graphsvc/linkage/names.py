"""Name handling for matching: splitting a recorded name, nicknames and variants, Soundex.

The nickname table is small and synthetic: enough for the common English short forms agencies
record ("Jess" at school, "Jessica" at the GP); a deployment would swap in a fuller list.
"""

from __future__ import annotations

from typing import Optional

# canonical form -> the variants recorded for it (each variant maps back to its canonical form)
VARIANTS: dict[str, tuple[str, ...]] = {
    "jessica": ("jess", "jessie", "jessy"),
    "alexander": ("alex", "alec", "xander", "sandy"),
    "alexandra": ("alex", "lexi", "lexie", "sandra"),
    "william": ("will", "bill", "billy", "liam", "willy"),
    "robert": ("rob", "bob", "bobby", "robbie"),
    "thomas": ("tom", "tommy"),
    "james": ("jim", "jimmy", "jamie"),
    "joseph": ("joe", "joey"),
    "daniel": ("dan", "danny"),
    "samuel": ("sam", "sammy"),
    "samantha": ("sam", "sammy"),
    "elizabeth": ("liz", "lizzie", "beth", "betty", "eliza"),
    "katherine": ("kate", "katie", "kat", "kathy", "catherine", "kathryn"),
    "rebecca": ("becky", "becca"),
    "charlotte": ("charlie", "lottie"),
    "charles": ("charlie", "chas"),
    "michael": ("mike", "mikey", "mick"),
    "nicholas": ("nick", "nicky"),
    "benjamin": ("ben", "benny"),
    "matthew": ("matt", "matty"),
    "christopher": ("chris", "kit"),
    "jennifer": ("jen", "jenny"),
    "margaret": ("maggie", "meg", "peggy"),
    "oliver": ("ollie", "olly"),
    "edward": ("ed", "eddie", "ted", "ned"),
    "anthony": ("tony", "ant"),
    "stephen": ("steve", "steven"),
    "abigail": ("abby", "abbie", "gail"),
    "olivia": ("liv", "livvy"),
    "isabella": ("bella", "izzy", "isabel"),
}

# variant -> canonical. A variant of two names (sam, alex, charlie) keeps the first listed: the
# canonical form is a blocking and comparison key, not a claim about which name it is.
_CANONICAL: dict[str, str] = {}
for _name, _variants in VARIANTS.items():
    _CANONICAL.setdefault(_name, _name)
    for _v in _variants:
        _CANONICAL.setdefault(_v, _name)

# Names sharing a short form (sam: samuel and samantha) count as variants of each other.
_GROUPS: dict[str, frozenset[str]] = {}
for _name, _variants in VARIANTS.items():
    for _n in (_name, *_variants):
        _GROUPS[_n] = _GROUPS.get(_n, frozenset()) | {_name, *_variants}


def canonical(first_name: Optional[str]) -> Optional[str]:
    """The canonical form of a first name (lower case): jess -> jessica; unknown names as they are."""
    if not first_name:
        return None
    return _CANONICAL.get(first_name, first_name)


def split(name: Optional[str]) -> tuple[Optional[str], Optional[str]]:
    """(first name, surname), lower case, from a recorded full name: the first word and the
    rest ("Riley Smith-Jones" -> riley, smith-jones). One word is taken as a first name."""
    if not name:
        return None, None
    words = "".join(c if c.isalnum() or c in "-' " else " " for c in name.lower()).split()
    if not words:
        return None, None
    return words[0], (" ".join(words[1:]) or None)


_SOUNDEX = {**dict.fromkeys("bfpv", "1"), **dict.fromkeys("cgjkqsxz", "2"), **dict.fromkeys("dt", "3"),
            "l": "4", **dict.fromkeys("mn", "5"), "r": "6"}


def soundex(word: Optional[str]) -> Optional[str]:
    """American Soundex (h and w do not separate equal codes): smith, smyth -> s530."""
    letters = [c for c in (word or "").lower() if "a" <= c <= "z"]
    if not letters:
        return None
    out, last = letters[0], _SOUNDEX.get(letters[0], "")
    for c in letters[1:]:
        code = _SOUNDEX.get(c, "")
        if code and code != last:
            out += code
        if c not in "hw":
            last = code
    return (out + "000")[:4]
