# juesuan-gen: after git clone, run `make samples` (example documents in output/)
# and `make test`. Both prepare the machine first (scripts/setup.sh, safe to re-run).

VENV := .venv

.PHONY: setup samples sample-workbooks docs-images test bench bench-batch bench-dask

setup:
	bash scripts/setup.sh

samples: setup
	$(VENV)/bin/juesuan-gen samples/ -o output/

test: setup
	$(VENV)/bin/python -m pytest

bench: setup
	$(VENV)/bin/python bench/bench_unit.py
	$(VENV)/bin/python bench/bench_scale.py

bench-batch: setup
	$(VENV)/bin/python bench/bench_batch.py

# Units per minute on a local Dask cluster of 1, 2 and 4 workers (juesuan-gen --scheduler).
bench-dask: setup
	$(VENV)/bin/python bench/bench_dask.py

# Regenerate samples/*.xlsx from samples/data/*.json (after a change of the workbook layout or the data).
sample-workbooks: setup
	for f in samples/data/*.json; do $(VENV)/bin/juesuan-gen --template "samples/$$(basename "$$f" .json).xlsx" --from "$$f" --overwrite || exit 1; done

# The page images shown in README.md (title and 目录, a narrative page, a landscape table, a 绩效自评表,
# a page with a chart, the HTML page at phone size).
docs-images: samples
	$(VENV)/bin/python scripts/render_pages.py "output/乌鲁木齐市12345政务服务热线中心2024年度单位决算公开.pdf" 1,5,18,13 output/pages --dpi 70
	cp "output/pages/乌鲁木齐市12345政务服务热线中心2024年度单位决算公开-p1.png" docs/images/page-toc.png
	cp "output/pages/乌鲁木齐市12345政务服务热线中心2024年度单位决算公开-p5.png" docs/images/page-narrative.png
	cp "output/pages/乌鲁木齐市12345政务服务热线中心2024年度单位决算公开-p18.png" docs/images/page-table-landscape.png
	cp "output/pages/乌鲁木齐市12345政务服务热线中心2024年度单位决算公开-p13.png" docs/images/page-self-assessment.png
	# the optional charts, turned on as README “图表（可选）” tells a bureau to do it
	rm -rf output/chart-templates && mkdir -p output/chart-templates
	cp templates/formats/乌鲁木齐/narrative/03_income.j2 templates/formats/乌鲁木齐/narrative/04_expense.j2 output/chart-templates/
	echo '@chart income 图1 本年收入结构' >> output/chart-templates/03_income.j2
	echo '@chart expense 图2 本年支出结构' >> output/chart-templates/04_expense.j2
	$(VENV)/bin/juesuan-gen "samples/乌鲁木齐市12345政务服务热线中心.xlsx" -o output/charts --templates output/chart-templates --format pdf
	$(VENV)/bin/python scripts/render_pages.py "output/charts/乌鲁木齐市12345政务服务热线中心2024年度单位决算公开.pdf" 5 output/pages --dpi 70
	cp "output/pages/乌鲁木齐市12345政务服务热线中心2024年度单位决算公开-p5.png" docs/images/page-chart.png
	# the HTML page at phone size: title and 目录, and 公开02表
	rm -rf output/html-phone
	$(VENV)/bin/juesuan-gen "samples/乌鲁木齐市12345政务服务热线中心.xlsx" -o output/html-phone --format html
	$(VENV)/bin/python scripts/html_phone_images.py "output/html-phone/乌鲁木齐市12345政务服务热线中心2024年度单位决算公开.html" docs/images
