//! Adds a BleedBox to every page of a PDF that has a TrimBox (typst writes MediaBox and TrimBox
//! only): the entry is inserted into each page dictionary and the cross-reference table is rebuilt.
//! Works on the classic cross-reference tables typst writes; returns `None` for anything else
//! (and for a PDF with no TrimBox at all), so the caller can fail the edition.

/// Insert `/BleedBox` (TrimBox grown by `bleed_pt` on every side) into every page; rebuild the xref.
pub fn add_bleed_box(pdf: &[u8], bleed_pt: f64) -> Option<Vec<u8>> {
    let mut out: Vec<u8> = Vec::with_capacity(pdf.len() + 4096);
    let mut rest = pdf;
    const TRIM: &[u8] = b"/TrimBox[";
    // A PDF without one TrimBox would leave every page without its BleedBox: refuse it.
    find(rest, TRIM)?;
    while let Some(at) = find(rest, TRIM) {
        let end = at + TRIM.len() + find(&rest[at + TRIM.len()..], b"]")?;
        let numbers: Vec<f64> = std::str::from_utf8(&rest[at + TRIM.len()..end])
            .ok()?
            .split_whitespace()
            .map(str::parse)
            .collect::<Result<_, _>>()
            .ok()?;
        let [x0, y0, x1, y1] = numbers[..] else { return None };
        out.extend_from_slice(&rest[..=end]);
        let b = bleed_pt;
        out.extend_from_slice(
            format!("/BleedBox[{} {} {} {}]", fmt(x0 - b), fmt(y0 - b), fmt(x1 + b), fmt(y1 + b)).as_bytes(),
        );
        rest = &rest[end + 1..];
    }
    out.extend_from_slice(rest);
    rebuild_xref(out)
}

fn fmt(v: f64) -> String {
    let s = format!("{:.5}", v.max(0.0));
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

pub(super) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Recompute the offsets of the classic cross-reference table and of `startxref`.
pub(super) fn rebuild_xref(pdf: Vec<u8>) -> Option<Vec<u8>> {
    rebuild_xref_with(pdf, 0)
}

/// Rebuild the cross-reference table for at least `count` objects (objects appended after the
/// last one need the table to grow; the trailer's `/Size` is the caller's).
pub(super) fn rebuild_xref_with(mut pdf: Vec<u8>, min_count: usize) -> Option<Vec<u8>> {
    let xref_at = pdf.windows(6).rposition(|w| w == b"\nxref\n")? + 1;
    let trailer_at = xref_at + find(&pdf[xref_at..], b"trailer")?;
    let header = std::str::from_utf8(&pdf[xref_at..trailer_at]).ok()?;
    let count: usize = header.lines().nth(1)?.split_whitespace().nth(1)?.parse().ok()?;
    let count = count.max(min_count);
    let mut offsets = vec![None; count];
    // Object headers start a line: "N 0 obj".
    let mut i = 0;
    while i < xref_at {
        let line_start = i == 0 || pdf[i - 1] == b'\n';
        if line_start && pdf[i].is_ascii_digit() {
            let line_end = i + pdf[i..].iter().position(|&c| c == b'\n').unwrap_or(0);
            if let Ok(line) = std::str::from_utf8(&pdf[i..line_end])
                && let Some(num) = line.strip_suffix(" 0 obj").and_then(|n| n.parse::<usize>().ok())
                && num < count
            {
                offsets[num] = Some(i);
            }
        }
        i += 1;
    }
    let mut table = format!("xref\n0 {count}\n0000000000 65535 f \n");
    for offset in offsets.iter().skip(1) {
        match offset {
            Some(o) => table.push_str(&format!("{o:010} 00000 n \n")),
            None => table.push_str("0000000000 65535 f \n"),
        }
    }
    let trailer = pdf[trailer_at..].to_vec();
    let startxref_at = find(&trailer, b"startxref")?;
    let mut tail = trailer[..startxref_at].to_vec();
    tail.extend_from_slice(format!("startxref\n{xref_at}\n%%EOF").as_bytes());
    pdf.truncate(xref_at);
    pdf.extend_from_slice(table.as_bytes());
    pdf.extend_from_slice(&tail);
    Some(pdf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pdf_without_a_readable_trim_box_is_refused() {
        assert!(add_bleed_box(b"%PDF-1.7\n<</Type/Page/MediaBox[0 0 1 1]>>\n%%EOF", 5.0).is_none());
        assert!(add_bleed_box(b"%PDF-1.7\n<</TrimBox[1 x 2]>>\n%%EOF", 5.0).is_none());
    }

    #[test]
    fn bleed_box_is_inserted_and_offsets_stay_right() {
        let body = "%PDF-1.7\n1 0 obj\n<</Type/Page/MediaBox[0 0 100 100]/TrimBox[10 10 90 90]>>\nendobj\n";
        let xref = body.len();
        let pdf = format!(
            "{body}xref\n0 2\n0000000000 65535 f \n0000000009 00000 n \ntrailer\n<</Size 2>>\nstartxref\n{xref}\n%%EOF"
        );
        let out = String::from_utf8(add_bleed_box(pdf.as_bytes(), 5.0).unwrap()).unwrap();
        assert!(out.contains("/TrimBox[10 10 90 90]/BleedBox[5 5 95 95]"), "{out}");
        let new_xref = out.find("\nxref\n").unwrap() + 1;
        assert!(out.ends_with(&format!("startxref\n{new_xref}\n%%EOF")), "{out}");
        assert!(out.contains("0000000009 00000 n "), "{out}");
    }
}
