# Task runner for coderd. `just --list` shows the tasks.

# Run the server on the embedded SQLite database.
run *ARGS:
    cargo run -p coderd -- server {{ARGS}}

# Run the whole test suite (what CI runs).
test:
    ./scripts/test.sh

# Formatting and lints.
lint:
    cargo fmt --all --check
    cargo clippy --workspace --all-targets -- -D warnings

# Regenerate the committed OpenAPI document and the API reference pages built from it.
openapi:
    cargo run -q -p coderd -- openapi > openapi/openapi.json
    python3 scripts/docs/gen_api_docs.py

# Validate and lint the OpenAPI document.
spec-lint:
    scripts/spec/lint.sh

# Build the offline HTML docs site into build/site.
site:
    scripts/docs/build_site.sh

# Benchmarks.
bench:
    ./scripts/bench.sh
