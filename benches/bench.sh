#!/usr/bin/env bash
# Spotlight benchmark harness. Run from anywhere; see benches/README.md for what every number means.
#
#   benches/bench.sh [--runs N] [--book-runs N] [--json FILE] [--no-build] [--bin PATH]
#                    [--chapters N] [--words N] [--no-book] [--no-pandoc] [--keep]
#
# Measures (cold process every run, medians over several runs, ratios against baselines measured
# in the same run): the report's full build (--jobs 1 and default), the PDF-only build against the
# floor (the same generated Typst compiled by the same embedded typst alone), per-stage timings
# (when the binary has --timings), a generated large book (5 editions, --jobs 1/2, one edition
# alone), peak memory, and Pandoc on the same book when Pandoc 3 is available.
# Benchmarks are never tests: nothing here fails because of a number; targets are printed only.
set -euo pipefail

usage() {
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
    cat <<'EOF'
Options:
  --runs N        measured runs per report configuration (default 5); also the default of --book-runs
  --book-runs N   measured runs per big-book configuration (default 3, or --runs if given)
  --json FILE     where to write the raw numbers (default benches/results.json)
  --no-build      do not run `cargo build --release`
  --bin PATH      the spotlight binary (default target/release/spotlight)
  --chapters N    chapters of the generated book (default 40)
  --words N       words per chapter of the generated book (default 2500)
  --no-book       skip the generated book (and Pandoc)
  --no-pandoc     skip the Pandoc comparison
  --keep          keep the temporary directory (printed at the end)
  -h, --help      this text
Environment: PANDOC=/path/to/pandoc picks the Pandoc binary.
EOF
}

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS=5
RUNS_GIVEN=0
BOOK_RUNS=""
JSON_OUT="$ROOT/benches/results.json"
DO_BUILD=1
BIN="$ROOT/target/release/spotlight"
CHAPTERS=40
WORDS=2500
DO_BOOK=1
DO_PANDOC=1
KEEP=0

posint() { [[ $2 =~ ^[1-9][0-9]*$ ]] || { echo "bench.sh: $1 needs a positive integer, got '$2'" >&2; exit 2; }; }
while (($#)); do
    case $1 in
        --runs) posint "$1" "${2-}"; RUNS=$2; RUNS_GIVEN=1; shift 2 ;;
        --book-runs) posint "$1" "${2-}"; BOOK_RUNS=$2; shift 2 ;;
        --json) [[ -n ${2-} ]] || { echo "bench.sh: --json needs a file" >&2; exit 2; }
            JSON_OUT=$(realpath -m -- "$2"); shift 2 ;;
        --no-build) DO_BUILD=0; shift ;;
        --bin) [[ -n ${2-} ]] || { echo "bench.sh: --bin needs a path" >&2; exit 2; }
            BIN=$(realpath -m -- "$2"); DO_BUILD=0; shift 2 ;;
        --chapters) posint "$1" "${2-}"; CHAPTERS=$2; shift 2 ;;
        --words) posint "$1" "${2-}"; WORDS=$2; shift 2 ;;
        --no-book) DO_BOOK=0; shift ;;
        --no-pandoc) DO_PANDOC=0; shift ;;
        --keep) KEEP=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) echo "bench.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done
if [[ -z $BOOK_RUNS ]]; then
    # 3 by default keeps the whole run near 10 minutes on 2 cores; an explicit --runs applies to both.
    if ((RUNS_GIVEN)); then BOOK_RUNS=$RUNS; else BOOK_RUNS=3; fi
