//! Packaging: turning rendered sources into finished artifacts (PDF through embedded typst, EPUB
//! as a zip). Nothing here reads Markdown or writes to the output folder.

pub mod boxes;
pub mod epub;
pub mod pdf;
pub mod world;
