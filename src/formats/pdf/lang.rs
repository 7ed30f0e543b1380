//! Gives the PDF its edition's whole language tag: typst takes a language and a region and no
//! script, so an `sr-Latn` edition came out as `/Lang(sr)` and a `zh-Hant` one as `zh-TW`. Rewrites
//! the catalog's `/Lang` and the XMP `dc:language` of the classic cross-reference files typst
//! writes, like `boxes` and `pdfx`, and adds the print edition's identifier to the XMP
//! (`dc:identifier`, the one the EPUB's page list names as its source); never touches the disk and
//! returns `None` for a structure it does not recognise.

use super::boxes::{find, rebuild_xref};
use super::pdfx::{number_after, object_range};

/// Set the document language (catalog and XMP) to `tag` and, when given, the XMP identifier; the
/// PDF comes back unchanged when it already carries both.
pub fn set_document_lang(pdf: &[u8], tag: &str, identifier: Option<&str>) -> Option<Vec<u8>> {
    // A tag is letters, digits and hyphens (BCP 47), so it needs no escaping in a PDF string; an
    // identifier (a URN) needs none in XML.
    let plain =
        |s: &str, extra: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || extra.contains(c));
    if !plain(tag, "-") || identifier.is_some_and(|i| !plain(i, "-:.")) {
        return None;
    }
    let trailer_at = pdf.windows(8).rposition(|w| w == b"trailer\n")?;
    let root: usize = number_after(std::str::from_utf8(&pdf[trailer_at..]).ok()?, "/Root ")?;
    let catalog = object_range(pdf, root)?;
    let catalog_text = std::str::from_utf8(&pdf[catalog.clone()]).ok()?.to_string();
    let mut out = pdf.to_vec();
    let old = match find(&pdf[catalog.clone()], b"/Lang(") {
        Some(at) => {
            let lang_at = catalog.start + at + b"/Lang(".len();
            let lang_end = lang_at + find(&pdf[lang_at..catalog.end], b")")?;
            if &pdf[lang_at..lang_end] == tag.as_bytes() && identifier.is_none() {
                return Some(out);
            }
            out.splice(lang_at..lang_end, tag.bytes());
            std::str::from_utf8(&pdf[lang_at..lang_end]).ok()?.to_string()
        }
        None => {
            let at = catalog.start + find(&pdf[catalog], b"/Type/Catalog")? + b"/Type/Catalog".len();
            out.splice(at..at, format!("/Lang({tag})").bytes());
            String::new()
        }
    };
    if let Some(metadata) = number_after(&catalog_text, "/Metadata ") {
        let meta = object_range(&out, metadata)?;
        let object = std::str::from_utf8(&out[meta.clone()]).ok()?;
        out.splice(meta, xmp_with_lang(object, &old, tag, identifier)?.into_bytes());
    }
    rebuild_xref(out)
}

/// The XMP object (header line to `endobj`) with `dc:language` set to `tag` and `dc:identifier`
/// added after `dc:format`; typst writes the XMP uncompressed.
fn xmp_with_lang(object: &str, old: &str, tag: &str, identifier: Option<&str>) -> Option<String> {
    let dict_end = object.find(">>\nstream\n")?;
    if object[..dict_end].contains("/Filter") {
        return None;
    }
    let start = object.find("stream\n")? + "stream\n".len();
    let end = object.rfind("\nendstream")?;
    let was = format!("<dc:language><rdf:Bag><rdf:li>{old}</rdf:li>");
    let mut xmp = object[start..end].replace(&was, &format!("<dc:language><rdf:Bag><rdf:li>{tag}</rdf:li>"));
    if let Some(id) = identifier.filter(|_| !xmp.contains("<dc:identifier>")) {
        let at = xmp.find("</rdf:Description>")?;
        xmp.insert_str(at, &format!("<dc:identifier>{id}</dc:identifier>"));
    }
    let dict = object[..dict_end].to_string();
    let length_at = dict.find("/Length ")? + "/Length ".len();
    let digits = dict[length_at..].chars().take_while(char::is_ascii_digit).count();
    let dict = format!("{}{}{}", &dict[..length_at], xmp.len(), &dict[length_at + digits..]);
    Some(format!("{dict}>>\nstream\n{xmp}\nendstream\nendobj"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal PDF in the shape typst writes: catalog with /Lang and /Metadata, an XMP stream.
    fn pdf(lang: &str) -> Vec<u8> {
        let xmp = format!(
            "<x><rdf:Description><dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language></rdf:Description></x>"
        );
        let body = format!(
            "%PDF-1.7\n1 0 obj\n<</Length {}/Type/Metadata/Subtype/XML>>\nstream\n{xmp}\nendstream\nendobj\n\
             2 0 obj\n<</Type/Catalog/Metadata 1 0 R/Lang({lang})>>\nendobj\n",
            xmp.len()
        );
        let xref = body.len();
        let text = format!(
            "{body}xref\n0 3\n0000000000 65535 f \n0000000009 00000 n \n0000000000 00000 n \n\
             trailer\n<</Size 3/Root 2 0 R>>\nstartxref\n{xref}\n%%EOF"
        );
        rebuild_xref(text.into_bytes()).unwrap()
    }

    #[test]
    fn the_script_subtag_reaches_the_catalog_and_the_xmp() {
        let out = set_document_lang(&pdf("sr"), "sr-Latn", None).unwrap();
        let text = String::from_utf8(out.clone()).unwrap();
        assert!(text.contains("/Lang(sr-Latn)"), "{text}");
        assert!(text.contains("<rdf:li>sr-Latn</rdf:li>"));
        assert_eq!(out, pdf("sr-Latn"), "lengths and offsets as if written so");
    }

    #[test]
    fn a_pdf_already_in_its_language_is_unchanged_and_a_bad_tag_is_refused() {
        assert_eq!(set_document_lang(&pdf("de-AT"), "de-AT", None).unwrap(), pdf("de-AT"));
        assert!(set_document_lang(&pdf("sr"), "sr)(x", None).is_none());
        assert!(set_document_lang(b"%PDF-1.7\n", "sr-Latn", None).is_none());
        assert!(set_document_lang(&pdf("sr"), "sr", Some("a<b")).is_none());
    }

    #[test]
    fn the_identifier_goes_into_the_xmp_once() {
        let id = "urn:uuid:0f1e2d3c-4b5a-5968-8776-655443322110";
        let out = set_document_lang(&pdf("en"), "en", Some(id)).unwrap();
        let text = String::from_utf8(out.clone()).unwrap();
        assert!(text.contains(&format!("<dc:identifier>{id}</dc:identifier></rdf:Description>")), "{text}");
        assert_eq!(set_document_lang(&out, "en", Some(id)).unwrap(), out);
    }
}
