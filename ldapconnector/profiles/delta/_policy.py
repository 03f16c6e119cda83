"""Which change source a configured delta import reads, from plain values.

Detection lists the sources a server offers, its preferred one first
(:attr:`~ldapconnector.detect.ServerInfo.delta_source`, then ``delta_sources``). The run
reads the first of them the readers in use read (default: the shipped ones,
:data:`SUPPORTED_SOURCES`; a configured source is read as it is), with two rules:

* a stored watermark's source is kept while the server still offers it, so a source chosen
  once is not switched under its watermark (a reset forgets the watermark, and the rule);
* DirSync is read only when the bind account has the *Replicating Directory Changes*
  right (``dirsync_permitted``, asked only when DirSync would be chosen and another
  source is offered); otherwise the next source (uSNChanged on AD and Samba), with a
  warning that names the account.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable

import attrs

from ldapconnector.detect import DeltaSource, ServerInfo, as_delta_source
from ldapconnector.errors import ConfigurationError
from ldapconnector.profiles.delta._sources import ReaderRegistry, default_readers
from ldapconnector.profiles.delta._watermark import watermark_source
from ldapconnector.space import Watermark

__all__ = ["DeltaSourceChoice", "choose_delta_source", "configured_delta_source"]


@attrs.frozen(kw_only=True)
class DeltaSourceChoice:
    """The source a delta import reads, and what the caller should warn about.

    Attributes:
        source: the change source to read.
        warning: why a preferred source was passed over, to be logged; None when it was not.
    """

    source: DeltaSource = attrs.field(converter=as_delta_source)
    warning: str | None = None


def _offered(info: ServerInfo, readers: ReaderRegistry) -> list[DeltaSource]:
    """The sources the server offers that ``readers`` read, detection's order kept."""
    listed = dict.fromkeys((info.delta_source, *info.delta_sources))
    offered = [source for source in listed if source in readers.sources]
    if not offered:
        readable = ", ".join(spec.label for spec in readers.specs.values())
        raise ConfigurationError(
            [f"run_profiles.delta_import: {info.product or info.vendor.value} offers no "
             f"change source this version reads ({readable})"]
        )  # fmt: skip
    return offered


def choose_delta_source(
    info: ServerInfo,
    *,
    stored: Watermark | None,
    dirsync_permitted: bool | Callable[[], bool],
    account: str | None = None,
    readers: ReaderRegistry | None = None,
    configured: DeltaSource | None = None,
) -> DeltaSourceChoice:
    """Choose the change source to read (see the module docstring for the rules).

    Args:
        info: what detection found.
        stored: the stored delta watermark; None when there is none (or after a reset).
        dirsync_permitted: whether the bind account may use DirSync, or a function that
            asks the server (called at most once, and only when the answer matters).
        account: the bind DN, for the warning; None for an anonymous bind.
        readers: the readers available (default: the shipped ones); a plug-in reader
            makes its source choosable.
        configured: a source the configuration names: read it (it must have a reader)
            whatever detection offers.

    Raises:
        ConfigurationError: the server offers no source the readers read, or the
            configured source has no reader.
    """
    readers = readers or default_readers()
    if configured is not None:
        return _configured(configured, readers)
    offered = _offered(info, readers)
    kept = watermark_source(stored)
    if kept is not None and kept in offered:
        return DeltaSourceChoice(source=kept)
    first = offered[0]
    if first != DeltaSource.DIRSYNC or len(offered) == 1:
        return DeltaSourceChoice(source=first)
    permitted = dirsync_permitted() if callable(dirsync_permitted) else dirsync_permitted
    if permitted:
        return DeltaSourceChoice(source=first)
    warning = (
        f"delta import: {account or 'the anonymous account'} lacks the Replicating Directory "
        f"Changes right needed for DirSync; reading {offered[1].value} instead "
        "(docs/delta-import.md)"
    )
    return DeltaSourceChoice(source=offered[1], warning=warning)


def _configured(source: DeltaSource, readers: ReaderRegistry) -> DeltaSourceChoice:
    if readers.get(source) is None:
        readable = ", ".join(spec.label for spec in readers.specs.values())
        raise ConfigurationError(
            [f"global.delta_source: no reader for {source.value!r} is registered ({readable})"]
        )
    return DeltaSourceChoice(source=source)


def configured_delta_source(name: str, readers: ReaderRegistry | None = None) -> DeltaSource:
    """The source ``[global] delta_source`` names: a reader of ``readers`` by source name.

    Names match ignoring case and surrounding white space (``AccessLog`` is accesslog).

    Args:
        name: the configured name (``accesslog``, ``usn-changed``, a plug-in's source).
        readers: the readers available (default: the shipped ones).

    Raises:
        ConfigurationError: no reader of that name is registered; the message suggests
            the closest registered name and lists them all.
    """
    readers = readers or default_readers()
    names = {spec.source.value: spec.source for spec in readers.specs.values()}
    wanted = name.strip().lower()
    if wanted in names:
        return names[wanted]
    close = difflib.get_close_matches(wanted, list(names), n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise ConfigurationError(
        [f"global.delta_source: no reader named {name!r} is registered{hint} "
         f"(registered: {', '.join(names)})"]
    )  # fmt: skip