fi

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
cd "$ROOT"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/spotlight-bench.XXXXXX")"
cleanup() {
    local rc=$?
    if ((KEEP)); then
        echo "kept the temporary directory: $WORK" >&2
    else
        rm -rf -- "$WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'echo "bench.sh: interrupted" >&2; exit 130' INT TERM
mkdir -p "$WORK/out" "$WORK/logs"
RAW="$WORK/raw.tsv"      # name, run, wall ns, max RSS KiB, CPU s, CPU s of other processes
META="$WORK/meta.tsv"    # key, value (strings and small JSON documents for report.py)
: >"$RAW"
: >"$META"
meta() { printf '%s\t%s\n' "$1" "$2" >>"$META"; }
say() { printf '%s\n' "$*" >&2; }
STARTED=$(date +%s)

# ---------------------------------------------------------------- prerequisites
if [[ ! -x /usr/bin/time ]]; then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
        say "installing the Debian package 'time' (for /usr/bin/time -v) ..."
        apt-get install -y -qq time >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq time >/dev/null; }
    fi
    [[ -x /usr/bin/time ]] || { say "bench.sh: /usr/bin/time is missing: install the Debian package 'time'"; exit 2; }
fi
command -v python3 >/dev/null || { say "bench.sh: python3 is needed (book generator and report)"; exit 2; }

if ((DO_BUILD)); then
    say "cargo build --release ..."
    if ! cargo build --release --quiet 2>"$WORK/logs/cargo.log"; then
        cat "$WORK/logs/cargo.log" >&2
        say "bench.sh: cargo build --release failed (src/ may be in the middle of an edit); rerun, or use --no-build"
        exit 1
    fi
fi
[[ -x $BIN ]] || { say "bench.sh: no spotlight binary at $BIN"; exit 2; }

meta runs "$RUNS"
meta built "$DO_BUILD"
meta binary_mtime "$(date -u -r "$BIN" +%Y-%m-%dT%H:%M:%SZ)"
meta book_runs "$BOOK_RUNS"
meta binary "$BIN"
meta version "$("$BIN" --version 2>/dev/null | head -n1 || echo unknown)"
meta commit "$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)"
meta cores "$(nproc)"
meta cpu "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n1)"
meta kernel "$(uname -sr)"
meta date "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
meta loadavg_start "$LOAD_START"

TIMINGS=0
BUILD_HELP=$("$BIN" build --help 2>/dev/null || true)
# Cold builds are cold: with a build cache (--no-cache exists), every measured cold build skips it;
# the cached rebuilds below use a cache of their own.
CACHE=0
NOCACHE=()
if [[ $BUILD_HELP == *--no-cache* ]]; then
    CACHE=1
    NOCACHE=(--no-cache)
fi
meta cache_supported "$CACHE"
if [[ $BUILD_HELP == *--timings* ]]; then TIMINGS=1; fi
meta timings_supported "$TIMINGS"

