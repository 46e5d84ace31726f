# juesuan-gen: after git clone, run `make samples` (example documents in output/)
# and `make test`. Both prepare the machine first (scripts/setup.sh, safe to re-run).

VENV := .venv

.PHONY: setup samples sample-workbooks test bench bench-batch

setup:
	bash scripts/setup.sh

samples: setup
	$(VENV)/bin/juesuan-gen samples/ -o output/

test: setup
	$(VENV)/bin/python -m pytest

bench: setup
	$(VENV)/bin/python bench/bench_unit.py

bench-batch: setup
	$(VENV)/bin/python bench/bench_batch.py

# Regenerate samples/*.xlsx from samples/data/*.json (after a change of the workbook layout or the data).
sample-workbooks: setup
	for f in samples/data/*.json; do $(VENV)/bin/juesuan-gen --template "samples/$$(basename "$$f" .json).xlsx" --from "$$f" || exit 1; done
