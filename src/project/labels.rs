//! The labels of generated parts (contents, notes, landmarks, credits, the accessibility summary)
//! per language: the shipped label files under `labels/`, one per language, and the resolution of
//! an edition's labels from its `edition.yaml`, the shipped files and English. Reads no disk: the
//! shipped files are compiled in.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use crate::diag::{Code, Diagnostic};
use crate::project::config;

/// The shipped label files by language tag, English (the reference key set) first.
pub const SHIPPED: &[(&str, &str)] = &[
    ("en", include_str!("labels/en.yaml")),
    ("fr", include_str!("labels/fr.yaml")),
    ("es", include_str!("labels/es.yaml")),
    ("de", include_str!("labels/de.yaml")),
    ("ar", include_str!("labels/ar.yaml")),
    ("he", include_str!("labels/he.yaml")),
    ("zh", include_str!("labels/zh.yaml")),
    ("zh-Hant", include_str!("labels/zh-Hant.yaml")),
    ("ja", include_str!("labels/ja.yaml")),
    ("ru", include_str!("labels/ru.yaml")),
    ("pt", include_str!("labels/pt.yaml")),
    ("ko", include_str!("labels/ko.yaml")),
];

type Labels = BTreeMap<String, String>;

/// The shipped label files, parsed once.
fn shipped() -> &'static [(&'static str, Labels)] {
    static PARSED: OnceLock<Vec<(&'static str, Labels)>> = OnceLock::new();
    PARSED.get_or_init(|| {
        SHIPPED
            .iter()
            .map(|(lang, text)| {
                let file = format!("labels/{lang}.yaml");
                let labels = config::labels_from_yaml(text, Path::new(&file))
                    .expect("the shipped label files parse (a unit test reads every one)");
                (*lang, labels)
            })
            .collect()
    })
}

fn shipped_for(lang: &str) -> Option<&'static Labels> {
    shipped().iter().find(|(code, _)| code.eq_ignore_ascii_case(lang)).map(|(_, labels)| labels)
}

/// Return the English labels: every key an edition has, with its English text.
pub fn english() -> &'static BTreeMap<String, String> {
    shipped_for("en").expect("English labels are shipped")
}

/// Return whether `key` is a label key.
pub fn is_key(key: &str) -> bool {
    english().contains_key(key)
}

/// Resolve every label of an edition in `lang`: `edition.yaml`'s `strings` first, then the shipped
/// labels of the full tag, then of its primary language (`de` for `de-AT`; Traditional Chinese for
/// `zh-TW` and `zh-Hant`), then English, with a
/// warning naming each key that falls back to English.
pub fn resolve(lang: &str, overrides: &Labels, config_file: &Path) -> (Labels, Vec<Diagnostic>) {
    let full = shipped_for(lang);
    // Traditional Chinese (`zh-TW`, `zh-Hant-HK`, ...) takes the Traditional labels, not `zh`'s.
    let traditional = crate::lang::script_of(lang).is_some_and(|s| s.name == "chinese-traditional");
    let primary = shipped_for(if traditional { "zh-Hant" } else { crate::lang::primary(lang) });
    let mut labels = Labels::new();
    let mut warnings = Vec::new();
    for (key, english) in english() {
        let found =
            overrides.get(key).or_else(|| full.and_then(|l| l.get(key))).or_else(|| primary.and_then(|l| l.get(key)));
        let text = match found {
            Some(text) => text.clone(),
            None => {
                warnings.push(
                    Diagnostic::warning(format!("label `{key}` has no `{lang}` text; the English one is used"))
                        .in_file(config_file)
                        .with_hint(format!(
                            "add `{key}: {}` under `strings:` in {}, translated",
                            yaml_scalar(english),
                            config_file.display()
                        ))
                        .code(Code::Translation),
                );
                english.clone()
            }
        };
        labels.insert(key.clone(), text);
    }
    (labels, warnings)
}

