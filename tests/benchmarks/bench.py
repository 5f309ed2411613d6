"""Benchmarks of the course build: run with ``make bench``; prints numbers, asserts nothing.

- clean build of the whole website, then a rebuild with nothing changed (execution cache);
- each lab's reference solution executed top to bottom in a fresh kernel.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
JUPYTER_BOOK = Path(sys.executable).parent / "jupyter-book"


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def build_book(output: Path) -> None:
    subprocess.run(
        [str(JUPYTER_BOOK), "build", str(ROOT), "-W", "-n", "--keep-going",
         "--path-output", str(output)],
        check=True, capture_output=True,
    )


def run_notebook(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp)
        clean = timed(lambda: build_book(output))
        print(f"book clean build            {clean:7.1f} s")
        rebuild = timed(lambda: build_book(output))
        print(f"book no-change rebuild      {rebuild:7.1f} s")
    for notebook in sorted((ROOT / "solutions").glob("*/*.ipynb")):
        seconds = timed(lambda: run_notebook(notebook))
        print(f"lab solution {notebook.stem:<15}{seconds:7.1f} s")


if __name__ == "__main__":
    main()
