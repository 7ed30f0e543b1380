//! The document: the owned model every format reads (`model`), its walkers (`walk`), and the passes
//! that enrich an edition's model before any format sees it (`passes`). Knows nothing of comrak,
//! typst or the disk.

pub mod model;
pub mod passes;
pub mod roles;
pub mod walk;
