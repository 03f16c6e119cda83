"""Several export workers on one PostgreSQL connector space, into one slapd.

Shared by ``tests/soak/test_workers_soak.py`` (bounded, with random kills) and
``benchmarks/bench_workers.py`` (throughput with 1, 2, 4 workers). Each worker is a child
process (``python _workers.py CONFIG``) that exports its shard of the generated users
(source ids sharded by CRC-32) through a :class:`~ldapconnector.space.PostgresLinkStore`
and exits 0 when every record of its shard was created, updated or unchanged. The parent
may SIGKILL a worker at random moments and start it again; the audit then reads the
directory with ``ldapsearch`` (not the library) and the link store.
"""

from __future__ import annotations

import collections
import json
import os
import random
import signal
import subprocess
import sys
import time
import zlib
from pathlib import Path
from typing import Any

import attrs

_ROOT = Path(__file__).resolve().parents[2]
_OK = {"created", "updated", "unchanged", "joined"}


def shard_of(source_id: str, shards: int) -> int:
    """The worker a source id belongs to."""
    return zlib.crc32(source_id.encode("utf-8")) % shards


def worker_main(spec_file: str) -> int:
    """Run one worker from its JSON spec; exit 0 when its whole shard is done."""
    from ldapconnector.cli._demo_data import users
    from ldapconnector.config import ConnectorConfig
    from ldapconnector.connector import Connector
    from ldapconnector.space import PostgresLinkStore

    spec = json.loads(Path(spec_file).read_text(encoding="utf-8"))
    config = ConnectorConfig.from_dict(spec["config"], allow_literal_password=True)
    mine = [r for r in users(spec["users"]) if shard_of(r["id"], spec["shards"]) == spec["shard"]]
    store = PostgresLinkStore.connect(spec["dsn"], schema=spec["schema"])
    with store, Connector(config, store=store) as connector:
        report = connector.export(mine)
    failed = [r for r in report.results if r.outcome.value not in _OK]
    for result in failed[:5]:
        print(f"{result.id}: {result.outcome.value}: {result.error}", file=sys.stderr)
    return 1 if failed else 0


@attrs.define
class Workers:
    """Runs ``shards`` worker processes over ``users`` users, optionally killing them."""

    spec_dir: Path
    config: dict[str, Any] = attrs.field(repr=False)  # holds the bind password
    dsn: str = attrs.field(repr=False)  # holds the database password
    schema: str
    users: int
    shards: int
    kills: int = 0
    starts: int = 0

    def _spec(self, shard: int) -> Path:
        path = self.spec_dir / f"worker-{shard}.json"
        spec = {
            "config": self.config, "dsn": self.dsn, "schema": self.schema,
            "users": self.users, "shards": self.shards, "shard": shard,
        }  # fmt: skip
        path.write_text(json.dumps(spec), encoding="utf-8")
        return path

    def _start(self, shard: int) -> subprocess.Popen[bytes]:
        self.starts += 1
        env = {**os.environ, "PYTHONPATH": str(_ROOT)}
        with (self.spec_dir / f"worker-{shard}.log").open("ab") as log:  # the child has a copy
            return subprocess.Popen(
                [sys.executable, __file__, str(self._spec(shard))],
                stdout=log, stderr=log, stdin=subprocess.DEVNULL, env=env,
            )  # fmt: skip

    def run(
        self, rng: random.Random | None = None, *, kill_every: float = 3.0, max_kills: int = 12
    ) -> float:
        """Run every worker to success; with ``rng``, SIGKILL random ones meanwhile.

        At most ``max_kills`` kills: once the last shards are all that is left, kills every
        few seconds would restart them faster than they start up (a livelock of the
        harness, not of the store), so the soak is bounded and then runs to completion.

        Returns:
            The wall-clock seconds until the last worker succeeded.
        """
        started = time.perf_counter()
        running = {shard: self._start(shard) for shard in range(self.shards)}
        done: set[int] = set()
        next_kill = time.monotonic() + (rng.uniform(kill_every / 3, kill_every) if rng else 1e9)
        while len(done) < self.shards:
            time.sleep(0.05)
            for shard, process in list(running.items()):
                status = process.poll()
                if status == 0:
                    done.add(shard)
                    del running[shard]
                elif status is not None:  # a worker that failed (not killed) runs again
                    running[shard] = self._start(shard)
            due = self.kills < max_kills and time.monotonic() >= next_kill
            if rng is not None and running and due:
                shard = rng.choice(sorted(running))
                running[shard].send_signal(signal.SIGKILL)
                running[shard].wait()
                self.kills += 1
                running[shard] = self._start(shard)
                next_kill = time.monotonic() + rng.uniform(kill_every / 3, kill_every)
        return time.perf_counter() - started


