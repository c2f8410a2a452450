# Two entry points, as the README says:
#   make        set everything up, then run the main job (site, student notebooks, grades)
#   make test   set everything up, then run the whole test suite
# Both create or reuse the virtual environment in .venv.

PYTHON ?= python3

# Small matrices everywhere: one BLAS thread is faster and keeps results reproducible.
export OPENBLAS_NUM_THREADS = 1
export OMP_NUM_THREADS = 1
export MKL_NUM_THREADS = 1
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: all setup test book bench-book browser exercises grade clean

all: setup exercises book grade
	@echo
	@echo "Done. Results:"
	@echo "  site               _build/html/index.html"
	@echo "  student notebooks  exercises/"
	@echo "  sample grades      sample_course/grades.csv (feedback in sample_course/feedback/)"

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[book,test]'
	touch $(STAMP)

# The browser test needs Debian's chromium; install it when we can (root), as CI does.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing: install Debian's 'chromium' package (sudo apt-get install chromium)"; exit 1; fi; }

test: setup browser
	$(BIN)/python -m pytest

# Strict: a warning, a broken reference or a failing cell fails the build. Executed pages
# are cached in _build/.jupyter_cache; _build/html is rebuilt so no stale file is published.
book: setup
	rm -rf _build/html
	env -u MPLBACKEND $(BIN)/jupyter-book build . --warningiserror --nitpick --keep-going

bench-book: setup
	$(BIN)/python bench/build_book.py

exercises: setup
	$(BIN)/python -m autograder release

grade: setup
	$(BIN)/python -m autograder demo

clean:
	rm -rf _build .pytest_cache
