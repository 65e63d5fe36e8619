"""Registry stores: the embedded SQLite default and the shared Airtable table."""

from __future__ import annotations

from registry_core.stores.base import RegistryStore, StoreHealth, UpsertResult

__all__ = ["RegistryStore", "StoreHealth", "UpsertResult"]
