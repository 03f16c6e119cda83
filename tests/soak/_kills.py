"""The kill soak's engine: one restartable slapd, two identities, kills at seeded points.

Shared by ``tests/soak/test_kill_soak.py`` (bounded) and ``benchmarks/bench_soak_kills.py``
(larger). A :class:`Soak` runs rounds; each round picks a run profile (export, full import,
delta import), an identity (``mail`` as matching attribute, or none: a
``SelectUniqueValue`` DN) and a kind of kill, then

- **server**: slapd is SIGKILLed at a seeded point of an in-process run and started again
  on the same data and ports a moment later;
- **client**: the run happens in a child process that calls ``os._exit`` at a seeded
  point (a result's progress callback, the n-th link written or the n-th link of a user
  the round adds, before the batch commits; right after the n-th intent commit, before
  its add is sent; the n-th imported object; the n-th delta batch, before it is handled);

then reruns the same profile to completion in this process and checks the directory with
``ldapsearch`` (not the library): every source user exactly once, with the value last
exported; every link's DN exists and holds the link's anchor; every managed entry has a
link; no intent left open; every outside change (made with ``ldapmodify`` before a delta
round) delivered at least once. Each identity has its own container and its own
persistent :class:`~ldapconnector.space.SqliteLinkStore` file.
"""

from __future__ import annotations

import base64
import collections
import contextlib
import enum
import json
import random
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs

from ldapconnector.cli._demo_data import posix_example, user_record
from ldapconnector.config import ConnectorConfig
from ldapconnector.connector import Connector
from ldapconnector.dn import dn_key
from ldapconnector.errors import LdapConnectorError
from ldapconnector.profiles import ObjectResult
from ldapconnector.space import LinkState, SqliteLinkStore
from ldapconnector.testing import OpenLDAPServer


class Profile(enum.Enum):
    """The run profile a round kills."""

    EXPORT = "export"
    FULL_IMPORT = "full import"
    DELTA_IMPORT = "delta import"


class Kill(enum.Enum):
    """What is killed."""

    SERVER = "server"
    CLIENT = "client"


class Identity(enum.Enum):
    """How an exported user is found again."""

    MATCHING = "mail matching"
    DN_ONLY = "DN only"


class SoakError(AssertionError):
    """The soak itself went wrong (a child that did not die where it was told to)."""


# The child: reads its job as JSON on stdin, runs one profile and dies with os._exit(9)
# at the job's kill point (no cleanup, no commit of anything pending). Exit 0: no kill.
CHILD = r"""
import json, os, sys
from ldapconnector.config import ConnectorConfig
from ldapconnector.connector import Connector
from ldapconnector.space import SqliteLinkStore

job = json.load(sys.stdin)
where, at = job["kill"]
config = ConnectorConfig.from_dict(job["config"], allow_literal_password=True)
seen = {"link": 0, "created-link": 0, "intent": 0}
new_ids = set(job.get("new", ()))

def counting(name, real):
    def wrapper(self, item):
        real(self, item)
        if name != "created-link" or item.source_id in new_ids:
            seen[name] += 1
        if where == name and seen[name] == at:
            os._exit(9)
    return wrapper

if where in ("link", "created-link"):  # dies after the n-th link, before its batch commits
    SqliteLinkStore.put = counting(where, SqliteLinkStore.put)
if where == "intent":  # dies after the n-th intent is committed, before its add is sent
    SqliteLinkStore.put_intent = counting("intent", SqliteLinkStore.put_intent)
    real_batch = SqliteLinkStore.put_intents

    def put_intents(self, intents):  # a pipelined export commits a window's intents at once
        real_batch(self, intents)
        seen["intent"] += len(intents)
        if seen["intent"] >= at:
            os._exit(9)

    SqliteLinkStore.put_intents = put_intents

def died_at_result(result, counter=[0]):
    counter[0] += 1
    if where == "progress" and counter[0] == at:
        os._exit(9)

with SqliteLinkStore.open(job["state"]) as store, Connector(config, store=store) as connector:
    if job["profile"] == "export":
        connector.export(job["records"], progress=died_at_result)
    elif job["profile"] == "full import":
        for number, _obj in enumerate(connector.full_import(), 1):
            if number == at:
                os._exit(9)
    else:
        with open(job["delivered"], "a", encoding="utf-8") as delivered:
            result = connector.delta_import(ignore_own_writes=True, batch_size=job["batch"])
            for number, batch in enumerate(result, 1):
                if number == at:
                    os._exit(9)  # the handler died before handling this batch
                for record in batch.records:
                    for change in record.changes:
                        if change.attribute.lower() == "description":
                            delivered.write("".join(f"{v}\n" for v in change.values))
                delivered.flush()
os._exit(0)
"""