# ---------------------------------------------------------------- measuring
# run_once NAME RUN CMD...: run CMD once in a fresh, empty @OUT@ directory (the token @OUT@ in its
# arguments is replaced), wall time from outside the process, max RSS from /usr/bin/time. A failing
# command stops the benchmark: numbers of a failed build mean nothing.
CLK_TCK=$(getconf CLK_TCK)
cpu_busy() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9; exit}' /proc/stat; }
run_once() {
    local name=$1 run=$2
    shift 2
    local out="$WORK/out/$name" log="$WORK/logs/$name.$run.log" a t0 t1 b0 b1 rc=0
    rm -rf -- "$out"
    mkdir -p -- "$out"
    local args=()
    for a in "$@"; do args+=("${a//@OUT@/$out}"); done
    b0=$(cpu_busy)
    t0=$(date +%s%N)
    /usr/bin/time -v -o "$WORK/time-v" "${args[@]}" >"$log" 2>&1 || rc=$?
    t1=$(date +%s%N)
    b1=$(cpu_busy)
    if ((rc != 0)); then
        say "bench.sh: '$name' failed (exit $rc): ${args[*]}"
        tail -n 30 "$log" >&2
        exit 1
    fi
    # max RSS (KiB), CPU seconds of the command, CPU seconds of everything else on the machine.
    local line
    line=$(awk -v ns=$((t1 - t0)) -v busy=$((b1 - b0)) -v hz="$CLK_TCK" -v name="$name" -v run="$run" '
        /Maximum resident set size/ { rss = $NF }
        /User time \(seconds\)/ { cpu += $NF }
        /System time \(seconds\)/ { cpu += $NF }
        END {
            other = busy / hz - cpu; if (other < 0) other = 0
            printf "%s\t%s\t%.0f\t%.0f\t%.2f\t%.2f\n", name, run, ns, rss, cpu, other
        }' "$WORK/time-v")
    printf '%s\n' "$line" >>"$RAW"
    awk -F'\t' '{ printf "  %-20s run %-2s %8.3f s %8.1f MiB  cpu %6.2f s  others %5.2f s\n", $1, $2, $3 / 1e9, $4 / 1024, $5, $6 }' \
        <<<"$line" >&2
}

# The floor: compile every emitted edition, one after another, with the embedded typst alone.
cat >"$WORK/floor.sh" <<'EOF'
set -euo pipefail
bin=$1 typst_dir=$2 fonts=$3 out=$4
for dir in "$typst_dir"/*/; do
    lang=$(basename "$dir")
    "$bin" typst --root "$dir" --font-dir "$fonts" /main.typ -o "$out/$lang.pdf"
done
EOF

# pages LOG: "lang=pages ..." of the PDFs a build wrote, from its "wrote X-lang.pdf (N bytes, P pages)"
# lines or from its summary table ("en  pdf  13  143.4 kB  path").
pages() {
    sed -n -e 's/^wrote .*-\([A-Za-z-]*\)\.pdf (.*, \([0-9]*\) pages).*/\1=\2/p' \
        -e 's/^\([A-Za-z-]*\)[[:space:]][[:space:]]*pdf[[:space:]][[:space:]]*\([0-9][0-9]*\)[[:space:]].*/\1=\2/p' "$1" |
        tr '\n' ' '
}
# warnings LOG: how many warnings a build printed.
warnings() { grep -c '^warning' "$1" || true; }
# emit PROJECT OUT: write the generated Typst (EPUB-only: no PDF is compiled, it also warms caches).
emit() {
    local log="$WORK/logs/emit-$(basename "$2").log"
    rm -rf -- "$2"
    if ! "$BIN" build --project "$1" --out "$2" --format epub --emit typst "${NOCACHE[@]}" >"$log" 2>&1; then
        cat "$log" >&2
        say "bench.sh: the build of $1 failed"
        exit 1
    fi
    if [[ ! -d $2/typst ]]; then
        say "bench.sh: '--emit typst' wrote no $2/typst"
        exit 1
    fi
}
timings_args() { ((TIMINGS)) && printf '%s\n' --timings --timings-json "$WORK/timings-$1.json"; }
save_timings() { # NAME LOG: keep the stage table of the log (all of it if no table is recognized)
    ((TIMINGS)) || return 0
    awk '/^stage[[:space:]]+seconds/ { on = 1 } on { print } on && /^total/ { exit }' "$2" >"$WORK/timings-$1.txt"
    [[ -s $WORK/timings-$1.txt ]] || cp -- "$2" "$WORK/timings-$1.txt"
}

# ---------------------------------------------------------------- 1-3: the report
say "report: $ROOT (editions from report.yaml), $RUNS runs each"
emit "$ROOT" "$WORK/report-emit"
meta report_warnings "$(warnings "$WORK/logs/emit-report-emit.log")"
# one unmeasured warm-up of each kind
"$BIN" build --project "$ROOT" --out "$WORK/out/warm" --jobs 1 "${NOCACHE[@]}" >/dev/null 2>&1 || true
bash "$WORK/floor.sh" "$BIN" "$WORK/report-emit/typst" "$ROOT/fonts" "$WORK/out/warm"
for ((i = 1; i <= RUNS; i++)); do
    extra=()
    ((i == RUNS)) && mapfile -t extra < <(timings_args report_all_j1)
    run_once report_all_j1 "$i" "$BIN" build --project "$ROOT" --out @OUT@ --jobs 1 "${NOCACHE[@]}" "${extra[@]}"
    run_once report_all_default "$i" "$BIN" build --project "$ROOT" --out @OUT@ "${NOCACHE[@]}"
    run_once report_pdf_j1 "$i" "$BIN" build --project "$ROOT" --out @OUT@ --format pdf --jobs 1 "${NOCACHE[@]}"
    run_once report_floor "$i" bash "$WORK/floor.sh" "$BIN" "$WORK/report-emit/typst" "$ROOT/fonts" @OUT@
    run_once report_floor_1t "$i" env RAYON_NUM_THREADS=1 \
        bash "$WORK/floor.sh" "$BIN" "$WORK/report-emit/typst" "$ROOT/fonts" @OUT@
