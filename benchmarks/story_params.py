"""Story pair precision, recall and F1 on an annotated corpus for a sweep of story parameters.

    python benchmarks/story_params.py [--corpus DIR] [--values 0.0,0.44,0.48,0.52]

The corpus (the format of benchmarks/annotated.py: `../shared/eval/annotated_dev` by default,
or `samples`) is ingested once into a temporary index; stories are then formed again for each
value of `StoryParams.confirm_below` (below it, a new member of a story must hold one of the
story's identifiers, `stories._vet`; 0 turns the check off), with the other parameters as
shipped. Printed for the `tune` and `holdout` stories of annotated.py's TUNE_STORIES
separately: the value is chosen on `tune` and checked on `holdout`. Takes well under a minute
after the ingest; no claims are compared.
"""

from __future__ import annotations

import argparse
import dataclasses
import platform
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from annotated import _subset, load_corpus, story_scores  # noqa: E402

from crosscheck import Index, OutletDirectory  # noqa: E402
from crosscheck.stories.params import StoryParams
from crosscheck.stories.catalog import list_stories
from crosscheck.stories.clustering import update_stories  # noqa: E402
from crosscheck.ingest.writer import ingest_paths  # noqa: E402

DEFAULT_VALUES = (0.0, 0.40, 0.44, 0.46, 0.48, 0.50, 0.52, 0.54, 0.56)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "eval" / "annotated_dev")
    parser.add_argument("--values", default=",".join(str(v) for v in DEFAULT_VALUES),
                        help="comma-separated values of StoryParams.confirm_below")
    args = parser.parse_args()
    values = [float(v) for v in args.values.split(",")]
    corpus = load_corpus(args.corpus)
    shipped = StoryParams()
    print(f"corpus {args.corpus} ({platform.processor() or platform.machine()}, Python {platform.python_version()})")
    print(f"StoryParams as shipped: {shipped}")
    rows = []
    with tempfile.TemporaryDirectory() as tmp, Index.open(Path(tmp) / "ix", create=True) as ix:
        ingest_paths(ix, [corpus.articles], OutletDirectory.with_file(corpus.outlets))
        for value in values:
            update_stories(ix, dataclasses.replace(shipped, confirm_below=value), rebuild=True)
            story_of = {a.id: s.id for s in list_stories(ix) for a in s.articles}
            row = [f"{value:.2f}" + (" *" if value == shipped.confirm_below else "")]
            for split in ("tune", "holdout", "all"):
                stories, _claims = _subset(corpus, split)
                if not stories:
                    row += ["", "", ""]
                    continue
                s = story_scores({a: story_of.get(a, "") for ids in stories.values() for a in ids}, stories)
                row += [f"{s['precision']:.3f}", f"{s['recall']:.3f}", f"{s['f1']:.3f}"]
            row.append(str(len(set(story_of.values()))))
            rows.append(row)
    header = ["confirm_below", "tune P", "R", "F1", "holdout P", "R", "F1", "all P", "R", "F1", "stories"]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    print("  ".join(h.rjust(w) for h, w in zip(header, widths)))
    for r in rows:
        print("  ".join(c.rjust(w) for c, w in zip(r, widths)))
    print("(* shipped; 0.00: average linkage alone)")


if __name__ == "__main__":
    main()
