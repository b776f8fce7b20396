"""An event covered for more than a week stays one story while its reports keep naming it
(stories._continues), with the real default model.

The articles are written for this test: an earthquake near the Turkish town of Nurdagi and
its aftermath over two weeks (days 0 to 14), in English, Russian and Turkish. Each report is within the
three-day window of the next; the 7-day cap alone would cut the coverage in two or three.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from crosscheck import Index, OutletDirectory
from crosscheck.stories.params import StoryParams
from crosscheck.stories.catalog import list_stories
from crosscheck.stories.clustering import update_stories
from crosscheck.ingest.writer import ingest_paths

QUAKE = [
    ("d00-en", 0, "Magnitude 6.1 earthquake hits Nurdagi in southern Turkey",
     "A magnitude 6.1 earthquake struck near the town of Nurdagi in Gaziantep province on Monday, Turkey's "
     "disaster agency AFAD said. Dozens of buildings collapsed in Nurdagi and rescue teams were sent from "
     "neighbouring provinces."),
    ("d02-tr", 2, "Nurdağı depreminde can kaybı yükseldi",
     "Gaziantep'in Nurdağı ilçesinde meydana gelen 6,1 büyüklüğündeki depremde hayatını kaybedenlerin sayısı "
     "yükseldi. AFAD, enkaz altında kalanları kurtarma çalışmalarının sürdüğünü açıkladı."),
    ("d05-ru", 5, "В Турции продолжаются спасательные работы после землетрясения в Нурдагы",
     "Спасатели AFAD продолжают разбирать завалы в турецком городе Нурдагы, пострадавшем от землетрясения "
     "магнитудой 6,1. По данным ведомства, из-под обломков извлечены десятки человек."),
    ("d08-en", 8, "Nurdagi quake survivors moved to tent cities",
     "Thousands of survivors of the Nurdagi earthquake were moved to tent cities set up by AFAD as aftershocks "
     "continued to shake Gaziantep province, officials said."),
    ("d11-tr", 11, "Nurdağı'nda depremzedeler için konteyner kent kuruluyor",
     "Nurdağı'nda depremden etkilenen aileler için konteyner kent kurulmaya başlandı. AFAD, hasarlı binaların "
     "yıkımının da sürdüğünü bildirdi."),
    ("d14-en", 14, "Nurdagi begins clearing rubble two weeks after earthquake",
     "Two weeks after the earthquake, crews in Nurdagi began clearing the rubble of collapsed buildings, AFAD "
     "said, as schools in Gaziantep province prepared to reopen in tents."),
]


def _rows() -> list[dict[str, str]]:
    return [{"id": i, "outlet": f"Outlet {i}", "url": f"https://example.org/{i}",
             "published": f"2025-02-{1 + day:02d}T09:00:00+00:00", "title": title, "text": text}
            for i, day, title, text in QUAKE]


def test_an_earthquake_covered_for_two_weeks_is_one_story(tmp_path: Path) -> None:
    data = tmp_path / "quake.jsonl"
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _rows()), encoding="utf-8")
    with Index.open(tmp_path / "ix", create=True) as ix:
        ingest_paths(ix, [data], OutletDirectory())
        update_stories(ix)
        one = list_stories(ix)
        # the 7-day cap alone splits it: the names carry the story on, not the text alone
        update_stories(ix, replace(StoryParams(), event_span_days=StoryParams().max_span_days), rebuild=True)
        capped = list_stories(ix)
    assert [sorted(a.id for a in s.articles) for s in one] == [sorted(i for i, *_ in QUAKE)]
    assert len(capped) >= 2
