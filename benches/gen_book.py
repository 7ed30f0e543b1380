#!/usr/bin/env python3
"""Generate a large Spotlight project for benchmarks.

    benches/gen_book.py OUT_DIR [--chapters 40] [--words 2500] [--editions en,fr,es,de,it]
                                [--fonts ./fonts] [--seed 1]

Writes a complete project into OUT_DIR (which must not exist or be empty):

    report.yaml                 5 editions, chicago-author-date, Noto fonts
    people.yaml                 one interviewer and six interviewees
    bibliography/refs.yaml      Hayagriva YAML, every entry cited at least once
    chapters/<lang>/NN-*.md     CHAPTERS chapters of about WORDS words each: sections, paragraphs,
                                footnotes ([^n] + definitions), citations ([@key], [@key, p. N],
                                [@a; @b], narrative @key), a GFM table, speaker turns
                                (**Name:** text), a [!NOTE] box every fourth chapter
    chapters/<lang>/edition.yaml  translations: translation: {of: en, status: complete}
    chapters/<lang>/people.yaml   role, organization, bio for every person
    fonts/                      a copy of the repository's fonts/
    pandoc/references.json      the same bibliography as CSL JSON (for the Pandoc comparison only;
                                outside bibliography/ so Spotlight does not read it)
    pandoc/<lang>.yaml          Pandoc metadata (title, lang) per edition

Every edition holds the same (English, Latin-script) text; each translated chapter carries
`source-hash:` = the first 16 hex digits of the SHA-256 of the English chapter file, so the build
reports no stale chapters. Every speaker is a person record and every record speaks. The output is
deterministic for a given seed. Prints one JSON line describing what it wrote.
"""

import argparse
import hashlib
import json
import random
import shutil
import sys
from pathlib import Path

WORDS = """
migration policy labour rights workers government civil society dialogue review forum regional
national local community city border protection asylum refugee family health education housing
wages contract recruitment employer union agreement compact declaration report evidence data
survey access services justice equality women gender youth children climate displacement
resilience mobility pathway visa residence permit integration inclusion language training skills
recognition remittance development investment finance budget capacity institution ministry
agency network coalition partner stakeholder process commitment implementation progress
indicator target measure outcome result impact challenge opportunity barrier risk response
crisis pandemic recovery safety dignity decent work social protection pension insurance
domestic agricultural construction seasonal temporary permanent irregular regular detention
alternative return reintegration diaspora knowledge practice experience lesson approach
strategy framework standard principle obligation accountability transparency participation
consultation negotiation cooperation solidarity trust support funding research analysis
observation monitoring evaluation testimony voice perspective priority recommendation
""".split()

ADJECTIVES = """
meaningful significant limited broad shared practical concrete durable fair effective
inclusive transparent regional global local urgent careful gradual uneven persistent
""".split()

VERBS = """
shows suggests requires supports undermines strengthens reflects shapes limits improves
reveals confirms challenges extends protects ensures highlights questions reduces increases
""".split()

CONNECTORS = [
    "However,", "In practice,", "At the same time,", "For this reason,", "Moreover,",
    "In several countries,", "According to the review,", "By contrast,", "Above all,",
    "In the long run,", "Even so,", "As a result,",
]

TOPICS = [
    "Regular Pathways", "Labour Mobility", "Decent Work", "Social Protection", "Access to Justice",
    "Climate and Displacement", "Family Reunification", "Recruitment Fees", "Data and Evidence",
    "Local Governance", "Health Services", "Education and Skills", "Detention Alternatives",
    "Return and Reintegration", "Diaspora Engagement", "Gender and Migration", "Children on the Move",
    "Civil Society Space", "Regional Reviews", "Financing Commitments",
]

PEOPLE = [
    # id, name, short forms, interviewer
    ("editor", "Editorial Board", ["ED"], True),
    ("okafor", "Amara Okafor", [], False),
    ("fernandez", "Lucía Fernández", [], False),
    ("lindqvist", "Jonas Lindqvist", [], False),
    ("haugen", "Ingrid Haugen", [], False),
    ("duarte", "Rafael Duarte", [], False),
    ("nkosi", "Thandiwe Nkosi", [], False),
]

