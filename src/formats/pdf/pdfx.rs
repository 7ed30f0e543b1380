//! Makes typst's PDF a PDF/X-4 file (ISO 15930-7), which typst does not write (typst#6012): the
//! output intent with the embedded printing-condition profile (`profiles/`), `GTS_PDFXVersion` and
//! `/Trapped` in the Info dictionary, the same identification in the XMP metadata, PDF 1.6 in the
//! header. Edits the bytes of the classic cross-reference files typst writes, like `boxes`; never
//! touches the disk and returns `None` for a structure it does not recognise.

use super::boxes::{find, rebuild_xref_with};

/// The characterised printing condition, vendored under `profiles/` with its licence (Zlib).
const PROFILE: &[u8] = include_bytes!("../../../profiles/FOGRA39L-spotlight.icc");
/// The printing condition's registered name in the ICC characterization registry.
pub const CONDITION: &str = "FOGRA39";
/// The version string PDF/X-4 files carry in Info and XMP.
pub const VERSION: &str = "PDF/X-4";

/// Add what PDF/X-4 needs to a PDF typst exported (TrimBox and BleedBox are `boxes`' work).
pub fn make_x4(pdf: &[u8]) -> Option<Vec<u8>> {
    let trailer_at = pdf.windows(8).rposition(|w| w == b"trailer\n")?;
    let trailer = std::str::from_utf8(&pdf[trailer_at..]).ok()?.to_string();
    let size: usize = number_after(&trailer, "/Size ")?;
    let root: usize = number_after(&trailer, "/Root ")?;
    let info: usize = number_after(&trailer, "/Info ")?;
    let (profile_id, intent_id) = (size, size + 1);

    let mut out = if find(pdf, b"/TrimBox[").is_some() { pdf.to_vec() } else { trim_to_media(pdf)? };
    // PDF/X-4 is PDF 1.6; typst writes nothing newer than 1.6 needs (no 1.7-only features).
    if out.starts_with(b"%PDF-1.7") {
        out[7] = b'6';
    }
    // The Info dictionary: the version and the trapping state (Spotlight never traps).
    let info_dict = object_range(&out, info)?;
    let close = info_dict.start + rfind(&out[info_dict.clone()], b">>")?;
    out.splice(close..close, format!("/GTS_PDFXVersion({VERSION})/Trapped/False").bytes());
    // The catalog: the output intent.
    let catalog = object_range(&out, root)?;
    let at = catalog.start + find(&out[catalog.clone()], b"/Type/Catalog")? + b"/Type/Catalog".len();
    out.splice(at..at, format!("/OutputIntents[{intent_id} 0 R]").bytes());
    // The XMP metadata, consistent with the Info dictionary.
    let catalog = object_range(&out, root)?;
    let catalog_text = std::str::from_utf8(&out[catalog]).ok()?.to_string();
    let metadata: usize = number_after(&catalog_text, "/Metadata ")?;
    let meta = object_range(&out, metadata)?;
    let xmp_object = xmp_object(metadata, std::str::from_utf8(&out[meta.clone()]).ok()?)?;
    out.splice(meta, xmp_object.into_bytes());
    // The new objects go before the cross-reference table, which is then rebuilt.
    let xref_at = out.windows(6).rposition(|w| w == b"\nxref\n")? + 1;
    let mut objects =
        format!("{profile_id} 0 obj\n<</N 4/Alternate/DeviceCMYK/Length {}>>\nstream\n", PROFILE.len()).into_bytes();
    objects.extend_from_slice(PROFILE);
    objects.extend_from_slice(b"\nendstream\nendobj\n");
    objects.extend_from_slice(
        format!(
            "{intent_id} 0 obj\n<</Type/OutputIntent/S/GTS_PDFX/OutputConditionIdentifier({CONDITION})\
             /OutputCondition(Offset printing, ISO 12647-2:2004/Amd 1, paper type 1 or 2, coated, 115 g/m2)\
             /RegistryName(http://www.color.org)/Info(FOGRA39L coated)/DestOutputProfile {profile_id} 0 R>>\nendobj\n"
        )
        .as_bytes(),
    );
    out.splice(xref_at..xref_at, objects);
    let trailer_at = out.windows(8).rposition(|w| w == b"trailer\n")?;
    let old = format!("/Size {size}");
    let size_at = trailer_at + find(&out[trailer_at..], old.as_bytes())?;
    out.splice(size_at..size_at + old.len(), format!("/Size {}", size + 2).bytes());
    rebuild_xref_with(out, size + 2)
}

