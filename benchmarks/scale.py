"""Scale benchmark: import, start-up, memory, latency and quality at N topics, beside a plain rapidfuzz scan.

Usage::

    python3 ../shared/eval/tools/gen_corpus.py 10000 --out /tmp/c10000
    python -m benchmarks.scale --corpus /tmp/c1000 /tmp/c10000 --n 1000 10000 [--max-questions 200] [--json out.json]

``--corpus`` takes one or more ``gen_corpus.py`` folders (records in ``DIR/topics``, labelled questions in
``DIR/questions.jsonl``). For each N the smallest corpus holding at least N records is used, its first N
records (by file name) are imported, and only the questions about those records are asked: a corpus's
questions are spread over all of its records, so give each size its own corpus to ask them all.

For each N, in subprocesses of their own (so each peak RSS is its own):

1. **import + index s**: the first N records go into a fresh store through ``import_folder`` (the
   project's import path), into a temporary SQLite file unless ``--store`` or ``--database-url``
   says where; then, as ``topicbot import`` ends, the index snapshot is brought up to date
   (``refresh_index_snapshot``; with ``--semantic``, the vector cache too).
2. **first start**: a fresh process starts the way the bot does (``build_services`` over that store,
   seeding off, then one ``Answerer.answer``), loading that snapshot; its wall time and peak RSS.
   With ``--rebuild``, another start with the snapshot removed: the index built from the store.
3. In another fresh process: **start-up** is the wall time from launching it to the first answer;
   **RSS** peak and current right after it. Then, in the same process and on the same questions:
   ``answer()`` p50/p99/max; the **whole reply** as ``topicbot ask`` and Discord make it
   (``Services.ask``: the answer and its "see also" topics, then ``Renderer.render``), first with the
   "see also" lists as a fresh process has them (each computed when its topic is first asked), then
   again with the lists computed ahead, as the bot has them once its background pass has run: with
   ``--warm-related`` after computing every list (with the time that took; at 100k topics that pass
   takes most of an hour), else the lists the first round computed (every asked topic's list, the
   only ones these replies read); the plain scan
   ``process.extractOne(q, titles, scorer=fuzz.WRatio,
   processor=utils.default_process, score_cutoff=61)`` mean/p50/p99; ``index.autocomplete`` p50/p99 on title
   and alias prefixes, half of them with one typo; **top-1** over questions with a labelled topic (the
   answered or scanned title is it, or an ``alt``); **top-1, a shared alias's choice counted**: the
   same, but a question that names its topic only by an alias other topics share (by the corpus's
   ``titles.tsv``: "tell me about BELR" when five companies go by BELR, "what's Lindqvist" among
   thirty Lindqvists) is also right when it gets a choice offering that topic, since the label picked
   one of them at random and a choice is the right answer; **top-1 or offered** counting any choice
   of topics that offers it; **off-topic rejected** over questions labelled with no
   topic and intent ``none`` (the answer abstains; the scan finds nothing above its cutoff).

The ratio column is the project's ``answer()`` p99 over the scan's p99 (below 1: faster than the scan).
``--semantic [MODEL]`` runs the bot with the semantic signal on (the ``[semantic]`` extra), to compare
the same figures with and without it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import statistics
import string
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process, utils
from sqlalchemy.engine import make_url

from benchmarks.command_line import UsageError, run_reporting_usage
from benchmarks.figures import current_rss_mb, latency, peak_rss_mb
from benchmarks.labels import Label, abstained, is_off_topic, label_titles, read_labels, topic_ok
from benchmarks.stores import fresh_postgres, records_dir
from bot.config import SemanticSettings, Settings
from bot.core.engine import TopicIndex
from bot.core.importing import import_folder, record_files
from bot.core.storage import TopicRepository, make_engine, make_session_factory, migrate
from bot.core.usage.records import AskContext
from bot.services import Services, build_services, refresh_index_snapshot

REPO_ROOT = Path(__file__).resolve().parent.parent
SCAN_CUTOFF = 61
PLACEHOLDER = "{n}"
Result = dict[str, Any]



@dataclass(frozen=True)
class Corpus:
    folder: Path
    records: Path
    size: int


# --- the import step (its own process) ---------------------------------------------------------------


async def _import(records: Path, n: int, url: str, semantic: str | None = None) -> Result:
    if make_url(url).get_backend_name() == "postgresql":
        await fresh_postgres(url)
    engine = make_engine(url)
    try:
        await migrate(engine)
        repository = TopicRepository(make_session_factory(engine))
        started = time.perf_counter()
        diff = await import_folder(repository, records, limit=n)
        seconds = time.perf_counter() - started
    finally:
        await engine.dispose()
    rss = peak_rss_mb()
    started = time.perf_counter()  # as ``topicbot import`` ends: the index snapshot brought up to date
    await refresh_index_snapshot(Settings(database_url=url, semantic=SemanticSettings(
        enabled=semantic is not None, model=semantic or "bundled")))
    return {"imported": len(diff.added), "import_s": seconds, "import_peak_rss_mb": rss,
            "index_s": time.perf_counter() - started, "import_index_peak_rss_mb": peak_rss_mb()}


# --- the measuring step (its own process) -----------------------------------------------------------


def with_typo(text: str, rng: random.Random) -> str:
    """``text`` with one slip: a letter dropped, two swapped, one added or one replaced (never the first)."""
    if len(text) < 3:
        return text + rng.choice(string.ascii_lowercase)
    at = rng.randrange(1, len(text) - 1)
    letter = rng.choice(string.ascii_lowercase)
    return rng.choice((
        text[:at] + text[at + 1:],
        text[:at] + text[at + 1] + text[at] + text[at + 2:],
        text[:at] + letter + text[at:],
        text[:at] + letter + text[at + 1:],
    ))


def autocomplete_probes(index: TopicIndex, count: int, seed: int = 0) -> list[tuple[str, str, bool]]:
    """``count`` ``(typed, title, has_typo)`` probes: prefixes (3+ characters) of titles or aliases, every
    second one with a typo."""
    topics = index.topics()
    if not topics:
        return []
    rng = random.Random(seed)
    probes: list[tuple[str, str, bool]] = []
    for i in range(count):
        topic = rng.choice(topics)
        name = rng.choice((topic.title, *topic.all_aliases))
        typed = name[: rng.randint(min(3, len(name)), len(name))]
        has_typo = i % 2 == 1
        probes.append((with_typo(typed, rng) if has_typo else typed, topic.title, has_typo))
    return probes


def shared_names(titles_file: Path) -> dict[str, set[str]]:
    """``gen_corpus.py``'s ``titles.tsv`` (a title, a tab, its aliases joined by ``|``): each alias,
    casefolded, that names two topics or more, with the titles it names. Empty without the file."""
    if not titles_file.is_file():
        return {}
    naming: dict[str, set[str]] = {}
    for line in titles_file.read_text(encoding="utf-8").splitlines():
        title, _, aliases = line.partition("\t")
        for alias in filter(None, aliases.split("|")):
            naming.setdefault(alias.casefold(), set()).add(title)
    return {alias: titles for alias, titles in naming.items() if len(titles) > 1}


def names_several(label: Label, shared: dict[str, set[str]]) -> bool:
    """The question names its topic by an alias other topics share ("tell me about BELR" when five
    companies go by BELR): the right answer is a choice that offers it."""
    words = re.findall(r"[\w-]+", str(label["q"]).casefold())
    if set(re.findall(r"[\w-]+", str(label["topic"]).casefold())) <= set(words):
        return False  # the whole name is there too ("tell me about Oskar Lindqvist")
    spans = {" ".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, min(i + 4, len(words) + 1))}
    return any(label["topic"] in shared.get(span, ()) for span in spans)


def questions_for(labels: Sequence[Label], titles: set[str], limit: int | None) -> list[Label]:
    """The labels about the stored titles only (and the off-topic ones), at most ``limit`` of them."""
    kept = [label for label in labels if label_titles(label) <= titles]
    return kept[:limit] if limit is not None else kept


def _share(hits: int, total: int) -> float | None:
    return hits / total if total else None


def _ms_since(started: float) -> float:
    return (time.perf_counter() - started) * 1000.0


def _replies(services: Services, questions: Sequence[Label]) -> list[float]:
    """Milliseconds per whole reply: ``Services.ask`` (answer and "see also") and the rendering."""
    times: list[float] = []
    context = AskContext()
    for label in questions:
        started = time.perf_counter()
        services.renderer.render(services.ask(str(label["q"]), context, record=False))
        times.append(_ms_since(started))
    return times


async def _measure(url: str, questions_file: Path, limit: int | None, launched_at: float,
                   semantic: str | None = None, warm_related: bool = False) -> Result:
    labels = read_labels(questions_file)
    first_question = str(labels[0]["q"]) if labels else "hello"
    build_started = time.perf_counter()
    settings = Settings(database_url=url, semantic=SemanticSettings(enabled=semantic is not None,
                                                                     model=semantic or "bundled"))
    services = await build_services(settings, seed_knowledge=False)
    try:
        build_s = time.perf_counter() - build_started
        answer_started = time.perf_counter()
        services.answerer.answer(first_question)
        first_answer_ms = _ms_since(answer_started)
        startup_s = time.time() - launched_at
        rss_peak, rss_now = peak_rss_mb(), current_rss_mb()

        index, answerer = services.index, services.answerer
        titles = index.titles()
        questions = questions_for(labels, set(titles), limit)
        answer_ms: list[float] = []
        scan_ms: list[float] = []
        top1 = scan_top1 = rejected = scan_rejected = offered = shared_offered = naming_several = 0
        shared = shared_names(questions_file.parent / "titles.tsv")
        for label in questions:
            text = str(label["q"])
            started = time.perf_counter()
            answer = answerer.answer(text)
            answer_ms.append(_ms_since(started))
            started = time.perf_counter()
            found = process.extractOne(text, titles, scorer=fuzz.WRatio, processor=utils.default_process,
                                       score_cutoff=SCAN_CUTOFF)
            scan_ms.append(_ms_since(started))
            scanned = found[0] if found is not None else None
            if label["topic"] is not None:
                top1 += topic_ok(label, answer)
                in_choice = bool({label["topic"], *label.get("alt", [])} & set(answer.candidates))
                offered += topic_ok(label, answer) or in_choice
                several = names_several(label, shared)
                naming_several += several
                shared_offered += topic_ok(label, answer) or (in_choice and several)
                scan_top1 += scanned in {label["topic"], *label.get("alt", [])}
            elif is_off_topic(label):
                rejected += abstained(answer)
                scan_rejected += scanned is None

        # The whole reply, as ``topicbot ask`` and Discord produce it: answer, "see also", rendering.
        # First with the "see also" lists as a fresh start has them (computed for a topic when first
        # asked), then with them computed ahead: by the background pass (``warm_related``), or else by
        # that first round (which computed every list these questions read).
        reply_first_ms = _replies(services, questions)
        warm_s = None
        if warm_related:
            started = time.perf_counter()
            while services.answerer.warm_related(1000):
                pass
            warm_s = time.perf_counter() - started
        reply_ms = _replies(services, questions)
        rss_after_replies = current_rss_mb()

        complete_ms: list[float] = []
        completed = {False: 0, True: 0}
        probes = autocomplete_probes(index, len(questions))
        for typed, title, has_typo in probes:
            started = time.perf_counter()
            choices = index.autocomplete(typed)
            complete_ms.append(_ms_since(started))
            completed[has_typo] += title in {choice_title for _, choice_title in choices}
    finally:
        await services.close()

    answerable = sum(label["topic"] is not None for label in questions)
    off_topic = sum(is_off_topic(label) for label in questions)
    probes_with_typo = sum(has_typo for _, _, has_typo in probes)
    answer_lat, scan_lat, complete_lat = latency(answer_ms), latency(scan_ms), latency(complete_ms)
    first_lat = latency(reply_first_ms)
    reply_lat = latency(reply_ms) if reply_ms is not None else None
    return {
        "topics": len(index),
        "questions": len(questions),
        "answerable": answerable,
        "off_topic": off_topic,
        "build_services_s": build_s,
        "first_answer_ms": first_answer_ms,
        "startup_s": startup_s,
        "rss_peak_mb": rss_peak,
        "rss_now_mb": rss_now,
        "answer_p50_ms": answer_lat.p50,
        "answer_p99_ms": answer_lat.p99,
        "answer_max_ms": answer_lat.max,
        "answer_mean_ms": statistics.fmean(answer_ms) if answer_ms else None,
        "reply_first_mean_ms": statistics.fmean(reply_first_ms) if reply_first_ms else None,
        "reply_first_p99_ms": first_lat.p99,
        "related_warm_s": warm_s,
        "reply_mean_ms": statistics.fmean(reply_ms) if reply_ms else None,
        "reply_p50_ms": reply_lat.p50 if reply_lat else None,
        "reply_p99_ms": reply_lat.p99 if reply_lat else None,
        "rss_after_replies_mb": rss_after_replies,
        "scan_mean_ms": statistics.fmean(scan_ms) if scan_ms else None,
        "scan_p50_ms": scan_lat.p50,
        "scan_p99_ms": scan_lat.p99,
        "scan_max_ms": scan_lat.max,
        "p99_ratio": answer_lat.p99 / scan_lat.p99 if scan_lat.p99 else None,
        "autocomplete_p50_ms": complete_lat.p50,
        "autocomplete_p99_ms": complete_lat.p99,
        "autocomplete_probes": len(probes),
        "autocomplete_found": _share(completed[False], len(probes) - probes_with_typo),
        "autocomplete_found_typo": _share(completed[True], probes_with_typo),
        "top1": _share(top1, answerable),
        "top1_or_offered": _share(offered, answerable),
        "top1_shared_offered": _share(shared_offered, answerable) if shared else None,
        "shared_name_questions": naming_several,
        "scan_top1": _share(scan_top1, answerable),
        "off_topic_rejected": _share(rejected, off_topic),
        "scan_off_topic_rejected": _share(scan_rejected, off_topic),
    }


# --- the driver ---------------------------------------------------------------------------------------


def _corpora(folders: Sequence[Path]) -> list[Corpus]:
    corpora = []
    for folder in folders:
        if not folder.is_dir():
            raise UsageError(f"--corpus {folder}: no such folder")
        records = records_dir(folder)
        corpora.append(Corpus(folder, records, len(record_files(records))))
    return sorted(corpora, key=lambda corpus: corpus.size)


def _corpus_for(corpora: Sequence[Corpus], n: int) -> Corpus:
    for corpus in corpora:
        if corpus.size >= n:
            return corpus
    largest = corpora[-1]
    raise UsageError(f"--n {n}: no corpus has {n} records (the largest, {largest.folder}, has {largest.size})")


def _store_url(args: argparse.Namespace, n: int, scratch: Path) -> str:
    if args.database_url:
        return str(args.database_url).replace(PLACEHOLDER, str(n))
    path = Path(str(args.store).replace(PLACEHOLDER, str(n))) if args.store else scratch / f"scale-{n}.db"
    return f"sqlite+aiosqlite:///{path.resolve()}"


def _sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    return Path(parsed.database) if parsed.get_backend_name() == "sqlite" and parsed.database else None


def _check(args: argparse.Namespace) -> None:
    if args.store and args.database_url:
        raise UsageError("give either --store or --database-url, not both")
    where = args.store or args.database_url
    if args.skip_import and not where:
        raise UsageError("--skip-import needs --store PATH or --database-url URL naming the imported store")
    if args.skip_import and len(args.n) > 1 and PLACEHOLDER not in where:
        raise UsageError(f"--skip-import with several --n needs {PLACEHOLDER} in --store/--database-url "
                         "(one store per size)")
    if args.max_questions is not None and args.max_questions < 1:
        raise UsageError("--max-questions must be at least 1")
    if any(n < 1 for n in args.n):
        raise UsageError("--n sizes must be at least 1")


def _child(command: list[str]) -> Result:
    done = subprocess.run([sys.executable, "-m", "benchmarks.scale", *command], capture_output=True, text=True,
                          check=False, cwd=REPO_ROOT, env=_CHILD_ENV)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise RuntimeError(last)
    result: Result = json.loads(lines[-1])
    return result


#: The children's environment: with ``--semantic`` their vector cache goes in the run's scratch folder.
_CHILD_ENV: dict[str, str] = dict(os.environ)


def _run_size(args: argparse.Namespace, corpus: Corpus, n: int, scratch: Path) -> Result:
    url = _store_url(args, n, scratch)
    questions = args.questions or corpus.folder / "questions.jsonl"
    result: Result = {"n": n, "corpus": str(corpus.folder), "store": make_url(url).render_as_string(),
                      "semantic": args.semantic or "off"}
    semantic = ["--semantic", args.semantic] if args.semantic else []
    sqlite = _sqlite_path(url)
    if args.skip_import:
        if sqlite is not None and not sqlite.is_file():
            raise UsageError(f"--skip-import: the store {sqlite} does not exist")
        result["import_s"] = None
    else:
        if sqlite is not None:
            sqlite.parent.mkdir(parents=True, exist_ok=True)
            for leftover in (sqlite, sqlite.with_name(sqlite.name + "-wal"), sqlite.with_name(sqlite.name + "-shm")):
                leftover.unlink(missing_ok=True)
        _log(f"N={n}: importing {n} records from {corpus.records}")
        result.update(_child(["--child", "import", "--records", str(corpus.records), "--n", str(n),
                              "--database-url", url, *semantic]))
        _log(f"N={n}: imported {result['imported']} in {result['import_s']:.1f} s")
    measure = ["--child", "measure", "--database-url", url, "--questions", str(questions), *semantic]
    if not args.skip_import:  # the import brought the index snapshot up to date: the first start loads it
        _log(f"N={n}: index ready {result['index_s']:.1f} s after the import; first start (load average {_load()})")
        first = _child([*measure, "--launched-at", repr(time.time()), "--max-questions", "0"])
        result.update({"first_startup_s": first["startup_s"], "first_rss_peak_mb": first["rss_peak_mb"],
                       "first_rss_now_mb": first["rss_now_mb"]})
        _log(f"N={n}: first start after the import {first['startup_s']:.1f} s")
    if args.rebuild and sqlite is not None:  # no snapshot: the index built from the store, a batch at a time
        sqlite.with_name(sqlite.name + ".index").unlink(missing_ok=True)
        _log(f"N={n}: rebuild from the store (no index snapshot; load average {_load()})")
        cold = _child([*measure, "--launched-at", repr(time.time()), "--max-questions", "0"])
        result["cold_startup_s"] = cold["startup_s"]
        result["cold_rss_peak_mb"] = cold["rss_peak_mb"]
        _log(f"N={n}: rebuild {cold['startup_s']:.1f} s")
    command = [*measure, "--launched-at", repr(time.time())]
    if args.max_questions is not None:
        command += ["--max-questions", str(args.max_questions)]
    if args.warm_related:
        command += ["--warm-related"]
    _log(f"N={n}: starting up and asking (load average {_load()})")
    result.update(_child(command))
    _log(f"N={n}: start-up {result['startup_s']:.1f} s, {result['questions']} questions")
    return result


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def _log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _num(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def _ms(value: float | None) -> str:
    return _num(value, 2 if value is not None and value < 10 else 1)


def _ratio(value: float | None, base: float | None) -> str:
    return "–" if value is None or not base else f"{value / base:.2f}×"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f} %"


def markdown_table(results: Sequence[Result]) -> str:
    """One row per size: the project's figures beside the scan's."""
    head = ("| topics | questions (answerable / off-topic) | import + index s | first start s (RSS peak MB) "
            "| rebuild s (RSS peak MB) | start-up s | RSS peak / now MB "
            "| `answer()` p50 / p99 / max ms | whole reply, lists as first asked: mean / p99 ms "
            "| lists computed ahead s | whole reply: mean / p99 ms | scan mean / p50 / p99 ms | reply mean / scan mean "
            "| p99 ratio | autocomplete p50 / p99 ms "
            "| autocomplete found (clean / typo) | top-1 (project / scan) "
            "| top-1, a shared alias's choice counted (questions by a shared alias) | top-1 or offered in a choice "
            "| off-topic rejected (project / scan) |")
    rows = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in results:
        if "error" in r:
            rows.append(f"| {r['n']:,} | failed: {r['error']} |")
            continue
        rows.append(
            f"| {r['topics']:,} | {r['questions']} ({r['answerable']} / {r['off_topic']}) "
            f"| {_num(r['import_s'])} + {_num(r.get('index_s'))} "
            f"| {_num(r.get('first_startup_s'))} ({_num(r.get('first_rss_peak_mb'), 0)}) "
            f"| {_num(r.get('cold_startup_s'))} ({_num(r.get('cold_rss_peak_mb'), 0)}) | {_num(r['startup_s'])} "
            f"| {_num(r['rss_peak_mb'], 0)} / {_num(r['rss_now_mb'], 0)} "
            f"| {_ms(r['answer_p50_ms'])} / {_ms(r['answer_p99_ms'])} / {_ms(r['answer_max_ms'])} "
            f"| {_ms(r.get('reply_first_mean_ms'))} / {_ms(r.get('reply_first_p99_ms'))} "
            f"| {_num(r.get('related_warm_s'))} | {_ms(r.get('reply_mean_ms'))} / {_ms(r.get('reply_p99_ms'))} "
            f"| {_ms(r.get('scan_mean_ms'))} / {_ms(r['scan_p50_ms'])} / {_ms(r['scan_p99_ms'])} "
            f"| {_ratio(r.get('reply_mean_ms') or r.get('reply_first_mean_ms'), r.get('scan_mean_ms'))} "
            f"| {_num(r['p99_ratio'], 2)}× "
            f"| {_ms(r['autocomplete_p50_ms'])} / {_ms(r['autocomplete_p99_ms'])} "
            f"| {_pct(r['autocomplete_found'])} / {_pct(r['autocomplete_found_typo'])} "
            f"| {_pct(r['top1'])} / {_pct(r['scan_top1'])} "
            f"| {_pct(r.get('top1_shared_offered'))} ({r.get('shared_name_questions', '–')}) "
            f"| {_pct(r.get('top1_or_offered'))} "
            f"| {_pct(r['off_topic_rejected'])} / {_pct(r['scan_off_topic_rejected'])} |")
    return "\n".join(rows)


def run(args: argparse.Namespace) -> int:
    _check(args)
    corpora = _corpora(args.corpus)
    plan = [(n, _corpus_for(corpora, n)) for n in args.n]
    if args.questions is not None and not args.questions.is_file():
        raise UsageError(f"--questions {args.questions}: no such file")
    for n, corpus in plan:
        questions = args.questions or corpus.folder / "questions.jsonl"
        if not questions.is_file():
            raise UsageError(f"--n {n}: {questions} does not exist (give --questions FILE)")
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="topicbot-scale-") as scratch:
        if args.semantic:
            _CHILD_ENV["XDG_DATA_HOME"] = str(Path(scratch) / "data")
        for n, corpus in plan:
            try:
                results.append(_run_size(args, corpus, n, Path(scratch)))
            except RuntimeError as error:
                _log(f"N={n}: failed: {error}")
                results.append({"n": n, "corpus": str(corpus.folder), "error": str(error)})
    if args.semantic:
        print(f"semantic signal on ({args.semantic})")
    print(markdown_table(results))
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 1 if any("error" in r for r in results) else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, nargs="+", help="gen_corpus.py folder(s); each N uses the smallest "
                        "that holds N records")
    parser.add_argument("--n", type=int, nargs="+", default=[1000, 10000, 100000], help="corpus sizes")
    parser.add_argument("--questions", type=Path, help="labelled questions (default: CORPUS/questions.jsonl)")
    parser.add_argument("--max-questions", type=int, help="ask at most this many questions per size")
    parser.add_argument("--store", help="SQLite file to import into and keep ({n} is replaced by the size)")
    parser.add_argument("--database-url", help="store URL instead, e.g. PostgreSQL ({n} is replaced by the size; "
                        "a PostgreSQL database is dropped and recreated before the import)")
    parser.add_argument("--skip-import", action="store_true", help="reuse the store named by --store/--database-url")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--semantic", nargs="?", const="bundled", default=None, metavar="MODEL",
                        help="start the bot with the semantic signal on (the [semantic] extra; its vector cache "
                        "goes in a scratch folder, so the cold start embeds every topic)")
    parser.add_argument("--rebuild", action="store_true", help="also time a start with no index snapshot (the "
                        "index built from the store)")
    parser.add_argument("--warm-related", action="store_true", help="after the first replies, compute every "
                        "topic's \"see also\" list (as the bot does in the background) and time the replies again")
    parser.add_argument("--child", choices=["import", "measure"], help=argparse.SUPPRESS)
    parser.add_argument("--records", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--launched-at", type=float, help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.child == "import":
        print(json.dumps(asyncio.run(_import(args.records, args.n[0], args.database_url, args.semantic))))
        return 0
    if args.child == "measure":
        result = asyncio.run(_measure(args.database_url, args.questions, args.max_questions, args.launched_at,
                                      args.semantic, args.warm_related))
        print(json.dumps(result))
        return 0
    if not args.corpus:
        parser.error("--corpus DIR is required")
    return run_reporting_usage(parser, run, args)


if __name__ == "__main__":
    raise SystemExit(main())
