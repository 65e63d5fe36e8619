"""The providers the registry knows, defined once: identity, how each is enabled, its docs.

Everything that names a provider or tells people which variable to set reads this table: the
adapters' ``SPEC``, the credential reader, filter and report labels, error hints, the Discover
and Status pages and the README's credential table (a test checks the README against it).
It is pure data with no imports from the rest of the package, so any module may use it.

>>> spec_for("azure").enable_hint
'set AZURE_OPENAI_API_KEY and AZURE_OPENAI_ENDPOINT'
>>> spec_for("ollama").enable_hint
'set OLLAMA_HOST'
>>> display_name("google"), display_name("acme")
('Google Gemini', 'acme')
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProviderSpec:
    """What the registry knows about a provider before calling it.

    ``enabled_by`` is what a person must set for discovery to work, as groups that all must be
    present; within a group one variable is enough (``GEMINI_API_KEY`` or ``GOOGLE_API_KEY``).
    It mirrors what :func:`registry_core.providers.credentials_from_env` and the adapter really
    need (the tests check both).
    """

    id: str
    display_name: str
    key_env: tuple[str, ...]  # env vars for the key, first found wins
    base_url_env: tuple[str, ...]  # env vars that override the base URL
    default_base_url: str | None
    enabled_by: tuple[tuple[str, ...], ...]
    key_required: bool = True
    can_retrieve: bool = False  # validate="retrieve" makes a free per-model call
    can_probe: bool = True  # validate="probe" can send a 1-token chat request
    docs_url: str = ""
    # optional settings read into Credential.extra: (extra key, env vars, first found wins)
    settings_env: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def enable_vars(self) -> tuple[str, ...]:
        """Every variable named by :attr:`enabled_by`, in order."""
        return tuple(name for group in self.enabled_by for name in group)

    @property
    def enable_hint(self) -> str:
        """What to set to enable the provider, in words: ``set X and Y``."""
        return "set " + " and ".join(" or ".join(group) for group in self.enabled_by)

    @property
    def key_var(self) -> str | None:
        """The variable a key is read from first (``None``: this provider has no key)."""
        return self.key_env[0] if self.key_env else None


def _keyed(
    pid: str,
    name: str,
    key_env: tuple[str, ...],
    base_url_env: tuple[str, ...],
    default_base_url: str,
    docs_url: str,
    **more: object,
) -> ProviderSpec:
    return ProviderSpec(
        id=pid,
        display_name=name,
        key_env=key_env,
        base_url_env=base_url_env,
        default_base_url=default_base_url,
        enabled_by=(key_env,),
        docs_url=docs_url,
        **more,  # type: ignore[arg-type]
    )


_SPECS: tuple[ProviderSpec, ...] = (
    _keyed(
        "openai",
        "OpenAI",
        ("OPENAI_API_KEY",),
        ("OPENAI_BASE_URL",),
        "https://api.openai.com/v1",
        "https://platform.openai.com/docs/api-reference/models/list",
        can_retrieve=True,
        settings_env=(
            ("organization", ("OPENAI_ORG_ID", "OPENAI_ORGANIZATION")),
            ("project", ("OPENAI_PROJECT_ID",)),
        ),
    ),
    _keyed(
        "anthropic",
        "Anthropic",
        ("ANTHROPIC_API_KEY",),
        ("ANTHROPIC_BASE_URL",),
        "https://api.anthropic.com",
        "https://docs.anthropic.com/en/api/models-list",
        can_retrieve=True,
    ),
    _keyed(
        "google",
        "Google Gemini",
        ("GEMINI_API_KEY", "GOOGLE_API_KEY"),
        ("GEMINI_BASE_URL", "GOOGLE_GEMINI_BASE_URL"),
        "https://generativelanguage.googleapis.com/v1beta",
        "https://ai.google.dev/api/models",
        can_retrieve=True,
    ),
    _keyed(
        "mistral",
        "Mistral",
        ("MISTRAL_API_KEY",),
        ("MISTRAL_BASE_URL",),
        "https://api.mistral.ai",
        "https://docs.mistral.ai/api/#tag/models",
    ),
    _keyed(
        "groq",
        "Groq",
        ("GROQ_API_KEY",),
        ("GROQ_BASE_URL",),
        "https://api.groq.com/openai/v1",
        "https://console.groq.com/docs/api-reference#models",
    ),
    ProviderSpec(
        id="openrouter",
        display_name="OpenRouter",
        key_env=("OPENROUTER_API_KEY",),
        base_url_env=("OPENROUTER_BASE_URL",),
        default_base_url="https://openrouter.ai/api/v1",
        # the listing is public, but nobody asked for OpenRouter without one of these
        enabled_by=(("OPENROUTER_API_KEY", "OPENROUTER_BASE_URL"),),
        key_required=False,
        can_retrieve=True,
        docs_url="https://openrouter.ai/docs/api-reference/models/get-models",
    ),
    _keyed(
        "xai",
        "xAI",
        ("XAI_API_KEY",),
        ("XAI_BASE_URL",),
        "https://api.x.ai/v1",
        "https://docs.x.ai/docs/api-reference#list-language-models",
    ),
    _keyed(
        "deepseek",
        "DeepSeek",
        ("DEEPSEEK_API_KEY",),
        ("DEEPSEEK_BASE_URL",),
        "https://api.deepseek.com",
        "https://api-docs.deepseek.com/api/list-models",
    ),
    _keyed(
        "together",
        "Together AI",
        ("TOGETHER_API_KEY",),
        ("TOGETHER_BASE_URL",),
        "https://api.together.ai/v1",
        "https://docs.together.ai/reference/models-1",
    ),
    _keyed(
        "cohere",
        "Cohere",
        ("CO_API_KEY", "COHERE_API_KEY"),
        ("CO_API_URL", "COHERE_BASE_URL"),
        "https://api.cohere.com",
        "https://docs.cohere.com/v1/reference/list-models",
    ),
    ProviderSpec(
        id="azure",
        display_name="Azure OpenAI",
        key_env=("AZURE_OPENAI_API_KEY",),
        base_url_env=("AZURE_OPENAI_ENDPOINT",),
        default_base_url=None,  # every resource has its own endpoint
        enabled_by=(("AZURE_OPENAI_API_KEY",), ("AZURE_OPENAI_ENDPOINT",)),
        can_probe=False,  # a probe needs a deployment name, which the listing does not give
        docs_url="https://learn.microsoft.com/azure/ai-services/openai/reference",
        settings_env=(("api_version", ("AZURE_OPENAI_API_VERSION", "OPENAI_API_VERSION")),),
    ),
    ProviderSpec(
        id="ollama",
        display_name="Ollama",
        key_env=("OLLAMA_API_KEY",),  # only for ollama.com; a local server needs none
        base_url_env=("OLLAMA_HOST",),
        default_base_url="http://127.0.0.1:11434",
        enabled_by=(("OLLAMA_HOST",),),
        key_required=False,
        docs_url="https://docs.ollama.com/api/tags",
    ),
    ProviderSpec(
        id="openai_compatible",
        display_name="OpenAI-compatible server",
        key_env=("OPENAI_COMPATIBLE_API_KEY",),
        base_url_env=("OPENAI_COMPATIBLE_BASE_URL",),
        default_base_url=None,
        enabled_by=(("OPENAI_COMPATIBLE_BASE_URL",),),
        key_required=False,
        docs_url="https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html",
    ),
)

#: Every provider by id, in the order the dashboard lists them.
PROVIDER_TABLE: dict[str, ProviderSpec] = {spec.id: spec for spec in _SPECS}


def spec_for(provider_id: str) -> ProviderSpec:
    """The provider's row; ``KeyError`` for an id that is not in the table."""
    return PROVIDER_TABLE[provider_id]


def display_name(provider_id: str) -> str:
    """How people write the provider (``OpenAI``); an unknown id is shown as it is."""
    spec = PROVIDER_TABLE.get(provider_id)
    return spec.display_name if spec else provider_id


def enable_hint(provider_id: str) -> str:
    """What to set to enable the provider (``set AZURE_OPENAI_API_KEY and AZURE_OPENAI_ENDPOINT``).

    >>> enable_hint("openai_compatible")
    'set OPENAI_COMPATIBLE_BASE_URL'
    >>> enable_hint("acme")
    "add a credential for 'acme' (see the README's provider credentials)"
    """
    spec = PROVIDER_TABLE.get(provider_id)
    if spec is None:
        return f"add a credential for {provider_id!r} (see the README's provider credentials)"
    return spec.enable_hint


def key_hint_var(provider_id: str) -> str:
    """The variable to check after a rejected key (``AZURE_OPENAI_API_KEY``).

    >>> key_hint_var("cohere"), key_hint_var("acme")
    ('CO_API_KEY', "the provider's credential")
    """
    spec = PROVIDER_TABLE.get(provider_id)
    return spec.key_var if spec and spec.key_var else "the provider's credential"
