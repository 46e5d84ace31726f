# juesuan-gen: after git clone, run `make samples` (example documents in output/)
# and `make test`. Both prepare the machine first (scripts/setup.sh, safe to re-run).

VENV := .venv

.PHONY: setup samples test bench

setup:
	bash scripts/setup.sh

samples: setup
	$(VENV)/bin/juesuan-gen samples/ -o output/

test: setup
	$(VENV)/bin/python -m pytest

bench: setup
	$(VENV)/bin/python bench/bench_unit.py
