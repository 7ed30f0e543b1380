#!/usr/bin/env python3
"""Test helper for tests/e2e/extraction.rs: the text of a tagged PDF read through its structure tree
(pypdf), as a screen reader does: marked content by MCID, ActualText and ReversedChars honoured,
elements in tree order, a line break after each block element. With --langs: one line per marked
content item, its /Lang (empty when inherited), a tab, its text."""
import re, sys
from pypdf import PdfReader
from pypdf.generic import ContentStream, DictionaryObject, IndirectObject, NumberObject, ArrayObject

def _cmap(font):
    m = {}
    tu = font.get("/ToUnicode")
    if tu is None:
        return m
    data = tu.get_object().get_data().decode("latin-1")
    def u(h):
        b = bytes.fromhex(h)
        return b.decode("utf-16-be", "replace")
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            m[int(src, 16)] = u(dst)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for a, b, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            base = int(dst, 16)
            for i, code in enumerate(range(int(a, 16), int(b, 16) + 1)):
                m[code] = chr(base + i) if base + i < 0x110000 else ""
    return m

def _decode(raw, cmap):
    raw = raw.original_bytes if hasattr(raw, 'original_bytes') else bytes(raw)
    return [cmap.get(int.from_bytes(raw[i:i + 2], "big"), "") for i in range(0, len(raw) - 1, 2)]

def page_mcid_text(page, reader):
    """MCID -> text for one page."""
    res = page.get("/Resources", {})
    fonts = {k: _cmap(v.get_object()) for k, v in res.get("/Font", {}).items()}
    ops = ContentStream(page.get_contents(), reader).operations
    out = {}
    langs = {}
    stack = []   # entries: [kind, mcid, actual, buffer-of-glyph-strings]
    cmap = {}
    def sink(pieces):
        for fr in reversed(stack):
            fr[3].extend(pieces)
            return
    for operands, op in ops:
        if op == b"BDC" or op == b"BMC":
            tag = operands[0]
            props = operands[1] if op == b"BDC" and len(operands) > 1 else {}
            if isinstance(props, IndirectObject): props = props.get_object()
            mcid = props.get("/MCID") if isinstance(props, dict) else None
            actual = props.get("/ActualText") if isinstance(props, dict) else None
            lang = props.get("/Lang") if isinstance(props, dict) else None
            stack.append([str(tag), mcid, actual, [], lang])
        elif op == b"EMC":
            if not stack: continue
            tag, mcid, actual, buf, lang = stack.pop()
            if actual is not None:
                buf = [str(actual)]
            elif tag == "/ReversedChars":
                buf = list(reversed(buf))
            if mcid is not None:
                out[int(mcid)] = out.get(int(mcid), "") + "".join(buf)
                langs[int(mcid)] = str(lang) if lang is not None else ""
            else:
                sink(buf)
        elif op == b"Tf":
            cmap = fonts.get(operands[0], {})
        elif op == b"Tj" or op == b"'" or op == b'"':
            sink(_decode(operands[-1], cmap))
        elif op == b"TJ":
            pieces = []
            for it in operands[0]:
                if isinstance(it, (bytes, str)):
                    pieces.extend(_decode(it, cmap))
            sink(pieces)
    return out, langs

BLOCKS = {"/P", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6", "/LI", "/Lbl", "/LBody", "/TD", "/TH",
          "/Caption", "/BlockQuote", "/Note", "/TOCI", "/Title", "/FENote"}

def tag_text(reader):
    pages = {}
    page_index = {p.indirect_reference.idnum: p for p in reader.pages}
    def mc(page, mcid):
        key = page.indirect_reference.idnum
        if key not in pages: pages[key] = page_mcid_text(page, reader)
        text, langs = pages[key]
        if LANGS and text.get(mcid): parts.append(f"{langs.get(mcid, '')}\t{text[mcid]}\n")
        return "" if LANGS else text.get(mcid, "")
    parts = []
    def walk(elem, page):
        elem = elem.get_object()
        if isinstance(elem, NumberObject) or isinstance(elem, int):
            if page is not None: parts.append(mc(page, int(elem)))
            return
        if not isinstance(elem, DictionaryObject): return
        if "/Pg" in elem: page = page_index[elem.raw_get("/Pg").idnum]
        typ = elem.get("/Type")
        if typ == "/MCR":
            parts.append(mc(page, int(elem["/MCID"])))
            return
        if typ == "/OBJR": return
        kids = elem.get("/K")
        if kids is None: return
        if not isinstance(kids, ArrayObject): kids = [kids]
        for k in kids: walk(k, page)
        if elem.get("/S") in BLOCKS: parts.append("\n")
    root = reader.trailer["/Root"]["/StructTreeRoot"]
    walk(root, None)
    return "".join(parts)

LANGS = False

if __name__ == "__main__":
    LANGS = "--langs" in sys.argv
    print(tag_text(PdfReader(sys.argv[-1])), end="")