done
if ((CACHE)); then
    # A rebuild with nothing changed: the cache filled once, then every run served from it.
    "$BIN" build --project "$ROOT" --out "$WORK/out/warm" --cache "$WORK/cache-report" >/dev/null 2>&1
    for ((i = 1; i <= RUNS; i++)); do
        run_once report_cached "$i" "$BIN" build --project "$ROOT" --out @OUT@ --cache "$WORK/cache-report"
    done
fi
meta report_pages "$(pages "$WORK/logs/report_all_j1.1.log")"
save_timings report_all_j1 "$WORK/logs/report_all_j1.$RUNS.log"

# ---------------------------------------------------------------- Pandoc
find_pandoc() {
    local p=${PANDOC:-}
    if [[ -z $p ]]; then p=$(command -v pandoc || true); fi
    if [[ -z $p ]]; then
        p=$(python3 -c 'import pypandoc; print(pypandoc.get_pandoc_path())' 2>/dev/null | tail -n1 || true)
    fi
    [[ -n $p && -x $p ]] && printf '%s\n' "$p"
}
PANDOC_BIN=""
if ((DO_PANDOC)); then
    PANDOC_BIN=$(find_pandoc || true)
    if [[ -z $PANDOC_BIN ]]; then
        meta pandoc_skipped "Pandoc not found (PATH, \$PANDOC, or 'pip install pypandoc-binary')"
    else
        pv=$("$PANDOC_BIN" --version | head -n1)
        if [[ ! $pv =~ ^pandoc(\.exe)?\ ([0-9]+) ]] || ((BASH_REMATCH[2] < 3)); then
            meta pandoc_skipped "$PANDOC_BIN is '$pv', not Pandoc 3"
            PANDOC_BIN=""
        else
            meta pandoc_version "$pv"
            meta pandoc_path "$PANDOC_BIN"
        fi
    fi
else
    meta pandoc_skipped "--no-pandoc"
fi
# Pandoc's PDF path runs `typst compile [--font-path=DIR] IN OUT` in the current folder. This
# stand-in runs it with Spotlight's own embedded typst (the floor's `spotlight typst`), so both
# tools are measured with the same typst build, fonts and thread pool.
mkdir -p "$WORK/bin"
cat >"$WORK/bin/typst" <<'STANDIN'
#!/usr/bin/env bash
set -euo pipefail
[[ ${1-} == compile ]] || { echo "typst stand-in (benches/bench.sh): only 'typst compile' is supported" >&2; exit 2; }
shift
fonts=/nonexistent root=$PWD pos=()
while (($#)); do
    case $1 in
        --font-path=*) fonts=${1#*=} ;;
        --font-path) fonts=$2; shift ;;
        --root=*) root=${1#*=} ;;
        --root) root=$2; shift ;;
        -*) echo "typst stand-in (benches/bench.sh): unknown option $1" >&2; exit 2 ;;
        *) pos+=("$1") ;;
    esac
    shift
done
root=$(realpath -- "$root")
in=$(realpath -- "${pos[0]}")
exec "$SPOTLIGHT_BIN" typst --root "$root" --font-dir "$fonts" "/${in#"$root"/}" -o "${pos[1]}"
STANDIN
chmod +x "$WORK/bin/typst"
PANDOC_ENV=(env "PATH=$WORK/bin:$PATH" "SPOTLIGHT_BIN=$BIN")
if [[ -n $PANDOC_BIN ]]; then meta pandoc_typst "Spotlight's embedded typst ('spotlight typst') as 'typst' on PATH"; fi

