"""Server detection: read the Root DSE, fingerprint the vendor, report capabilities.

Pure: `fingerprint(root_dse, schema)` takes plain attribute mappings and returns a frozen
`ServerInfo`; only the live `detect()` helper goes through `ldapconnector.connection`.
"""

__all__: list[str] = []
