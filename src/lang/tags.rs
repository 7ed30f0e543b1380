//! Whether a language tag is well-formed and registered (BCP 47), and what to write instead when it
//! is not: language names and ISO 639-2 codes people write for codes. Part of the language table of
//! `lang.rs`; pure data and checks, no rendering.

/// English and native names of languages people write instead of their code (`english` -> `en`).
const NAMES: &[(&str, &str)] = &[
    ("english", "en"),
    ("french", "fr"),
    ("francais", "fr"),
    ("français", "fr"),
    ("spanish", "es"),
    ("espanol", "es"),
    ("español", "es"),
    ("castellano", "es"),
    ("german", "de"),
    ("deutsch", "de"),
    ("arabic", "ar"),
    ("hebrew", "he"),
    ("chinese", "zh"),
    ("mandarin", "zh"),
    ("japanese", "ja"),
    ("russian", "ru"),
    ("portuguese", "pt"),
    ("portugues", "pt"),
    ("italian", "it"),
    ("italiano", "it"),
    ("dutch", "nl"),
    ("korean", "ko"),
    ("persian", "fa"),
    ("farsi", "fa"),
    ("hindi", "hi"),
    ("urdu", "ur"),
    ("turkish", "tr"),
    ("polish", "pl"),
    ("ukrainian", "uk"),
    ("swedish", "sv"),
    ("greek", "el"),
    ("thai", "th"),
    ("swahili", "sw"),
    ("catalan", "ca"),
];

/// ISO 639-2 codes (bibliographic and terminology) of languages BCP 47 writes with two letters.
const ALPHA3: &[(&str, &str)] = &[
    ("eng", "en"),
    ("fre", "fr"),
    ("fra", "fr"),
    ("spa", "es"),
    ("ger", "de"),
    ("deu", "de"),
    ("ara", "ar"),
    ("heb", "he"),
    ("chi", "zh"),
    ("zho", "zh"),
    ("jpn", "ja"),
    ("rus", "ru"),
    ("por", "pt"),
    ("ita", "it"),
    ("dut", "nl"),
    ("nld", "nl"),
    ("kor", "ko"),
    ("per", "fa"),
    ("fas", "fa"),
    ("hin", "hi"),
    ("urd", "ur"),
    ("tur", "tr"),
    ("pol", "pl"),
    ("ukr", "uk"),
    ("swe", "sv"),
    ("gre", "el"),
    ("ell", "el"),
    ("tha", "th"),
    ("swa", "sw"),
    ("cat", "ca"),
    ("yid", "yi"),
    ("nep", "ne"),
    ("mar", "mr"),
];

/// Why a language tag cannot name an edition, and what to write instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagProblem {
    /// What is wrong, naming the tag.
    pub message: String,
    /// The suggestion.
    pub hint: String,
}

/// Check that a language tag is well-formed (RFC 5646) and that its language, script and region
/// subtags are registered (IANA); a hint names the closest of the `known` codes when nothing better.
pub fn check(tag: &str, known: &[&str]) -> Result<(), TagProblem> {
    let problem = |message: String| TagProblem { message, hint: suggestion(tag, known) };
    let parsed = language_tags::LanguageTag::parse(tag)
        .map_err(|e| problem(format!("`{tag}` is not a well-formed language tag (BCP 47): {e}")))?;
    // Private-use and grandfathered tags are valid BCP 47 but name no language typst can set.
    let lower = parsed.as_str().to_ascii_lowercase();
    if lower.starts_with("x-") || lower.starts_with("i-") {
        return Err(problem(format!("`{tag}` is not a language Spotlight can set: it names no registered language")));
    }
    parsed.validate().map_err(|e| {
        use language_tags::ValidationError as V;
        problem(match e {
            V::PrimaryLanguageNotInRegistry => format!("`{tag}` is not a registered language"),
            V::ScriptNotInRegistry => {
                format!("`{tag}`: `{}` is not a registered script", parsed.script().unwrap_or_default())
            }
            V::RegionNotInRegistry => {
                format!("`{tag}`: `{}` is not a registered region", parsed.region().unwrap_or_default())
            }
            other => format!("`{tag}` is not a valid language tag (BCP 47): {other}"),
        })
    })
}

/// Suggest what to write instead of a tag that does not check: its well-formed spelling
/// (`en_us` -> `en-US`), the code of a language name or ISO 639-2 code (`english`, `ger` -> `en`,
/// `de`), or the known codes closest to it.
fn suggestion(tag: &str, known: &[&str]) -> String {
    let spelled = tag.trim().replace('_', "-");
    let (first, rest) = match spelled.split_once('-') {
        Some((first, rest)) => (first.to_lowercase(), Some(rest)),
        None => (spelled.to_lowercase(), None),
    };
    let code = NAMES.iter().chain(ALPHA3).find(|(name, _)| *name == first).map_or(first.as_str(), |(_, code)| code);
    let candidate = match rest {
        Some(rest) => format!("{code}-{rest}"),
        None => code.to_string(),
    };
    if let Ok(parsed) = language_tags::LanguageTag::parse(&candidate)
        && parsed.is_valid()
        && parsed.as_str() != tag
    {
        return format!("write `{parsed}`");
    }
    let mut near: Vec<(usize, &str)> = known.iter().map(|&k| (crate::diag::edit_distance(code, k), k)).collect();
    near.sort_by_key(|(d, _)| *d);
    let best = near.first().map_or(0, |(d, _)| *d);
    let close: Vec<&str> = near.iter().filter(|(d, _)| *d == best).take(5).map(|(_, c)| *c).collect();
    format!(
        "use an ISO 639 language code (optionally with a script or region: `zh-Hans`, `pt-BR`); the closest known codes are {}",
        close.join(", ")
    )
}
