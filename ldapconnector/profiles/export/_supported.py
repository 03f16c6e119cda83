"""Servers export refuses unless the configuration opts in, and why (a declarative table).

Microsoft's list of directories for the Generic LDAP connector through ECMA2Host (Entra
ID provisioning to on-premises LDAP) names AD LDS but explicitly not AD DS, and MIM's
connector documentation sends AD DS to the built-in AD connector (a domain has rules -
SAM account names, password policy, protected accounts - that a generic LDAP writer does
not model). Detection tells AD DS (and Samba AD, which answers as AD DS) from AD LDS; an export
or plan to it is refused when the run starts unless ``[global] allow_ad_ds_export = true``
says the operator accepts that.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from ldapconnector.config import GlobalConfig
from ldapconnector.detect import ServerInfo, Vendor

__all__ = ["export_refusal"]


@attrs.frozen(kw_only=True)
class _Refusal:
    """A vendor export is refused for, and the ``[global]`` key that opts in."""

    key: str
    reason: str


_REFUSED: Mapping[Vendor, _Refusal] = {
    Vendor.AD_DS: _Refusal(
        key="allow_ad_ds_export",
        reason=(
            "the server is Active Directory Domain Services (or Samba AD), and Microsoft does "
            "not support provisioning into AD DS with the Generic LDAP connector (AD LDS "
            "is supported)"
        ),
    ),
}


def export_refusal(info: ServerInfo, config: GlobalConfig) -> str | None:
    """Why an export or plan to this server is refused, or None when it may go on.

    Args:
        info: what detection found.
        config: the ``[global]`` section (its opt-in keys).

    Returns:
        The problem line for a :class:`~ldapconnector.errors.ConfigurationError`, starting
        with the key that opts in.
    """
    refusal = _REFUSED.get(info.vendor)
    if refusal is None or getattr(config, refusal.key):
        return None
    return (
        f"global.{refusal.key}: {refusal.reason}; set {refusal.key} = true to export to it anyway"
    )
