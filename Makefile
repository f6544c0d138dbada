# chiiki — `make demo` serves the demo municipality; `make test` runs the whole suite.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
export CHIIKI_HOME := $(CURDIR)

.PHONY: demo serve install test test-fast lint fmt bench system-deps clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

var/secret_key:
	mkdir -p var
	$(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > var/secret_key
	chmod 600 var/secret_key

# Debian packages the browser tests, PDFs and Japanese text need (root only; skipped otherwise).
system-deps:
	@if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -q "Noto Sans CJK"; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			chromium fonts-noto-cjk poppler-utils >/dev/null; \
	else echo "note: install chromium and fonts-noto-cjk for the browser tests"; fi

# The demo runs over plain HTTP on loopback, so its cookies cannot be marked Secure.
# The worker (imports, periodic jobs) and the scheduler that enqueues the periodic jobs run
# in the background beside gunicorn and are stopped when it stops.
demo: $(STAMP) var/secret_key
	CHIIKI_SECRET_KEY=$$(cat var/secret_key) CHIIKI_SECURE_COOKIES=false $(BIN)/chiiki demo
	CHIIKI_SECRET_KEY=$$(cat var/secret_key) $(BIN)/chiiki collectstatic --noinput --verbosity 0
	@echo ""
	@echo "  chiiki: http://$(HOST):$(PORT)/   (Ctrl-C で終了)"
	@echo ""
	export CHIIKI_SECRET_KEY=$$(cat var/secret_key) CHIIKI_SECURE_COOKIES=false; \
	$(BIN)/chiiki db_worker --no-reload & worker=$$!; \
	$(BIN)/chiiki scheduler & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null; wait $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn chiiki.wsgi:application --bind $(HOST):$(PORT) --workers 3 --access-logfile -

test: $(STAMP) system-deps
	$(BIN)/pytest -n 2 --dist loadgroup -q --durations=12

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports
	CHIIKI_TESTING=1 $(BIN)/mypy

fmt: $(STAMP)
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/ruff format src tests benchmarks

bench: $(STAMP)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; CHIIKI_TESTING=1 $(BIN)/python $$b || exit 1; done

clean:
	rm -rf var .pytest_cache .hypothesis .mypy_cache .ruff_cache