/// The XMP object rewritten: PDF 1.6, the PDF/X identification, the trapping state, the metadata
/// date, and the rendition class PDF/X expects.
fn xmp_object(id: usize, object: &str) -> Option<String> {
    let start = object.find("stream\n")? + "stream\n".len();
    let end = object.rfind("\nendstream")?;
    let xmp = &object[start..end];
    let modified = xmp.split("<xmp:ModifyDate>").nth(1)?.split('<').next()?.to_string();
    let xmp = xmp.replace("<pdf:PDFVersion>1.7</pdf:PDFVersion>", "<pdf:PDFVersion>1.6</pdf:PDFVersion>").replace(
        "<xmpMM:RenditionClass>proof</xmpMM:RenditionClass>",
        "<xmpMM:RenditionClass>default</xmpMM:RenditionClass>",
    );
    let extra = format!(
        "<rdf:Description rdf:about=\"\" xmlns:pdfxid=\"http://www.npes.org/pdfx/ns/id/\" \
         xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" \
         xmlns:xmpMM=\"http://ns.adobe.com/xap/1.0/mm/\"><pdfxid:GTS_PDFXVersion>{VERSION}</pdfxid:GTS_PDFXVersion>\
         <pdf:Trapped>False</pdf:Trapped><xmp:MetadataDate>{modified}</xmp:MetadataDate>\
         <xmpMM:VersionID>1</xmpMM:VersionID></rdf:Description>"
    );
    let at = xmp.find("</rdf:RDF>")?;
    let xmp = format!("{}{extra}{}", &xmp[..at], &xmp[at..]);
    Some(format!("{id} 0 obj\n<</Length {}/Type/Metadata/Subtype/XML>>\nstream\n{xmp}\nendstream\nendobj", xmp.len()))
}

/// Without a bleed typst writes no TrimBox; PDF/X wants one on every page: the whole page.
fn trim_to_media(pdf: &[u8]) -> Option<Vec<u8>> {
    const MEDIA: &[u8] = b"/MediaBox[";
    let mut out = Vec::with_capacity(pdf.len() + 4096);
    let mut rest = pdf;
    while let Some(at) = find(rest, MEDIA) {
        let end = at + MEDIA.len() + find(&rest[at + MEDIA.len()..], b"]")?;
        out.extend_from_slice(&rest[..=end]);
        out.extend_from_slice(b"/TrimBox");
        out.extend_from_slice(&rest[at + MEDIA.len() - 1..=end]);
        rest = &rest[end + 1..];
    }
    out.extend_from_slice(rest);
    Some(out)
}

/// The byte range of object `id`, from its header line to the end of `endobj`.
pub(super) fn object_range(pdf: &[u8], id: usize) -> Option<std::ops::Range<usize>> {
    let header = format!("\n{id} 0 obj\n");
    let start = find(pdf, header.as_bytes())? + 1;
    let end = start + find(&pdf[start..], b"endobj")? + b"endobj".len();
    Some(start..end)
}

pub(super) fn number_after(text: &str, key: &str) -> Option<usize> {
    let rest = &text[text.find(key)? + key.len()..];
    rest.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_intent_version_and_trapping_are_added_and_the_xref_stays_right() {
        let xmp = "<x:xmpmeta><rdf:RDF><xmp:ModifyDate>2022-04-01T00:00:00Z</xmp:ModifyDate></rdf:RDF></x:xmpmeta>";
        let body = format!(
            "%PDF-1.7\n1 0 obj\n<</Type/Catalog/Pages 2 0 R/Metadata 3 0 R>>\nendobj\n2 0 obj\n<</Title(T)>>\nendobj\n3 0 obj\n<</Length {}/Type/Metadata/Subtype/XML>>\nstream\n{xmp}\nendstream\nendobj\n",
            xmp.len()
        );
        let xref = body.len();
        let pdf = format!(
            "{body}xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000000 00000 n \n0000000000 00000 n \ntrailer\n<</Size 4/Root 1 0 R/Info 2 0 R>>\nstartxref\n{xref}\n%%EOF"
        );
        let out = make_x4(pdf.as_bytes()).unwrap();
        let text = String::from_utf8_lossy(&out);
        assert!(text.starts_with("%PDF-1.6"));
        assert!(text.contains("<</Title(T)/GTS_PDFXVersion(PDF/X-4)/Trapped/False>>"), "{text}");
        assert!(text.contains("/Type/Catalog/OutputIntents[5 0 R]"), "{text}");
        assert!(text.contains("<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>"), "{text}");
        assert!(text.contains("/S/GTS_PDFX/OutputConditionIdentifier(FOGRA39)"), "{text}");
        assert!(text.contains("/Size 6"), "{text}");
        // Every object's offset in the rebuilt table points at its header.
        let table = &text[text.rfind("\nxref\n").unwrap() + 6..];
        for (n, line) in table.lines().skip(1).take(6).enumerate().skip(1) {
            let offset: usize = line[..10].parse().unwrap();
            assert!(out[offset..].starts_with(format!("{n} 0 obj").as_bytes()), "object {n} at {offset}");
        }
    }
}
