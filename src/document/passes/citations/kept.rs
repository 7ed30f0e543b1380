//! Resolved citations kept between the builds of one process (`watch`): hayagriva's answer to an
//! edition's requests, reused only when the same requests (keys, locators, forms, notes, in
//! order, written out whole) are asked of the same bibliography and style again. Off unless
//! `keep_resolved` was called, so a one-shot build keeps nothing.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use hayagriva::Rendered;

/// Whether answers are kept (`keep_resolved`).
static KEEP: AtomicBool = AtomicBool::new(false);

/// The last answers: the bibliography's identity, what was asked, and hayagriva's answer.
static KEPT: Mutex<Vec<(u64, String, Rendered)>> = Mutex::new(Vec::new());

/// How many answers are kept (a few editions' worth, each resolved once or twice).
const KEPT_MAX: usize = 16;

/// Keep resolved citations between the builds of this process (for `watch`): an edition whose
/// citations are what they were takes hayagriva's earlier answer instead of asking again.
pub fn keep_resolved() {
    KEEP.store(true, Ordering::SeqCst);
}

/// Whether answers are kept in this process.
pub(super) fn keeping() -> bool {
    KEEP.load(Ordering::SeqCst)
}

/// The answer kept for exactly this question, if any.
pub(super) fn find(identity: u64, asked: &str) -> Option<Rendered> {
    let kept = KEPT.lock().expect("no thread panics while holding the kept citations");
    kept.iter().find(|(id, a, _)| *id == identity && a == asked).map(|(_, _, r)| r.clone())
}

/// Keep an answer (the oldest one goes when there are enough).
pub(super) fn keep(identity: u64, asked: String, rendered: &Rendered) {
    let mut kept = KEPT.lock().expect("no thread panics while holding the kept citations");
    if kept.len() >= KEPT_MAX {
        kept.remove(0);
    }
    kept.push((identity, asked, rendered.clone()));
}
