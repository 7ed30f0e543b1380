//! The numbered parts of the model: captions of figures and tables, and the kinds of thing a
//! cross-reference (`@fig:map`, `@tbl:costs`, `@sec:method`) points to. Plain data: the numbers and
//! labels are filled in by `document::passes::crossrefs`, never by a renderer.

use super::{Inline, Span};

/// The caption of a figure or a table, with its cross-reference id and number.
#[derive(Debug, Clone, PartialEq)]
pub struct Caption {
    /// Where the caption (or the figure it belongs to) is written.
    pub span: Span,
    /// The id written as `{#fig:map}` or `{#tbl:costs}`, if any.
    pub id: Option<String>,
    /// One-based number within the edition (0 until numbered).
    pub number: usize,
    /// The number as the edition's language writes it, e.g. `Figure 2` (empty until numbered).
    pub label: String,
    /// The caption text (may be empty: the label alone).
    pub content: Vec<Inline>,
}

/// What a cross-reference points to, told by the prefix of its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefKind {
    /// A numbered figure (`fig:`).
    Figure,
    /// A numbered table (`tbl:`).
    Table,
    /// A section or chapter (`sec:`).
    Section,
}

impl RefKind {
    /// Every kind, in the order error hints list them.
    pub const ALL: [RefKind; 3] = [RefKind::Figure, RefKind::Table, RefKind::Section];

    /// Return the id prefix of the kind, e.g. `fig:`.
    pub fn prefix(self) -> &'static str {
        match self {
            RefKind::Figure => "fig:",
            RefKind::Table => "tbl:",
            RefKind::Section => "sec:",
        }
    }

    /// Find the kind of a cross-reference id (`fig:map`): a known prefix followed by a name.
    pub fn of(id: &str) -> Option<RefKind> {
        RefKind::ALL.into_iter().find(|k| id.strip_prefix(k.prefix()).is_some_and(|rest| !rest.is_empty()))
    }

    /// Return the key of the label numbered things of this kind are called by (`figure`).
    pub fn label_key(self) -> Option<&'static str> {
        match self {
            RefKind::Figure => Some("figure"),
            RefKind::Table => Some("table"),
            RefKind::Section => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_is_told_by_the_id_prefix() {
        assert_eq!(RefKind::of("fig:map"), Some(RefKind::Figure));
        assert_eq!(RefKind::of("tbl:costs"), Some(RefKind::Table));
        assert_eq!(RefKind::of("sec:method"), Some(RefKind::Section));
        assert_eq!(RefKind::of("fig:"), None);
        assert_eq!(RefKind::of("smith2020"), None);
        assert_eq!(RefKind::of("figure:x"), None);
    }
}
