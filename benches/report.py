#!/usr/bin/env python3
"""Turn the raw samples of benches/bench.sh into the final table and the JSON file.

    report.py --raw RAW.tsv --meta META.tsv --work WORKDIR --json OUT.json

RAW.tsv: name, run, wall nanoseconds, max RSS KiB (one line per run).
META.tsv: key, value (value may be a JSON document).
Targets are printed next to the ratios; nothing fails because of a number.
"""

import argparse
import json
import statistics
from pathlib import Path

DESCRIPTIONS = {
    "report_all_j1": "report: build all editions+formats, --jobs 1",
    "report_all_default": "report: build all editions+formats, default jobs",
    "report_pdf_j1": "report: build PDF only, --jobs 1",
    "report_floor": "report: floor (emitted Typst, typst alone, 1 by 1)",
    "report_floor_1t": "report: floor, typst on 1 thread (RAYON_NUM_THREADS=1)",
    "book_all_j1": "big book: 5 editions x 2 formats, --jobs 1",
    "book_all_j2": "big book: 5 editions x 2 formats, --jobs 2",
    "book_en_j2": "big book: one edition alone (--lang en), --jobs 2",
    "book_pdf_j1": "big book: PDF only, --jobs 1",
    "book_epub_j1": "big book: EPUB only, --jobs 1",
    "book_floor": "big book: floor (emitted Typst, typst alone, 1 by 1)",
    "book_floor_1t": "big book: floor, typst on 1 thread (RAYON_NUM_THREADS=1)",
    "book_floor_en_1t": "big book: Spotlight's Typst, source edition, typst on 1 thread",
    "pandoc": "big book: Pandoc, 5 editions x EPUB+PDF, 1 by 1",
    "book_pandoc_typst_1t": "big book: Pandoc's Typst (-t typst), same edition, typst on 1 thread",
    "report_pandoc": "report: Pandoc, every edition x EPUB+PDF, 1 by 1",
    "watch_cold": "big book: watch, first build (as watch prints it)",
    "watch_rebuild": "big book: watch, first rebuild after one paragraph changed",
    "report_cached": "report: rebuild with nothing changed (build cache)",
    "book_cached": "big book: rebuild with nothing changed (build cache)",
    "book_one_chapter": "big book: one chapter of one edition changed (build cache)",
}


def load_meta(path):
    meta = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        key, _, value = line.partition("\t")
        try:
            meta[key] = json.loads(value) if value[:1] in "{[" else value
        except json.JSONDecodeError:
            meta[key] = value
    return meta


def load_raw(path):
    samples = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        name, run, ns, rss, cpu, other = line.split("\t")
        s = samples.setdefault(name, {"seconds": [], "max_rss_kib": [], "cpu_s": [], "others_cpu_s": []})
        s["seconds"].append(int(ns) / 1e9)
        s["max_rss_kib"].append(int(rss) if rss.isdigit() else None)
        # "-": a time the measured program printed itself (watch), with no RSS or CPU of its own.
        s["cpu_s"].append(None if cpu == "-" else float(cpu))
        s["others_cpu_s"].append(None if other == "-" else float(other))
    return samples


