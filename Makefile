# Dyad: `make run` starts it with demo data on SQLite; `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000
# Links in e-mails and the calendar address point here: the address runserver listens on.
SITE_URL ?= http://$(HOST)

.PHONY: run test install lint typecheck format clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

run: install
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py seed_demo
	@echo "Dyad is starting on http://$(HOST)/ (Ctrl-C stops it)"
	DYAD_SITE_URL=$(SITE_URL) $(PY) manage.py runserver $(HOST)

test: install
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The files it checks are listed under [tool.mypy] in pyproject.toml.
typecheck: install
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) db.sqlite3 static-root screenshots
