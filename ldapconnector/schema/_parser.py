"""Read one RFC 4512 definition into a frozen model object, tolerating vendor quirks.

Each subschema attribute has its grammar (RFC 4512 section 4.1), written here as a table of
keyword -> kind of value. The reader walks the tokens term by term; anything RFC 4512 does
not allow but whose meaning is clear is accepted with a :class:`SchemaWarning` on that
definition. Only a value that is not a definition at all (no OID and no name) is dropped,
and then with a ``MALFORMED`` warning: one bad definition never fails the whole schema.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from ldapconnector.schema._lexer import KEYWORDS, Token, TokenKind, tokenize
from ldapconnector.schema._model import (
    AnyDefinition,
    AttributeType,
    AttributeUsage,
    DitContentRule,
    LdapSyntax,
    MatchingRule,
    MatchingRuleUse,
    ObjectClass,
    ObjectClassKind,
    SchemaWarning,
    WarningKind,
)

__all__ = ["ELEMENTS", "is_numeric_oid", "parse_definition"]


class _Value(enum.Enum):
    """The kinds of value a keyword takes (RFC 4512 section 4.1 rule names)."""

    FLAG = "flag"  # no value: OBSOLETE, SINGLE-VALUE, ...
    KIND = "kind"  # ABSTRACT / STRUCTURAL / AUXILIARY
    QDESCRS = "qdescrs"  # 'name' or ( 'name' 'alias' )
    QDSTRING = "qdstring"  # 'text'
    OID = "oid"  # name or numeric OID
    OIDS = "oids"  # oid or ( oid $ oid )
    NOIDLEN = "noidlen"  # numeric OID with an optional {length}
    WORD = "word"  # USAGE value


_COMMON = {"NAME": _Value.QDESCRS, "DESC": _Value.QDSTRING, "OBSOLETE": _Value.FLAG}
_GRAMMARS: Mapping[str, Mapping[str, _Value]] = {
    "objectClasses": {
        **_COMMON, "SUP": _Value.OIDS, "ABSTRACT": _Value.KIND, "STRUCTURAL": _Value.KIND,
        "AUXILIARY": _Value.KIND, "MUST": _Value.OIDS, "MAY": _Value.OIDS,
    },
    "attributeTypes": {
        **_COMMON, "SUP": _Value.OID, "EQUALITY": _Value.OID, "ORDERING": _Value.OID,
        "SUBSTR": _Value.OID, "SYNTAX": _Value.NOIDLEN, "SINGLE-VALUE": _Value.FLAG,
        "COLLECTIVE": _Value.FLAG, "NO-USER-MODIFICATION": _Value.FLAG, "USAGE": _Value.WORD,
    },
    "ldapSyntaxes": {"DESC": _Value.QDSTRING},
    "matchingRules": {**_COMMON, "SYNTAX": _Value.NOIDLEN},
    "matchingRuleUse": {**_COMMON, "APPLIES": _Value.OIDS},
    "dITContentRules": {
        **_COMMON, "AUX": _Value.OIDS, "MUST": _Value.OIDS, "MAY": _Value.OIDS,
        "NOT": _Value.OIDS,
    },
}  # fmt: skip

ELEMENTS: tuple[str, ...] = tuple(_GRAMMARS)
"""The subschema attributes this parser reads, in their RFC 4512 spelling."""

_NUMERIC_OID = re.compile(r"\d+(?:\.\d+)+")
_NOIDLEN = re.compile(r"(?P<oid>[^{\s]*)\s*(?:\{(?P<len>[^}]*)\}?)?")
_USAGES = {usage.value.lower(): usage for usage in AttributeUsage}


def is_numeric_oid(text: str) -> bool:
    """Whether ``text`` is a dotted numeric OID (RFC 4512 section 1.4 ``numericoid``)."""
    return _NUMERIC_OID.fullmatch(text) is not None


def _is_keyword(token: Token) -> bool:
    # Keywords are upper case (RFC 4512 section 4.1); ``SUP name`` names an attribute type.
    if token.kind is not TokenKind.WORD:
        return False
    return token.text in KEYWORDS or token.text.startswith("X-")


@attrs.define
class _Reader:
    """Walks the tokens of one definition and collects its terms and complaints."""

    element: str
    tokens: list[Token]
    grammar: Mapping[str, _Value]
    pos: int = 0
    terms: dict[str, Any] = attrs.Factory(dict)
    extensions: list[tuple[str, tuple[str, ...]]] = attrs.Factory(list)
    complaints: list[tuple[WarningKind, str]] = attrs.Factory(list)

    def complain(self, kind: WarningKind, message: str) -> None:
        if (kind, message) not in self.complaints:
            self.complaints.append((kind, message))

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def read_oid(self) -> str | None:
        token = self.peek()
        if token is None or token.kind not in (TokenKind.WORD, TokenKind.QUOTED):
            return None
        if _is_keyword(token) or not token.text or len(token.text.split()) != 1:
            return None
        self.pos += 1
        if token.kind is TokenKind.QUOTED:
            self.complain(WarningKind.QUOTED_OID, f"the OID is quoted ('{token.text}')")
        elif not is_numeric_oid(token.text):
            self.complain(WarningKind.NON_NUMERIC_OID, f"the OID {token.text!r} is not numeric")
        return token.text

    def read_terms(self) -> None:
        while (token := self.peek()) is not None:
            if not token.gap and self.pos > 0:
                self.complain(WarningKind.MISSING_SPACE, f"no space before {token.text!r}")
            self.pos += 1
            if token.kind is not TokenKind.WORD:
                self.complain(WarningKind.BAD_STRUCTURE, f"stray {_show(token)} skipped")
                self._skip_group(token)
            elif token.text.upper().startswith("X-"):
                self._read_extension(token.text)
            elif (kind := self.grammar.get(token.text.upper())) is not None:
                self._read_term(token.text.upper(), kind)
            else:
                self.complain(WarningKind.UNKNOWN_KEYWORD, f"unknown term {token.text!r} skipped")
                self._skip_value()

    def _read_term(self, keyword: str, kind: _Value) -> None:
        if kind is _Value.FLAG or kind is _Value.KIND:
            key = "KIND" if kind is _Value.KIND else keyword
            if key in self.terms:
                self.complain(WarningKind.DUPLICATE_TERM, f"{keyword} repeated; the first is kept")
            else:
                self.terms[key] = keyword
            return
        items = self._read_value(keyword)
        if items is None:
            return
        if keyword in self.terms:
            self.complain(WarningKind.DUPLICATE_TERM, f"{keyword} repeated; the first is kept")
            return
        self.terms[keyword] = _CONVERTERS[kind](self, keyword, items)

    def _read_value(self, keyword: str) -> list[Token] | None:
        token = self.peek()
        if (
            token is None
            or _is_keyword(token)
            or token.kind
            in (
                TokenKind.RPAREN,
                TokenKind.DOLLAR,
            )
        ):
            self.complain(WarningKind.BAD_STRUCTURE, f"{keyword} has no value; ignored")
            return None
        if not token.gap:
            self.complain(WarningKind.MISSING_SPACE, f"no space after {keyword}")
        self.pos += 1
        if token.kind is not TokenKind.LPAREN:
            return [token]
        return self._read_list(keyword)

    def _read_list(self, keyword: str) -> list[Token]:
        items: list[Token] = []
        while (token := self.peek()) is not None:
            self.pos += 1
            if token.kind is TokenKind.RPAREN:
                return items
            if token.kind is TokenKind.LPAREN:
                self.complain(WarningKind.BAD_STRUCTURE, f"nested parenthesis in {keyword}")
            elif token.kind is not TokenKind.DOLLAR:
                items.append(token)
        self.complain(WarningKind.BAD_STRUCTURE, f"the list of {keyword} is not closed")
        return items

    def _read_extension(self, keyword: str) -> None:
        items = self._read_value(keyword)
        if items is None:
            return
        values = []
        for item in items:
            if item.kind is not TokenKind.QUOTED:
                self.complain(WarningKind.BAD_QUOTING, f"{keyword} value {item.text} not quoted")
            values.append(item.text)
        self.extensions.append((keyword, tuple(values)))

    def _skip_value(self) -> None:
        token = self.peek()
        if token is None or _is_keyword(token) or token.kind is TokenKind.RPAREN:
            return
        self.pos += 1
        self._skip_group(token)

    def _skip_group(self, token: Token) -> None:
        if token.kind is TokenKind.LPAREN:
            self._read_list("a skipped term")


def _show(token: Token) -> str:
    return f"'{token.text}'" if token.kind is TokenKind.QUOTED else repr(token.text)


def _to_names(reader: _Reader, keyword: str, items: list[Token]) -> tuple[str, ...]:
    names = []
    for item in items:
        if item.kind is not TokenKind.QUOTED:
            reader.complain(WarningKind.BAD_QUOTING, f"{keyword} {item.text} is not quoted")
        if item.text.strip():
            names.append(item.text.strip())
    return tuple(names)


def _to_text(reader: _Reader, keyword: str, items: list[Token]) -> str:
    if len(items) != 1:
        reader.complain(WarningKind.BAD_STRUCTURE, f"{keyword} has {len(items)} values; joined")
    if any(item.kind is not TokenKind.QUOTED for item in items):
        reader.complain(WarningKind.BAD_QUOTING, f"{keyword} is not quoted")
    return " ".join(item.text for item in items)


def _to_oids(reader: _Reader, keyword: str, items: list[Token]) -> tuple[str, ...]:
    for item in items:
        if item.kind is TokenKind.QUOTED:
            reader.complain(WarningKind.QUOTED_OID, f"{keyword} '{item.text}' is quoted")
    return tuple(item.text.strip() for item in items if item.text.strip())


def _to_oid(reader: _Reader, keyword: str, items: list[Token]) -> str | None:
    oids = _to_oids(reader, keyword, items)
    if len(oids) != 1:
        reader.complain(WarningKind.BAD_STRUCTURE, f"{keyword} takes one value, got {len(oids)}")
    return oids[0] if oids else None


def _to_noidlen(reader: _Reader, keyword: str, items: list[Token]) -> tuple[str, int | None]:
    text = " ".join(_to_oids(reader, keyword, items))
    token = reader.peek()
    if token is not None and token.kind is TokenKind.WORD and token.text.startswith("{"):
        reader.complain(WarningKind.MISSING_SPACE, f"space inside the {keyword} length")
        text, reader.pos = text + token.text, reader.pos + 1
    match = _NOIDLEN.fullmatch(text)
    if match is None or not match.group("oid"):
        reader.complain(WarningKind.INVALID_VALUE, f"{keyword} {text!r} is not an OID")
        return text, None
    length = match.group("len")
    if length is not None and not length.isdigit():
        reader.complain(WarningKind.INVALID_VALUE, f"{keyword} length {{{length}}} ignored")
        return match.group("oid"), None
    return match.group("oid"), int(length) if length else None


def _to_word(reader: _Reader, keyword: str, items: list[Token]) -> str:
    return _to_text(reader, keyword, items) if len(items) != 1 else items[0].text


_CONVERTERS: Mapping[_Value, Callable[[_Reader, str, list[Token]], Any]] = {
    _Value.QDESCRS: _to_names,
    _Value.QDSTRING: _to_text,
    _Value.OID: _to_oid,
    _Value.OIDS: _to_oids,
    _Value.NOIDLEN: _to_noidlen,
    _Value.WORD: _to_word,
}


def _body(reader: _Reader) -> None:
    """Strip the outer parentheses, complaining when they are not where RFC 4512 wants."""
    tokens = reader.tokens
    if not tokens or tokens[0].kind is not TokenKind.LPAREN:
        reader.complain(WarningKind.BAD_STRUCTURE, "the definition does not start with '('")
        if tokens and tokens[-1].kind is TokenKind.RPAREN:
            reader.tokens = tokens[:-1]
        return
    depth = 0
    for index, token in enumerate(tokens):
        if token.kind is TokenKind.LPAREN:
            depth += 1
        elif token.kind is TokenKind.RPAREN:
            depth -= 1
        if depth == 0:
            if index != len(tokens) - 1:
                reader.complain(WarningKind.BAD_STRUCTURE, "text after the closing ')' ignored")
            reader.tokens = tokens[1:index]
            return
    reader.complain(WarningKind.BAD_STRUCTURE, "the definition has no closing ')'")
    reader.tokens = tokens[1:]


def parse_definition(element: str, text: str) -> tuple[AnyDefinition | None, list[SchemaWarning]]:
    """Parse one value of a subschema attribute.

    Args:
        element: the subschema attribute it came from, spelled as in :data:`ELEMENTS`.
        text: the value, e.g. ``( 2.5.6.6 NAME 'person' SUP top STRUCTURAL MUST ( sn $ cn ) )``.

    Returns:
        The definition (None when the value is not a definition at all) and its warnings.
    """
    tokens, notes = tokenize(text)
    reader = _Reader(element=element, tokens=tokens, grammar=_GRAMMARS[element])
    for note in notes:
        reader.complain(WarningKind.BAD_QUOTING, note)
    _body(reader)
    oid = reader.read_oid()
    reader.read_terms()
    names: tuple[str, ...] = reader.terms.get("NAME", ())
    if oid is None:
        if not names:
            shown = text.strip()[:60] or "(empty)"
            message = f"not a definition (no OID and no name), skipped: {shown}"
            return None, [SchemaWarning(kind=WarningKind.MALFORMED, element=element,
                                        definition=shown, message=message)]  # fmt: skip
        oid = names[0]
        reader.complain(WarningKind.NON_NUMERIC_OID, "the definition has no OID")
    definition = _BUILDERS[element](oid, names, reader)
    warnings = [
        SchemaWarning(kind=kind, element=element, definition=definition.name, message=message)
        for kind, message in reader.complaints
    ]
    return attrs.evolve(definition, warnings=tuple(warnings)), warnings


def _common(oid: str, names: tuple[str, ...], reader: _Reader) -> dict[str, Any]:
    return {
        "oid": oid,
        "names": names,
        "description": reader.terms.get("DESC"),
        "obsolete": "OBSOLETE" in reader.terms,
        "extensions": tuple(reader.extensions),
    }


def _object_class(oid: str, names: tuple[str, ...], reader: _Reader) -> ObjectClass:
    terms = reader.terms
    kind = ObjectClassKind(terms.get("KIND", "STRUCTURAL").lower())
    return ObjectClass(
        **_common(oid, names, reader),
        superclasses=terms.get("SUP", ()),
        kind=kind,
        must=terms.get("MUST", ()),
        may=terms.get("MAY", ()),
    )


def _usage(reader: _Reader) -> AttributeUsage:
    text = reader.terms.get("USAGE")
    if text is None:
        return AttributeUsage.USER_APPLICATIONS
    usage = _USAGES.get(text.lower())
    if usage is None:
        reader.complain(WarningKind.INVALID_VALUE, f"unknown USAGE {text!r}; userApplications")
        return AttributeUsage.USER_APPLICATIONS
    return usage


def _attribute_type(oid: str, names: tuple[str, ...], reader: _Reader) -> AttributeType:
    terms = reader.terms
    syntax, length = terms.get("SYNTAX", (None, None))
    return AttributeType(
        **_common(oid, names, reader),
        superior=terms.get("SUP"),
        equality=terms.get("EQUALITY"),
        ordering=terms.get("ORDERING"),
        substring=terms.get("SUBSTR"),
        syntax=syntax,
        syntax_length=length,
        single_value="SINGLE-VALUE" in terms,
        collective="COLLECTIVE" in terms,
        no_user_modification="NO-USER-MODIFICATION" in terms,
        usage=_usage(reader),
    )


def _ldap_syntax(oid: str, names: tuple[str, ...], reader: _Reader) -> LdapSyntax:
    return LdapSyntax(**_common(oid, names, reader))


def _matching_rule(oid: str, names: tuple[str, ...], reader: _Reader) -> MatchingRule:
    syntax, _ = reader.terms.get("SYNTAX", (None, None))
    return MatchingRule(**_common(oid, names, reader), syntax=syntax)


def _matching_rule_use(oid: str, names: tuple[str, ...], reader: _Reader) -> MatchingRuleUse:
    return MatchingRuleUse(**_common(oid, names, reader), applies=reader.terms.get("APPLIES", ()))


def _dit_content_rule(oid: str, names: tuple[str, ...], reader: _Reader) -> DitContentRule:
    terms = reader.terms
    return DitContentRule(
        **_common(oid, names, reader),
        auxiliary=terms.get("AUX", ()),
        must=terms.get("MUST", ()),
        may=terms.get("MAY", ()),
        precluded=terms.get("NOT", ()),
    )


_BUILDERS: Mapping[str, Callable[[str, tuple[str, ...], _Reader], AnyDefinition]] = {
    "objectClasses": _object_class,
    "attributeTypes": _attribute_type,
    "ldapSyntaxes": _ldap_syntax,
    "matchingRules": _matching_rule,
    "matchingRuleUse": _matching_rule_use,
    "dITContentRules": _dit_content_rule,
}