@attrs.define
class Slapd:
    """The fixture's slapd, killed and restarted (``OpenLDAPServer.kill``/``restart``)."""

    server: OpenLDAPServer
    restarts: int = 0
    kills: int = 0
    _thread: threading.Thread | None = None
    _failure: BaseException | None = None

    def kill(self, *, restart_after: float | None = None) -> None:
        """SIGKILL the running slapd; start it again after ``restart_after`` s if given."""
        self.kills += 1
        self.server.kill()
        if restart_after is not None:
            self._thread = threading.Thread(target=self._start, args=(restart_after,))
            self._thread.start()

    def _start(self, delay: float) -> None:
        time.sleep(delay)
        try:
            self.server.restart()  # returns once slapd answers
        except BaseException as error:  # reported by wait_ready, in the soak's thread
            self._failure = error
            return
        self.restarts += 1

    def wait_ready(self) -> None:
        """Wait for the pending restart, if any, to have slapd answering again."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._failure is not None:
            raise SoakError(f"slapd did not come back: {self._failure}")

    def stop(self) -> None:
        """Wait for a pending restart (the fixture then stops slapd)."""
        if self._thread is not None:
            self._thread.join()


@attrs.define
class Tools:
    """``ldapsearch`` and ``ldapmodify`` as the admin over ldapi: the independent view."""

    server: OpenLDAPServer
    password_file: Path

    def _argv(self, program: str) -> list[str]:
        server = self.server
        return [program, "-x", "-H", server.ldapi_uri, "-D", server.admin_dn,
                "-y", str(self.password_file)]  # fmt: skip

    def search(self, base: str, *attributes: str) -> list[dict[str, list[str]]]:
        """Every person directly under ``base``: ``{"dn": [dn], attribute: [values]}``."""
        argv = [*self._argv("ldapsearch"), "-LLL", "-o", "ldif-wrap=no", "-s", "one",
                "-b", base, "(objectClass=inetOrgPerson)", *attributes]  # fmt: skip
        done = subprocess.run(argv, capture_output=True, text=True, check=True)
        return [_entry(block) for block in done.stdout.split("\n\n") if block.strip()]

    def modify(self, ldif: str) -> None:
        """Apply change records."""
        subprocess.run(
            self._argv("ldapmodify"), input=ldif, text=True, capture_output=True, check=True
        )


def _entry(block: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = collections.defaultdict(list)
    for line in block.splitlines():
        name, _, value = line.partition(":")
        if value.startswith(":"):
            value = base64.b64decode(value[1:].strip()).decode("utf-8")
        found[name.lower()].append(value.strip())
    return dict(found)


@attrs.frozen(kw_only=True)
class Totals:
    """What a soak counted: kills and every kind of loss (all must stay 0)."""

    kills: collections.Counter[tuple[Kill, Profile, Identity]]
    users: int
    changes: int
    missing: int
    duplicated: int
    values_wrong: int
    links_disagreeing: int
    changes_skipped: int
    seconds: float

    def lines(self) -> list[str]:
        """The totals as printable lines."""
        out = []
        for kind in Kill:
            total = sum(n for (k, _p, _i), n in self.kills.items() if k is kind)
            out.append(f"{kind.value} kills: {total}")
            for profile in Profile:
                per = [f"{i.value} {self.kills[(kind, profile, i)]}" for i in Identity]
                out.append(f"  {profile.value}: " + ", ".join(per))
        return [
            *out,
            f"users (both identities): {self.users}; outside changes: {self.changes}",
            f"users missing: {self.missing}",
            f"users duplicated: {self.duplicated}",
            f"values not the last exported: {self.values_wrong}",
            f"links disagreeing with the directory: {self.links_disagreeing}",
            f"changes skipped: {self.changes_skipped}",
            f"time: {self.seconds:.1f} s",
        ]


@attrs.define
class Side:
    """One identity's container, link store file, config and source population."""

    identity: Identity
    container: str
    state: Path
    config: dict[str, Any]
    population: int = 0
    names: dict[int, str] = attrs.field(factory=dict)

    def records(self) -> list[dict[str, Any]]:
        """The current source records (display names changed by earlier rounds)."""
        made = [user_record(index) for index in range(self.population)]
        for index, name in self.names.items():
            made[index]["displayName"] = name
        return made

    def connector(self, store: SqliteLinkStore) -> Connector:
        """A connector for this side (a fresh one: a rerun is a new process)."""
        config = ConnectorConfig.from_dict(self.config, allow_literal_password=True)
        return Connector(config, store=store)


