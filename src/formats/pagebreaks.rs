//! The print edition's page breaks in the EPUB's and the web edition's markup: what a marker is
//! (`marker`), and where each of a chapter's markers goes as its runs are written (`Cursor`, which
//! counts runs in `document::pages::runs` order). Never touches the disk.

use crate::document::pages::{Marker, TextPosition};
use crate::formats::escape::xml;

/// Return a page break marker: empty, so it shows nothing, with the page's number as its name.
/// On the web `doc-pagebreak` has its base role `separator` as a fallback, for browsers that do
/// not know the DPUB roles.
pub fn marker(epub: bool, m: &Marker) -> String {
    let (epub_type, role) =
        if epub { (" epub:type=\"pagebreak\"", "doc-pagebreak") } else { ("", "doc-pagebreak separator") };
    format!(
        "<span{epub_type} role=\"{role}\" id=\"{}\" aria-label=\"{label}\" title=\"{label}\" class=\"pagebreak\"></span>",
        xml(&m.id),
        label = xml(&m.label)
    )
}

/// Where a chapter's markers go while its runs are written in order.
#[derive(Debug, Default)]
pub struct Cursor<'a> {
    markers: &'a [(TextPosition, Marker)],
    next: usize,
    run: usize,
    epub: bool,
    paused: bool,
}

impl<'a> Cursor<'a> {
    /// Start before the first run with `markers` (sorted by position), for the EPUB or the web.
    pub fn new(markers: &'a [(TextPosition, Marker)], epub: bool) -> Self {
        Self { markers, epub, ..Self::default() }
    }

    /// Stop or resume counting: footnotes are no runs, and no marker goes into one.
    pub fn pause(&mut self, paused: bool) {
        self.paused = paused;
    }

    /// Take the markers of pages that begin where the next block does (or earlier), as markup.
    pub fn at_block(&mut self) -> String {
        let mut out = String::new();
        while let Some((p, m)) = self.markers.get(self.next)
            && !self.paused
            && (p.run < self.run || (p.run == self.run && p.offset == 0))
        {
            out.push_str(&marker(self.epub, m));
            self.next += 1;
        }
        out
    }

    /// Count the next run (`text` its characters, empty for an image) and return the markers that
    /// fall in it: where they go (a byte offset of `text`) and their markup.
    pub fn run(&mut self, text: &str) -> Vec<(usize, String)> {
        if self.paused {
            return Vec::new();
        }
        let mut cuts = Vec::new();
        while let Some((p, m)) = self.markers.get(self.next)
            && p.run <= self.run
        {
            let at =
                if p.run < self.run { 0 } else { text.char_indices().nth(p.offset).map_or(text.len(), |(b, _)| b) };
            let at = at.max(cuts.last().map_or(0, |(a, _)| *a));
            cuts.push((at, marker(self.epub, m)));
            self.next += 1;
        }
        self.run += 1;
        cuts
    }

    /// Take the markers not placed yet (a page that begins in a note still marks its page).
    pub fn rest(&mut self) -> String {
        let rest: String =
            self.markers[self.next.min(self.markers.len())..].iter().map(|(_, m)| marker(self.epub, m)).collect();
        self.next = self.markers.len();
        rest
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(run: usize, offset: usize, label: &str) -> (TextPosition, Marker) {
        (TextPosition { chapter: 0, run, offset }, Marker { label: label.into(), id: format!("page-{label}") })
    }

    #[test]
    fn markers_go_before_blocks_and_inside_runs_in_order() {
        let markers = [at(0, 0, "3"), at(1, 4, "4"), at(3, 0, "5")];
        let mut c = Cursor::new(&markers, true);
        assert!(c.at_block().contains("id=\"page-3\""));
        assert!(c.run("Title").is_empty());
        assert_eq!(c.at_block(), "");
        let cuts = c.run("Some words");
        assert_eq!(cuts.len(), 1);
        assert_eq!(cuts[0].0, 4);
        assert!(
            cuts[0].1.starts_with("<span epub:type=\"pagebreak\" role=\"doc-pagebreak\" id=\"page-4\""),
            "{cuts:?}"
        );
        c.pause(true);
        assert!(c.run("a note").is_empty());
        c.pause(false);
        assert!(c.run("more").is_empty());
        assert!(c.rest().contains("id=\"page-5\""));
    }

    #[test]
    fn web_markers_have_the_fallback_role_and_no_epub_type() {
        let (_, m) = at(0, 0, "ii");
        assert_eq!(
            marker(false, &m),
            "<span role=\"doc-pagebreak separator\" id=\"page-ii\" aria-label=\"ii\" title=\"ii\" class=\"pagebreak\"></span>"
        );
    }
}
