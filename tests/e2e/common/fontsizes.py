"""Print the font size and font of every text run of a PDF, one per line: size<TAB>font<TAB>text."""
import sys
from pypdf import PdfReader

def main(path):
    for page in PdfReader(path).pages:
        def visit(text, cm, tm, font, size):
            if not text.strip():
                return
            scale = (tm[3] ** 2 + tm[2] ** 2) ** 0.5 * (cm[3] ** 2 + cm[2] ** 2) ** 0.5
            name = font.get("/BaseFont", "?") if font else "?"
            print(f"{size * scale:.2f}\t{name}\t{text.strip()}")
        page.extract_text(visitor_text=visit)

main(sys.argv[1])
