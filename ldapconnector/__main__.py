"""``python -m ldapconnector``: the same as the ``ldapconnector`` command."""

from ldapconnector.cli import main

raise SystemExit(main())
