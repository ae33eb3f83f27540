# Sourced by scripts/demo and scripts/test: make .venv with the project installed, idempotently.
# Argument: the extras to install ("test"), or nothing for the plain package.
# Sets $root, $venv and $bin (the venv's programs: bin/, or Scripts/ in a Windows venv).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
py="${PYTHON:-python3}"
if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "followup needs Python 3.11 or newer; set PYTHON=/path/to/python3.11" >&2
  exit 1
fi
venv_bin() { if [ -d "$venv/Scripts" ]; then echo "$venv/Scripts"; else echo "$venv/bin"; fi; }
bin="$(venv_bin)"
[ -x "$bin/python" ] || [ -x "$bin/python.exe" ] || { "$py" -m venv "$venv"; bin="$(venv_bin)"; }
extras="${1:-}"
spec="$root"
[ -n "$extras" ] && spec="$root[$extras]"
stamp="$venv/.installed-${extras:-base}"
if [ ! -f "$stamp" ] || [ "$root/pyproject.toml" -nt "$stamp" ]; then
  "$bin/python" -m pip install --quiet --upgrade pip
  "$bin/python" -m pip install --quiet -e "$spec"
  touch "$stamp"
fi
