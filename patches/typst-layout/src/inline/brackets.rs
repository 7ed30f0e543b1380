//! Spotlight patch (not in typst-layout 0.15.1): brackets around a left-to-right run in a
//! right-to-left line, handed to the run's text so PDF text extraction keeps them in place.
//!
//! In `الدولي (IMRF) الأول` the brackets resolve to the right-to-left level (UBA rule N0) and
//! are shaped with the Arabic words beside them, while `IMRF` is a left-to-right run between.
//! poppler's own bidi reverses every right-to-left section of a line up to a strong
//! left-to-right character, so the bracket right of the Latin run always joined the Arabic word
//! (`الدولي ( )IMRF`). Here the run's first text item takes the opening bracket before it,
//! its last one the closing bracket after it and a LEFT-TO-RIGHT MARK (each bracket on its
//! own: `(… ICMC)` has only the closing one beside its Latin run); the bracket glyphs keep
//! their place but get an empty text range. krilla writes a glyph with an empty range under an empty `ActualText`
//! and a run whose text its glyphs do not cover under one `ActualText` with the whole text
//! (`(IMRF)` + U+200E). Drawing is unchanged: only text ranges and texts move.

use typst_library::layout::{Dir, Frame, FrameItem};
use typst_library::text::TextItem;

/// What a frame of a line holds, for finding a bracketed left-to-right run.
#[derive(Debug, Copy, Clone, Eq, PartialEq)]
pub enum Run {
    /// Shaped text in this direction.
    Text(Dir),
    /// An introspection tag: no text, no width.
    Tag,
    /// Anything else (a box, spacing with a frame).
    Other,
}

/// The left-to-right mark appended after the closing bracket.
const LRM: char = '\u{200E}';

/// Hand the brackets beside each left-to-right run of a right-to-left line to the run.
pub fn carry_brackets(frames: &mut [(&mut Frame, Run)]) {
    let mut i = 0;
    while let Some(first) =
        (i..frames.len()).find(|&k| frames[k].1 == Run::Text(Dir::LTR))
    {
        let mut last = first;
        while let Some(k) = next_text(frames, last + 1)
            && frames[k].1 == Run::Text(Dir::LTR)
        {
            last = k;
        }
        let before = (0..first).rev().find(|&k| frames[k].1 != Run::Tag);
        if let Some(b) = before
            && frames[b].1 == Run::Text(Dir::RTL)
            && let Some(open) =
                last_char(frames[b].0).filter(|c| matches!(c, '(' | '[' | '{'))
            && ends_cleanly(frames[b].0, open)
        {
            edit(frames[b].0, true, |t| drop_last(t, open));
            edit(frames[first].0, false, |t| prepend(t, open));
        }
        if let Some(a) = next_text(frames, last + 1)
            && frames[a].1 == Run::Text(Dir::RTL)
            && let Some(close) =
                first_char(frames[a].0).filter(|c| matches!(c, ')' | ']' | '}'))
            && starts_cleanly(frames[a].0, close)
        {
            edit(frames[a].0, false, |t| drop_first(t, close));
            edit(frames[last].0, true, |t| {
                let mut text = t.text.to_string();
                text.push(close);
                text.push(LRM);
                t.text = text.into();
            });
        }
        i = last + 1;
    }
}

/// The index of the next frame from `from` on that is not a tag.
fn next_text(frames: &[(&mut Frame, Run)], from: usize) -> Option<usize> {
    (from..frames.len()).find(|&k| frames[k].1 != Run::Tag)
}

/// The text items of a shaped frame (flat: text, decorations, links), in frame order.
fn texts(frame: &Frame) -> impl Iterator<Item = &TextItem> {
    frame.items().filter_map(|(_, item)| match item {
        FrameItem::Text(t) => Some(t),
        _ => None,
    })
}

/// The last character of the frame's last text item (logical order: the groups of a
/// right-to-left run are already in logical order in the frame).
fn last_char(frame: &Frame) -> Option<char> {
    texts(frame).last()?.text.chars().last()
}

/// The first character of the frame's first text item.
fn first_char(frame: &Frame) -> Option<char> {
    texts(frame).next()?.text.chars().next()
}

/// Whether the last text item ends in `open` and no glyph spans it and the text before it.
fn ends_cleanly(frame: &Frame, open: char) -> bool {
    let Some(t) = texts(frame).last() else { return false };
    let cut = t.text.len() - open.len_utf8();
    t.glyphs.iter().all(|g| {
        let (s, e) = (usize::from(g.range.start), usize::from(g.range.end));
        e <= cut || s >= cut
    })
}

/// Whether the first text item starts with `close` and no glyph spans it and the text after.
fn starts_cleanly(frame: &Frame, close: char) -> bool {
    let Some(t) = texts(frame).next() else { return false };
    let cut = close.len_utf8();
    t.glyphs.iter().all(|g| {
        let (s, e) = (usize::from(g.range.start), usize::from(g.range.end));
        e <= cut || s >= cut
    })
}

/// Apply `f` to the frame's last (or first) text item.
fn edit(frame: &mut Frame, last: bool, f: impl FnOnce(&mut TextItem)) {
    let count = texts(frame).count();
    let Some(target) = (if last { count.checked_sub(1) } else { Some(0) }) else {
        return;
    };
    let mut f = Some(f);
    let mut k = 0;
    frame.retain(|item| {
        if let FrameItem::Text(t) = item {
            if k == target
                && let Some(f) = f.take()
            {
                f(t);
            }
            k += 1;
        }
        true
    });
}

/// Take the trailing `open` out of the item's text; its glyph keeps an empty range.
fn drop_last(t: &mut TextItem, open: char) {
    let cut = t.text.len() - open.len_utf8();
    let at = cut as u16;
    for g in &mut t.glyphs {
        if usize::from(g.range.start) >= cut {
            g.range = at..at;
        }
    }
    t.text = t.text[..cut].into();
}

/// Take the leading `close` out of the item's text; its glyph keeps an empty range.
fn drop_first(t: &mut TextItem, close: char) {
    let w = close.len_utf8() as u16;
    for g in &mut t.glyphs {
        g.range =
            if g.range.end <= w { 0..0 } else { g.range.start - w..g.range.end - w };
    }
    t.text = t.text[close.len_utf8()..].into();
}

/// Put `open` before the item's text, its glyphs' ranges moved past it.
fn prepend(t: &mut TextItem, open: char) {
    let w = open.len_utf8() as u16;
    for g in &mut t.glyphs {
        g.range = g.range.start + w..g.range.end + w;
    }
    let mut text = String::from(open);
    text.push_str(&t.text);
    t.text = text.into();
}
