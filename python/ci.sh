#!/usr/bin/env bash
# The Python package's CI, from the repository root on a fresh machine with
# Rust and Python 3.9+: a virtual environment, the binding crate's format
# and lints, the command line (the tests compare with it), the package
# installed as a user would (`pip install ./python`), then pytest.
#
#   bash python/ci.sh
#
# TEXTDEDUP_PY_VENV chooses the virtual environment (default: under
# $TMPDIR); CARGO_TARGET_DIR is honoured; TEXTDEDUP_CLI names a command
# line already built (.ci/run passes the one its tests built), otherwise a
# release build is made.
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${TEXTDEDUP_PY_VENV:-${TMPDIR:-/tmp}/textdedup-py-venv}"
target="${CARGO_TARGET_DIR:-$PWD/target}"
export CI="${CI:-true}"

python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check maturin pytest pyarrow pandas
# The Hugging Face example is skipped when datasets cannot be installed.
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check datasets ||
    echo "python/ci.sh: datasets did not install; its example test will be skipped" >&2
# textdedup.ray's tests run a local Ray (2 CPUs, no network).
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "ray[data]" zstandard ||
    echo "python/ci.sh: ray[data] did not install; the textdedup.ray tests will be skipped" >&2

rustup component add rustfmt clippy >/dev/null 2>&1 || true
(
    cd python
    cargo fmt --check
    cargo clippy --all-targets -- -D warnings
    cargo test --quiet
)
(cd python/bench/baseline && cargo fmt --check)

if [ -z "${TEXTDEDUP_CLI:-}" ]; then
    cargo build --release --features cli --bin textdedup
    export TEXTDEDUP_CLI="$target/release/textdedup"
fi

"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps ./python
# From python/tests, so that `import textdedup` finds the installed package
# and not the source folder python/textdedup (`python -m` puts the current
# directory first on the path).
cd python/tests
"$venv/bin/python" -m pytest . -q -p no:cacheprovider
