//! Citations asked alike: where a style renders a citation the same wherever it stands (no note
//! style, no `position` test: `Bibliography::positional`), each distinct question goes to hayagriva
//! once, in the order first asked (so citation numbers and disambiguation meet the works as they
//! come), and its answer serves every request that asked it. Pure: never talks to hayagriva.

use std::collections::HashMap;

/// The questions of one run of hayagriva's driver, and which one answers each request.
pub(super) struct Asked {
    /// Off: every request is its own question (a style whose citations depend on the ones before).
    on: bool,
    first: HashMap<String, usize>,
    /// When on, per request in order: the index of the question (of those put to hayagriva)
    /// answering it.
    answered_by: Vec<usize>,
}

impl Asked {
    /// Start a run; `on` when citations asked alike render alike.
    pub(super) fn new(on: bool) -> Self {
        Self { on, first: HashMap::new(), answered_by: Vec::new() }
    }

    /// Note the next request, whose question `question` gives (worked out only when on); true when
    /// hayagriva must be asked it, false when an earlier request asked the same.
    pub(super) fn is_new(&mut self, question: impl FnOnce() -> String) -> bool {
        if !self.on {
            return true;
        }
        let next = self.first.len();
        let index = *self.first.entry(question()).or_insert(next);
        self.answered_by.push(index);
        index == next
    }

    /// Every request's answer, in request order, from hayagriva's answers to the questions asked.
    pub(super) fn answers<T: Clone>(&self, answers: Vec<T>) -> Vec<T> {
        if !self.on {
            return answers;
        }
        self.answered_by.iter().map(|&i| answers[i].clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::library::{Bibliography, DIR, load};
    use super::super::resolve::resolve;
    use crate::document::model::Edition;

    const WORKS: &str = "\
smith2020a:\n  type: article\n  title: First Findings\n  author: Smith, Jane\n  date: 2020\n  parent:\n    type: periodical\n    title: Journal of Tests\n\
smith2020b:\n  type: article\n  title: Second Findings\n  author: Smith, Jane\n  date: 2020\n  parent:\n    type: periodical\n    title: Journal of Tests\n\
lee2019:\n  type: book\n  title: A Book of Patterns\n  author: Lee, Min\n  date: 2019\n  publisher: Example Press\n";

    const TEXT: &str = "# T\n\nFirst [@smith2020b, p. 4]. Then [@lee2019; @smith2020a].\n\n\
        Again [@smith2020b, p. 4], and [@smith2020b, p. 9], @lee2019 says.[^n]\n\n\
        Once more [see @smith2020a, 12; @lee2019].\n\n[^n]: As in [@smith2020b, p. 4].\n";

    fn bibliography(style: &str) -> Bibliography {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(DIR)).unwrap();
        std::fs::write(dir.path().join(DIR).join("works.yaml"), WORKS).unwrap();
        load(dir.path(), Some(style), &[]).unwrap().unwrap()
    }

    fn resolved(bib: &Bibliography) -> String {
        let (chapter, _) = crate::markdown::parse(Path::new("."), Path::new("chapters/en/01-t.md"), TEXT, "en");
        let mut e = Edition { lang: "en".into(), chapters: vec![chapter.unwrap()], ..Edition::default() };
        let diags = resolve(&mut e, Some(bib));
        assert!(diags.is_empty(), "{diags:?}");
        format!("{:?}", e.chapters)
    }

    #[test]
    fn citations_asked_alike_render_as_they_would_one_by_one() {
        for style in ["chicago-author-date", "apa", "ieee", "harvard-cite-them-right"] {
            let mut bib = bibliography(style);
            if bib.positional {
                continue;
            }
            let once = resolved(&bib);
            bib.positional = true;
            assert_eq!(once, resolved(&bib), "{style}: asking each citation once changed what it renders");
        }
    }

    #[test]
    fn a_style_that_tests_positions_or_sets_notes_renders_every_citation() {
        assert!(bibliography("chicago-notes").positional, "a note style");
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/citeproc");
        let with_positions = load(&dir, Some("chicago-author-date.csl"), &[]).unwrap().unwrap();
        assert!(with_positions.positional, "an author-date style testing `position`");
        assert!(!bibliography("ieee").positional, "ieee tests no position");
    }

    #[test]
    fn a_repeated_question_is_answered_by_the_first_asking() {
        use super::Asked;
        let mut asked = Asked::new(true);
        let news: Vec<bool> = ["a", "b", "a", "c", "b"].iter().map(|q| asked.is_new(|| q.to_string())).collect();
        assert_eq!(news, [true, true, false, true, false]);
        assert_eq!(asked.answers(vec!["A", "B", "C"]), ["A", "B", "A", "C", "B"]);
        let mut off = Asked::new(false);
        assert!(["a", "a"].iter().all(|q| off.is_new(|| q.to_string())));
        assert_eq!(off.answers(vec!["A1", "A2"]), ["A1", "A2"]);
    }
}