def side_config(server: OpenLDAPServer, identity: Identity, container: str) -> dict[str, Any]:
    """The POSIX example in ``container``; for DN_ONLY with no matching attribute.

    DN_ONLY's DN is ``SelectUniqueValue(CN=<login>, CN=<login>-2, CN=<login>-3)``: a rerun
    that did not know an entry was its own would add the user again under the next DN.
    """
    data = posix_example(server.connectivity(security="ldaps"), people_dn=container)
    data["global"] = {"page_size": 50}
    data["run_profiles"] = {"full_import": True, "delta_import": True, "export": True}
    if identity is Identity.MATCHING:
        return data
    login = 'Word([userPrincipalName], 1, "@")'
    candidates = ", ".join(
        f'Join("", "CN=", {login}, "{suffix},{container}")' for suffix in ("", "-2", "-3")
    )
    for mapping in data["mappings"]:
        mapping.pop("matching_precedence", None)
        if mapping["target"] == "-dn-":
            mapping["expression"] = f"SelectUniqueValue({candidates})"
    return data


@attrs.define
class Soak:
    """Runs kill rounds against one slapd and counts kills and losses.

    Attributes:
        server: the running test server (the soak kills and restarts its slapd).
        workdir: where the link store files and the children's delivery files go.
        rng: the seeded random source choosing profiles' work and kill points.
        start_users: users each identity exports before the first round.
        grow: (low, high) new users per export round.
        changes: (low, high) outside changes per delta round.
    """

    server: OpenLDAPServer
    workdir: Path
    rng: random.Random
    start_users: int = 150
    grow: tuple[int, int] = (5, 15)
    changes: tuple[int, int] = (6, 15)
    slapd: Slapd = attrs.field(init=False)
    tools: Tools = attrs.field(init=False)
    sides: dict[Identity, Side] = attrs.field(init=False, factory=dict)
    kills: collections.Counter[tuple[Kill, Profile, Identity]] = attrs.field(
        init=False, factory=collections.Counter
    )
    losses: collections.Counter[str] = attrs.field(init=False, factory=collections.Counter)
    outside_changes: int = 0
    rounds: int = 0
    started: float = attrs.field(init=False, factory=time.perf_counter)

    def __attrs_post_init__(self) -> None:
        self.slapd = Slapd(self.server)
        password = self.workdir / "admin.pw"
        password.write_text(self.server.admin_password, encoding="utf-8")
        password.chmod(0o600)
        self.tools = Tools(self.server, password)

    # -- set-up ------------------------------------------------------------------------

    def setup(self) -> None:
        """Make one container per identity, export the first users, set delta baselines."""
        for identity, ou in ((Identity.MATCHING, "match"), (Identity.DN_ONLY, "unique")):
            container = f"ou={ou},{self.server.people_dn}"
            self.server.add_ldif(f"dn: {container}\nobjectClass: organizationalUnit\nou: {ou}\n")
            config = side_config(self.server, identity, container)
            side = Side(identity, container, self.workdir / f"{ou}.sqlite", config)
            side.population = self.start_users
            self.sides[identity] = side
            with SqliteLinkStore.open(side.state) as store, side.connector(store) as connector:
                report = connector.export(side.records())
                assert not report.failed, report.failed[:3]
                assert connector.delta_import(ignore_own_writes=True).drain().baseline
            self.check_export(side)

    def plan(self, server_kills: int, client_kills: int) -> list[tuple[Kill, Profile, Identity]]:
        """The rounds: every kind of kill spread over the profiles and identities, shuffled."""
        rounds = []
        for kind, count in ((Kill.SERVER, server_kills), (Kill.CLIENT, client_kills)):
            profiles = list(Profile)
            for number in range(count):
                identity = list(Identity)[(number // len(profiles)) % len(Identity)]
                rounds.append((kind, profiles[number % len(profiles)], identity))
        self.rng.shuffle(rounds)
        return rounds

    def run(self, server_kills: int, client_kills: int) -> Totals:
        """Set up, run every round, return the totals."""
        self.setup()
        for kind, profile, identity in self.plan(server_kills, client_kills):
            self.round(kind, profile, self.sides[identity])
        return self.totals()

    def totals(self) -> Totals:
        """What was counted so far."""
        return Totals(
            kills=collections.Counter(self.kills),
            users=sum(side.population for side in self.sides.values()),
            changes=self.outside_changes,
            missing=self.losses["missing"],
            duplicated=self.losses["duplicated"],
            values_wrong=self.losses["values_wrong"],
            links_disagreeing=self.losses["links_disagreeing"],
            changes_skipped=self.losses["changes_skipped"],
            seconds=time.perf_counter() - self.started,
        )

    # -- one round ---------------------------------------------------------------------

    def round(self, kind: Kill, profile: Profile, side: Side) -> None:
        """Kill one run of ``profile`` on ``side``, rerun it to completion, check."""
        self.rounds += 1
        run = {
            Profile.EXPORT: self._export_round,
            Profile.FULL_IMPORT: self._full_import_round,
            Profile.DELTA_IMPORT: self._delta_round,
        }[profile]
        killed = self.slapd.kills
        run(kind, side)
        if kind is Kill.SERVER and self.slapd.kills != killed + 1:
            raise SoakError(f"round {self.rounds}: the {profile.value} ended before its kill")
        self.kills[(kind, profile, side.identity)] += 1

    def _child(self, job: dict[str, Any]) -> None:
        """Run ``job`` in a child process that must die at its kill point."""
        child = subprocess.run(
            [sys.executable, "-c", CHILD], input=json.dumps(job), capture_output=True,
            text=True, timeout=300, check=False,
        )  # fmt: skip
        if child.returncode != 9:
            raise SoakError(f"the child did not die at {job['kill']}: {child.stderr[-2000:]}")

    def _export_round(self, kind: Kill, side: Side) -> None:
        new = self.rng.randint(*self.grow)
        for index in self.rng.sample(range(side.population), min(8, side.population)):
            side.names[index] = f"Renamed {index} r{self.rounds}"
        side.population += new
        records = side.records()
        if kind is Kill.CLIENT:
            # "link" counts every link written (updates come first), "created-link" only
            # those of the users this round adds: the window between add and link commit.
            where = self.rng.choice(["progress", "link", "created-link", "intent"])
            at = self.rng.randint(1, len(records) if where == "progress" else new)
            fresh = [record["id"] for record in records[-new:]]
            self._child({"profile": "export", "config": side.config, "state": str(side.state),
                         "records": records, "new": fresh, "kill": [where, at]})  # fmt: skip
        else:
            at = self.rng.randint(1, len(records))
            self._in_process(side, lambda c: c.export(records, progress=self._killer(at)))
        self.slapd.wait_ready()
        with SqliteLinkStore.open(side.state) as store, side.connector(store) as connector:
            report = connector.export(records)
        if report.failed or report.error:
            raise SoakError(f"the rerun failed: {report.error} {report.failed[:3]}")
        self.check_export(side)

    def _killer(self, at: int) -> Callable[[ObjectResult], None]:
        seen = [0]

        def progress(_result: ObjectResult) -> None:
            seen[0] += 1
            if seen[0] == at:
                self.slapd.kill(restart_after=0.3)

        return progress

    def _in_process(self, side: Side, run: Callable[[Connector], object]) -> None:
        """Run in this process while slapd is killed; a run stopped by the kill is fine."""
        # The kill may stop the run with an error: the rerun must finish the job.
        store = SqliteLinkStore.open(side.state)
        with store, side.connector(store) as connector, contextlib.suppress(LdapConnectorError):
            run(connector)

    def _full_import_round(self, kind: Kill, side: Side) -> None:
        at = self.rng.randint(1, side.population)
        if kind is Kill.CLIENT:
            self._child({"profile": "full import", "config": side.config,
                         "state": str(side.state), "kill": ["object", at]})  # fmt: skip
        else:
            handed: list[str] = []
            self._in_process(side, lambda c: handed.extend(self._killing_import(c, at)))
            self.slapd.wait_ready()
            self._count_import(side, handed)  # the run reconnected and resumed by itself
        self.slapd.wait_ready()
        with SqliteLinkStore.open(side.state) as store, side.connector(store) as connector:
            handed = [obj.anchor.value for obj in connector.full_import()]
            imported = store.imported_count()
        self._count_import(side, handed, imported)
        self.check_export(side)

    def _killing_import(self, connector: Connector, at: int) -> Iterator[str]:
        for number, obj in enumerate(connector.full_import(), 1):
            if number == at:
                self.slapd.kill(restart_after=0.3)
            yield obj.anchor.value

    def _count_import(self, side: Side, handed: list[str], imported: int | None = None) -> None:
        """A finished full import hands out (and records) every entry exactly once."""
        found = [e["entryuuid"][0].lower() for e in self.tools.search(side.container, "entryUUID")]
        self.losses["missing"] += len(set(found) - set(handed))
        self.losses["duplicated"] += len(handed) - len(set(handed))
        if imported is not None:
            self.losses["links_disagreeing"] += abs(imported - len(found))

    def _delta_round(self, kind: Kill, side: Side) -> None:
        expected = self._outside_changes(side)
        delivered = self.workdir / f"delivered-{self.rounds}.txt"
        delivered.touch()
        batch = self.rng.randint(2, 4)
        at = self.rng.randint(1, -(-len(expected) // batch))
        if kind is Kill.CLIENT:
            self._child({"profile": "delta import", "config": side.config,
                         "state": str(side.state), "kill": ["batch", at],
                         "delivered": str(delivered), "batch": batch})  # fmt: skip
        else:
            self._in_process(side, lambda c: self._killing_delta(c, batch, at, delivered))
        self.slapd.wait_ready()
        with SqliteLinkStore.open(side.state) as store, side.connector(store) as connector:
            result = connector.delta_import(ignore_own_writes=True, batch_size=batch)
            _deliver(result, delivered)
        got = set(delivered.read_text(encoding="utf-8").split())
        self.losses["changes_skipped"] += len(expected - got)
        self.check_export(side)

    def _killing_delta(self, connector: Connector, batch: int, at: int, delivered: Path) -> None:
        result = connector.delta_import(ignore_own_writes=True, batch_size=batch)
        _deliver(result, delivered, kill_at=at, kill=lambda: self.slapd.kill(restart_after=0.3))

    def _outside_changes(self, side: Side) -> set[str]:
        """Change ``description`` of some managed entries with ldapmodify; the tokens."""
        entries = self.tools.search(side.container, "1.1")
        chosen = self.rng.sample(entries, min(self.rng.randint(*self.changes), len(entries)))
        tokens = {f"soak-{self.rounds}-{n}": e["dn"][0] for n, e in enumerate(chosen)}
        ldif = "".join(
            f"dn: {dn}\nchangetype: modify\nreplace: description\ndescription: {token}\n\n"
            for token, dn in tokens.items()
        )
        self.tools.modify(ldif)
        self.outside_changes += len(tokens)
        return set(tokens)

    # -- the independent check ---------------------------------------------------------

    def check_export(self, side: Side) -> None:
        """Count missing, duplicated, wrong-valued users and links disagreeing, by ldapsearch."""
        entries = self.tools.search(side.container, "uid", "cn", "entryUUID")
        by_uid: dict[str, list[dict[str, list[str]]]] = collections.defaultdict(list)
        for entry in entries:
            by_uid[entry["uid"][0]].append(entry)
        for record in side.records():
            login = record["userPrincipalName"].split("@")[0]
            found = by_uid.get(login, [])
            self.losses["missing"] += not found
            self.losses["duplicated"] += max(len(found) - 1, 0)
            # cn holds the RDN's value (the login) and the display name last exported.
            wanted = {record["displayName"]}
            self.losses["values_wrong"] += any(set(e["cn"]) - {login} != wanted for e in found)
        self._check_links(side, entries)

    def _check_links(self, side: Side, entries: list[dict[str, list[str]]]) -> None:
        anchors = {dn_key(e["dn"][0]): e["entryuuid"][0].lower() for e in entries}
        with SqliteLinkStore.open(side.state) as store:
            links = list(store.iter_links(LinkState.ACTIVE))
            self.losses["links_disagreeing"] += len(store.list_intents())
        linked = set()
        for link in links:
            linked.add(link.anchor.value)
            self.losses["links_disagreeing"] += anchors.get(dn_key(link.dn)) != link.anchor.value
        self.losses["links_disagreeing"] += len(set(anchors.values()) - linked)
        wanted = {record["id"] for record in side.records()}
        self.losses["links_disagreeing"] += len(wanted ^ {link.source_id for link in links})


def _deliver(
    result: Any, delivered: Path, *, kill_at: int = 0, kill: Callable[[], None] | None = None
) -> None:
    """Handle delta batches: write every delivered ``description`` token to ``delivered``."""
    with open(delivered, "a", encoding="utf-8") as out:
        for number, batch in enumerate(result, 1):
            if number == kill_at and kill is not None:
                kill()
            for record in batch.records:
                for change in record.changes:
                    if change.attribute.lower() == "description":
                        out.write("".join(f"{value}\n" for value in change.values))
            out.flush()
