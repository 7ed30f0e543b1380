//! Rendering: the model into Typst markup (for the PDF) and XHTML (for the EPUB). Pure functions
//! of the model; the special characters of each target are known only to `escape`.

pub mod escape;
pub mod typst;
pub mod xhtml;
