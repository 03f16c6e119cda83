"""pytest plugin (entry point ``pytest11``): fixtures that start real throwaway servers."""

from __future__ import annotations
