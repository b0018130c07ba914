# kerasmap: `make help` lists the targets. Every key=value given to make is passed to Hydra
# as an override, dotted keys included: make train model=cnn trainer.epochs=3 model.dropout=0.3

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-from-lock
LOCK := requirements.lock
UI_PORT ?= 5000
PORT ?= 5001
# VERBOSE=1 shows TensorFlow's own log lines, which kerasmap hides by default.
export KERASMAP_VERBOSE = $(VERBOSE)
# DB=<database URL> reaches `make server` through the environment: a password in it is not echoed.
export KERASMAP_SERVER_DB = $(DB)

# Variables that configure make itself; every other command-line key=value is a Hydra override.
MAKE_VARIABLES := PYTHON UI_PORT RUN VERBOSE INPUT OUTPUT PORT FORMAT NAME HOST DB ARTIFACTS AUTH SOURCE TARGET
OVERRIDES := $(foreach assignment,$(MAKEOVERRIDES),$(if $(filter $(MAKE_VARIABLES),$(firstword $(subst =, ,$(assignment)))),,'$(assignment)'))

# `make sweep` runs this grid; a key given on the command line replaces its entry here.
SWEEP_GRID := model.dropout=0.0,0.25,0.5 optimizer.weight_decay=0,1e-4,1e-3
OVERRIDE_KEYS := $(foreach assignment,$(MAKEOVERRIDES),$(firstword $(subst =, ,$(assignment))))
SWEEP_DEFAULTS := $(foreach entry,$(SWEEP_GRID),$(if $(filter $(firstword $(subst =, ,$(entry))),$(OVERRIDE_KEYS)),,'$(entry)'))

.DEFAULT_GOAL := help
.PHONY: help install lock train sweep search compare evaluate rerun predict serve export promote sync bench \
	bench-tables bench-serve test lint format ui server clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): $(LOCK) pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)  ## Create .venv with the exact versions of requirements.lock, and kerasmap

lock: $(STAMP)  ## Refresh requirements.lock to the newest versions pyproject.toml allows
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --upgrade --extra dev --strip-extras --no-emit-index-url \
		--no-emit-find-links --no-emit-trusted-host --output-file $(LOCK) pyproject.toml

train: $(STAMP)  ## Train and track in MLflow; key=value overrides, e.g. model=cnn data=cifar10
	$(BIN)/python pipelines/train.py $(OVERRIDES)

sweep: $(STAMP)  ## Grid sweep, default model.dropout x optimizer.weight_decay; key=value adds or replaces
	$(BIN)/python pipelines/train.py -m $(SWEEP_DEFAULTS) $(OVERRIDES)

search: $(STAMP)  ## Optuna search over learning rate, dropout and weight decay (conf/hparams_search)
	$(BIN)/python pipelines/train.py -m hparams_search=optuna $(OVERRIDES)

compare: $(STAMP)  ## Table (CSV, Markdown) and plot of runs; e.g. sweep_id=<parent run id>
	$(BIN)/python pipelines/compare.py $(OVERRIDES)

evaluate: $(STAMP)  ## Evaluate a logged model on its test split: make evaluate RUN=<run id>
	$(BIN)/python pipelines/evaluate.py $(RUN) $(OVERRIDES)

rerun: $(STAMP)  ## Train again from a recorded run's config and compare metrics: make rerun RUN=<run id>
	$(BIN)/python pipelines/rerun.py $(RUN) $(OVERRIDES)

predict: $(STAMP)  ## Predictions as CSV: make predict RUN=<run id or models:/name@alias> INPUT=<path or test>
	$(BIN)/python pipelines/predict.py $(RUN) 'input=$(INPUT)' $(if $(OUTPUT),'output=$(OUTPUT)') $(OVERRIDES)

serve: $(STAMP)  ## Serve a model over HTTP on 127.0.0.1 (PORT=5001): make serve RUN=<run id or models:/...>
	$(BIN)/python pipelines/serve.py $(RUN) --port $(PORT) $(OVERRIDES)

export: $(STAMP)  ## Export a model with a parity check: make export RUN=<...> FORMAT=saved_model|onnx|tflite
	$(BIN)/python pipelines/export.py $(RUN) 'format=$(FORMAT)' $(OVERRIDES)

promote: $(STAMP)  ## Move @champion to a run's model if it beats the champion: make promote RUN=<id> NAME=<name>
	$(BIN)/python pipelines/promote.py $(RUN) 'name=$(NAME)' $(OVERRIDES)

sync: $(STAMP)  ## Copy a local store's runs and models to a server: make sync SOURCE=mlflow.db TARGET=<uri>
	$(BIN)/python pipelines/sync.py '$(SOURCE)' '$(TARGET)'

bench: $(STAMP)  ## kerasmap beside bare Keras 3 and PyTorch on Fashion-MNIST (bench=quick: ~3 min)
	$(BIN)/python benchmarks/bench/bench.py $(OVERRIDES)

bench-tables: $(STAMP)  ## kerasmap beside scikit-learn's linear model and HGB on 9 tables (~3 min; tables=iris,wine)
	$(BIN)/python benchmarks/tables/bench_tables.py $(OVERRIDES)

bench-serve: $(STAMP)  ## make serve's latency and requests/s for an iris table model, real server (~1 min)
	$(BIN)/python benchmarks/serve_latency.py

test: $(STAMP)  ## Run the test suite
	$(BIN)/pytest

lint: $(STAMP)  ## Check style with ruff
	$(BIN)/ruff check src pipelines tests benchmarks
	$(BIN)/ruff format --check src pipelines tests benchmarks

format: $(STAMP)  ## Format the code with ruff
	$(BIN)/ruff format src pipelines tests benchmarks

ui: $(STAMP)  ## MLflow UI on 127.0.0.1 (port 5000, or UI_PORT=...), opened on the runs of the experiment
	$(BIN)/python pipelines/ui.py --port $(UI_PORT) $(OVERRIDES)

# PORT's default above is `make serve`'s; without PORT= the tracking server takes its own, 5002.
SERVER_OPTIONS = $(if $(filter-out file,$(origin PORT)),--port $(PORT)) $(if $(HOST),--host $(HOST)) \
	$(if $(ARTIFACTS),--artifacts '$(ARTIFACTS)') $(if $(filter 1 true yes,$(AUTH)),--auth)

server: $(STAMP)  ## Team MLflow server on PostgreSQL (PORT=5002 HOST= DB=<url> ARTIFACTS=<dir|URI> AUTH=1)
	$(BIN)/python pipelines/server.py $(strip $(SERVER_OPTIONS))

clean:  ## Remove caches and Hydra outputs (keeps the MLflow store and .venv)
	rm -rf outputs multirun .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -not -path './$(VENV)/*' -prune -exec rm -rf {} +
