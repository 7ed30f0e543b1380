//! The left-to-right runs inside right-to-left text that the Unicode bidi algorithm alone sets
//! wrongly, so the formats can isolate them: a Latin word or phrase whose trailing punctuation is
//! its own (`e.V.`, `C++`, `"… us!"`) would see that punctuation jump to the run's far end, and the
//! groups of a phone number (`+49 30 269935`) would come out in reverse order. Part of the language
//! table of `lang.rs`; pure text, no rendering.

use std::ops::Range;

fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic() || (c.is_alphabetic() && (c as u32) < 0x0370) || ('\u{1E00}'..='\u{1EFF}').contains(&c)
}

fn is_rtl_letter(c: char) -> bool {
    c.is_alphabetic() && matches!(c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF)
}

/// A word with Latin letters and none of a right-to-left script, or a phone number's `+49`.
fn is_ltr_word(word: &str) -> bool {
    let latin = word.chars().any(is_latin) && !word.chars().any(is_rtl_letter);
    let phone = word.strip_prefix('+').is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()));
    latin || phone
}

/// Digits (with their separators) that continue a run: `Report 2022`, `+49 30 269935`.
fn is_number(word: &str) -> bool {
    word.starts_with(|c: char| c.is_ascii_digit()) && word.chars().all(|c| c.is_ascii_digit() || ".,-/–".contains(c))
}

/// `e.V.`, `U.S.`, `i.e.`: letters and dots, whose final dot is the word's.
fn is_dotted_abbreviation(word: &str) -> bool {
    let parts: Vec<&str> = word.split('.').collect();
    parts.len() >= 3
        && parts.last() == Some(&"")
        && parts[..parts.len() - 1].iter().all(|p| (1..=2).contains(&p.chars().count()) && p.chars().all(is_latin))
}

/// Trim what belongs to the surrounding sentence from the end of a run: a bracket closing one
/// opened outside it, and the sentence's own punctuation (kept for a dotted abbreviation).
fn trim_end(run: &str) -> usize {
    let mut end = run.len();
    loop {
        let text = &run[..end];
        let Some(last) = text.chars().next_back() else { return 0 };
        let opened = text.matches(['(', '[']).count();
        let closed = text.matches([')', ']']).count();
        let strip = match last {
            ')' | ']' => closed > opened,
            '.' => !is_dotted_abbreviation(text.rsplit(' ').next().unwrap_or(text)),
            ',' | ';' | ':' | '،' | '؛' => true,
            // `!` and `?` are the run's own when a quotation it opened closes after them.
            '!' | '?' => text.matches('"').count().is_multiple_of(2),
            '"' => text.matches('"').count() % 2 == 1,
            _ => false,
        };
        if !strip {
            return end;
        }
        end -= last.len_utf8();
    }
}

/// Trim a bracket or quotation mark opened before the run and closed outside it from its start.
fn trim_start(run: &str) -> usize {
    let mut start = 0;
    while let Some(first) = run[start..].chars().next() {
        let rest = &run[start..];
        let strip = match first {
            '(' | '[' => rest.matches(['(', '[']).count() > rest.matches([')', ']']).count(),
            '"' => rest.matches('"').count() % 2 == 1,
            _ => false,
        };
        if !strip {
            break;
        }
        start += first.len_utf8();
    }
    start
}

/// The byte ranges of `text` to isolate left to right when it is set in a right-to-left language:
/// maximal runs of Latin words (and the numbers after them), each with the punctuation that is
/// its own and only runs the bidi algorithm would get wrong (with a neutral character at an end,
/// or several number groups).
pub fn ltr_runs(text: &str) -> Vec<Range<usize>> {
    let mut runs = Vec::new();
    let mut words = text.split(' ').scan(0usize, |at, w| {
        let start = *at;
        *at += w.len() + 1;
        Some((start, w))
    });
    let mut current: Option<(usize, usize, usize)> = None; // start, end, words
    let close = |run: Option<(usize, usize, usize)>, runs: &mut Vec<Range<usize>>| {
        let Some((start, end, count)) = run else { return };
        let whole = &text[start..end];
        let from = start + trim_start(whole);
        let to = start + trim_end(whole);
        if from >= to {
            return;
        }
        let inner = &text[from..to];
        let first = inner.chars().next();
        let last = inner.chars().next_back();
        // Brackets paired inside the run take its direction (bidi rule N0).
        let paired = inner.matches(['(', '[']).count() == inner.matches([')', ']']).count();
        let strong =
            |c: Option<char>| c.is_some_and(|c| is_latin(c) || c.is_ascii_digit() || (paired && "()[]".contains(c)));
        // A run with a letter at both ends is set right by the algorithm, unless it holds several
        // number groups (their order would flip) or quotes.
        let neutral_end = !strong(first) || !strong(last);
        let numbers = count > 1 && inner.split(' ').filter(|w| is_number(w) || w.starts_with('+')).count() > 1;
        if neutral_end || numbers {
            runs.push(from..to);
        }
    };
    for (start, word) in words.by_ref() {
        let joins = is_ltr_word(word) || (current.is_some() && is_number(word.trim_end_matches(['.', ',', '،'])));
        if joins && !word.is_empty() {
            current = Some(match current {
                Some((s, _, n)) => (s, start + word.len(), n + 1),
                None => (start, start + word.len(), 1),
            });
        } else {
            close(current.take(), &mut runs);
        }
    }
    close(current.take(), &mut runs);
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn isolated(text: &str) -> Vec<&str> {
        ltr_runs(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn punctuation_that_belongs_to_a_latin_run_is_isolated_with_it() {
        assert_eq!(isolated("تأسست Friedrich-Ebert-Stiftung e.V. عام 1925."), ["Friedrich-Ebert-Stiftung e.V."]);
        assert_eq!(isolated("بلغة C++ في المشروع"), ["C++"]);
        assert_eq!(isolated("قال \"Nothing about us without us!\" في المنتدى"), ["\"Nothing about us without us!\""]);
    }

    #[test]
    fn phone_numbers_keep_their_group_order() {
        assert_eq!(isolated("اتصل على الرقم +49 30 269935 في برلين."), ["+49 30 269935"]);
        assert!(isolated("عام 2022 في 20 بلدًا").is_empty(), "numbers alone are set right");
    }

    #[test]
    fn the_sentence_keeps_its_own_brackets_and_punctuation() {
        // The bidi algorithm already sets these right: nothing to isolate.
        assert!(isolated("منتدى استعراض الهجرة الدولية (IMRF) الأول").is_empty());
        assert!(isolated("(مركز التضامن - Solidarity Center) وكارول").is_empty());
        assert!(isolated("ومقرها Bonn (Germany).").is_empty());
        assert!(isolated("الموقع www.spotlightreportmigration.org.").is_empty());
        assert!(isolated("مع info@spotlight.org، أو").is_empty());
        assert!(isolated("עברית בלבד, ללא לטינית.").is_empty());
    }
}