# Pandoc, one edition after another: EPUB 3 with citeproc (chicago-author-date, as Spotlight), a
# table of contents and the same Noto fonts embedded, then the PDF through typst.
# pandoc.sh PANDOC PROJECT OUT BIBLIOGRAPHY LANG...: the chapters are chapters/LANG/[0-9]*.md, the
# metadata pandoc/LANG.yaml when there is one, else the language and a title.
cat >"$WORK/pandoc.sh" <<'PANDOCSH'
set -euo pipefail
pandoc=$1 book=$2 out=$3 bib=$4
shift 4
cd "$book"
for lang in "$@"; do
    chapters=(chapters/"$lang"/[0-9]*.md)
    meta=(-M "lang=$lang" -M "title=Benchmark")
    if [[ -f pandoc/$lang.yaml ]]; then meta=(--metadata-file "pandoc/$lang.yaml"); fi
    common=(-f markdown --citeproc --bibliography "$bib" "${meta[@]}" --toc --resource-path "chapters/$lang")
    "$pandoc" "${common[@]}" -t epub3 --epub-embed-font='fonts/NotoSerif-*.ttf' \
        --epub-embed-font='fonts/NotoSans-*.ttf' -o "$out/$lang.epub" "${chapters[@]}"
    "$pandoc" "${common[@]}" --pdf-engine=typst --pdf-engine-opt=--font-path="$book/fonts" \
        -V mainfont="Noto Serif" -o "$out/$lang.pdf" "${chapters[@]}"
done
PANDOCSH
if [[ -n $PANDOC_BIN ]]; then
    # The report in Pandoc: its BibTeX file only (Pandoc reads no Hayagriva YAML; those citations
    # stay unresolved, which saves Pandoc work), every edition of report.yaml.
    mapfile -t REPORT_LANGS < <(sed -n 's/^editions:[[:space:]]*\[\(.*\)\].*/\1/p' "$ROOT/report.yaml" | tr ',' '\n' | tr -d ' ')
    meta report_pandoc "editions ${REPORT_LANGS[*]}, bibliography/ilo.bib only"
    say "report: Pandoc, $RUNS runs"
    "${PANDOC_ENV[@]}" bash "$WORK/pandoc.sh" "$PANDOC_BIN" "$ROOT" "$WORK/out/warm" bibliography/ilo.bib \
        "${REPORT_LANGS[@]}" >"$WORK/logs/pandoc-report-warm.log" 2>&1 || {
        tail -n 20 "$WORK/logs/pandoc-report-warm.log" >&2
        say "bench.sh: Pandoc failed on the report"
        exit 1
    }
    for ((i = 1; i <= RUNS; i++)); do
        run_once report_pandoc "$i" "${PANDOC_ENV[@]}" bash "$WORK/pandoc.sh" "$PANDOC_BIN" "$ROOT" @OUT@ \
            bibliography/ilo.bib "${REPORT_LANGS[@]}"
    done
fi

# ---------------------------------------------------------------- 4-6: the generated book

