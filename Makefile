# The developer loop. `make help` lists the targets.
PYTHON ?= python3.12
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Local development runs in debug mode unless the environment (or .env) says otherwise.
export DEBUG ?= 1
LOCAL_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/csnv
LOCAL_REDIS_URL ?= redis://127.0.0.1:6379/0

# The process commands, shared with docker-compose.yml (tests/units/test_compose.py checks they agree).
GUNICORN_CMD = gunicorn config.wsgi:application --bind 0.0.0.0:8000 --workers 3 --access-logfile -
WORKER_CMD = celery -A config worker --loglevel INFO --concurrency 2
BEAT_CMD = celery -A config beat --loglevel INFO --schedule /tmp/celerybeat-schedule

.DEFAULT_GOAL := help
.PHONY: help install run migrate seed test lint fmt worker beat serve-prod messages lock clean \
	backup restore bench

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install the pinned packages

migrate: install ## Apply database migrations
	$(BIN)/python manage.py migrate --noinput

seed: migrate ## Load the demo units and accounts (prints the demo passwords the first time)
	$(BIN)/python manage.py seed_demo

run: seed ## Install, migrate, load demo data and serve on http://127.0.0.1:8000
	@echo "Mở http://127.0.0.1:8000 và đăng nhập bằng một tài khoản demo ở trên."
	@echo "px01, lanhdao và quantri thiết lập xác thực hai lớp ở lần đăng nhập đầu: cần một ứng dụng"
	@echo "xác thực trên điện thoại (Google Authenticator, Microsoft Authenticator, FreeOTP) để quét mã QR."
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: install ## Run the whole test suite (set DATABASE_URL / REDIS_URL for PostgreSQL and Redis)
	$(BIN)/python -m pytest

lint: install ## ruff, formatting, migrations and import-layer checks
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports

fmt: install ## Format and autofix the code
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

worker: install ## Celery worker on the local Redis and PostgreSQL
	DATABASE_URL=$${DATABASE_URL:-$(LOCAL_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(LOCAL_REDIS_URL)} \
		$(BIN)/$(WORKER_CMD)

beat: install ## Celery beat (exactly one per installation) on the local Redis
	DATABASE_URL=$${DATABASE_URL:-$(LOCAL_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(LOCAL_REDIS_URL)} \
		$(BIN)/$(BEAT_CMD)

serve-prod: install ## gunicorn as in production, on the local PostgreSQL and Redis
	DATABASE_URL=$${DATABASE_URL:-$(LOCAL_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(LOCAL_REDIS_URL)} \
		$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	DATABASE_URL=$${DATABASE_URL:-$(LOCAL_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(LOCAL_REDIS_URL)} \
		$(BIN)/$(GUNICORN_CMD)

messages: install ## Extract new interface strings into locale/vi and compile them
	$(BIN)/python manage.py makemessages --locale vi --no-obsolete --ignore '.venv/*' --ignore 'tests/*'
	$(BIN)/python manage.py compilemessages --locale vi --ignore '.venv/*'

# The database of DATABASE_URL (SQLite without it): pg_dump -Fc / pg_restore, or SQLite's backup API.
backup: install ## Back up the database to backups/<database>-<date>-<time>.dump (.sqlite3 for SQLite)
	$(BIN)/python manage.py backup_db

restore: install ## Replace the database with a backup: make restore FILE=backups/<file>
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=backups/<file>"; exit 2; }
	$(BIN)/python manage.py restore_db "$(FILE)"

# Benchmarks of issue 6 on PostgreSQL (never the tests' database): DATABASE_URL names the 1,000,000-soldier
# database, <name>_summary and <name>_http are made beside it. Production settings (DEBUG off).
# django-import-export is installed for the comparison only, and removed again afterwards.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/csnv_bench
BENCH_ONLY_PACKAGES = django-import-export tablib diff-match-patch
bench: install ## Benchmarks at national scale (about 30 min); figures to bench/RESULTS.md
	command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; } \
		|| echo "wrk could not be installed: the HTTP part is skipped"
	$(BIN)/python -m pip install --quiet $(BENCH_ONLY_PACKAGES)
	DATABASE_URL=$${DATABASE_URL:-$(BENCH_DATABASE_URL)} DEBUG=0 SECRET_KEY=bench-only-not-secret \
		SECURE_COOKIES=0 REDIS_URL= $(BIN)/python -m bench.run; status=$$?; \
		$(BIN)/python -m pip uninstall --quiet --yes $(BENCH_ONLY_PACKAGES); exit $$status

lock: install ## Re-pin requirements after a change to pyproject.toml
	@echo "Edit requirements*.txt from: $(BIN)/python -m pip freeze"

clean: ## Remove the virtualenv and local database
	rm -rf $(VENV) db.sqlite3 staticfiles
