# Two commands on a fresh machine (python3 + make): `make demo` and `make test`.
# uv is bootstrapped into .tools/ with pip, then installs the locked environment into .venv/.
UV_VERSION ?= 0.13.9
PYTHON ?= python3
UV := .tools/bin/uv
VENV := .venv

.PHONY: demo test env db lint clean bench

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)" || .tools/bin/pip install --quiet uv

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

env: $(VENV)/.synced

demo: env
	$(VENV)/bin/oncobill demo

test: env
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

db: env
	$(VENV)/bin/oncobill db upgrade

lint: env
	$(VENV)/bin/ruff check src tests

clean:
	rm -rf var/ .pytest_cache .hypothesis
