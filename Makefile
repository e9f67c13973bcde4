# gdcourse: build the book, run the tests, open the notebooks.
# Every target sets up its own Python 3.11 virtualenv in .venv first.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NBVAL  := --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg
# Keeps the debugger's "frozen modules" notice out of kernel stderr.
export PYDEVD_DISABLE_FILE_VALIDATION := 1
# The site's explorers carry their dense static form (computed for a grid of settings);
# the committed notebooks keep one picture per explorer, so only the book sets this.
STATIC := GDCOURSE_STATIC_EXPLORERS=1
# Strips widget state, sets Jupyter's own metadata and collapse flags, writes one install cell.
NORMALIZE := $(BIN)/python scripts/normalize_notebooks.py

.PHONY: help setup test test-package test-notebooks lint portability book pdf pdf-test notebooks lab bench browser-test jupyter-test standalone-test mutation clean

help:
	@echo "make book          set up .venv, execute the notebooks, build _build/html"
	@echo "make pdf           print the committed chapters to _build/pdf/gdcourse.pdf (no re-execution) and check it"
	@echo "make test          set up .venv, run the package tests and the notebook tests"
	@echo "make portability   re-run nbval under every OpenBLAS kernel family, lowered SIMD, one thread"
	@echo "make notebooks     re-execute the chapters and store their outputs"
	@echo "make lab           open the notebooks in JupyterLab"
	@echo "make bench         time every chapter, the notebook tests, every explorer control and the basin map"
	@echo "make browser-test  open the built site in headless Chromium (needs make book)"
	@echo "make jupyter-test  open, run, drive, save and reopen the chapters in JupyterLab and Notebook 7"
	@echo "make standalone-test  run every chapter in a fresh venv with only the gdcourse wheel and its book extra"
	@echo "make mutation      mutation-test the modules with closed-form and reference tests (slow)"
	@echo "make clean         remove the build, caches and .venv"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the requirements or the package metadata change.
$(STAMP): requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip check
	touch $(STAMP)

setup: $(STAMP)

test: lint test-package test-notebooks

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(NORMALIZE) --check book/*.ipynb
	$(BIN)/python scripts/colab_notebooks.py --check

test-package: $(STAMP)
	$(BIN)/python -m pytest tests gdcourse --doctest-modules --ignore=tests/browser --ignore=tests/fixtures \
		--ignore=tests/jupyter --ignore=tests/standalone -q -rs -n 2

test-notebooks: $(STAMP)
	$(BIN)/python -m pytest $(NBVAL) book -n 2 --dist loadfile -q

# The stored outputs must not depend on the CPU: nbval once per OpenBLAS kernel family,
# once with NumPy's SIMD dispatch lowered and once single-threaded, in parallel.
portability: $(STAMP)
	$(BIN)/python scripts/portability.py

book: $(STAMP)
	$(STATIC) $(BIN)/jupyter-book build . --path-output . -W -n --keep-going
	@echo "The book is at file://$(CURDIR)/_build/html/index.html"

# The course as one PDF, from the committed, executed chapters (nothing is re-executed):
# a single-page build in _build/pdfhtml, printed by Chromium (as the browser test starts it)
# to _build/pdf/gdcourse.pdf and copied into _build/html when the site is built; then checked.
pdf: $(STAMP)
	$(BIN)/python scripts/pdf.py
	$(BIN)/python -m pytest tests/browser/test_pdf.py -q -p no:xdist

pdf-test: $(STAMP)
	$(BIN)/python -m pytest tests/browser/test_pdf.py -q -p no:xdist

# Re-execute every chapter and store its outputs (after changing a chapter or gdcourse),
# then rebuild the plain-Markdown copies for Colab.
notebooks: $(STAMP)
	for nb in book/*.ipynb; do \
		$(BIN)/jupyter execute --inplace "$$nb" && $(NORMALIZE) "$$nb" || exit 1; \
	done
	$(BIN)/python scripts/colab_notebooks.py

# JupyterLab refuses to run as root unless told to (containers, CI machines).
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

# .jupyter/jupyter_server_config.py (read through JUPYTER_CONFIG_PATH): saving drops the
# explorers' widget views, so a reopened chapter shows the stored explorer, not an error.
lab: $(STAMP)
	JUPYTER_CONFIG_PATH="$(CURDIR)/.jupyter$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
		$(BIN)/jupyter lab book $(ALLOW_ROOT)

bench: $(STAMP)
	$(BIN)/python scripts/bench.py

# The PDF's checks run with make pdf.
browser-test: $(STAMP)
	$(BIN)/python -m pytest tests/browser -q -p no:xdist --ignore=tests/browser/test_pdf.py

# JUPYTER_TEST_ARGS picks chapters and clients, e.g. JUPYTER_TEST_ARGS='-k "lab and 01_"'.
JUPYTER_TEST_ARGS ?=
jupyter-test: $(STAMP)
	$(BIN)/python -m pytest tests/jupyter -q -p no:xdist -rsxX $(JUPYTER_TEST_ARGS)

standalone-test: $(STAMP)
	$(BIN)/python tests/standalone/run_standalone.py --normalize

# Mutation testing, for maintainers (slow; not run by CI): mutmut makes small changes to each
# module listed (an operator, a constant, a comparison) and runs the listed modules' tests,
# tests/test_<module>.py, that reach the change; a change no test notices "survives".  It works on a
# copy in _build/mutation, with one worker.  List a module here once its tests check closed
# forms or reference values; `make mutation MUTATION_MODULES=theory` runs one.
MUTATION_MODULES ?= optimizers schedules descent surfaces theory stepsizes newton implicit
MUTMUT := mutmut==3.8.1
MUTATION_DIR := _build/mutation
mutation: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check $(MUTMUT)
	rm -rf $(MUTATION_DIR) && mkdir -p $(MUTATION_DIR)
	cp -r gdcourse tests pyproject.toml $(MUTATION_DIR)/
	{ echo "[mutmut]"; echo "source_paths = gdcourse"; echo "only_mutate ="; \
	  printf '    gdcourse/%s.py\n' $(MUTATION_MODULES); \
	  echo "pytest_add_cli_args_test_selection ="; \
	  printf '    tests/test_%s.py\n' $(MUTATION_MODULES); } > $(MUTATION_DIR)/setup.cfg
	cd $(MUTATION_DIR) && $(CURDIR)/$(BIN)/mutmut run --max-children 1 > run.log 2>&1 \
		|| { tail -20 run.log; exit 1; }
	cd $(MUTATION_DIR) && $(CURDIR)/$(BIN)/mutmut export-cicd-stats > /dev/null \
		&& $(CURDIR)/$(BIN)/mutmut results
	@$(BIN)/python -c "import json, sys; s = json.load(open(sys.argv[1])); \
		print('%(killed)d of %(total)d mutants killed, %(survived)d survived, ' \
		'%(timeout)d timed out, %(no_tests)d reached by no test' % s)" \
		$(MUTATION_DIR)/mutants/mutmut-cicd-stats.json

clean:
	rm -rf _build $(VENV) .pytest_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
