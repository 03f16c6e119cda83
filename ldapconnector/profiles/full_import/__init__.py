"""Full import: stream every object of the configured type into the connector space.

How this layer works: :func:`plan_full_import` works out the searches (paged results,
else VLV with server-side sort, else one search per base: :func:`choose_paging`), and
:func:`run_full_import` streams the objects page by page into an :class:`ImportResult`
while recording each object's link in the store, in bounded memory;
:func:`with_group_members` adds a group type's members, by source id, to that stream.
"""

from ldapconnector.profiles.full_import._members import with_group_members
from ldapconnector.profiles.full_import._plan import (
    ImportPlan,
    choose_paging,
    plan_full_import,
)
from ldapconnector.profiles.full_import._run import (
    ImportCounts,
    ImportedEntry,
    ImportProgress,
    ImportResult,
    run_full_import,
)

__all__ = [
    "ImportCounts",
    "ImportPlan",
    "ImportProgress",
    "ImportResult",
    "ImportedEntry",
    "choose_paging",
    "plan_full_import",
    "run_full_import",
    "with_group_members",
]