@attrs.frozen(kw_only=True)
class Audit:
    """What the directory and the link store hold after the workers.

    Attributes:
        expected: how many users were exported.
        entries: inetOrgPerson entries under the container.
        duplicated: entries beyond the first with the same uid.
        missing: users with no entry.
        links: links in the store.
        unlinked: users with no active link.
        links_without_entry: links whose DN names no entry.
        links_disagreeing: links whose entry has another entryUUID (the anchor) or the
            uid of another user.
        open_intents: intents left open (an add never resolved).
    """

    expected: int
    entries: int
    duplicated: int
    missing: int
    links: int
    unlinked: int
    links_without_entry: int
    links_disagreeing: int
    open_intents: int


def _directory(
    server: Any, base: str
) -> tuple[collections.Counter[str], dict[str, tuple[str, str]]]:
    """Every uid's count, and dn_key -> (uid, entryUUID), read with ``ldapsearch``."""
    from ldapconnector.dn import dn_key

    argv = [
        "ldapsearch", "-LLL", "-o", "ldif-wrap=no", "-x", "-H", server.ldapi_uri,
        "-D", server.admin_dn, "-w", server.admin_password, "-b", base,
        "-E", "pr=1000/noprompt", "(objectClass=inetOrgPerson)", "uid", "entryUUID",
    ]  # fmt: skip
    out = subprocess.run(argv, capture_output=True, text=True, check=True, timeout=600).stdout
    uids: collections.Counter[str] = collections.Counter()
    entries: dict[str, tuple[str, str]] = {}
    for block in out.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if "dn" in fields:
            uids[fields.get("uid", "")] += 1
            entries[dn_key(fields["dn"])] = (fields.get("uid", ""), fields.get("entryUUID", ""))
    return uids, entries


def _agrees(link: Any, entry: tuple[str, str], login: dict[str, str]) -> bool:
    """The entry at the link's DN is its user's (uid) and has its anchor (entryUUID)."""
    uid, uuid = entry
    return uid == login.get(link.source_id) and uuid.lower() == link.anchor.value.lower()


def audit(server: Any, dsn: str, schema: str, users: int, *, people_dn: str | None = None) -> Audit:
    """Read the directory with ldapsearch and the link store; compare with the users."""
    from ldapconnector.cli._demo_data import user_record
    from ldapconnector.dn import dn_key
    from ldapconnector.space import LinkState, PostgresLinkStore

    uids, entries = _directory(server, people_dn or server.people_dn)
    login = {
        str(record["id"]): str(record["userPrincipalName"]).partition("@")[0]
        for record in map(user_record, range(users))
    }
    with PostgresLinkStore.connect(dsn, schema=schema) as store:
        links = list(store.iter_links())
        intents = len(store.list_intents())
    held = [(link, entries.get(dn_key(link.dn))) for link in links]
    active = {link.source_id for link in links if link.state is LinkState.ACTIVE}
    return Audit(
        expected=users, entries=sum(uids.values()),
        duplicated=sum(count - 1 for count in uids.values() if count > 1),
        missing=len(set(login.values()) - set(uids)), links=len(links),
        unlinked=len(set(login) - active),
        links_without_entry=sum(1 for _, entry in held if entry is None),
        links_disagreeing=sum(
            1 for link, entry in held if entry is not None and not _agrees(link, entry, login)
        ),
        open_intents=intents,
    )  # fmt: skip


if __name__ == "__main__":
    sys.exit(worker_main(sys.argv[1]))
