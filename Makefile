# formcheck — the two commands a fresh clone needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
MODEL  := models/pose_landmarker_full.task
SAMPLE := sample_videos/synthetic_treadmill_right.mp4
PORT   ?= 8501

.PHONY: run test setup model browser samples bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "formcheck needs Python >= 3.11")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP) model

model: $(STAMP)
	$(PY) -m formcheck models install

run: setup
	$(VENV)/bin/streamlit run app.py --server.port $(PORT) -- --sample $(SAMPLE)

test: setup browser
	$(PY) -m pytest

# The real-browser test drives Debian's Chromium, the network test watches with
# strace, the database tests start a throw-away PostgreSQL server and the PDF
# tests render pages with poppler's pdftoppm: install
# the Debian packages when missing (needs root or password-less sudo; without
# them those tests are skipped and say why).
browser:
	@missing=""; test -x /usr/bin/chromium || missing="chromium"; \
	  command -v strace >/dev/null 2>&1 || missing="$$missing strace"; \
	  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	  command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	  if [ -n "$$missing" ]; then \
	    echo "installing Debian package(s)$$missing for the browser and database tests"; \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo -n ); \
	    ( $$SUDO apt-get install -y -q $$missing || ( $$SUDO apt-get update -q && $$SUDO apt-get install -y -q $$missing ) ) >/dev/null 2>&1 \
	    || echo "could not install$$missing: the tests that need it will be skipped"; \
	  fi

# Regenerate the bundled demo clips with the project's own synthetic runner.
samples: $(STAMP)
	$(PY) scripts/make_samples.py

bench: setup
	$(PY) benchmarks/speed.py

clean:
	rm -rf $(VENV) .pytest_cache