if ((DO_BOOK)); then
    BOOK="$WORK/book"
    say "big book: generating $CHAPTERS chapters x ~$WORDS words x 5 editions ..."
    python3 "$ROOT/benches/gen_book.py" "$BOOK" --chapters "$CHAPTERS" --words "$WORDS" \
        --fonts "$ROOT/fonts" >"$WORK/book.json"
    emit "$BOOK" "$WORK/book-emit"
    # Probe: the floor of the source edition (also a warm-up). Generated Typst that typst rejects is
    # a Spotlight bug; a GFM table with several body rows triggered one. Fall back to one-row
    # tables so the rest can still be measured, and say so.
    if ! "$BIN" typst --root "$WORK/book-emit/typst/en" --font-dir "$BOOK/fonts" /main.typ \
        -o "$WORK/out/probe.pdf" >"$WORK/logs/probe.log" 2>&1; then
        say "WARNING: the generated Typst of the big book does not compile:"
        sed 's/^/    /' "$WORK/logs/probe.log" | head -n 12 >&2
        say "WARNING: regenerating the book with one-row tables (--table-rows 1) to measure the rest"
        meta book_workaround "tables reduced to one body row: generated Typst with multi-row GFM tables fails to compile ($(head -n1 "$WORK/logs/probe.log"))"
        rm -rf -- "$BOOK"
        python3 "$ROOT/benches/gen_book.py" "$BOOK" --chapters "$CHAPTERS" --words "$WORDS" \
            --fonts "$ROOT/fonts" --table-rows 1 >"$WORK/book.json"
        emit "$BOOK" "$WORK/book-emit"
        "$BIN" typst --root "$WORK/book-emit/typst/en" --font-dir "$BOOK/fonts" /main.typ \
            -o "$WORK/out/probe.pdf" >"$WORK/logs/probe.log" 2>&1 || {
            cat "$WORK/logs/probe.log" >&2
            say "bench.sh: the big book's generated Typst still fails to compile"
            exit 1
        }
    fi
    meta book "$(cat "$WORK/book.json")"
    meta book_warnings "$(warnings "$WORK/logs/emit-book-emit.log")"
    if [[ $(warnings "$WORK/logs/emit-book-emit.log") != 0 ]]; then
        say "WARNING: the big book builds with warnings:"
        # head closes the pipe early: grep's SIGPIPE must not end the run (pipefail, set -e).
        grep -A2 '^warning' "$WORK/logs/emit-book-emit.log" | head -n 20 >&2 || true
    fi
    mapfile -t LANGS < <(python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))["editions"]))' "$WORK/book.json")

    # The same book's Pandoc Typst (`pandoc -s -t typst`, the source edition), compiled by the same
    # embedded typst on one thread as Spotlight's: the cost per page of each, like for like.
    if [[ -n $PANDOC_BIN ]]; then
        mkdir -p "$WORK/pandoc-typst"
        (cd "$BOOK" && "$PANDOC_BIN" -f markdown --citeproc --bibliography pandoc/references.json \
            --metadata-file "pandoc/${LANGS[0]}.yaml" --toc -s -t typst -V mainfont="Noto Serif" \
            -o "$WORK/pandoc-typst/main.typ" chapters/"${LANGS[0]}"/[0-9]*.md) >"$WORK/logs/pandoc-typst.log" 2>&1 || {
            cat "$WORK/logs/pandoc-typst.log" >&2
            say "bench.sh: pandoc -t typst failed on the book"
            exit 1
        }
    fi

    say "big book: $BOOK_RUNS runs each (round robin)"
    for ((i = 1; i <= BOOK_RUNS; i++)); do
        extra=()
        ((i == BOOK_RUNS)) && mapfile -t extra < <(timings_args book_all_j1)
        run_once book_all_j1 "$i" "$BIN" build --project "$BOOK" --out @OUT@ --jobs 1 "${NOCACHE[@]}" "${extra[@]}"
        run_once book_all_j2 "$i" "$BIN" build --project "$BOOK" --out @OUT@ --jobs 2 "${NOCACHE[@]}"
        run_once book_en_j2 "$i" "$BIN" build --project "$BOOK" --out @OUT@ --jobs 2 --lang en "${NOCACHE[@]}"
        run_once book_pdf_j1 "$i" "$BIN" build --project "$BOOK" --out @OUT@ --format pdf --jobs 1 "${NOCACHE[@]}"
        run_once book_epub_j1 "$i" "$BIN" build --project "$BOOK" --out @OUT@ --format epub --jobs 1 "${NOCACHE[@]}"
        run_once book_floor "$i" bash "$WORK/floor.sh" "$BIN" "$WORK/book-emit/typst" "$BOOK/fonts" @OUT@
        run_once book_floor_1t "$i" env RAYON_NUM_THREADS=1 \
            bash "$WORK/floor.sh" "$BIN" "$WORK/book-emit/typst" "$BOOK/fonts" @OUT@
        run_once book_floor_en_1t "$i" env RAYON_NUM_THREADS=1 "$BIN" typst --root "$WORK/book-emit/typst/${LANGS[0]}" \
            --font-dir "$BOOK/fonts" /main.typ -o @OUT@/floor-"${LANGS[0]}".pdf
        if [[ -n $PANDOC_BIN ]]; then
            run_once pandoc "$i" "${PANDOC_ENV[@]}" bash "$WORK/pandoc.sh" "$PANDOC_BIN" "$BOOK" @OUT@ \
                pandoc/references.json "${LANGS[@]}"
            run_once book_pandoc_typst_1t "$i" env RAYON_NUM_THREADS=1 "$BIN" typst --root "$WORK/pandoc-typst" \
                --font-dir "$BOOK/fonts" /main.typ -o @OUT@/pandoc-"${LANGS[0]}".pdf
        fi
    done
    if ((CACHE)); then
        # Nothing changed: every artifact from the cache. One chapter of one edition changed (a new
        # sentence in each run, in a copy of the book): only that edition is typeset again.
        "$BIN" build --project "$BOOK" --out "$WORK/out/warm" --cache "$WORK/cache-book" >/dev/null 2>&1
        rm -rf -- "$WORK/book-edit"
        cp -r -- "$BOOK" "$WORK/book-edit"
        "$BIN" build --project "$WORK/book-edit" --out "$WORK/out/warm" --cache "$WORK/cache-book" >/dev/null 2>&1
        edit_lang=${LANGS[1]:-${LANGS[0]}}
        edit_file=$(find "$WORK/book-edit/chapters/$edit_lang" -name '[0-9]*.md' | sort | head -n 1)
        meta book_edited "$edit_lang: $(basename "$edit_file")"
        for ((i = 1; i <= BOOK_RUNS; i++)); do
            run_once book_cached "$i" "$BIN" build --project "$BOOK" --out @OUT@ --cache "$WORK/cache-book"
            printf '\nOne more sentence, number %s.\n' "$i" >>"$edit_file"
            run_once book_one_chapter "$i" "$BIN" build --project "$WORK/book-edit" --out @OUT@ \
                --cache "$WORK/cache-book"
        done
    fi
    if [[ $("$BIN" --help 2>/dev/null) == *watch* ]]; then
        # watch on a copy of the book: its first build (every edition and format), then its first
        # rebuild after one word of one paragraph of the source edition's fifth chapter changed.
        rm -rf -- "$WORK/book-watch"
        cp -r -- "$BOOK" "$WORK/book-watch"
        watch_file=$(cd "$WORK/book-watch" && find "chapters/${LANGS[0]}" -name '[0-9]*.md' | sort | sed -n 5p)
        meta watch_edited "$watch_file"
        say "big book: watch, $BOOK_RUNS runs (first build, then one paragraph of $watch_file edited)"
        for ((i = 1; i <= BOOK_RUNS; i++)); do
            python3 "$ROOT/benches/watch_probe.py" "$BIN" "$WORK/book-watch" "$WORK/out/watch" --chapter "$watch_file" \
                --name watch --run "$i" --raw "$RAW" >>"$WORK/watch.jsonl" 2>"$WORK/logs/watch.$i.log" || {
                cat "$WORK/logs/watch.$i.log" >&2
                say "bench.sh: the watch measurement failed"
                exit 1
            }
            tail -n 1 "$WORK/watch.jsonl" | sed 's/^/  watch /' >&2
        done
    fi
    meta book_pages "$(pages "$WORK/logs/book_all_j1.1.log")"
    meta book_floor_en_pages "$(pages "$WORK/logs/book_floor_en_1t.1.log")"
    if [[ -n $PANDOC_BIN ]]; then meta pandoc_typst_pages "$(pages "$WORK/logs/book_pandoc_typst_1t.1.log")"; fi
    save_timings book_all_j1 "$WORK/logs/book_all_j1.$BOOK_RUNS.log"
fi

meta elapsed_s "$(($(date +%s) - STARTED))"
mkdir -p -- "$(dirname "$JSON_OUT")"
python3 "$ROOT/benches/report.py" --raw "$RAW" --meta "$META" --work "$WORK" --json "$JSON_OUT"
