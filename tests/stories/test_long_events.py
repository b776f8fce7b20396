"""An event covered for two weeks stays one story, with the real default model and the shipped
story pair model: its later reports name the town, the agency and the day of the earthquake, as
follow-ups do.

The articles are written for this test: an earthquake near the Turkish town of Nurdagi on
1 February and its aftermath over two weeks (days 0 to 14), in English, Russian and Turkish.
Each report is within three days of the next; a one-week cap on a story's span cuts the
coverage in two or three.
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
     "neighbouring provinces. At least 12 people were killed."),
    ("d02-tr", 2, "Nurdağı depreminde can kaybı yükseldi",
     "Gaziantep'in Nurdağı ilçesinde meydana gelen 6,1 büyüklüğündeki depremde hayatını kaybedenlerin sayısı "
     "27'ye yükseldi. AFAD, enkaz altında kalanları kurtarma çalışmalarının sürdüğünü açıkladı."),
    ("d05-ru", 5, "В Турции продолжаются спасательные работы после землетрясения в Нурдагы",
     "Спасатели AFAD продолжают разбирать завалы в турецком городе Нурдагы, пострадавшем от землетрясения "
     "магнитудой 6,1. По данным ведомства, из-под обломков извлечены десятки человек. Число погибших "
     "возросло до 35."),
    ("d08-en", 8, "Nurdagi quake survivors moved to tent cities",
     "Thousands of survivors of the Nurdagi earthquake of February 1 were moved to tent cities set up by AFAD "
     "as aftershocks continued to shake Gaziantep province, officials said. The magnitude 6.1 quake destroyed "
     "dozens of buildings in the town and killed 41 people."),
    ("d11-tr", 11, "Nurdağı'nda depremzedeler için konteyner kent kuruluyor",
     "Nurdağı'nda 1 Şubat'taki depremden etkilenen aileler için konteyner kent kurulmaya başlandı. AFAD, "
     "6,1 büyüklüğündeki depremde hasar gören binaların yıkımının da sürdüğünü bildirdi. Depremde 41 kişi "
     "hayatını kaybetmişti."),
    ("d14-en", 14, "Nurdagi begins clearing rubble two weeks after earthquake",
     "Two weeks after the magnitude 6.1 earthquake of February 1, crews in Nurdagi began clearing the rubble "
     "of collapsed buildings, AFAD said. The quake killed 41 people. Schools in Gaziantep province prepared to "
     "reopen in tents."),
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
        # a story capped at seven days splits it
        update_stories(ix, replace(StoryParams(), max_span_days=7.0, event_span_days=7.0), rebuild=True)
        capped = list_stories(ix)
    assert [sorted(a.id for a in s.articles) for s in one] == [sorted(i for i, *_ in QUAKE)]
    assert len(capped) >= 2