/// Quote a label for a YAML example when it holds characters YAML would read otherwise.
fn yaml_scalar(text: &str) -> String {
    if text.is_empty() || text.contains(['{', ':', '#', '"']) {
        format!("\"{}\"", text.replace('"', "\\\""))
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholders(text: &str) -> Vec<&str> {
        let mut out: Vec<&str> =
            text.match_indices('{').filter_map(|(i, _)| text[i..].find('}').map(|j| &text[i..i + j + 1])).collect();
        out.sort();
        out
    }

    #[test]
    fn every_shipped_file_has_the_english_keys_and_placeholders() {
        let english = english();
        assert!(english.len() > 30, "{english:?}");
        for (lang, text) in SHIPPED {
            let labels = config::labels_from_yaml(text, Path::new(lang)).unwrap();
            let keys: Vec<&String> = labels.keys().collect();
            let want: Vec<&String> = english.keys().collect();
            assert_eq!(keys, want, "{lang}.yaml keys");
            for (key, en) in english {
                let mut theirs = placeholders(&labels[key]);
                theirs.dedup();
                let mut ours = placeholders(en);
                ours.dedup();
                assert_eq!(theirs, ours, "{lang}.yaml `{key}` placeholders");
            }
            // A language's name (`language-zh`) serves its regional and script variants too.
            for (code, _) in SHIPPED.iter().filter(|(code, _)| !code.contains('-')) {
                assert!(labels.contains_key(&format!("language-{code}")), "{lang}.yaml names {code}");
            }
        }
    }

    #[test]
    fn translations_differ_from_english_where_it_matters() {
        for (lang, labels) in shipped().iter().filter(|(l, _)| *l != "en") {
            for key in ["contents", "cover", "landmarks", "title-page", "accessibility-summary"] {
                assert_ne!(labels[key], english()[key], "{lang} `{key}`");
            }
        }
    }

    #[test]
    fn traditional_chinese_editions_take_the_traditional_labels() {
        for tag in ["zh-Hant", "zh-TW", "zh-Hant-HK"] {
            let (labels, warnings) = resolve(tag, &Labels::new(), Path::new("e.yaml"));
            assert_eq!(labels["contents"], "目錄", "{tag}");
            assert!(warnings.is_empty(), "{tag}: {warnings:?}");
        }
        assert_eq!(resolve("zh-CN", &Labels::new(), Path::new("e.yaml")).0["contents"], "目录");
    }

    #[test]
    fn overrides_win_then_the_full_tag_then_the_primary_language() {
        let over: Labels = [("contents".to_string(), "Inhaltsverzeichnis".to_string())].into();
        let (labels, warnings) = resolve("de-AT", &over, Path::new("chapters/de-AT/edition.yaml"));
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(labels["contents"], "Inhaltsverzeichnis");
        assert_eq!(labels["cover"], "Umschlag");
        assert_eq!(labels.len(), english().len());
    }

    #[test]
    fn a_language_without_labels_warns_per_key_naming_it() {
        let over: Labels = [("contents".to_string(), "Indice".to_string())].into();
        let (labels, warnings) = resolve("it", &over, Path::new("chapters/it/edition.yaml"));
        assert_eq!(labels["contents"], "Indice");
        assert_eq!(labels["cover"], "Cover");
        assert_eq!(warnings.len(), english().len() - 1);
        let cover = warnings.iter().find(|w| w.message.contains("`cover`")).unwrap();
        assert_eq!(cover.message, "label `cover` has no `it` text; the English one is used");
        assert_eq!(cover.file.as_deref(), Some(Path::new("chapters/it/edition.yaml")));
        assert_eq!(
            cover.hint.as_deref(),
            Some("add `cover: Cover` under `strings:` in chapters/it/edition.yaml, translated")
        );
    }

    #[test]
    fn translation_credit_names_the_source_language_and_the_translator() {
        let strings = [("translation-credit", "Aus {source} von {translator}."), ("language-fr", "Französisch")];
        let mut edition = crate::document::model::Edition {
            strings: strings.map(|(k, v)| (k.into(), v.into())).into(),
            ..crate::document::model::Edition::default()
        };
        assert_eq!(edition.translation_credit(), None);
        edition.translation = Some(crate::document::model::Translation {
            of: "fr-CA".into(),
            status: "draft".into(),
            translator: Some("Ada".into()),
        });
        assert_eq!(edition.translation_credit().as_deref(), Some("Aus Französisch von Ada."));
        edition.translation.as_mut().unwrap().of = "sw".into();
        assert_eq!(edition.translation_credit().as_deref(), Some("Aus sw von Ada."));
    }
}
