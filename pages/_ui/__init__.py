"""The Streamlit glue, next to the pages, one module per job; pages use ``from pages import _ui as ui``.

Pages import this package and ``registry_core``; they hold no HTTP, SQL or Airtable code.

- :mod:`~pages._ui.routing`: the navigation table and the guard that every page runs inside
  ``app.py`` (so no page shows without the sidebar).
- :mod:`~pages._ui.startup`: settings and the :class:`ModelRegistryService` of this run (boot
  never raises; a broken configuration becomes :attr:`Boot.error`).
- :mod:`~pages._ui.loaders`: the in-memory tier (``st.cache_data`` around the resolver's reads,
  keyed with the registry version marker) and its invalidation.
- :mod:`~pages._ui.discovery`: the threaded discovery runner and the wording of its reports.
- :mod:`~pages._ui.signin`: sign-in and who may edit and discover.
- :mod:`~pages._ui.sidebar`: the shared filters, bound to the URL.
- :mod:`~pages._ui.display`: how ages, the store, warnings, failures and times read.
- :mod:`~pages._ui.charts`: chart conventions (availability colours, unclipped model axes).
- :mod:`~pages._ui.safe`: the one way outside values reach a page (as text);
  :mod:`~pages._ui.banner`: the outage banner.

The names below are re-exported so pages keep writing ``ui.load_view(b)``.
"""

from __future__ import annotations

from pages._ui import banner, safe
from pages._ui.charts import (
    AVAILABILITY_COLORS,
    AVAILABLE_NOW,
    NO_LONGER_AVAILABLE,
    availability_color,
    availability_frame,
    model_axis,
)
from pages._ui.discovery import (
    credential_labels,
    credential_title,
    report_line,
    run_discovery,
    summarise_reports,
)
from pages._ui.display import TIME_FORMAT, banners, safely, store_label, time_column
from pages._ui.loaders import (
    CACHE_MAX_ENTRIES,
    CACHE_TTL_S,
    BrowseTable,
    RegistryView,
    ViewSummary,
    browse_table,
    filter_count,
    filter_key,
    find_record,
    invalidate,
    load_events,
    load_health,
    load_row_warnings,
    load_runs,
    load_view,
    memo,
    recheck_health,
    snapshot_problem,
    version,
    view_summary,
)
from pages._ui.routing import (
    APP_PATH,
    DEFAULT_PAGE,
    DEFAULT_PAGE_KEY,
    PAGES,
    ensure_routed,
    navigation_pages,
    page_path,
    routed,
)
from pages._ui.secrets_files import secrets_problem
from pages._ui.sidebar import current_filter, provider_options, sidebar_filters, sidebar_status
from pages._ui.signin import (
    Access,
    access,
    auth_configured,
    editors,
    logged_in,
    login_page,
    user_email,
)
from pages._ui.startup import (  # the services table too: fault tests hand in their own
    _SERVICES as _SERVICES,
)
from pages._ui.startup import (
    _SERVICES_LOCK as _SERVICES_LOCK,
)
from pages._ui.startup import (
    Boot,
    ServiceFactory,
    boot,
    describe_failure,
    require,
    reset_services,
    secrets,
    today,
    window_days_for,
)
from registry_core.access import ANONYMOUS as ANONYMOUS
from registry_core.notices import TIER_LABELS as TIER_LABELS

#: How a service is built from settings; tests swap in one with a fake discovery. Read by
#: :mod:`pages._ui.startup` on every build, so setting it here takes effect.
SERVICE_FACTORY: ServiceFactory | None = None

__all__ = [
    "ANONYMOUS",
    "APP_PATH",
    "AVAILABILITY_COLORS",
    "AVAILABLE_NOW",
    "CACHE_MAX_ENTRIES",
    "CACHE_TTL_S",
    "DEFAULT_PAGE",
    "DEFAULT_PAGE_KEY",
    "NO_LONGER_AVAILABLE",
    "PAGES",
    "SERVICE_FACTORY",
    "TIER_LABELS",
    "TIME_FORMAT",
    "Access",
    "Boot",
    "BrowseTable",
    "RegistryView",
    "ServiceFactory",
    "ViewSummary",
    "access",
    "auth_configured",
    "availability_color",
    "availability_frame",
    "banner",
    "banners",
    "boot",
    "browse_table",
    "credential_labels",
    "credential_title",
    "current_filter",
    "describe_failure",
    "editors",
    "ensure_routed",
    "filter_count",
    "filter_key",
    "find_record",
    "invalidate",
    "load_events",
    "load_health",
    "load_row_warnings",
    "load_runs",
    "load_view",
    "logged_in",
    "login_page",
    "memo",
    "model_axis",
    "navigation_pages",
    "page_path",
    "provider_options",
    "recheck_health",
    "report_line",
    "require",
    "reset_services",
    "routed",
    "run_discovery",
    "safe",
    "safely",
    "secrets",
    "secrets_problem",
    "sidebar_filters",
    "sidebar_status",
    "snapshot_problem",
    "store_label",
    "summarise_reports",
    "time_column",
    "today",
    "user_email",
    "version",
    "view_summary",
    "window_days_for",
]
