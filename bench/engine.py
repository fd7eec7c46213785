"""Entry point: ``.venv/bin/python bench/engine.py`` runs ``bench/engine/run.py`` (see its docstring)."""

import runpy
from pathlib import Path

if __name__ == "__main__":
    runpy.run_path(str(Path(__file__).resolve().parent / "engine" / "run.py"), run_name="__main__")
