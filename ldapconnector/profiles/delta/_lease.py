"""One delta importer per connector space: the lease a run holds in a shared store.

Two workers reading the same change log would each move the one watermark, and each
would deliver the other's batches again. A store several workers share (PostgreSQL,
:class:`~ldapconnector.space.Leasing`) therefore hands the delta import of a watermark
key to one run at a time: the run takes the lease before it reads, renews it in the
transaction of every acknowledgement (so a run that lost its lease cannot move the
watermark), and gives it up when it ends. A worker that dies stops renewing; its lease
expires after :data:`DELTA_LEASE_TTL` and the next run takes it over. Stores without
leases (the SQLite file, which one process holds) need none of this.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from datetime import timedelta

import attrs

from ldapconnector.errors import LinkStoreError
from ldapconnector.space import Leasing, LinkStore

__all__ = ["DELTA_LEASE_TTL", "DeltaLease"]

log = logging.getLogger("ldapconnector.profiles")

#: How long a delta import's lease lasts without a renewal (each batch renews it).
DELTA_LEASE_TTL = timedelta(minutes=5)


def _holder() -> str:
    """A name unique to this run: host, process and a random part (for messages too)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@attrs.define
class DeltaLease:
    """The lease of one delta import run (a no-op for a store without leases)."""

    store: LinkStore
    profile_key: str
    holder: str = attrs.field(factory=_holder)
    ttl: timedelta = DELTA_LEASE_TTL

    @property
    def name(self) -> str:
        """The lease's name in the store."""
        return f"delta_import:{self.profile_key}"

    def take(self) -> None:
        """Take (or renew) the lease; call it inside the acknowledgement's transaction.

        Raises:
            LinkStoreError: another worker holds the delta import of this connector.
        """
        store = self.store
        if isinstance(store, Leasing) and not store.acquire_lease(self.name, self.holder, self.ttl):
            raise LinkStoreError(
                f"another worker is running the delta import of {self.profile_key!r} "
                "(its lease has not expired); nothing was read or acknowledged"
            )

    def release(self) -> None:
        """Give the lease up (the run ended, or its reader was closed); never raises.

        A lease that cannot be given back (the store was closed first) expires by itself.
        """
        if not isinstance(self.store, Leasing):
            return
        try:
            self.store.release_lease(self.name, self.holder)
        except LinkStoreError as error:
            log.info("delta import lease %s not released (it expires): %s", self.name, error)
