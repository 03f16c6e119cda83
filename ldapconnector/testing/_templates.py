"""The test servers' data files: base entries, configuration LDIF and config file templates.

The files live in ``ldapconnector/testing/data/`` (package data, read with
:mod:`importlib.resources`, so an installed wheel finds them too) and end in ``.in``.
Placeholders are :class:`string.Template` ``$names`` (``$$`` is a literal dollar). Filling
one in is deliberately dumb: values go in exactly as given, so callers hash passwords,
base64-encode values and pick RDN values first, and nothing in a value is expanded again.
A placeholder without a value, or a value no placeholder uses, raises instead of leaving a
``$name`` (or a forgotten setting) in a server's configuration.
"""

from __future__ import annotations

import string
from importlib import resources

from ldapconnector.dn import parse_dn

__all__ = ["DATA_DIRECTORY", "first_rdn_value", "read_data", "render"]

DATA_DIRECTORY = "data"


def read_data(name: str) -> str:
    """Return the text of the data file ``name`` (UTF-8), as shipped with the package.

    Args:
        name: the file name inside ``ldapconnector/testing/data/``.

    Returns:
        The file's text, unchanged.
    """
    files = resources.files("ldapconnector.testing").joinpath(DATA_DIRECTORY, name)
    return files.read_text(encoding="utf-8")


def render(name: str, **values: object) -> str:
    """Fill in the placeholders of the data file ``name``.

    Args:
        name: the file name inside ``ldapconnector/testing/data/``.
        **values: one value per ``$name`` in the file; each is inserted as ``str(value)``.

    Returns:
        The filled-in text.

    Raises:
        KeyError: the file has a placeholder no value was given for.
        ValueError: a value was given that the file has no placeholder for, or the file
            holds a ``$`` that is neither a placeholder nor ``$$``.
    """
    template = string.Template(read_data(name))
    unused = sorted(set(values) - set(template.get_identifiers()))
    if unused:
        raise ValueError(f"{name} has no placeholder for {', '.join(unused)}")
    return template.substitute({key: str(value) for key, value in values.items()})


def first_rdn_value(dn: str) -> str:
    """Return the value of the first RDN of ``dn`` (``people`` of ``ou=people,...``)."""
    return parse_dn(dn)[0].pairs[0][1]
