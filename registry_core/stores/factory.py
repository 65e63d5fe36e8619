"""Open the registry tier the settings ask for: SQLite by default, PostgreSQL or Airtable when
configured."""

from __future__ import annotations

from registry_core.config import Settings
from registry_core.stores.base import RegistryStore


def open_store(settings: Settings) -> RegistryStore:
    """The store for ``settings``: PostgreSQL when ``REGISTRY_DATABASE_URL`` is set, else the
    embedded SQLite file when ``AIRTABLE_MODE=off``, else Airtable.

    >>> from pathlib import Path
    >>> import tempfile
    >>> s = Settings(db_path=Path(tempfile.mkdtemp()) / "r.db")
    >>> open_store(s).name
    'sqlite'
    """
    if settings.database_url:
        if settings.airtable.mode != "off":
            from registry_core.errors import ConfigError

            raise ConfigError(
                "REGISTRY_DATABASE_URL and AIRTABLE_MODE both choose the shared registry; "
                "set AIRTABLE_MODE=off to use PostgreSQL, or unset REGISTRY_DATABASE_URL"
            )
        from registry_core.stores.postgres import PostgresStore

        return PostgresStore.from_settings(settings)
    if settings.airtable.mode == "off":
        from registry_core.stores.sqlite import SQLiteStore

        return SQLiteStore(settings.db_path)
    from registry_core.stores.airtable import AirtableStore

    # processes of this host that use the same base share its 5 requests/s through a ledger
    # under the data directory (stores/airtable_pacing.py)
    return AirtableStore.from_settings(
        settings.airtable, pacing_dir=settings.data_dir / "airtable-pacing"
    )
