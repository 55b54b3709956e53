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

# Regenerate the committed OpenAPI document.
openapi:
    cargo run -q -p coderd -- openapi > openapi/openapi.json

# Benchmarks.
bench:
    ./scripts/bench.sh
