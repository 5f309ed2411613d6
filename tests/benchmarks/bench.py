"""Benchmarks of the course build: run with ``make bench``; prints numbers, asserts nothing.

- clean build of the whole website, then a rebuild with nothing changed (execution cache);
- the transferred size of each page: its HTML plus the images it shows, with the shared
  assets (theme, MathJax, search index) counted once for the whole site;
- each lab's reference solution executed top to bottom in a fresh kernel.
"""

from __future__ import annotations

import re
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


def page_sizes(html_dir: Path) -> None:
    """Print each page's own weight (HTML + its images) and the shared assets' weight once."""
    own = set()
    for page in sorted((html_dir / "book").glob("*.html")):
        html = page.read_text(encoding="utf-8")
        images = {(page.parent / src).resolve()
                  for src in re.findall(r'<img[^>]+src="([^"]+)"', html)
                  if not src.startswith("data:")}
        own |= images
        total = page.stat().st_size + sum(image.stat().st_size for image in images)
        print(f"page {page.stem:<28}{total / 1e6:7.2f} MB")
    shared = sum(f.stat().st_size for f in html_dir.rglob("*")
                 if f.is_file() and f.resolve() not in own and f.suffix != ".whl"
                 and "book" not in f.relative_to(html_dir).parts[:1])
    print(f"shared assets (counted once)    {shared / 1e6:7.2f} MB")


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
        page_sizes(output / "_build" / "html")
    for notebook in sorted((ROOT / "solutions").glob("*/*.ipynb")):
        seconds = timed(lambda: run_notebook(notebook))
        print(f"lab solution {notebook.stem:<15}{seconds:7.1f} s")


if __name__ == "__main__":
    main()