def summarize(samples):
    out = {}
    for name, s in samples.items():
        rss = [r for r in s["max_rss_kib"] if r is not None]
        cpu = [c for c in s["cpu_s"] if c is not None]
        others = [(o, w) for o, w in zip(s["others_cpu_s"], s["seconds"]) if o is not None]
        out[name] = {
            "description": DESCRIPTIONS.get(name, name),
            "runs": len(s["seconds"]),
            "seconds": [round(x, 4) for x in s["seconds"]],
            "median_s": round(statistics.median(s["seconds"]), 4),
            "min_s": round(min(s["seconds"]), 4),
            "max_s": round(max(s["seconds"]), 4),
            "max_rss_kib": s["max_rss_kib"],
            "median_max_rss_kib": int(statistics.median(rss)) if rss else None,
            "cpu_s": s["cpu_s"],
            "median_cpu_s": round(statistics.median(cpu), 3) if cpu else None,
            # CPU time other processes used while this ran, as a share of one core (noise)
            "others_cpu_s": s["others_cpu_s"],
            "median_others_share": round(statistics.median(o / w for o, w in others), 3) if others else None,
        }
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", required=True)
    ap.add_argument("--meta", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--json", required=True)
    args = ap.parse_args()

    meta = load_meta(args.meta)
    m = summarize(load_raw(args.raw))
    work = Path(args.work)

    def med(name):
        return m[name]["median_s"] if name in m else None

    def rss(name):
        return m[name]["median_max_rss_kib"] if name in m else None

    ratios = {}
    notes = []

    def ratio(key, description, value, unit, target_text, passed):
        ratios[key] = {"description": description, "value": value, "unit": unit,
                       "target": target_text, "pass": passed}

    def overhead(key, what, build, floor, judged=True):
        if med(build) and med(floor):
            v = (med(build) - med(floor)) / med(floor) * 100
            ratio(key, what, round(v, 1), "% of floor", "<= 10%" if judged else "(info)",
                  (v <= 10) if judged else None)

    overhead("report_pdf_overhead", "report: PDF build overhead over floor", "report_pdf_j1", "report_floor")
    overhead("report_pdf_overhead_1t", "report: same, over the 1-thread floor (like for like)",
             "report_pdf_j1", "report_floor_1t", judged=False)
    if med("report_all_j1") and med("report_all_default"):
        ratio("report_jobs_speedup", "report: default jobs speedup over --jobs 1",
              round(med("report_all_j1") / med("report_all_default"), 2), "x", "(info)", None)
    overhead("book_pdf_overhead", "big book: PDF build overhead over floor", "book_pdf_j1", "book_floor")
    overhead("book_pdf_overhead_1t", "big book: same, over the 1-thread floor (like for like)",
             "book_pdf_j1", "book_floor_1t", judged=False)
    if med("book_all_j1") and med("book_all_j2"):
        v = med("book_all_j1") / med("book_all_j2")
        ratio("book_jobs2_speedup", "big book: --jobs 2 speedup over --jobs 1", round(v, 2), "x",
              ">= 1.6x", v >= 1.6)
    if rss("book_all_j2") and rss("book_en_j2"):
        v = rss("book_all_j2") / rss("book_en_j2")
        ratio("book_rss_ratio", "big book: peak RSS 5 editions / 1 edition (--jobs 2)", round(v, 2), "x",
              "<= 2x", v <= 2)
    if med("report_all_default") and med("report_cached"):
        v = med("report_all_default") / med("report_cached")
        ratio("report_cached_speedup", "report: cold build / rebuild with nothing changed", round(v, 1), "x",
              ">= 20x", v >= 20)
    if med("book_all_j2") and med("book_cached"):
        v = med("book_all_j2") / med("book_cached")
        ratio("book_cached_speedup", "big book: cold build / rebuild with nothing changed", round(v, 1), "x",
              ">= 20x", v >= 20)
    if med("book_all_j2") and med("book_one_chapter"):
        ratio("book_one_chapter_share", "big book: one chapter changed / cold build (--jobs 2)",
              round(med("book_one_chapter") / med("book_all_j2") * 100, 1), "%", "(info)", None)
    if med("book_all_j1") and med("book_epub_j1"):
        ratio("book_epub_share", "big book: EPUB-only time / full build (--jobs 1)",
              round(med("book_epub_j1") / med("book_all_j1") * 100, 1), "%", "(info)", None)
    if med("pandoc") and med("book_all_j2"):
        v = med("pandoc") / med("book_all_j2")
        ratio("pandoc_over_spotlight", "big book: Pandoc / Spotlight (default jobs), 5 ed. x PDF+EPUB",
              round(v, 2), "x", ">= 3x", v >= 3)
    if med("report_pandoc") and med("report_all_default"):
        v = med("report_pandoc") / med("report_all_default")
        ratio("report_pandoc_over_spotlight", "report: Pandoc / Spotlight (default jobs), PDF+EPUB",
              round(v, 2), "x", ">= 5x", v >= 5)

    def pages_of(key):
        # "en=286 " -> 286 (the first edition listed)
        text = str(meta.get(key, "")).strip()
        try:
            return int(text.split()[0].split("=")[1]) if text else None
        except (IndexError, ValueError):
            return None

    spot_pages, pandoc_pages = pages_of("book_floor_en_pages"), pages_of("pandoc_typst_pages")
    per_page = {}
    for name, pages in (("book_floor_en_1t", spot_pages), ("book_pandoc_typst_1t", pandoc_pages)):
        if med(name) and pages:
            per_page[name] = med(name) / pages * 1000
            ratio(name + "_per_page", f"{DESCRIPTIONS[name]}: ms per page ({pages} pages)",
                  round(per_page[name], 2), "ms/page", "(info)", None)
    if len(per_page) == 2:
        v = per_page["book_floor_en_1t"] / per_page["book_pandoc_typst_1t"]
        ratio("typst_per_page_ratio", "big book: typst per page, Spotlight's Typst / Pandoc's (1 thread)",
              round(v, 2), "x", "<= 1x", v <= 1)
    if med("watch_cold") and med("watch_rebuild"):
        v = med("watch_rebuild") / med("watch_cold") * 100
        ratio("watch_rebuild_share", "big book: watch rebuild after one paragraph / its first build",
              round(v, 1), "%", "<= 10%", v <= 10)
    if "book_workaround" in meta:
        notes.append("big book: " + meta["book_workaround"])
    for key, label in (("report_warnings", "report"), ("book_warnings", "big book")):
        if str(meta.get(key, "0")) not in ("0", ""):
            notes.append(f"{label}: the build printed {meta[key]} warning(s)")

    # Spotlight's own per-stage timings (when the binary has --timings).
    timings = {}
    timing_text = []
    if str(meta.get("timings_supported")) == "1":
        for name in ("report_all_j1", "book_all_j1"):
            entry = {}
            txt = work / f"timings-{name}.txt"
            js = work / f"timings-{name}.json"
            if txt.exists():
                entry["text"] = txt.read_text(encoding="utf-8", errors="replace").rstrip()
                timing_text.append((name, entry["text"]))
            if js.exists():
                try:
                    entry["json"] = json.loads(js.read_text(encoding="utf-8"))
                except json.JSONDecodeError as e:
                    entry["json_error"] = str(e)
                    notes.append(f"--timings-json of {name} is not valid JSON: {e}")
            else:
                notes.append(f"--timings-json wrote no file for {name}")
            timings[name] = entry
    print()
    if timing_text:
        for name, text in timing_text:
            print(f"per-stage timings ({DESCRIPTIONS[name]}, last run, `spotlight build --timings`):")
            for line in text.splitlines() or ["(no output)"]:
                print("    " + line)
            print()
    else:
        print("per-stage timings: not available in this build")
        print()

    # The final table.
    noisy = []
    rows = [("measurement / ratio", "median", "min", "max", "peak RSS", "cpu", "others", "runs", "target",
             "result")]
    for name in DESCRIPTIONS:
        if name not in m:
            continue
        x = m[name]
        r = x["median_max_rss_kib"]
        rows.append((x["description"], f"{x['median_s']:.3f} s", f"{x['min_s']:.3f} s", f"{x['max_s']:.3f} s",
                     f"{r / 1024:.0f} MiB" if r else "-",
                     "-" if x["median_cpu_s"] is None else f"{x['median_cpu_s']:.2f} s",
                     "-" if x["median_others_share"] is None else f"{100 * x['median_others_share']:.0f}%",
                     str(x["runs"]), "", ""))
        if (x["median_others_share"] or 0) > 0.10 and \
                statistics.median(o for o in x["others_cpu_s"] if o is not None) > 0.1:
            noisy.append(x["description"])
    rows.append(None)
    for key, r in ratios.items():
        unit = r["unit"]
        value = f"{r['value']:.1f}%" if unit.startswith("%") else f"{r['value']:.2f}x"
        if unit == "ms/page":
            value = f"{r['value']:.2f} ms"
        result = "" if r["pass"] is None and r["target"] == "(info)" else \
            ("n/a" if r["pass"] is None else ("pass" if r["pass"] else "MISS"))
        rows.append((r["description"], value, "", "", "", "", "", "", r["target"], result))
    widths = [max(len(row[i]) for row in rows if row) for i in range(len(rows[0]))]
    line = "-" * (sum(widths) + 2 * (len(widths) - 1))

    def fmt(row):
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:8], widths[1:8])] + \
                [row[8].ljust(widths[8]), row[9].ljust(widths[9])]
        return "  ".join(cells).rstrip()

    book = meta.get("book") if isinstance(meta.get("book"), dict) else {}
    print(f"Spotlight benchmarks  ({meta.get('version', '?')}, commit {meta.get('commit', '?')}, "
          f"{meta.get('cores', '?')} cores, {meta.get('cpu', '?')})")
    if str(meta.get("built")) != "1":
        print(f"binary not rebuilt by this run (--no-build/--bin): {meta.get('binary')}, "
              f"modified {meta.get('binary_mtime')}; the commit above is the work tree's")
    print(f"load average before the run: {meta.get('loadavg_start', '?')}")
    print(f"medians of {meta.get('runs')} runs (report) and {meta.get('book_runs')} runs (big book); "
          f"cold process per run; wall time; peak RSS = median of max RSS")
    print(f"report pages: {meta.get('report_pages', '?').strip()}")
    if book:
        print(f"big book: {book.get('chapters')} chapters, {book.get('words_per_edition')} words, "
              f"{book.get('footnotes')} footnotes per edition, editions {','.join(book.get('editions', []))}; "
              f"pages: {meta.get('book_pages', '?').strip()}")
    if meta.get("pandoc_version"):
        print(f"pandoc: {meta['pandoc_version']} ({meta.get('pandoc_path')})")
    print(line)
    print(fmt(rows[0]))
    print(line)
    for row in rows[1:]:
        print(line if row is None else fmt(row))
    print(line)
    print("cpu = median CPU time of the process tree; others = median CPU time of other processes during a run,")
    print("as a share of one core (above ~10% the machine was busy and the numbers are noisy)")
    if noisy:
        notes.append("other processes used more than 10% of a core during: " + "; ".join(noisy)
                     + " (numbers are noisy; rerun on an idle machine)")
    for n in notes:
        print("note: " + n)

    def typed(v):
        if isinstance(v, str) and v.lstrip("-").isdigit():
            return int(v)
        return v.strip() if isinstance(v, str) else v

    result = {
        "meta": {k: typed(v) for k, v in meta.items() if k != "book"},
        "book": book,
        "measurements": m,
        "ratios": ratios,
        "timings": timings if timings else None,
        "notes": notes,
    }
    Path(args.json).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"raw numbers: {args.json}  (whole run: {meta.get('elapsed_s', '?')} s)")


if __name__ == "__main__":
    main()
