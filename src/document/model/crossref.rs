//! The kinds of thing a cross-reference (`@fig:map`, `@tbl:costs`, `@sec:method`) points to,
//! told by the prefix of its id. Plain data, importing nothing: the model re-exports it.

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
