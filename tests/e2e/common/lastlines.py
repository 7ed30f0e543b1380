"""For every chapter of a Spotlight PDF (the top-level entries of its outline), print one line:
first page<TAB>last page<TAB>lines of body text on the last page<TAB>title.

Body text is text of at least 9 pt (running heads, page numbers, footnotes and captions are
smaller); runs whose baselines lie within half a font size of each other share a line. A
chapter's last page is the last page before the next chapter (the colophon, the PDF's last page,
after the last one) that holds body text, so blank versos before a recto opening are skipped."""
import sys
from pypdf import PdfReader

MIN_SIZE = 9.0


def page_lines(page):
    runs = []

    def visit(text, cm, tm, font, size):
        if not text.strip():
            return
        scale = (tm[3] ** 2 + tm[2] ** 2) ** 0.5 * (cm[3] ** 2 + cm[2] ** 2) ** 0.5
        if size * scale < MIN_SIZE:
            return
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        runs.append((y, size * scale))

    page.extract_text(visitor_text=visit)
    runs.sort(reverse=True)
    count, last = 0, None
    for y, size in runs:
        if last is None or abs(last[0] - y) >= max(size, last[1]) * 0.5:
            count += 1
        last = (y, size)
    return count


def main(path):
    reader = PdfReader(path)
    starts = []
    for item in reader.outline:
        if isinstance(item, list):
            continue
        starts.append((reader.get_destination_page_number(item), item.title))
    lines = [page_lines(p) for p in reader.pages]
    # The colophon is the last page; the last chapter ends before it.
    bounds = [s for s, _ in starts[1:]] + [len(reader.pages) - 1]
    for (first, title), end in zip(starts, bounds):
        last = end - 1
        while last > first and lines[last] == 0:
            last -= 1
        print(f"{first + 1}\t{last + 1}\t{lines[last]}\t{title}")


main(sys.argv[1])
