//! The document: the owned model every format reads (`model`), its walkers (`walk`), the print
//! edition's pagination as the model sees it (`pages`), and the passes
//! that enrich an edition's model before any format sees it (`passes`). Knows nothing of comrak,
//! typst or the disk.

pub mod model;
pub mod pages;
pub mod passes;
pub mod roles;
pub mod walk;
