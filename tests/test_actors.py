"""Unit tests for the actor knowledge base loader, user files, PETRARCH import, resolver rules and CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from eventwire.actors import find_actors, load_resolver
from eventwire.actors.kb import KB_FILES, kb_dir
from eventwire.actors.petrarch import parse_petrarch
from eventwire.config import Config
from eventwire.model import Article, Sentence


@pytest.fixture(scope="module")
def resolver():
    return load_resolver(Config())


@pytest.mark.parametrize("name", KB_FILES)
def test_kb_file_matches_its_schema(name: str) -> None:
    path = kb_dir() / name
    if not path.exists():
        pytest.skip(f"{name} not written yet")
    schema = json.loads((kb_dir() / "schema" / name.replace(".yaml", ".schema.json")).read_text())
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(rows))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def test_countries_cover_iso_list_and_ids_are_unique(resolver) -> None:
    import pycountry

    isos = {e.country for e in resolver.entries if e.type == "country"}
    assert {c.alpha_3 for c in pycountry.countries} <= isos
    ids = [e.id for e in resolver.entries if e.type in ("country", "org", "person", "agent")]
    assert len(ids) == len(set(ids))


def test_every_agent_term_is_claimed_once(resolver) -> None:
    seen: dict[str, str] = {}
    for e in resolver.entries:
        if e.type != "agent":
            continue
        for t in e.aliases:
            assert t not in seen, f"{t!r} in {seen.get(t)} and {e.id}"
            seen[t] = e.id or ""


def test_short_acronyms_are_case_sensitive_in_mixed_case_text(resolver) -> None:
    a = Article(id="a", text="It is what the US said.")
    found = resolver.find_mentions(a.text, 0, 0, a)
    assert [m.actor.country for m in found] == ["USA"]
    b = Article(id="b", text="Let us go.")
    assert resolver.find_mentions(b.text, 0, 0, b) == []


def test_lowercase_text_still_resolves_names(resolver) -> None:
    a = Article(id="a", text="the taliban attacked a police post and the afghan army responded.")
    got = {m.actor.id for m in resolver.find_mentions(a.text, 0, 0, a)}
    assert "state:AFG:MIL" in got
    if "org:taliban" in resolver.by_id:
        assert "org:taliban" in got


def test_mentions_carry_article_offsets(resolver) -> None:
    text = "Officials met. Yemeni protesters blocked the road."
    a = Article(id="a", text=text)
    ms = resolver.find_mentions(text[15:], 15, 1, a)
    m = next(m for m in ms if m.actor.country == "YEM")
    assert text[m.start:m.end] == "Yemeni protesters"
    assert m.sentence_index == 1


def test_dominant_country_fills_generic_agents(resolver) -> None:
    text = "Iraqi officials said the attack was repelled. Police later arrested two men."
    a = Article(id="a", text=text)
    resolver.find_mentions(text[:46], 0, 0, a)
    police = resolver.resolve_phrase("Police", a, start=47)
    assert police is not None and police.country == "IRQ" and police.sector == "COP"


def test_role_title_resolves_by_article_date() -> None:
    entries_file = Path(__file__).parent / "fixtures" / "actors_user.yaml"
    r = load_resolver(Config().with_options(actors_files=[entries_file]))
    early = Article(id="e", text="x", published=dt.date(1855, 6, 1))
    late = Article(id="l", text="x", published=dt.date(1865, 6, 1))
    assert r.resolve_phrase("the Tuvaluan president", early).id == "person:test-rufus-firefly"
    assert r.resolve_phrase("the Tuvaluan president", late).id == "person:test-ambrose-teasdale"


def test_user_yaml_and_csv_files(tmp_path: Path) -> None:
    yml = Path(__file__).parent / "fixtures" / "actors_user.yaml"
    csv_file = tmp_path / "extra.csv"
    csv_file.write_text("id,name,aliases,country,kind,sector\n"
                        "org:test-river-guard,River Guard Militia,RGM|the Guardians,COD,armed_group,PRM\n")
    r = load_resolver(Config().with_options(actors_files=[yml, csv_file]))
    a = Article(id="a", text="RGM fighters clashed with the Marsh Tigers.")
    got = {m.actor.id for m in r.find_mentions(a.text, 0, 0, a)}
    assert {"org:test-river-guard", "org:test-marsh-tigers"} <= got


def test_petrarch_import_reads_codes_synonyms_and_dates() -> None:
    text = ("# comment line\n"
            "RIVER_GUARD_MILITIA_  [CODREB]  # trailing comment\n"
            "+RGM_\n"
            "+THE_RIVER_GUARDS_\n"
            "JANE_Q_OFFICIAL_\n"
            "    [FJIGOV 100101-141231]\n")
    rows = parse_petrarch(text)
    org = next(r for r in rows if r["name"] == "River Guard Militia")
    assert org["country"] == "COD" and org["sector"] == "REB" and org["kind"] == "armed_group"
    assert "RGM" in org["aliases"]
    person = next(r for r in rows if r["id"].startswith("person:"))
    assert person["roles"][0]["start"] == "2010-01-01" and person["roles"][0]["sector"] == "GOV"


def test_cli_lookup_json_and_import(tmp_path: Path) -> None:
    from eventwire.cli import main

    runner = CliRunner()
    res = runner.invoke(main, ["actors", "lookup", "Syrian regime forces", "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.output)
    assert d["resolved"]["country"] == "SYR" and d["resolved"]["sector"] == "MIL"
    src = tmp_path / "dict.txt"
    src.write_text("RIVER_GUARD_MILITIA_  [CODREB]\n+RGM_\n")
    out = tmp_path / "out.yaml"
    res = runner.invoke(main, ["actors", "import-petrarch", str(src), "--output", str(out)])
    assert res.exit_code == 0, res.output
    rows = yaml.safe_load(out.read_text())
    assert rows[0]["name"] == "River Guard Militia"
    r = load_resolver(Config().with_options(actors_files=[out]))
    assert r.resolve_phrase("RGM").country == "COD"
    res = runner.invoke(main, ["actors", "lookup", "Nonexistent Actor Name Xyz"])
    assert res.exit_code != 0


def test_stage_fills_mentions(resolver) -> None:
    class _Res:
        kb = resolver

    text = "Kenyan police fired tear gas. The crowd dispersed."
    a = Article(id="a", text=text)
    a.sentences = [Sentence(0, 0, 29, text[:29]), Sentence(1, 30, len(text), text[30:])]
    find_actors(a, _Res())  # type: ignore[arg-type]
    assert a.mentions is not None
    assert any(m.actor.country == "KEN" and m.actor.sector == "COP" for m in a.mentions)
    assert all(text[m.start:m.end] == m.actor.text for m in a.mentions)


@pytest.fixture(scope="module")
def nlp():
    from eventwire.nlp import load_model

    try:
        return load_model(None)
    except Exception as exc:  # noqa: BLE001 - the model is an optional install for this test
        pytest.skip(f"spaCy model not available: {exc}")


def test_parse_decides_capital_metonymy_and_keeps_unknown_names(resolver, nlp) -> None:
    actor_s = "Moscow rejected the proposal on Monday."
    place_s = "The delegation arrived in Moscow on Monday."
    for text, want in ((actor_s, "state:RUS:GOV"), (place_s, None)):
        a = Article(id="a", text=text)
        got = [m.actor.id for m in resolver.find_mentions(text, 0, 0, a, doc=nlp(text))]
        assert (want in got) if want else ("state:RUS:GOV" not in got), (text, got)
    text = "The Qarvani Solidarity Council accused Jordan of breaking the truce."
    a = Article(id="b", text=text)
    ms = resolver.find_mentions(text, 0, 0, a, doc=nlp(text))
    unknown = [m.actor for m in ms if m.actor.id is None]
    assert any("Qarvani" in u.name for u in unknown)
    assert any(m.actor.country == "JOR" for m in ms)
