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
.PHONY: help install run migrate seed test lint fmt worker beat serve-prod messages lock clean

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

lock: install ## Re-pin requirements after a change to pyproject.toml
	@echo "Edit requirements*.txt from: $(BIN)/python -m pip freeze"

clean: ## Remove the virtualenv and local database
	rm -rf $(VENV) db.sqlite3 staticfiles
