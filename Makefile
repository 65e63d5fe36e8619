# The two commands a newcomer needs: `make run` and `make test`. Both create .venv when it is
# missing and install the locked dependencies (requirements.lock) before doing anything else.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8501
STANDIN_PORT ?= 8765
FAKE_PORT ?= 8766

.PHONY: run test lint bench screenshots stand-in fake-providers clean lock lifecycle-data

$(PY):
	python3 -m venv $(VENV)

# the product with its dev extra, and the test doubles' own package (standins/) next to it
$(STAMP): pyproject.toml standins/pyproject.toml requirements.lock | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]' -e ./standins
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/streamlit run app.py --server.port $(PORT)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy  # registry_core, pages/, app.py and the stand-ins (pyproject's [tool.mypy] files)

test: lint
	$(VENV)/bin/pytest

bench: $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev,bench]'
	$(PY) bench/run_all.py

# Rebuild registry_core/data/lifecycle.json from LiteLLM's model map and models.dev (the
# product reads the generated file; litellm is only needed here, from the bench extra).
lifecycle-data: $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock litellm
	$(PY) scripts/build_lifecycle.py

# Re-take the README's screenshots (tests/browser/screenshots/) with the browser tests.
screenshots: $(STAMP)
	REGISTRY_SCREENSHOTS_DIR=tests/browser/screenshots $(VENV)/bin/pytest -q tests/browser/test_screenshots.py

# A local Airtable stand-in and local fake providers, to try the dashboard without accounts.
stand-in: $(STAMP)
	$(PY) -m registry_standins.airtable_server --port $(STANDIN_PORT)

fake-providers: $(STAMP)
	$(PY) -m registry_standins.fake_providers --port $(FAKE_PORT)

# Re-pin every dependency (run after changing pyproject.toml's dependency lists).
lock:
	rm -rf .lockvenv && python3 -m venv .lockvenv
	.lockvenv/bin/pip install --quiet -e '.[dev,bench]' -e ./standins
	.lockvenv/bin/pip freeze --exclude-editable | grep -v '^-e' > requirements.lock
	rm -rf .lockvenv

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
