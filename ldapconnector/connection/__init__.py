"""The only layer that talks to a server (through ldap3).

Opens connections from the connectivity settings (security mode, bind, TLS verification),
reads the Root DSE and subschema, streams paged searches as frozen entries, and performs
writes. No ldap3 type or exception leaves this package: failures become
`ldapconnector.errors` classes.
"""

__all__: list[str] = []