ORGS = [
    ("Institute for Migration Studies", "IMS"),
    ("Coalition for Workers’ Rights", "CWR"),
    ("Network of Cities on Migration", "NCM"),
    ("Centre for Social Policy", "CSP"),
    ("Regional Observatory on Mobility", "ROM"),
    ("Alliance for Fair Recruitment", "AFR"),
]

ROLES = ["Director of Research", "Senior Policy Adviser", "Programme Coordinator",
         "Executive Director", "Legal Officer", "Head of Advocacy"]

AUTHORS = ["Adeyemi", "Bauer", "Castillo", "Dubois", "Eriksen", "Fischer", "García", "Hansen",
           "Ibrahim", "Jensen", "Kowalski", "Laurent", "Moreau", "Novak", "Okonkwo", "Petrov",
           "Quintero", "Rossi", "Schmidt", "Torres", "Umarov", "Varga", "Weber", "Yilmaz"]
GIVEN = ["Ana", "Ben", "Clara", "David", "Elena", "Farid", "Greta", "Hugo", "Irene", "Jan",
         "Katrin", "Luis", "Marta", "Nils", "Olga", "Pablo", "Rosa", "Sven", "Teresa", "Victor",
         "Wanda", "Xavier", "Yara", "Zoe"]
PUBLISHERS = ["Policy Press", "Academic Publishing House", "Global Research Network",
              "University Press of Europe", "Migration Policy Institute"]

EDITION_NAMES = {"en": "English", "fr": "French", "es": "Spanish", "de": "German", "it": "Italian",
                 "pt": "Portuguese", "nl": "Dutch", "sv": "Swedish", "pl": "Polish"}


def yaml_str(s):
    """A double-quoted YAML scalar."""
    return json.dumps(s, ensure_ascii=False)


