"""For every page of a PDF, print one line: the page's label (as a PDF reader shows it)<TAB>the
first characters of its body text, in content order.

Body text is text of at least 9 pt: running heads (8 pt), page numbers (8.5 pt), footnotes and
captions are smaller, so what is left is where the page's own text begins."""
import sys
from pypdf import PdfReader

MIN_SIZE = 9.0


def body_text(page):
    runs = []

    def visit(text, cm, tm, font, size):
        scale = (tm[3] ** 2 + tm[2] ** 2) ** 0.5 * (cm[3] ** 2 + cm[2] ** 2) ** 0.5
        if size * scale >= MIN_SIZE:
            runs.append(text)

    page.extract_text(visitor_text=visit)
    return " ".join("".join(runs).split())[:200]


def main(path):
    reader = PdfReader(path)
    labels = reader.page_labels
    for i, page in enumerate(reader.pages):
        print(f"{labels[i]}\t{body_text(page)}")


main(sys.argv[1])
