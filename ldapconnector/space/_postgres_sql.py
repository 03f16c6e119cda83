"""The statements of the PostgreSQL link store, with ``{s}`` for the quoted schema name."""

from __future__ import annotations

__all__ = ["STATEMENTS", "statements_for"]

_LINK_COLUMNS = "source_id, anchor_kind, anchor_value, dn, state, attributes_hash, updated"
_INTENT_COLUMNS = "source_id, dn, fingerprint, attributes_hash, created"
# Live links first, then the most recently written.
_PREFERENCE = "ORDER BY state = 'deleted', updated DESC LIMIT 1"

STATEMENTS: dict[str, str] = {
    "by_source": f"SELECT {_LINK_COLUMNS} FROM {{s}}.links WHERE source_id = %s",
    "by_anchor": f"SELECT {_LINK_COLUMNS} FROM {{s}}.links WHERE anchor_key = %s {_PREFERENCE}",
    "by_dn": f"SELECT {_LINK_COLUMNS} FROM {{s}}.links WHERE dn_key = %s {_PREFERENCE}",
    # An upsert on source_id only: a clash on the live-anchor index must raise.
    "upsert_link": (
        "INSERT INTO {s}.links (source_id, anchor_kind, anchor_value, anchor_key, dn, dn_key, "
        "state, attributes_hash, updated) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (source_id) DO UPDATE SET anchor_kind = excluded.anchor_kind, "
        "anchor_value = excluded.anchor_value, anchor_key = excluded.anchor_key, "
        "dn = excluded.dn, dn_key = excluded.dn_key, state = excluded.state, "
        "attributes_hash = excluded.attributes_hash, updated = excluded.updated"
    ),
    "remove_link": "DELETE FROM {s}.links WHERE source_id = %s",
    "all_links": f"SELECT {_LINK_COLUMNS} FROM {{s}}.links ORDER BY source_id",
    "links_in_state": (
        f"SELECT {_LINK_COLUMNS} FROM {{s}}.links WHERE state = %s ORDER BY source_id"
    ),
    "count": "SELECT COUNT(*) FROM {s}.links",
    "count_in_state": "SELECT COUNT(*) FROM {s}.links WHERE state = %s",
    "by_sources": f"SELECT {_LINK_COLUMNS} FROM {{s}}.links WHERE source_id = ANY(%s)",
    "live_by_anchor": (
        f"SELECT {_LINK_COLUMNS}, anchor_key FROM {{s}}.links "
        "WHERE state <> 'deleted' AND anchor_key = ANY(%s)"
    ),
    "upsert_intent": (
        f"INSERT INTO {{s}}.intents ({_INTENT_COLUMNS}) VALUES (%s, %s, %s, %s, %s) "
        "ON CONFLICT (source_id) DO UPDATE SET dn = excluded.dn, "
        "fingerprint = excluded.fingerprint, attributes_hash = excluded.attributes_hash, "
        "created = excluded.created"
    ),
    "get_intent": f"SELECT {_INTENT_COLUMNS} FROM {{s}}.intents WHERE source_id = %s",
    "list_intents": f"SELECT {_INTENT_COLUMNS} FROM {{s}}.intents ORDER BY source_id",
    "remove_intent": "DELETE FROM {s}.intents WHERE source_id = %s",
    "get_watermark": "SELECT profile, value, taken_at FROM {s}.watermarks WHERE profile = %s",
    "set_watermark": (
        "INSERT INTO {s}.watermarks (profile, value, taken_at) VALUES (%s, %s, %s) "
        "ON CONFLICT (profile) DO UPDATE SET value = excluded.value, taken_at = excluded.taken_at"
    ),
    "forget_values": "DELETE FROM {s}.imported_values WHERE anchor_key = %s",
    "upsert_imported": (
        "INSERT INTO {s}.imported (anchor_key, anchor_kind, anchor_value, dn) "
        "VALUES (%s, %s, %s, %s) ON CONFLICT (anchor_key) DO UPDATE SET "
        "anchor_kind = excluded.anchor_kind, anchor_value = excluded.anchor_value, dn = excluded.dn"
    ),
    "insert_value": (
        "INSERT INTO {s}.imported_values (anchor_key, attribute, attribute_key, value, value_key) "
        "VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING"
    ),
    "find_by_matching": (
        "SELECT DISTINCT i.anchor_kind, i.anchor_value, i.anchor_key FROM {s}.imported_values v "
        "JOIN {s}.imported i ON i.anchor_key = v.anchor_key "
        "WHERE v.attribute_key = %s AND v.value_key = %s ORDER BY i.anchor_key"
    ),
    "imported_values": (
        "SELECT attribute, value FROM {s}.imported_values WHERE anchor_key = %s "
        "ORDER BY attribute_key, seq"
    ),
    "get_imported": (
        "SELECT anchor_key, anchor_kind, anchor_value, dn FROM {s}.imported WHERE anchor_key = %s"
    ),
    "all_imported": (
        "SELECT anchor_key, anchor_kind, anchor_value, dn FROM {s}.imported ORDER BY anchor_key"
    ),
    "forget_imported": "DELETE FROM {s}.imported WHERE anchor_key = %s",
    "clear_values": "DELETE FROM {s}.imported_values",
    "clear_imported": "DELETE FROM {s}.imported",
    "imported_count": "SELECT COUNT(*) FROM {s}.imported",
    # A lease is taken when free, expired, or already ours (a renewal).
    "take_lease": (
        "INSERT INTO {s}.leases (name, holder, expires) "
        "VALUES (%s, %s, now() + make_interval(secs => %s)) "
        "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires = excluded.expires "
        "WHERE {s}.leases.expires < now() OR {s}.leases.holder = excluded.holder "
        "RETURNING holder"
    ),
    "all_reconciled": "SELECT source_id, digest FROM {s}.reconciled",
    # Many rows in one statement: arrays of source ids and digests, unnested.
    "upsert_reconciled": (
        "INSERT INTO {s}.reconciled (source_id, digest) "
        "SELECT * FROM unnest(%s::text[], %s::text[]) "
        "ON CONFLICT (source_id) DO UPDATE SET digest = excluded.digest"
    ),
    "forget_reconciled": "DELETE FROM {s}.reconciled WHERE source_id = ANY(%s)",
    "lease_holder": "SELECT holder, expires FROM {s}.leases WHERE name = %s",
    "drop_lease": "DELETE FROM {s}.leases WHERE name = %s AND holder = %s",
    # Group members not provisioned yet (layout version 2).
    "forget_pending": "DELETE FROM {s}.pending_members WHERE group_id = %s",
    "add_pending": (
        "INSERT INTO {s}.pending_members (group_id, member_id) VALUES (%s, %s) "
        "ON CONFLICT DO NOTHING"
    ),
    "pending_of": (
        "SELECT member_id FROM {s}.pending_members WHERE group_id = %s ORDER BY member_id"
    ),
    "pending_groups": "SELECT DISTINCT group_id FROM {s}.pending_members ORDER BY group_id",
}


def statements_for(schema: str) -> dict[str, str]:
    """Every statement with the (already validated) schema name filled in, quoted."""
    quoted = f'"{schema}"'
    return {name: text.replace("{s}", quoted) for name, text in STATEMENTS.items()}