class Prose:
    def __init__(self, rng):
        self.rng = rng

    def sentence(self, lo=9, hi=22):
        r = self.rng
        n = r.randint(lo, hi)
        words = [r.choice(WORDS) for _ in range(n)]
        # a verb and an adjective somewhere, a comma now and then
        words[min(2, n - 1)] = r.choice(VERBS)
        words[r.randrange(3, n)] = r.choice(ADJECTIVES)
        if n > 12 and r.random() < 0.5:
            words[n // 2] += ","
        text = " ".join(words)
        if r.random() < 0.25:
            text = r.choice(CONNECTORS) + " " + text
        text = text[0].upper() + text[1:]
        return text + ("?" if r.random() < 0.04 else ".")

    def paragraph(self, words):
        out = []
        count = 0
        while count < words:
            s = self.sentence()
            out.append(s)
            count += len(s.split())
        return out


class Chapter:
    """Builds one chapter; footnote numbers continue across the book (unique labels, so the
    chapters can also be concatenated, as Pandoc does)."""

    def __init__(self, book, index, title, words):
        self.book = book
        self.rng = random.Random(book.seed * 1000 + index)
        self.prose = Prose(self.rng)
        self.index = index
        self.title = title
        self.words = words
        self.blocks = []
        self.notes = []

    def cite(self):
        r = self.rng
        key = self.book.next_key()
        form = r.random()
        if form < 0.45:
            return f"[@{key}]"
        if form < 0.75:
            return f"[@{key}, p. {r.randint(3, 240)}]"
        if form < 0.9:
            other = self.book.next_key()
            return f"[@{key}; @{other}]" if other != key else f"[@{key}]"
        return f"[see @{key}, chap. {r.randint(1, 12)}]"

    def footnote(self):
        self.book.note_counter += 1
        n = self.book.note_counter
        text = " ".join(self.prose.paragraph(18)[:2])
        if self.rng.random() < 0.4:
            text = text[:-1] + " " + self.cite() + "."
        self.notes.append(f"[^{n}]: {text}")
        return f"[^{n}]"

    def para(self, words, notes=1, cites=1):
        sentences = self.prose.paragraph(words)
        r = self.rng
        for _ in range(cites):
            i = r.randrange(len(sentences))
            sentences[i] = sentences[i][:-1] + " " + self.cite() + sentences[i][-1]
        for _ in range(notes):
            i = r.randrange(len(sentences))
            sentences[i] = sentences[i] + self.footnote()
        if r.random() < 0.08:
            key = self.book.next_key()
            sentences.append(f"As @{key} argues, the {r.choice(ADJECTIVES)} {r.choice(WORDS)} "
                             f"{r.choice(VERBS)} the {r.choice(WORDS)} of the {r.choice(WORDS)}.")
        return " ".join(sentences)

    def turn(self, speaker, words):
        self.book.spoke.add(speaker)
        return f"**{speaker}:** {self.para(words, notes=1 if self.rng.random() < 0.3 else 0, cites=0)}"

    def table(self):
        r = self.rng
        head = "| Region | 2019 | 2020 | 2021 | Change |"
        rule = "| --- | ---: | ---: | ---: | ---: |"
        rows = [head, rule]
        for region in r.sample(["Africa", "Asia", "Europe", "Latin America", "Middle East",
                                "North America", "Oceania", "Caribbean"], self.book.table_rows):
            a, b, c = (r.randint(1000, 99000) for _ in range(3))
            rows.append(f"| {region} | {a:,} | {b:,} | {c:,} | {100 * (c - a) / a:+.1f}% |")
        caption = f"*Table {self.index}: {r.choice(ADJECTIVES)} {r.choice(WORDS)} by region " \
                  f"{self.cite()}.*"
        return "\n".join(rows) + "\n\n" + caption

    def build(self):
        b = self.blocks
        book = self.book
        b.append(f"# {self.title}")
        b.append(self.para(160, notes=1, cites=1))
        if self.index % 4 == 0:
            b.append(f"> [!NOTE] {self.rng.choice(TOPICS)} in brief\n> " + self.para(70, notes=0, cites=0))
        interviewer = book.interviewer_turn_name
        section = 0
        # Sections of: paragraph, question, two answers, (a table in the second), paragraph;
        # the word count is checked before every block, so chapters end close to WORDS.
        while self.word_count() < self.words - 60:
            section += 1
            b.append(f"## {self.rng.choice(ADJECTIVES).capitalize()} {self.rng.choice(WORDS)} "
                     f"({section})")
            steps = [lambda: self.para(130, notes=1, cites=1),
                     lambda: self.turn(interviewer, 35),
                     lambda: self.turn(book.next_speaker(), 110),
                     lambda: self.turn(book.next_speaker(), 110)]
            if section == 2 or (section == 1 and self.words < 1200):
                steps.append(self.table)
            steps.append(lambda: self.para(120, notes=1, cites=1))
            for step in steps:
                if self.word_count() >= self.words - 60:
                    break
                b.append(step())
        return "\n\n".join(b + self.notes) + "\n"

    def word_count(self):
        return sum(len(x.split()) for x in self.blocks + self.notes)


class Book:
    def __init__(self, seed, table_rows=5, n_refs=30):
        self.seed = seed
        self.table_rows = table_rows
        self.rng = random.Random(seed)
        self.note_counter = 0
        self.keys = []
        self.refs = []
        for i in range(n_refs):
            surname = AUTHORS[i % len(AUTHORS)]
            year = 2005 + (i * 7) % 18
            key = f"{surname.lower().replace('í', 'i')}-{year}-{i}"
            self.keys.append(key)
            self.refs.append((key, surname, GIVEN[(i * 5) % len(GIVEN)], year, i))
        self.key_cursor = 0
        interviewees = [p for p in PEOPLE if not p[3]]
        self.speakers = [p[1] for p in interviewees]
        self.speaker_cursor = 0
        self.spoke = set()  # speaker names and short forms used in turns
        self.interviewer_turn_name = next(p for p in PEOPLE if p[3])[2][0]

    def next_key(self):
        # round robin first (every entry is cited), random afterwards
        if self.key_cursor < len(self.keys):
            key = self.keys[self.key_cursor]
            self.key_cursor += 1
            return key
        return self.rng.choice(self.keys)

    def next_speaker(self):
        s = self.speakers[self.speaker_cursor % len(self.speakers)]
        self.speaker_cursor += 1
        return s


def hayagriva_yaml(book):
    out = ["# Generated by benches/gen_book.py (Hayagriva YAML)."]
    for key, surname, given, year, i in book.refs:
        kind = ["book", "report", "article"][i % 3]
        title = f"{TOPICS[i % len(TOPICS)]} and the {ADJECTIVES[i % len(ADJECTIVES)].capitalize()} " \
                f"{WORDS[(i * 11) % len(WORDS)].capitalize()}"
        out.append(f"{key}:")
        out.append(f"  type: {kind}")
        out.append(f"  title: {yaml_str(title)}")
        out.append(f"  author: {yaml_str(surname + ', ' + given)}")
        out.append(f"  date: {year}")
        if kind == "article":
            out.append("  parent:")
            out.append("    type: periodical")
            out.append(f"    title: {yaml_str('Journal of ' + TOPICS[(i + 3) % len(TOPICS)])}")
            out.append(f"    volume: {1 + i % 30}")
            out.append(f"  page-range: {10 + i}-{30 + i}")
        else:
            out.append(f"  publisher: {yaml_str(PUBLISHERS[i % len(PUBLISHERS)])}")
        if i % 4 == 0:
            out.append(f"  url: https://example.org/works/{key}")
        out.append("")
    return "\n".join(out)


def csl_json(book):
    items = []
    for key, surname, given, year, i in book.refs:
        kind = ["book", "report", "article"][i % 3]
        title = f"{TOPICS[i % len(TOPICS)]} and the {ADJECTIVES[i % len(ADJECTIVES)].capitalize()} " \
                f"{WORDS[(i * 11) % len(WORDS)].capitalize()}"
        item = {"id": key, "type": {"article": "article-journal"}.get(kind, kind), "title": title,
                "author": [{"family": surname, "given": given}], "issued": {"date-parts": [[year]]}}
        if kind == "article":
            item["container-title"] = "Journal of " + TOPICS[(i + 3) % len(TOPICS)]
            item["volume"] = str(1 + i % 30)
            item["page"] = f"{10 + i}-{30 + i}"
        else:
            item["publisher"] = PUBLISHERS[i % len(PUBLISHERS)]
        if i % 4 == 0:
            item["URL"] = f"https://example.org/works/{key}"
        items.append(item)
    return json.dumps(items, ensure_ascii=False, indent=1)


def people_yaml(people):
    out = ["# The people of the generated book (benches/gen_book.py)."]
    for pid, name, short, interviewer in people:
        out.append(f"- id: {pid}")
        out.append(f"  name: {yaml_str(name)}")
        if short:
            out.append(f"  short: [{', '.join(short)}]")
        if interviewer:
            out.append("  interviewer: true")
            out.append("  url: https://example.org")
    return "\n".join(out) + "\n"


def edition_people_yaml(people, lang, rng):
    prose = Prose(rng)
    out = [f"# People of the {EDITION_NAMES.get(lang, lang)} edition (benches/gen_book.py)."]
    for i, (pid, name, _short, interviewer) in enumerate(people):
        out.append(f"{pid}:")
        if interviewer:
            out.append("  organization: Spotlight Benchmark Press")
            out.append("  organization-short: SBP")
            out.append("  role: Interviewer")
            continue
        org, org_short = ORGS[(i - 1) % len(ORGS)]
        out.append(f"  role: {yaml_str(ROLES[(i - 1) % len(ROLES)])}")
        out.append(f"  organization: {yaml_str(org)}")
        out.append(f"  organization-short: {org_short}")
        bio = f"{name} works at the {org} on {ROLES[(i - 1) % len(ROLES)].lower()} matters. " \
              + " ".join(prose.paragraph(60))
        out.append("  bio: |")
        out.append("    " + bio)
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--chapters", type=int, default=40)
    ap.add_argument("--words", type=int, default=2500, help="words per chapter (approximate)")
    ap.add_argument("--editions", default="en,fr,es,de,it", help="comma-separated; the first is the source")
    ap.add_argument("--fonts", type=Path, default=Path(__file__).resolve().parent.parent / "fonts")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--table-rows", type=int, default=5, choices=range(1, 9), metavar="1..8",
                    help="body rows of the table in each chapter")
    args = ap.parse_args()

    editions = [e.strip() for e in args.editions.split(",") if e.strip()]
    source = editions[0]
    out = args.out
    if out.exists() and any(out.iterdir()):
        sys.exit(f"gen_book.py: {out} exists and is not empty")
    out.mkdir(parents=True, exist_ok=True)

    book = Book(args.seed, table_rows=args.table_rows)
    title = "The Large Benchmark Book"
    (out / "report.yaml").write_text(f"""# Generated by benches/gen_book.py: a large book for benchmarks.
title: {title}
subtitle: Forty conversations on migration policy, generated for benchmarks
slug: big-book
# An interview: paragraphs opening with **Name:** are speaker turns.
kind: interview
year: 2024
date: 2024-01-15
language: {source}
editions: [{', '.join(editions)}]
keywords: [benchmark, migration, generated]
publisher:
  name: Spotlight Benchmark Press
  office: Test Office
  address:
    - 1 Example Street
    - 1000 Example City
  contact:
    - https://example.org
bibliography:
  style: chicago-author-date
fonts:
  serif: [Noto Serif]
  sans: [Noto Sans]
  mono: [DejaVu Sans Mono]
""", encoding="utf-8")
    (out / "pandoc").mkdir()
    if args.fonts.is_dir():
        shutil.copytree(args.fonts, out / "fonts")
    else:
        sys.exit(f"gen_book.py: no fonts folder at {args.fonts}")

    # The source chapters.
    src_dir = out / "chapters" / source
    src_dir.mkdir(parents=True)
    names = []
    total_words = 0
    for i in range(1, args.chapters + 1):
        topic = TOPICS[(i - 1) % len(TOPICS)]
        ch_title = f"{topic}, Part {(i - 1) // len(TOPICS) + 1}"
        text = Chapter(book, i, ch_title, args.words).build()
        name = f"{i:02d}-{topic.lower().replace(' ', '-')}-{(i - 1) // len(TOPICS) + 1}.md"
        (src_dir / name).write_text(text, encoding="utf-8")
        names.append(name)
        total_words += len(text.split())
    # A small book may not cite every reference or give every interviewee a turn: keep only the
    # references cited (they are cited in order first) and the people who speak, so the build has
    # no "never cited" or "never speaks" warnings.
    book.refs = book.refs[:book.key_cursor]
    book.keys = book.keys[:book.key_cursor]
    people = [p for p in PEOPLE if p[1] in book.spoke or set(p[2]) & book.spoke]
    (out / "people.yaml").write_text(people_yaml(people), encoding="utf-8")
    (out / "bibliography").mkdir()
    (out / "bibliography" / "refs.yaml").write_text(hayagriva_yaml(book), encoding="utf-8")
    (out / "pandoc" / "references.json").write_text(csl_json(book), encoding="utf-8")

    for lang in editions:
        d = out / "chapters" / lang
        d.mkdir(parents=True, exist_ok=True)
        label = EDITION_NAMES.get(lang, lang)
        edition = [f"# The {label} edition (generated; same text as the source).",
                   f"title: {title}",
                   "subtitle: Forty conversations on migration policy, generated for benchmarks"]
        if lang != source:
            edition += ["translation:", f"  of: {source}", "  status: complete",
                        "  translator: the benchmark generator"]
            for name in names:
                data = (src_dir / name).read_bytes()
                digest = hashlib.sha256(data).hexdigest()[:16]
                (d / name).write_bytes(f"---\nsource-hash: {digest}\n---\n\n".encode() + data)
        (d / "edition.yaml").write_text("\n".join(edition) + "\n", encoding="utf-8")
        (d / "people.yaml").write_text(edition_people_yaml(people, lang, random.Random(args.seed + 7)),
                                       encoding="utf-8")
        (out / "pandoc" / f"{lang}.yaml").write_text(
            f"title: {yaml_str(title)}\nlang: {lang}\ncreator:\n  - role: publisher\n"
            f"    text: Spotlight Benchmark Press\n", encoding="utf-8")

    print(json.dumps({"project": str(out), "editions": editions, "chapters": args.chapters,
                      "words_per_edition": total_words, "footnotes": book.note_counter,
                      "references": len(book.keys), "people": len(people),
                      "table_rows": args.table_rows, "seed": args.seed}))


if __name__ == "__main__":
    main()
